/* The in-memory dataset (dataset.h).
 *
 * Layout: cols[ind][period] points to a column of `ncap` cells (or NULL when
 * the pair has no observation). Value, flag and presence arrays are always
 * there; numerator and denominator arrays are allocated on first use, so
 * datasets without rates pay nothing for them. When areas are added after
 * columns exist, every column grows (capacity doubles, so this amortises).
 */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"
#include "util/strmap.h"

typedef struct column {
  double *value;
  double *num; /* NULL until a numerator is set */
  double *den;
  uint8_t *flag;
  uint8_t *present;
} column;

struct ampel_dataset {
  ampel_area *areas;
  size_t n_areas, cap_areas;
  ampel_indicator *inds;
  size_t n_inds, cap_inds;
  size_t cap_cols; /* capacity of cols (may differ from cap_inds) */
  ampel_period *periods;
  size_t n_periods, cap_periods;
  ampel_strmap area_map, ind_map, period_map;
  ampel_conversion *conv; /* conversion keys, in the order added */
  size_t n_conv, cap_conv;
  column ***cols; /* [cap_inds][cap_periods] */
  size_t col_cap; /* cells per column */
  size_t n_obs;
};

ampel_dataset *ampel_dataset_new(void) {
  return ampel_calloc(1, sizeof(ampel_dataset));
}

static void column_free(column *c) {
  if (!c)
    return;
  ampel_free(c->value);
  ampel_free(c->num);
  ampel_free(c->den);
  ampel_free(c->flag);
  ampel_free(c->present);
  ampel_free(c);
}

static void area_release(ampel_area *a) {
  ampel_free(a->key);
  ampel_free(a->name);
  ampel_free(a->parent);
  ampel_free(a->level);
  ampel_free(a->valid_from);
  ampel_free(a->valid_to);
}

static void indicator_release(ampel_indicator *i) {
  ampel_free(i->key);
  ampel_free(i->name);
  ampel_free(i->unit);
  ampel_free(i->domain);
  ampel_free(i->definition);
  ampel_free(i->source);
  ampel_free(i->reference_date);
  ampel_free(i->formula);
}

void ampel_dataset_free(ampel_dataset *ds) {
  if (!ds)
    return;
  for (size_t i = 0; i < ds->n_inds; i++) {
    for (size_t p = 0; p < ds->cap_periods && ds->cols[i]; p++)
      column_free(ds->cols[i][p]);
    ampel_free(ds->cols[i]);
  }
  ampel_free(ds->cols);
  for (size_t i = 0; i < ds->n_areas; i++)
    area_release(&ds->areas[i]);
  for (size_t i = 0; i < ds->n_inds; i++)
    indicator_release(&ds->inds[i]);
  for (size_t i = 0; i < ds->n_periods; i++)
    ampel_free(ds->periods[i].label);
  ampel_free(ds->areas);
  ampel_free(ds->inds);
  ampel_free(ds->periods);
  for (size_t i = 0; i < ds->n_conv; i++) {
    ampel_free(ds->conv[i].old_key);
    ampel_free(ds->conv[i].new_key);
  }
  ampel_free(ds->conv);
  ampel_strmap_release(&ds->area_map);
  ampel_strmap_release(&ds->ind_map);
  ampel_strmap_release(&ds->period_map);
  ampel_free(ds);
}

size_t ampel_dataset_n_areas(const ampel_dataset *ds) {
  return ds->n_areas;
}
size_t ampel_dataset_n_indicators(const ampel_dataset *ds) {
  return ds->n_inds;
}
size_t ampel_dataset_n_periods(const ampel_dataset *ds) {
  return ds->n_periods;
}
size_t ampel_dataset_n_observations(const ampel_dataset *ds) {
  return ds->n_obs;
}

const ampel_area *ampel_dataset_area(const ampel_dataset *ds, size_t id) {
  return id < ds->n_areas ? &ds->areas[id] : NULL;
}
const ampel_indicator *ampel_dataset_indicator(const ampel_dataset *ds,
                                               size_t id) {
  return id < ds->n_inds ? &ds->inds[id] : NULL;
}
const ampel_period *ampel_dataset_period(const ampel_dataset *ds, size_t id) {
  return id < ds->n_periods ? &ds->periods[id] : NULL;
}

long ampel_dataset_find_area(const ampel_dataset *ds, const char *key) {
  return key ? ampel_strmap_get(&ds->area_map, key, strlen(key)) : -1;
}
long ampel_dataset_find_indicator(const ampel_dataset *ds, const char *key) {
  return key ? ampel_strmap_get(&ds->ind_map, key, strlen(key)) : -1;
}
long ampel_dataset_find_area_n(const ampel_dataset *ds, const char *key,
                               size_t len) {
  return key ? ampel_strmap_get(&ds->area_map, key, len) : -1;
}
long ampel_dataset_find_indicator_n(const ampel_dataset *ds, const char *key,
                                    size_t len) {
  return key ? ampel_strmap_get(&ds->ind_map, key, len) : -1;
}
long ampel_dataset_find_period(const ampel_dataset *ds, const char *label) {
  return label ? ampel_strmap_get(&ds->period_map, label, strlen(label)) : -1;
}

/* Grows *arr (of elem bytes) so that it holds at least need elements. */
static ampel_status reserve(void **arr, size_t *cap, size_t need,
                            size_t elem) {
  if (need <= *cap)
    return AMPEL_OK;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need)
    ncap *= 2;
  void *p = ampel_reallocarray(*arr, ncap, elem);
  if (!p)
    return AMPEL_E_NOMEM;
  memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
  *arr = p;
  *cap = ncap;
  return AMPEL_OK;
}

static ampel_status grow_array_d(double **a, size_t old, size_t ncap,
                                 double fill) {
  if (!*a)
    return AMPEL_OK;
  double *p = ampel_reallocarray(*a, ncap, sizeof(double));
  if (!p)
    return AMPEL_E_NOMEM;
  for (size_t i = old; i < ncap; i++)
    p[i] = fill;
  *a = p;
  return AMPEL_OK;
}

static ampel_status grow_array_u8(uint8_t **a, size_t old, size_t ncap) {
  uint8_t *p = ampel_realloc(*a, ncap);
  if (!p)
    return AMPEL_E_NOMEM;
  memset(p + old, 0, ncap - old);
  *a = p;
  return AMPEL_OK;
}

static ampel_status column_grow(column *c, size_t old, size_t ncap) {
  if (grow_array_d(&c->value, old, ncap, NAN) ||
      grow_array_d(&c->num, old, ncap, NAN) ||
      grow_array_d(&c->den, old, ncap, NAN) ||
      grow_array_u8(&c->flag, old, ncap) ||
      grow_array_u8(&c->present, old, ncap))
    return AMPEL_E_NOMEM;
  return AMPEL_OK;
}

/* Makes every column hold at least n cells. */
static ampel_status ensure_col_cap(ampel_dataset *ds, size_t n) {
  if (n <= ds->col_cap)
    return AMPEL_OK;
  size_t ncap = ds->col_cap ? ds->col_cap : 64;
  while (ncap < n)
    ncap *= 2;
  for (size_t i = 0; i < ds->n_inds; i++)
    for (size_t p = 0; p < ds->n_periods; p++)
      if (ds->cols[i][p] && column_grow(ds->cols[i][p], ds->col_cap, ncap))
        return AMPEL_E_NOMEM;
  ds->col_cap = ncap;
  return AMPEL_OK;
}

static int set_str(char **dst, const char *src) {
  char *s = NULL;
  if (src) {
    s = ampel_strdup(src);
    if (!s)
      return -1;
  }
  ampel_free(*dst);
  *dst = s;
  return 0;
}

ampel_status ampel_dataset_put_area(ampel_dataset *ds, const ampel_area *a,
                                    size_t *out_id) {
  if (!a || !a->key)
    return AMPEL_E_USAGE;
  long id = ampel_dataset_find_area(ds, a->key);
  if (id < 0) {
    if (reserve((void **)&ds->areas, &ds->cap_areas, ds->n_areas + 1,
                sizeof *ds->areas) ||
        ensure_col_cap(ds, ds->n_areas + 1))
      return AMPEL_E_NOMEM;
    ampel_area *na = &ds->areas[ds->n_areas];
    memset(na, 0, sizeof *na);
    na->key = ampel_strdup(a->key);
    if (!na->key ||
        ampel_strmap_put(&ds->area_map, na->key, strlen(na->key),
                         ds->n_areas)) {
      ampel_free(na->key);
      na->key = NULL;
      return AMPEL_E_NOMEM;
    }
    id = (long)ds->n_areas++;
  }
  ampel_area *t = &ds->areas[id];
  if (set_str(&t->name, a->name) || set_str(&t->parent, a->parent) ||
      set_str(&t->level, a->level) || set_str(&t->valid_from, a->valid_from) ||
      set_str(&t->valid_to, a->valid_to))
    return AMPEL_E_NOMEM;
  t->population = a->population;
  t->tile_row = a->tile_row;
  t->tile_col = a->tile_col;
  t->lat = a->lat;
  t->lon = a->lon;
  if (out_id)
    *out_id = (size_t)id;
  return AMPEL_OK;
}

ampel_status ampel_dataset_put_indicator(ampel_dataset *ds,
                                         const ampel_indicator *ind,
                                         size_t *out_id) {
  if (!ind || !ind->key)
    return AMPEL_E_USAGE;
  long id = ampel_dataset_find_indicator(ds, ind->key);
  if (id < 0) {
    /* Everything that can fail happens before the count grows, and each
     * array keeps its own capacity, so a failed call leaves the dataset as
     * it was and can be retried. */
    if (reserve((void **)&ds->inds, &ds->cap_inds, ds->n_inds + 1,
                sizeof *ds->inds) ||
        reserve((void **)&ds->cols, &ds->cap_cols, ds->n_inds + 1,
                sizeof *ds->cols))
      return AMPEL_E_NOMEM;
    column **slots =
        ampel_calloc(ds->cap_periods ? ds->cap_periods : 1, sizeof(column *));
    char *key = ampel_strdup(ind->key);
    if (!slots || !key ||
        ampel_strmap_put(&ds->ind_map, key, strlen(key), ds->n_inds)) {
      ampel_free(slots);
      ampel_free(key);
      return AMPEL_E_NOMEM;
    }
    ampel_indicator *ni = &ds->inds[ds->n_inds];
    memset(ni, 0, sizeof *ni);
    ni->key = key;
    ds->cols[ds->n_inds] = slots;
    id = (long)ds->n_inds++;
  }
  ampel_indicator *t = &ds->inds[id];
  if (set_str(&t->name, ind->name) || set_str(&t->unit, ind->unit) ||
      set_str(&t->domain, ind->domain) ||
      set_str(&t->definition, ind->definition) ||
      set_str(&t->source, ind->source) ||
      set_str(&t->reference_date, ind->reference_date) ||
      set_str(&t->formula, ind->formula))
    return AMPEL_E_NOMEM;
  t->polarity = ind->polarity;
  t->decimals = ind->decimals;
  t->secrecy = ind->secrecy;
  t->kind = ind->kind;
  t->aggregation = ind->aggregation;
  t->shown = ind->shown;
  if (out_id)
    *out_id = (size_t)id;
  return AMPEL_OK;
}

/* Makes room for period slots in every indicator's column array and in
 * the period array; all of them have capacity cap_periods. */
static ampel_status reserve_period_slots(ampel_dataset *ds, size_t need) {
  if (need <= ds->cap_periods)
    return AMPEL_OK;
  size_t ncap = ds->cap_periods ? ds->cap_periods * 2 : 16;
  while (ncap < need)
    ncap *= 2;
  for (size_t i = 0; i < ds->n_inds; i++) {
    size_t c = ds->cap_periods;
    if (reserve((void **)&ds->cols[i], &c, ncap, sizeof(column *)))
      return AMPEL_E_NOMEM;
  }
  size_t pc = ds->cap_periods;
  if (reserve((void **)&ds->periods, &pc, ncap, sizeof *ds->periods))
    return AMPEL_E_NOMEM;
  ds->cap_periods = ncap;
  return AMPEL_OK;
}

ampel_status ampel_dataset_put_period(ampel_dataset *ds, const char *label,
                                      int32_t sort_key, size_t *out_id) {
  long id = ampel_dataset_find_period(ds, label);
  if (id < 0) {
    if (reserve_period_slots(ds, ds->n_periods + 1))
      return AMPEL_E_NOMEM;
    ampel_period *p = &ds->periods[ds->n_periods];
    p->label = ampel_strdup(label);
    p->sort_key = sort_key;
    if (!p->label || ampel_strmap_put(&ds->period_map, p->label,
                                      strlen(p->label), ds->n_periods)) {
      ampel_free(p->label);
      p->label = NULL;
      return AMPEL_E_NOMEM;
    }
    id = (long)ds->n_periods++;
  }
  if (out_id)
    *out_id = (size_t)id;
  return AMPEL_OK;
}

static column *column_new(size_t cap) {
  column *c = ampel_calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->value = ampel_reallocarray(NULL, cap, sizeof(double));
  c->flag = ampel_calloc(cap, 1);
  c->present = ampel_calloc(cap, 1);
  if (!c->value || !c->flag || !c->present) {
    column_free(c);
    return NULL;
  }
  for (size_t i = 0; i < cap; i++)
    c->value[i] = NAN;
  return c;
}

static double *nan_array(size_t n) {
  double *a = ampel_reallocarray(NULL, n, sizeof(double));
  for (size_t i = 0; a && i < n; i++)
    a[i] = NAN;
  return a;
}

ampel_status ampel_dataset_set(ampel_dataset *ds, size_t area, size_t ind,
                               size_t period, double value, double numerator,
                               double denominator, ampel_flag flag) {
  if (area >= ds->n_areas || ind >= ds->n_inds || period >= ds->n_periods)
    return AMPEL_E_USAGE;
  column **slot = &ds->cols[ind][period];
  if (!*slot) {
    *slot = column_new(ds->col_cap);
    if (!*slot)
      return AMPEL_E_NOMEM;
  }
  column *c = *slot;
  if (!isnan(numerator) && !c->num && !(c->num = nan_array(ds->col_cap)))
    return AMPEL_E_NOMEM;
  if (!isnan(denominator) && !c->den && !(c->den = nan_array(ds->col_cap)))
    return AMPEL_E_NOMEM;
  int now = !(isnan(value) && flag == AMPEL_FLAG_NONE && isnan(numerator) &&
              isnan(denominator));
  ds->n_obs += (size_t)now - c->present[area];
  c->present[area] = (uint8_t)now;
  c->value[area] = flag == AMPEL_FLAG_ZERO            ? 0.0
                   : ampel_flag_has_value(flag) ? value
                                                : NAN;
  c->flag[area] = (uint8_t)flag;
  if (c->num)
    c->num[area] = numerator;
  if (c->den)
    c->den[area] = denominator;
  return AMPEL_OK;
}

ampel_cell_ref ampel_dataset_get(const ampel_dataset *ds, size_t area,
                                 size_t ind, size_t period) {
  ampel_cell_ref r = {NAN, NAN, NAN, AMPEL_FLAG_NONE, 0};
  if (area >= ds->n_areas || ind >= ds->n_inds || period >= ds->n_periods)
    return r;
  const column *c = ds->cols[ind][period];
  if (!c || !c->present[area])
    return r;
  r.value = c->value[area];
  r.numerator = c->num ? c->num[area] : NAN;
  r.denominator = c->den ? c->den[area] : NAN;
  r.flag = (ampel_flag)c->flag[area];
  r.present = 1;
  return r;
}

const double *ampel_dataset_values(const ampel_dataset *ds, size_t ind,
                                   size_t period) {
  if (ind >= ds->n_inds || period >= ds->n_periods)
    return NULL;
  const column *c = ds->cols[ind][period];
  return c ? c->value : NULL;
}

static int period_cmp(const ampel_period *a, const ampel_period *b) {
  if (a->sort_key != b->sort_key)
    return a->sort_key < b->sort_key ? -1 : 1;
  return strcmp(a->label, b->label);
}

ampel_status ampel_dataset_sort_periods(ampel_dataset *ds) {
  size_t n = ds->n_periods;
  if (n < 2)
    return AMPEL_OK;
  size_t *order = ampel_reallocarray(NULL, n, sizeof *order);
  column **tmp = ampel_reallocarray(NULL, n, sizeof *tmp);
  ampel_period *ptmp = ampel_reallocarray(NULL, n, sizeof *ptmp);
  if (!order || !tmp || !ptmp) {
    ampel_free(order);
    ampel_free(tmp);
    ampel_free(ptmp);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  for (size_t i = 1; i < n; i++) { /* insertion sort: periods are few */
    size_t v = order[i], j = i;
    while (j > 0 && period_cmp(&ds->periods[order[j - 1]], &ds->periods[v]) > 0) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = v;
  }
  for (size_t i = 0; i < ds->n_inds; i++) {
    for (size_t k = 0; k < n; k++)
      tmp[k] = ds->cols[i][order[k]];
    memcpy(ds->cols[i], tmp, n * sizeof *tmp);
  }
  for (size_t k = 0; k < n; k++)
    ptmp[k] = ds->periods[order[k]];
  memcpy(ds->periods, ptmp, n * sizeof *ptmp);
  for (size_t k = 0; k < n; k++)
    if (ampel_strmap_put(&ds->period_map, ds->periods[k].label,
                         strlen(ds->periods[k].label), k))
      break; /* cannot fail: keys exist, no growth */
  ampel_free(order);
  ampel_free(tmp);
  ampel_free(ptmp);
  return AMPEL_OK;
}

ampel_status ampel_dataset_validate(const ampel_dataset *ds,
                                    ampel_diags *diags) {
  ampel_status st = AMPEL_OK;
  for (size_t i = 0; i < ds->n_areas; i++) {
    const ampel_area *a = &ds->areas[i];
    if (a->parent && ampel_dataset_find_area(ds, a->parent) < 0) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "Gebiet '%s': übergeordnetes Gebiet '%s' ist "
                        "unbekannt",
                        a->key, a->parent);
      st = AMPEL_E_DATA;
    }
  }
  if (st != AMPEL_OK)
    return st;
  /* Cycle check: walk up at most n steps from every area. */
  for (size_t i = 0; i < ds->n_areas; i++) {
    long cur = (long)i;
    size_t steps = 0;
    while (cur >= 0 && ds->areas[cur].parent && steps <= ds->n_areas) {
      cur = ampel_dataset_find_area(ds, ds->areas[cur].parent);
      steps++;
      if (cur == (long)i)
        break;
    }
    if (cur == (long)i && steps > 0) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "Gebiet '%s': Zyklus in den übergeordneten Gebieten "
                        "(ein Gebiet ist sein eigener Vorfahre)",
                        ds->areas[i].key);
      st = AMPEL_E_DATA;
    }
  }
  return st;
}

/* Depth of an area in the parent tree (0 for a root); bounded walk. */
static size_t area_depth(const ampel_dataset *ds, size_t id) {
  size_t d = 0;
  long cur = (long)id;
  while (cur >= 0 && ds->areas[cur].parent && d <= ds->n_areas) {
    cur = ampel_dataset_find_area(ds, ds->areas[cur].parent);
    d++;
  }
  return d;
}

const char **ampel_dataset_levels(const ampel_dataset *ds, size_t *out_n) {
  const char **lv = ampel_calloc(ds->n_areas + 1, sizeof *lv);
  size_t *depth = ampel_calloc(ds->n_areas + 1, sizeof *depth);
  size_t n = 0;
  if (!lv || !depth) {
    ampel_free(lv);
    ampel_free(depth);
    *out_n = 0;
    return NULL;
  }
  for (size_t i = 0; i < ds->n_areas; i++) {
    const char *l = ds->areas[i].level ? ds->areas[i].level : "";
    size_t k = 0;
    while (k < n && strcmp(lv[k], l) != 0)
      k++;
    size_t d = area_depth(ds, i);
    if (k == n) {
      lv[n] = l;
      depth[n++] = d;
    } else if (d < depth[k]) {
      depth[k] = d;
    }
  }
  for (size_t i = 1; i < n; i++) { /* stable insertion sort by depth */
    const char *l = lv[i];
    size_t d = depth[i], j = i;
    while (j > 0 && depth[j - 1] > d) {
      lv[j] = lv[j - 1];
      depth[j] = depth[j - 1];
      j--;
    }
    lv[j] = l;
    depth[j] = d;
  }
  ampel_free(depth);
  *out_n = n;
  return lv;
}

long ampel_dataset_root(const ampel_dataset *ds) {
  size_t *cnt = ampel_calloc(ds->n_areas + 1, sizeof *cnt);
  if (!cnt)
    return -2;
  for (size_t j = 0; j < ds->n_areas; j++) {
    long cur = (long)j;
    size_t steps = 0;
    while (cur >= 0 && ds->areas[cur].parent && steps++ <= ds->n_areas)
      cur = ampel_dataset_find_area(ds, ds->areas[cur].parent);
    if (cur >= 0 && !ds->areas[cur].parent)
      cnt[cur]++;
  }
  long best = -1;
  for (size_t i = 0; i < ds->n_areas; i++)
    if (!ds->areas[i].parent && (best < 0 || cnt[i] > cnt[best]))
      best = (long)i;
  ampel_free(cnt);
  return best;
}

/* The sort key of a validity bound; to_end: a bare year reaches to its
 * 31 December. Returns 0 when the bound is open or unreadable. */
static int bound_key(const char *b, int to_end, int32_t *out) {
  if (!b || !*b)
    return 0;
  size_t n = strlen(b);
  if (ampel_period_parse(b, n, out, NULL) != 0)
    return 0;
  if (to_end && n == 4)
    *out = *out / 10000 * 10000 + 1231;
  return 1;
}

int ampel_area_valid_at(const ampel_area *a, int32_t sort_key) {
  int32_t k;
  if (bound_key(a->valid_from, 0, &k) && sort_key < k)
    return 0;
  if (bound_key(a->valid_to, 1, &k) && sort_key > k)
    return 0;
  return 1;
}

ampel_status ampel_dataset_add_conversion(ampel_dataset *ds,
                                          const char *old_key,
                                          const char *new_key, double share) {
  if (!old_key || !new_key)
    return AMPEL_E_USAGE;
  if (reserve((void **)&ds->conv, &ds->cap_conv, ds->n_conv + 1,
              sizeof *ds->conv))
    return AMPEL_E_NOMEM;
  char *o = ampel_strdup(old_key), *n = ampel_strdup(new_key);
  if (!o || !n) {
    ampel_free(o);
    ampel_free(n);
    return AMPEL_E_NOMEM;
  }
  ds->conv[ds->n_conv++] = (ampel_conversion){o, n, share};
  return AMPEL_OK;
}

size_t ampel_dataset_n_conversions(const ampel_dataset *ds) {
  return ds->n_conv;
}

const ampel_conversion *ampel_dataset_conversion(const ampel_dataset *ds,
                                                 size_t i) {
  return i < ds->n_conv ? &ds->conv[i] : NULL;
}
