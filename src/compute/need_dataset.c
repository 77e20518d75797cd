/* Index and allocation on a dataset (need.h): option lists, the frame of
 * areas and values, MSS and need index on a dataset, index CSV read-back. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/need.h"
#include "ampel/select.h"

/* ---------------------------------------------------------------------- */
/* Option lists                                                             */

void ampel_keylist_release(ampel_keylist *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->n; i++)
    ampel_free(l->keys[i]);
  ampel_free(l->keys);
  ampel_free(l->weights);
  memset(l, 0, sizeof *l);
}

/* Copy of s[0..len) without surrounding blanks. */
static char *trimmed(const char *s, size_t len) {
  while (len && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  return ampel_strndup(s, len);
}

static ampel_status parse_weight(const char *item, const char *w, double *out,
                                 ampel_diags *d) {
  char *end;
  errno = 0;
  double v = strtod(w, &end);
  if (!*w || errno || *end || !isfinite(v)) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "'%s': Gewicht ist keine Zahl: '%s' (Beispiel: "
                      "kennzahl:2 oder kennzahl:0.5)",
                      item, w);
    return AMPEL_E_USAGE;
  }
  if (v < 0) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "'%s': Gewicht darf nicht negativ sein", item);
    return AMPEL_E_USAGE;
  }
  *out = v;
  return AMPEL_OK;
}

/* Parses one item "key" or "key:weight" into l->keys/weights[l->n]. */
static ampel_status parse_item(const char *s, size_t len, int allow_w,
                               ampel_keylist *l, ampel_diags *d) {
  char *item = trimmed(s, len);
  if (!item)
    return AMPEL_E_NOMEM;
  ampel_status st = AMPEL_OK;
  char *colon = strchr(item, ':');
  double w = 1.0;
  if (!*item) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "leerer Eintrag in der Liste (zwei Kommas "
                      "hintereinander oder Komma am Rand?)");
    st = AMPEL_E_USAGE;
  } else if (colon && !allow_w) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "'%s': hier sind keine Gewichte erlaubt, nur "
                      "Schlüssel (kennzahl,kennzahl,...)",
                      item);
    st = AMPEL_E_USAGE;
  } else if (colon && strchr(colon + 1, ':')) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "'%s': mehr als ein ':' (erwartet kennzahl:gewicht)",
                      item);
    st = AMPEL_E_USAGE;
  } else if (colon == item) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "'%s': Schlüssel vor ':' fehlt", item);
    st = AMPEL_E_USAGE;
  } else if (colon) {
    st = parse_weight(item, colon + 1, &w, d);
    *colon = '\0';
  }
  for (size_t i = 0; st == AMPEL_OK && i < l->n; i++)
    if (strcmp(l->keys[i], item) == 0) {
      ampel_diags_error(d, AMPEL_E_USAGE,
                        "Kennzahl '%s' steht zweimal in der Liste", item);
      st = AMPEL_E_USAGE;
    }
  if (st != AMPEL_OK) {
    ampel_free(item);
    return st;
  }
  l->keys[l->n] = item;
  l->weights[l->n++] = w;
  return AMPEL_OK;
}

ampel_status ampel_keylist_parse(const char *spec, int allow_weights,
                                 ampel_keylist *out, ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  if (!spec || !*spec) {
    ampel_diags_error(diags, AMPEL_E_USAGE, "leere Liste von Kennzahlen");
    return AMPEL_E_USAGE;
  }
  size_t items = 1;
  for (const char *p = spec; *p; p++)
    items += *p == ',';
  out->keys = ampel_calloc(items, sizeof *out->keys);
  out->weights = ampel_calloc(items, sizeof *out->weights);
  if (!out->keys || !out->weights) {
    ampel_keylist_release(out);
    return AMPEL_E_NOMEM;
  }
  const char *p = spec;
  ampel_status st = AMPEL_OK;
  while (st == AMPEL_OK) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    st = parse_item(p, len, allow_weights, out, diags);
    if (!comma)
      break;
    p = comma + 1;
  }
  if (st != AMPEL_OK)
    ampel_keylist_release(out);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Frame                                                                    */

void ampel_need_frame_release(ampel_need_frame *f) {
  if (!f)
    return;
  ampel_free(f->areas);
  ampel_free(f->population);
  ampel_free(f->reason);
  ampel_free(f->inds);
  ampel_free(f->used_period);
  ampel_free((void *)f->keys);
  ampel_free(f->polarity);
  ampel_free(f->values);
  memset(f, 0, sizeof *f);
}

/* 1 when indicator `ind` has a value for any of the areas at `period`. */
static int column_has_values(const ampel_dataset *ds, size_t ind,
                             size_t period, const size_t *areas, size_t n) {
  const double *v = ampel_dataset_values(ds, ind, period);
  for (size_t i = 0; v && i < n; i++)
    if (!isnan(v[areas[i]]))
      return 1;
  return 0;
}

/* The period rule of need.h: `period` or the latest earlier one with
 * values on the frame's areas; -1 when there is none. */
static long period_for(const ampel_dataset *ds, size_t ind, size_t period,
                       const size_t *areas, size_t n) {
  for (size_t p = period + 1; p-- > 0;)
    if (column_has_values(ds, ind, p, areas, n))
      return (long)p;
  return -1;
}

static ampel_status read_column(const ampel_dataset *ds,
                                const ampel_need_frame *f, size_t ind,
                                double *out, size_t stride,
                                size_t *out_period, ampel_diags *d) {
  long p = period_for(ds, ind, f->period, f->areas, f->n_areas);
  if (p < 0) {
    ampel_diags_error(d, AMPEL_E_DATA,
                      "Kennzahl '%s' hat auf der Ebene '%s' keine Werte im "
                      "Zeitraum %s oder davor",
                      ampel_dataset_indicator(ds, ind)->key, f->level,
                      ampel_dataset_period(ds, f->period)->label);
    return AMPEL_E_DATA;
  }
  const double *v = ampel_dataset_values(ds, ind, (size_t)p);
  for (size_t i = 0; i < f->n_areas; i++)
    out[i * stride] = v[f->areas[i]];
  *out_period = (size_t)p;
  return AMPEL_OK;
}

ampel_status ampel_need_frame_column(const ampel_dataset *ds,
                                     const ampel_need_frame *f,
                                     const char *key, double *out,
                                     size_t *out_period, ampel_diags *diags) {
  long id = ampel_dataset_find_indicator(ds, key);
  if (id < 0) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannte Kennzahl '%s' (siehe 'ampel list "
                      "indicators')",
                      key);
    return AMPEL_E_USAGE;
  }
  return read_column(ds, f, (size_t)id, out, 1, out_period, diags);
}

static ampel_status frame_alloc(ampel_need_frame *f, size_t n, size_t k) {
  f->population = ampel_calloc(n + 1, sizeof *f->population);
  f->reason = ampel_calloc(n + 1, sizeof *f->reason);
  f->used_period = ampel_calloc(k + 1, sizeof *f->used_period);
  f->keys = ampel_calloc(k + 1, sizeof *f->keys);
  f->polarity = ampel_calloc(k + 1, sizeof *f->polarity);
  f->values = ampel_reallocarray(NULL, n * k + 1, sizeof *f->values);
  if (!f->population || !f->reason || !f->used_period || !f->keys ||
      !f->polarity || !f->values)
    return AMPEL_E_NOMEM;
  return AMPEL_OK;
}

/* Population check first, then completeness; masked rows become NaN. */
static void frame_reasons(const ampel_dataset *ds, ampel_need_frame *f,
                          double min_population) {
  for (size_t i = 0; i < f->n_areas; i++) {
    double pop = ampel_dataset_area(ds, f->areas[i])->population;
    f->population[i] = pop;
    double *row = f->values + i * f->k;
    f->reason[i] = AMPEL_OUT_NONE;
    if (!isnan(pop) && pop < min_population) {
      f->reason[i] = AMPEL_OUT_POPULATION;
      for (size_t j = 0; j < f->k; j++)
        row[j] = NAN;
      continue;
    }
    for (size_t j = 0; j < f->k; j++)
      if (isnan(row[j]))
        f->reason[i] = AMPEL_OUT_MISSING;
  }
}

ampel_status ampel_need_frame_build(const ampel_dataset *ds,
                                    const char *level, const char *period,
                                    const char *const *keys, size_t k,
                                    double min_population,
                                    ampel_need_frame *out,
                                    ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  if (isnan(min_population) || min_population < 0) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "Mindestzahl der Einwohner muss >= 0 sein");
    return AMPEL_E_USAGE;
  }
  ampel_selection sel;
  ampel_status st = ampel_select(ds, level, period, keys, k, &sel, diags);
  if (st != AMPEL_OK) {
    ampel_selection_release(&sel);
    return st;
  }
  out->level = sel.level;
  out->period = sel.period;
  out->n_areas = sel.n_areas;
  out->areas = sel.areas;
  out->k = sel.n_inds;
  out->inds = sel.inds;
  sel.areas = NULL;
  sel.inds = NULL;
  ampel_selection_release(&sel);
  st = frame_alloc(out, out->n_areas, out->k);
  for (size_t j = 0; st == AMPEL_OK && j < out->k; j++) {
    const ampel_indicator *ind = ampel_dataset_indicator(ds, out->inds[j]);
    out->keys[j] = ind->key;
    out->polarity[j] = ind->polarity;
    st = read_column(ds, out, out->inds[j], out->values + j, out->k,
                     &out->used_period[j], diags);
  }
  if (st == AMPEL_OK)
    frame_reasons(ds, out, min_population);
  else
    ampel_need_frame_release(out);
  return st;
}

/* ---------------------------------------------------------------------- */
/* MSS and need index on a dataset                                          */

void ampel_mss_table_release(ampel_mss_table *t) {
  if (!t)
    return;
  ampel_need_frame_release(&t->frame);
  ampel_mss_result_release(&t->result);
  memset(t, 0, sizeof *t);
}

/* All keys of a and b in one array (borrowed strings). */
static const char **join_keys(const ampel_keylist *a, const ampel_keylist *b) {
  size_t nb = b ? b->n : 0;
  const char **k = ampel_calloc(a->n + nb + 1, sizeof *k);
  if (!k)
    return NULL;
  for (size_t i = 0; i < a->n; i++)
    k[i] = a->keys[i];
  for (size_t i = 0; i < nb; i++)
    k[a->n + i] = b->keys[i];
  return k;
}

/* Splits the frame's n x (ks+kd) matrix into the two MSS matrices. */
static ampel_status mss_split(const ampel_need_frame *f, size_t ks,
                              double **s, double **dy) {
  size_t n = f->n_areas, kd = f->k - ks;
  *s = ampel_reallocarray(NULL, n * ks + 1, sizeof **s);
  *dy = ampel_reallocarray(NULL, n * kd + 1, sizeof **dy);
  if (!*s || !*dy)
    return AMPEL_E_NOMEM;
  for (size_t a = 0; a < n; a++) {
    for (size_t j = 0; j < ks; j++)
      (*s)[a * ks + j] = f->values[a * f->k + j];
    for (size_t j = 0; j < kd; j++)
      (*dy)[a * kd + j] = f->values[a * f->k + ks + j];
  }
  return AMPEL_OK;
}

ampel_status ampel_mss_dataset(const ampel_dataset *ds, const char *level,
                               const char *period,
                               const ampel_keylist *status,
                               const ampel_keylist *dynamics,
                               double min_population, ampel_mss_table *out,
                               ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  const char **keys = join_keys(status, dynamics);
  if (!keys)
    return AMPEL_E_NOMEM;
  out->n_status = status->n;
  out->n_dynamics = dynamics ? dynamics->n : 0;
  ampel_status st = ampel_need_frame_build(
      ds, level, period, keys, out->n_status + out->n_dynamics,
      min_population, &out->frame, diags);
  ampel_free(keys);
  double *s = NULL, *dy = NULL;
  if (st == AMPEL_OK)
    st = mss_split(&out->frame, out->n_status, &s, &dy);
  if (st == AMPEL_OK) {
    const ampel_need_frame *f = &out->frame;
    ampel_mss_input in;
    ampel_mss_input_init(&in);
    in.n_areas = f->n_areas;
    in.k_status = out->n_status;
    in.status = s;
    in.status_polarity = f->polarity;
    in.status_keys = f->keys;
    in.k_dynamics = out->n_dynamics;
    in.dynamics = dy;
    in.dynamics_polarity = f->polarity + out->n_status;
    in.dynamics_keys = f->keys + out->n_status;
    in.population = f->population;
    in.min_population = min_population;
    st = ampel_mss_compute(&in, &out->result, diags);
  }
  ampel_free(s);
  ampel_free(dy);
  if (st != AMPEL_OK)
    ampel_mss_table_release(out);
  return st;
}

void ampel_need_table_release(ampel_need_table *t) {
  if (!t)
    return;
  ampel_need_frame_release(&t->frame);
  ampel_free(t->raw_weights);
  ampel_need_result_release(&t->result);
  memset(t, 0, sizeof *t);
}

ampel_status ampel_need_dataset(const ampel_dataset *ds, const char *level,
                                const char *period,
                                const ampel_keylist *indicators,
                                const ampel_level_opts *levels,
                                double min_population, ampel_need_table *out,
                                ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  ampel_status st = ampel_need_frame_build(
      ds, level, period, (const char *const *)indicators->keys,
      indicators->n, min_population, &out->frame, diags);
  if (st != AMPEL_OK)
    return st;
  ampel_need_frame *f = &out->frame;
  out->raw_weights = ampel_calloc(f->k + 1, sizeof *out->raw_weights);
  if (!out->raw_weights) {
    ampel_need_table_release(out);
    return AMPEL_E_NOMEM;
  }
  memcpy(out->raw_weights, indicators->weights,
         f->k * sizeof *out->raw_weights);
  ampel_need_input_init(&out->input);
  out->input.n_areas = f->n_areas;
  out->input.k = f->k;
  out->input.values = f->values;
  out->input.polarity = f->polarity;
  out->input.weights = out->raw_weights;
  out->input.keys = f->keys;
  if (levels)
    out->input.levels = *levels;
  st = ampel_need_compute(&out->input, &out->result, diags);
  if (st != AMPEL_OK)
    ampel_need_table_release(out);
  return st;
}
