/* diff.c - what an import changes: two datasets compared by keys
 * (import.h, ampel_import_diff_compute; `ampel import --pruefen` and the
 * server's POST /daten/pruefen).
 *
 * The import computes `after` by running itself inside its transaction
 * and loading the store before the rollback, so this file only compares:
 * areas and indicators by key and field, values cell by cell (area ×
 * indicator × period matched by key and label).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/import.h"

static int str_eq(const char *a, const char *b) {
  if (!a || !*a)
    return !b || !*b;
  return b && strcmp(a, b) == 0;
}

/* Equal as stored values: both NaN counts as equal. */
static int num_eq(double a, double b) {
  return (isnan(a) && isnan(b)) || a == b;
}

static void add_field(char *buf, size_t size, const char *name) {
  size_t n = strlen(buf);
  if (n + strlen(name) + 3 >= size)
    return;
  snprintf(buf + n, size - n, "%s%s", n ? ", " : "", name);
}

static void area_fields(const ampel_area *a, const ampel_area *b, char *buf,
                        size_t size) {
  buf[0] = '\0';
  if (!str_eq(a->name, b->name))
    add_field(buf, size, "Name");
  if (!str_eq(a->parent, b->parent))
    add_field(buf, size, "Übergeordnet");
  if (!str_eq(a->level, b->level))
    add_field(buf, size, "Ebene");
  if (!num_eq(a->population, b->population))
    add_field(buf, size, "Einwohner");
  if (a->tile_row != b->tile_row || a->tile_col != b->tile_col)
    add_field(buf, size, "Kachel");
  if (!num_eq(a->lat, b->lat) || !num_eq(a->lon, b->lon))
    add_field(buf, size, "Lage");
  if (!str_eq(a->valid_from, b->valid_from) ||
      !str_eq(a->valid_to, b->valid_to))
    add_field(buf, size, "Gültigkeit");
}

static void ind_fields(const ampel_indicator *a, const ampel_indicator *b,
                       char *buf, size_t size) {
  buf[0] = '\0';
  if (!str_eq(a->name, b->name))
    add_field(buf, size, "Name");
  if (!str_eq(a->unit, b->unit))
    add_field(buf, size, "Einheit");
  if (a->polarity != b->polarity)
    add_field(buf, size, "Richtung");
  if (!str_eq(a->domain, b->domain))
    add_field(buf, size, "Handlungsfeld");
  if (!str_eq(a->definition, b->definition))
    add_field(buf, size, "Definition");
  if (!str_eq(a->source, b->source))
    add_field(buf, size, "Quelle");
  if (!str_eq(a->reference_date, b->reference_date))
    add_field(buf, size, "Stichtag");
  if (a->decimals != b->decimals)
    add_field(buf, size, "Nachkommastellen");
  if (a->secrecy != b->secrecy)
    add_field(buf, size, "Geheimhaltung");
  if (a->kind != b->kind)
    add_field(buf, size, "Art");
  if (!str_eq(a->formula, b->formula))
    add_field(buf, size, "Formel");
  if (a->aggregation != b->aggregation)
    add_field(buf, size, "Aggregation");
}

static ampel_status push(ampel_change **arr, size_t *n, size_t *cap,
                         const ampel_change *c) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 32;
    ampel_change *p = ampel_reallocarray(*arr, nc, sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    *arr = p;
    *cap = nc;
  }
  ampel_change *x = &(*arr)[(*n)++];
  memset(x, 0, sizeof *x);
  x->kind = c->kind;
  x->old_value = c->old_value;
  x->new_value = c->new_value;
  x->area = c->area ? ampel_strdup(c->area) : NULL;
  x->indicator = c->indicator ? ampel_strdup(c->indicator) : NULL;
  x->period = c->period ? ampel_strdup(c->period) : NULL;
  x->fields = c->fields && *c->fields ? ampel_strdup(c->fields) : NULL;
  if ((c->area && !x->area) || (c->indicator && !x->indicator) ||
      (c->period && !x->period) || (c->fields && *c->fields && !x->fields))
    return AMPEL_E_NOMEM;
  return AMPEL_OK;
}

/* Counts a change and keeps it as an example while there is room. */
static ampel_status note(ampel_import_diff *d, const ampel_change *c) {
  if (d->count[c->kind]++ >= AMPEL_DIFF_EXAMPLES)
    return AMPEL_OK;
  return push(&d->items, &d->n_items, &d->cap_items, c);
}

/* Changed by more than a factor of 10 (both sides non-zero numbers). */
static int big_change(double a, double b) {
  if (isnan(a) || isnan(b) || a == 0 || b == 0)
    return 0;
  double x = fabs(a), y = fabs(b);
  return x > 10 * y || y > 10 * x;
}

static ampel_status values(const ampel_dataset *before,
                           const ampel_dataset *after, ampel_import_diff *d) {
  size_t na = ampel_dataset_n_areas(after),
         ni = ampel_dataset_n_indicators(after),
         np = ampel_dataset_n_periods(after);
  long *amap = ampel_calloc(na + 1, sizeof *amap);
  long *pmap = ampel_calloc(np + 1, sizeof *pmap);
  ampel_status st = amap && pmap ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t a = 0; st == AMPEL_OK && a < na; a++)
    amap[a] =
        ampel_dataset_find_area(before, ampel_dataset_area(after, a)->key);
  for (size_t p = 0; st == AMPEL_OK && p < np; p++)
    pmap[p] = ampel_dataset_find_period(before,
                                        ampel_dataset_period(after, p)->label);
  for (size_t i = 0; st == AMPEL_OK && i < ni; i++) {
    const ampel_indicator *ind = ampel_dataset_indicator(after, i);
    long bi = ampel_dataset_find_indicator(before, ind->key);
    for (size_t p = 0; st == AMPEL_OK && p < np; p++) {
      for (size_t a = 0; st == AMPEL_OK && a < na; a++) {
        ampel_cell_ref n = ampel_dataset_get(after, a, i, p);
        ampel_cell_ref o = {NAN, NAN, NAN, AMPEL_FLAG_NONE, 0};
        if (bi >= 0 && amap[a] >= 0 && pmap[p] >= 0)
          o = ampel_dataset_get(before, (size_t)amap[a], (size_t)bi,
                                (size_t)pmap[p]);
        if (!n.present && !o.present)
          continue;
        ampel_change c = {0};
        c.area = ampel_dataset_area(after, a)->key;
        c.indicator = ind->key;
        c.period = ampel_dataset_period(after, p)->label;
        c.old_value = o.present ? o.value : NAN;
        c.new_value = n.present ? n.value : NAN;
        if (n.present && !o.present)
          c.kind = AMPEL_CHG_VALUE_NEW;
        else if (!n.present)
          c.kind = AMPEL_CHG_VALUE_REMOVED;
        else if (!num_eq(n.value, o.value) ||
                 !num_eq(n.numerator, o.numerator) ||
                 !num_eq(n.denominator, o.denominator) || n.flag != o.flag)
          c.kind = AMPEL_CHG_VALUE_CHANGED;
        else
          continue;
        st = note(d, &c);
        if (st == AMPEL_OK && c.kind == AMPEL_CHG_VALUE_CHANGED &&
            big_change(o.value, n.value) && d->n_big++ < AMPEL_DIFF_MAX_BIG) {
          st = push(&d->big, &d->n_big_kept, &d->cap_big, &c);
        }
      }
    }
  }
  /* cells of `before` that `after` lacks altogether (its area, indicator
   * or period gone): imports never do this, a rollback may */
  size_t bna = ampel_dataset_n_areas(before),
         bni = ampel_dataset_n_indicators(before),
         bnp = ampel_dataset_n_periods(before);
  for (size_t i = 0; st == AMPEL_OK && i < bni; i++) {
    const ampel_indicator *ind = ampel_dataset_indicator(before, i);
    int ind_gone = ampel_dataset_find_indicator(after, ind->key) < 0;
    for (size_t p = 0; st == AMPEL_OK && p < bnp; p++) {
      const char *label = ampel_dataset_period(before, p)->label;
      int per_gone = ampel_dataset_find_period(after, label) < 0;
      for (size_t a = 0; st == AMPEL_OK && a < bna; a++) {
        const char *key = ampel_dataset_area(before, a)->key;
        if (!ind_gone && !per_gone && ampel_dataset_find_area(after, key) >= 0)
          continue;
        ampel_cell_ref o = ampel_dataset_get(before, a, i, p);
        if (!o.present)
          continue;
        ampel_change c = {AMPEL_CHG_VALUE_REMOVED,
                          (char *)key,
                          ind->key,
                          (char *)label,
                          NULL,
                          o.value,
                          NAN};
        st = note(d, &c);
      }
    }
  }
  ampel_free(amap);
  ampel_free(pmap);
  return st;
}

ampel_status ampel_import_diff_compute(const ampel_dataset *before,
                                       const ampel_dataset *after,
                                       ampel_import_diff *d) {
  memset(d, 0, sizeof *d);
  ampel_status st = AMPEL_OK;
  char fields[256];
  for (size_t a = 0; st == AMPEL_OK && a < ampel_dataset_n_areas(after); a++) {
    const ampel_area *n = ampel_dataset_area(after, a);
    long b = ampel_dataset_find_area(before, n->key);
    ampel_change c = {0};
    c.area = n->key;
    c.old_value = c.new_value = NAN;
    if (b < 0) {
      c.kind = AMPEL_CHG_AREA_NEW;
      st = note(d, &c);
      continue;
    }
    area_fields(ampel_dataset_area(before, (size_t)b), n, fields,
                sizeof fields);
    if (!fields[0])
      continue;
    c.kind = AMPEL_CHG_AREA_CHANGED;
    c.fields = fields;
    st = note(d, &c);
  }
  for (size_t i = 0; st == AMPEL_OK && i < ampel_dataset_n_indicators(after);
       i++) {
    const ampel_indicator *n = ampel_dataset_indicator(after, i);
    long b = ampel_dataset_find_indicator(before, n->key);
    ampel_change c = {0};
    c.indicator = n->key;
    c.old_value = c.new_value = NAN;
    if (b < 0) {
      c.kind = AMPEL_CHG_IND_NEW;
      st = note(d, &c);
      continue;
    }
    ind_fields(ampel_dataset_indicator(before, (size_t)b), n, fields,
               sizeof fields);
    if (!fields[0])
      continue;
    c.kind = AMPEL_CHG_IND_CHANGED;
    c.fields = fields;
    st = note(d, &c);
  }
  if (st == AMPEL_OK)
    st = values(before, after, d);
  if (st != AMPEL_OK)
    ampel_import_diff_release(d);
  return st;
}

static void release_items(ampel_change *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    ampel_free(v[i].area);
    ampel_free(v[i].indicator);
    ampel_free(v[i].period);
    ampel_free(v[i].fields);
  }
  ampel_free(v);
}

void ampel_import_diff_release(ampel_import_diff *d) {
  if (!d)
    return;
  release_items(d->items, d->n_items);
  release_items(d->big, d->n_big_kept);
  memset(d, 0, sizeof *d);
}
