/* Values of new areas before a boundary reform (convert.h, METHODS.md
 * §11). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/convert.h"

struct ampel_converted {
  size_t n_areas, n_inds, n_periods;
  unsigned char *mark; /* [ind][period][area]; NULL when nothing converted */
  size_t count;
};

void ampel_converted_free(ampel_converted *c) {
  if (!c)
    return;
  ampel_free(c->mark);
  ampel_free(c);
}

int ampel_converted_is(const ampel_converted *c, size_t area, size_t ind,
                       size_t period) {
  if (!c || !c->mark || area >= c->n_areas || ind >= c->n_inds ||
      period >= c->n_periods)
    return 0;
  return c->mark[(ind * c->n_periods + period) * c->n_areas + area];
}

size_t ampel_converted_count(const ampel_converted *c) {
  return c ? c->count : 0;
}

/* x / (num / den) of the first old cell where it is defined, rounded to
 * a whole number when it is one up to rounding (100, 1000); NaN when no
 * cell defines it. */
static double rate_scale(const ampel_convert_in *in, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (in[k].num == 0 || in[k].den == 0)
      continue;
    double sc = in[k].value / (in[k].num / in[k].den);
    if (!isfinite(sc))
      continue;
    double r = round(sc);
    return fabs(sc - r) <= 1e-9 * fabs(sc) ? r : sc;
  }
  return NAN;
}

double ampel_convert_cell(ampel_ind_kind kind, const ampel_convert_in *in,
                          size_t n, double *num, double *den) {
  if (num)
    *num = NAN;
  if (den)
    *den = NAN;
  if (n == 0)
    return NAN;
  int ratio = 1, pops = 1;
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(in[k].value) || !(in[k].share > 0))
      return NAN;
    ratio = ratio && isfinite(in[k].num) && isfinite(in[k].den);
    pops = pops && isfinite(in[k].pop) && in[k].pop > 0;
  }
  double a = 0.0, b = 0.0;
  if (kind == AMPEL_KIND_ANZAHL) {
    for (size_t k = 0; k < n; k++)
      a += in[k].share * in[k].value;
    return a;
  }
  if (ratio) {
    for (size_t k = 0; k < n; k++) {
      a += in[k].share * in[k].num;
      b += in[k].share * in[k].den;
    }
    if (b == 0)
      return NAN;
    double sc = a == 0 ? 1.0 : rate_scale(in, n);
    if (!isfinite(sc))
      return NAN;
    if (num)
      *num = a;
    if (den)
      *den = b;
    return sc * a / b;
  }
  for (size_t k = 0; k < n; k++) {
    double w = in[k].share * (pops ? in[k].pop : 1.0);
    a += w * in[k].value;
    b += w;
  }
  return b > 0 ? a / b : NAN;
}

/* A key row resolved to dataset ids. */
typedef struct link {
  size_t old_id, new_id;
  double share;
} link;

static int cmp_link(const void *x, const void *y) {
  const link *a = x, *b = y;
  if (a->new_id != b->new_id)
    return a->new_id < b->new_id ? -1 : 1;
  return a->old_id < b->old_id ? -1 : a->old_id > b->old_id;
}

/* The cells of new area l[0].new_id from its old areas l[0..n-1]. */
static ampel_status convert_area(ampel_dataset *ds, const link *l, size_t n,
                                 ampel_converted *c, ampel_convert_in *in) {
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds),
         np = ampel_dataset_n_periods(ds);
  size_t nid = l[0].new_id;
  const ampel_area *N = ampel_dataset_area(ds, nid);
  ampel_status st = AMPEL_OK;
  for (size_t p = 0; st == AMPEL_OK && p < np; p++) {
    int32_t key = ampel_dataset_period(ds, p)->sort_key;
    if (ampel_area_valid_at(N, key))
      continue;
    int olds_valid = 1;
    for (size_t k = 0; k < n && olds_valid; k++)
      olds_valid =
          ampel_area_valid_at(ampel_dataset_area(ds, l[k].old_id), key);
    if (!olds_valid)
      continue;
    for (size_t i = 0; st == AMPEL_OK && i < ni; i++) {
      if (!ampel_dataset_values(ds, i, p) ||
          ampel_dataset_get(ds, nid, i, p).present)
        continue;
      for (size_t k = 0; k < n; k++) {
        ampel_cell_ref r = ampel_dataset_get(ds, l[k].old_id, i, p);
        in[k] =
            (ampel_convert_in){l[k].share, r.value, r.numerator, r.denominator,
                               ampel_dataset_area(ds, l[k].old_id)->population};
      }
      double num, den;
      double v = ampel_convert_cell(
          ampel_indicator_kind(ampel_dataset_indicator(ds, i)), in, n, &num,
          &den);
      if (!isfinite(v))
        continue;
      st = ampel_dataset_set(ds, nid, i, p, v, num, den, AMPEL_FLAG_NONE);
      if (st == AMPEL_OK) {
        c->mark[(i * np + p) * na + nid] = 1;
        c->count++;
      }
    }
  }
  return st;
}

ampel_status ampel_dataset_convert(ampel_dataset *ds, ampel_converted **out,
                                   ampel_diags *diags) {
  if (out)
    *out = NULL;
  ampel_converted *c = ampel_calloc(1, sizeof *c);
  if (!c)
    return AMPEL_E_NOMEM;
  c->n_areas = ampel_dataset_n_areas(ds);
  c->n_inds = ampel_dataset_n_indicators(ds);
  c->n_periods = ampel_dataset_n_periods(ds);
  size_t nk = ampel_dataset_n_conversions(ds), nl = 0;
  link *l = nk ? ampel_reallocarray(NULL, nk, sizeof *l) : NULL;
  ampel_convert_in *in = nk ? ampel_reallocarray(NULL, nk, sizeof *in) : NULL;
  size_t cells = c->n_areas * c->n_inds * c->n_periods;
  if (nk && cells)
    c->mark = ampel_calloc(cells, 1);
  ampel_status st =
      nk && (!l || !in || (cells && !c->mark)) ? AMPEL_E_NOMEM : AMPEL_OK;
  for (size_t k = 0; st == AMPEL_OK && k < nk; k++) {
    const ampel_conversion *cv = ampel_dataset_conversion(ds, k);
    long o = ampel_dataset_find_area(ds, cv->old_key),
         n = ampel_dataset_find_area(ds, cv->new_key);
    if (o < 0 || n < 0) { /* the import checks this; a damaged store */
      ampel_diags_add(diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, NULL, 0, 0, NULL,
                      0,
                      "Umschlüssel '%s' → '%s': Gebiet unbekannt; "
                      "übergangen",
                      cv->old_key, cv->new_key);
      continue;
    }
    l[nl++] = (link){(size_t)o, (size_t)n, cv->share};
  }
  if (st == AMPEL_OK && nl > 0 && cells > 0) {
    qsort(l, nl, sizeof *l, cmp_link);
    for (size_t i = 0; st == AMPEL_OK && i < nl;) {
      size_t j = i;
      while (j < nl && l[j].new_id == l[i].new_id)
        j++;
      st = convert_area(ds, l + i, j - i, c, in);
      i = j;
    }
  }
  ampel_free(l);
  ampel_free(in);
  if (st != AMPEL_OK || !out) {
    ampel_converted_free(c);
    return st;
  }
  *out = c;
  return AMPEL_OK;
}
