/* Selections of level, period and indicators (select.h). */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/select.h"

static int area_on_level(const ampel_dataset *ds, size_t a, const char *lv) {
  const char *l = ampel_dataset_area(ds, a)->level;
  return l && strcmp(l, lv) == 0;
}

/* Number of indicators with at least one value on a level at a period. */
static size_t level_score(const ampel_dataset *ds, const char *lv,
                          size_t period) {
  size_t n = 0;
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++) {
    const double *v = ampel_dataset_values(ds, i, period);
    for (size_t a = 0; v && a < ampel_dataset_n_areas(ds); a++) {
      if (!isnan(v[a]) && area_on_level(ds, a, lv)) {
        n++;
        break;
      }
    }
  }
  return n;
}

/* Latest period (id) with any value on the level, before `before`. */
static long latest_period(const ampel_dataset *ds, const char *lv,
                          size_t before) {
  for (size_t p = before; p-- > 0;)
    if (level_score(ds, lv, p) > 0)
      return (long)p;
  return -1;
}

static void list_names(char *buf, size_t size, const char **names, size_t n) {
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && off + 4 < size; i++) {
    size_t len = strlen(names[i]);
    if (off + len + 8 >= size) {
      memcpy(buf + off, ", …", 5);
      return;
    }
    if (i) {
      memcpy(buf + off, ", ", 2);
      off += 2;
    }
    memcpy(buf + off, names[i], len + 1);
    off += len;
  }
}

static ampel_status pick_level(const ampel_dataset *ds, const char *level,
                               long want_period, ampel_selection *s,
                               ampel_diags *diags) {
  size_t n_lv = 0;
  const char **lv = ampel_dataset_levels(ds, &n_lv);
  if (!lv && ampel_dataset_n_areas(ds) > 0)
    return AMPEL_E_NOMEM;
  ampel_status st = AMPEL_OK;
  if (level) {
    for (size_t i = 0; i < n_lv && !s->level; i++)
      if (strcmp(lv[i], level) == 0)
        s->level = lv[i];
    if (!s->level) {
      char names[512];
      list_names(names, sizeof names, lv, n_lv);
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "unbekannte Ebene '%s' (vorhanden: %s)", level, names);
      st = AMPEL_E_USAGE;
    }
  } else {
    size_t best = 0;
    for (size_t i = 0; i < n_lv; i++) {
      size_t np = ampel_dataset_n_periods(ds), score = 0;
      if (want_period >= 0)
        score = level_score(ds, lv[i], (size_t)want_period);
      else if (np > 0) {
        long p = latest_period(ds, lv[i], np);
        score = p >= 0 ? level_score(ds, lv[i], (size_t)p) : 0;
      }
      if (score > 0 && score >= best) { /* ties: the finer (later) level */
        best = score;
        s->level = lv[i];
      }
    }
    if (!s->level) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "keine Werte in der Datenbank (zuerst 'ampel "
                        "import' mit einer Werte-Datei)");
      st = AMPEL_E_DATA;
    }
  }
  ampel_free(lv);
  return st;
}

static ampel_status pick_indicators(const ampel_dataset *ds,
                                    const char *const *keys, size_t n_keys,
                                    ampel_selection *s, ampel_diags *diags) {
  size_t ni = ampel_dataset_n_indicators(ds);
  s->inds = ampel_calloc(ni + n_keys + 1, sizeof *s->inds);
  if (!s->inds)
    return AMPEL_E_NOMEM;
  ampel_status st = AMPEL_OK;
  for (size_t k = 0; k < n_keys; k++) {
    long id = ampel_dataset_find_indicator(ds, keys[k]);
    if (id < 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "unbekannte Kennzahl '%s' (siehe 'ampel list "
                        "indicators')",
                        keys[k]);
      st = AMPEL_E_USAGE;
      continue;
    }
    s->inds[s->n_inds++] = (size_t)id;
  }
  if (n_keys > 0)
    return st;
  for (size_t i = 0; i < ni; i++)
    for (size_t k = 0; k < s->n_areas; k++)
      if (ampel_has_value(ds, s->areas[k], i, s->period)) {
        s->inds[s->n_inds++] = i;
        break;
      }
  return AMPEL_OK;
}

ampel_status ampel_select(const ampel_dataset *ds, const char *level,
                          const char *period, const char *const *ind_keys,
                          size_t n_keys, ampel_selection *s,
                          ampel_diags *diags) {
  memset(s, 0, sizeof *s);
  s->prev_period = -1;
  long want = -1;
  if (period) {
    want = ampel_dataset_find_period(ds, period);
    if (want < 0) {
      int32_t key;
      char *norm = NULL;
      if (ampel_period_parse(period, strlen(period), &key, &norm) == 0)
        want = ampel_dataset_find_period(ds, norm);
      ampel_free(norm);
    }
    if (want < 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "unbekannter Zeitraum '%s' (siehe 'ampel list "
                        "periods')",
                        period);
      return AMPEL_E_USAGE;
    }
  }
  ampel_status st = pick_level(ds, level, want, s, diags);
  if (st != AMPEL_OK)
    return st;
  if (want < 0)
    want = latest_period(ds, s->level, ampel_dataset_n_periods(ds));
  if (want < 0) {
    ampel_diags_error(diags, AMPEL_E_DATA, "keine Werte auf der Ebene '%s'",
                      s->level);
    return AMPEL_E_DATA;
  }
  s->period = (size_t)want;
  s->prev_period = latest_period(ds, s->level, s->period);
  s->root = ampel_dataset_root(ds);
  if (s->root == -2)
    return AMPEL_E_NOMEM;
  size_t na = ampel_dataset_n_areas(ds);
  s->areas = ampel_calloc(na + 1, sizeof *s->areas);
  if (!s->areas)
    return AMPEL_E_NOMEM;
  for (size_t a = 0; a < na; a++)
    if (area_on_level(ds, a, s->level))
      s->areas[s->n_areas++] = a;
  st = pick_indicators(ds, ind_keys, n_keys, s, diags);
  if (st == AMPEL_OK && s->n_inds == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "keine Kennzahl hat Werte auf der Ebene '%s' im "
                      "Zeitraum '%s'",
                      s->level, ampel_dataset_period(ds, s->period)->label);
    st = AMPEL_E_DATA;
  }
  if (st != AMPEL_OK) /* nothing to release after an error (callers */
    ampel_selection_release(s); /* such as need.c's default_keys leaked) */
  return st;
}

void ampel_selection_release(ampel_selection *s) {
  if (!s)
    return;
  ampel_free(s->areas);
  ampel_free(s->inds);
  memset(s, 0, sizeof *s);
  s->prev_period = -1;
  s->root = -1;
}

ampel_status ampel_selection_matrix(const ampel_dataset *ds,
                                    const ampel_selection *s, size_t period,
                                    double **out) {
  size_t n = s->n_areas * s->n_inds;
  double *m = ampel_reallocarray(NULL, n ? n : 1, sizeof *m);
  if (!m)
    return AMPEL_E_NOMEM;
  for (size_t j = 0; j < s->n_inds; j++) {
    const double *v = ampel_dataset_values(ds, s->inds[j], period);
    for (size_t i = 0; i < s->n_areas; i++)
      m[i * s->n_inds + j] = v ? v[s->areas[i]] : NAN;
  }
  *out = m;
  return AMPEL_OK;
}
