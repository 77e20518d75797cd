/* Selections of level, period and indicators (select.h). */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/select.h"

static int area_on_level(const ampel_dataset *ds, size_t a, const char *lv) {
  const char *l = ampel_dataset_area(ds, a)->level;
  return l && strcmp(l, lv) == 0;
}

/* The areas of the selection's level valid in its period (Gültig_ab /
 * Gültig_bis, METHODS.md §11: after a boundary reform the new areas, with
 * their converted values before it), in dataset order; s->areas has room
 * for every area. */
static void collect_areas(const ampel_dataset *ds, ampel_selection *s) {
  int32_t key = ampel_dataset_period(ds, s->period)->sort_key;
  s->n_areas = 0;
  for (size_t a = 0; a < ampel_dataset_n_areas(ds); a++)
    if (area_on_level(ds, a, s->level) &&
        ampel_area_valid_at(ampel_dataset_area(ds, a), key))
      s->areas[s->n_areas++] = a;
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

/* Values of indicator ind on the level at period p. */
static size_t count_on_level(const ampel_dataset *ds, const char *lv,
                             size_t ind, size_t p) {
  const double *v = ampel_dataset_values(ds, ind, p);
  size_t n = 0;
  for (size_t a = 0; v && a < ampel_dataset_n_areas(ds); a++)
    n += !isnan(v[a]) && area_on_level(ds, a, lv);
  return n;
}

/* The newest period before `limit` in which ind has at least `min` values
 * on the level; -1 when there is none. */
static long newest_with(const ampel_dataset *ds, const char *lv, size_t ind,
                        size_t limit, size_t min) {
  for (size_t p = limit; p-- > 0;)
    if (count_on_level(ds, lv, ind, p) >= min)
      return (long)p;
  return -1;
}

/* Indicators with a value on the level in any period: of keys[0..nk-1]
 * when nk > 0, else of all. */
static size_t level_score_any(const ampel_dataset *ds, const char *lv,
                              const char *const *keys, size_t nk) {
  size_t n = 0, np = ampel_dataset_n_periods(ds);
  size_t ni = nk ? nk : ampel_dataset_n_indicators(ds);
  for (size_t k = 0; k < ni; k++) {
    long i = nk ? ampel_dataset_find_indicator(ds, keys[k]) : (long)k;
    n += i >= 0 && newest_with(ds, lv, (size_t)i, np, 1) >= 0;
  }
  return n;
}

/* any_period: score levels by the indicators keys[0..nk-1] (all when nk
 * is 0) with values in any period. */
static ampel_status pick_level(const ampel_dataset *ds, const char *level,
                               long want_period, int any_period,
                               const char *const *keys, size_t nk,
                               ampel_selection *s, ampel_diags *diags) {
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
      if (any_period)
        score = level_score_any(ds, lv[i], keys, nk);
      else if (want_period >= 0)
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
  ampel_status st = pick_level(ds, level, want, 0, NULL, 0, s, diags);
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
  collect_areas(ds, s);
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
  ampel_free(s->col_period);
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
    size_t p = period == AMPEL_SEL_COLUMN_PERIODS ? ampel_selection_period(s, j)
                                                  : period;
    const double *v = ampel_dataset_values(ds, s->inds[j], p);
    for (size_t i = 0; i < s->n_areas; i++)
      m[i * s->n_inds + j] = v ? v[s->areas[i]] : NAN;
  }
  *out = m;
  return AMPEL_OK;
}

/* The period id of a label (also in another spelling), or -1. */
static long find_period(const ampel_dataset *ds, const char *label) {
  long id = ampel_dataset_find_period(ds, label);
  if (id < 0) {
    int32_t key;
    char *norm = NULL;
    if (ampel_period_parse(label, strlen(label), &key, &norm) == 0)
      id = ampel_dataset_find_period(ds, norm);
    ampel_free(norm);
  }
  return id;
}

ampel_status ampel_select_latest(const ampel_dataset *ds, const char *level,
                                 const char *stand, const char *const *ind_keys,
                                 size_t n_keys, ampel_selection *s,
                                 ampel_diags *diags) {
  memset(s, 0, sizeof *s);
  s->prev_period = -1;
  s->per_indicator = 1;
  size_t np = ampel_dataset_n_periods(ds), limit = np;
  if (stand) {
    /* the newest period not after `stand`: a known label, or a year */
    long id = find_period(ds, stand);
    int32_t key = 0;
    if (id >= 0) {
      limit = (size_t)id + 1;
    } else if (ampel_period_parse(stand, strlen(stand), &key, NULL) == 0) {
      limit = 0;
      while (limit < np && ampel_dataset_period(ds, limit)->sort_key <= key)
        limit++;
    } else {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "--stand: Zeitraum oder Jahr erwartet, gefunden: '%s'",
                        stand);
      return AMPEL_E_USAGE;
    }
  }
  ampel_status st = AMPEL_OK;
  for (size_t k = 0; k < n_keys; k++)
    if (ampel_dataset_find_indicator(ds, ind_keys[k]) < 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "unbekannte Kennzahl '%s' (siehe 'ampel list "
                        "indicators')",
                        ind_keys[k]);
      st = AMPEL_E_USAGE;
    }
  if (st == AMPEL_OK)
    st = pick_level(ds, level, -1, 1, ind_keys, n_keys, s, diags);
  if (st != AMPEL_OK)
    return st;
  s->root = ampel_dataset_root(ds);
  if (s->root == -2)
    return AMPEL_E_NOMEM;
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds);
  s->areas = ampel_calloc(na + 1, sizeof *s->areas);
  s->inds = ampel_calloc(ni + n_keys + 1, sizeof *s->inds);
  s->col_period = ampel_calloc(ni + n_keys + 1, sizeof *s->col_period);
  if (!s->areas || !s->inds || !s->col_period)
    return AMPEL_E_NOMEM;
  size_t n_cand = n_keys ? n_keys : ni;
  long newest = -1;
  for (size_t k = 0; k < n_cand; k++) {
    long id = n_keys ? ampel_dataset_find_indicator(ds, ind_keys[k]) : (long)k;
    if (id < 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "unbekannte Kennzahl '%s' (siehe 'ampel list "
                        "indicators')",
                        ind_keys[k]);
      st = AMPEL_E_USAGE;
      continue;
    }
    long p =
        newest_with(ds, s->level, (size_t)id, limit, AMPEL_SELECT_MIN_AREAS);
    if (p < 0)
      p = newest_with(ds, s->level, (size_t)id, limit, 1);
    if (p < 0) {
      if (n_keys) {
        ampel_diags_error(
            diags, AMPEL_E_DATA,
            "Kennzahl '%s' hat keine Werte auf der Ebene '%s'%s%s", ind_keys[k],
            s->level, stand ? " bis " : "", stand ? stand : "");
        st = AMPEL_E_DATA;
      }
      continue;
    }
    s->col_period[s->n_inds] = (size_t)p;
    s->inds[s->n_inds++] = (size_t)id;
    if (p > newest)
      newest = p;
  }
  if (st != AMPEL_OK)
    return st;
  if (s->n_inds == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "keine Kennzahl hat Werte auf der Ebene '%s'%s%s",
                      s->level, stand ? " bis " : "", stand ? stand : "");
    return AMPEL_E_DATA;
  }
  s->period = (size_t)newest;
  s->prev_period = latest_period(ds, s->level, s->period);
  collect_areas(ds, s);
  return AMPEL_OK;
}
