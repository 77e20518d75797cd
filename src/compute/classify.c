/* Class breaks (classify.h): quantile, equal interval, Fisher-Jenks
 * natural breaks, standard deviations, manual; optionally diverging
 * around a reference value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ampel/alloc.h"
#include "ampel/classify.h"

const char *ampel_class_method_name(ampel_class_method m) {
  switch (m) {
  case AMPEL_CLASS_QUANTILE: return "quantile";
  case AMPEL_CLASS_EQUAL: return "equal";
  case AMPEL_CLASS_JENKS: return "jenks";
  case AMPEL_CLASS_SD: return "sd";
  case AMPEL_CLASS_MANUAL: return "manual";
  }
  return "?";
}

static int parse_method(const char *s, size_t len, ampel_class_method *m) {
  static const struct { const char *name; ampel_class_method m; } t[] = {
      {"quantile", AMPEL_CLASS_QUANTILE}, {"quantil", AMPEL_CLASS_QUANTILE},
      {"equal", AMPEL_CLASS_EQUAL},       {"gleich", AMPEL_CLASS_EQUAL},
      {"jenks", AMPEL_CLASS_JENKS},       {"natural", AMPEL_CLASS_JENKS},
      {"sd", AMPEL_CLASS_SD},             {"stdabw", AMPEL_CLASS_SD},
      {"manual", AMPEL_CLASS_MANUAL},     {"manuell", AMPEL_CLASS_MANUAL}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strlen(t[i].name) == len && strncasecmp(s, t[i].name, len) == 0) {
      *m = t[i].m;
      return 0;
    }
  return -1;
}

static ampel_status parse_manual(const char *p, ampel_class_opts *o,
                                 ampel_diags *d) {
  o->n_manual = 0;
  while (*p) {
    char *end = NULL;
    double v = strtod(p, &end);
    if (end == p || !isfinite(v) || o->n_manual >= AMPEL_CLASS_MAX - 1 ||
        (o->n_manual && v <= o->manual[o->n_manual - 1])) {
      ampel_diags_error(d, AMPEL_E_USAGE,
                        "--classes manual: erwartet aufsteigende Zahlen mit "
                        "Komma getrennt (höchstens %d), gefunden: '%s'",
                        AMPEL_CLASS_MAX - 1, p);
      return AMPEL_E_USAGE;
    }
    o->manual[o->n_manual++] = v;
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') {
      ampel_diags_error(d, AMPEL_E_USAGE,
                        "--classes manual: unerwartetes Zeichen in '%s'", end);
      return AMPEL_E_USAGE;
    }
  }
  o->k = o->n_manual + 1;
  return o->n_manual ? AMPEL_OK : AMPEL_E_USAGE;
}

ampel_status ampel_class_parse(const char *spec, ampel_class_opts *o,
                               ampel_diags *d) {
  memset(o, 0, sizeof *o);
  o->reference = NAN;
  const char *colon = strchr(spec, ':');
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (parse_method(spec, len, &o->method) != 0) {
    ampel_diags_error(d, AMPEL_E_USAGE,
                      "--classes: unbekannte Methode '%.*s' (erwartet "
                      "quantile, equal, jenks, sd oder manual)",
                      (int)len, spec);
    return AMPEL_E_USAGE;
  }
  if (o->method == AMPEL_CLASS_MANUAL)
    return parse_manual(colon ? colon + 1 : "", o, d);
  o->k = 5;
  if (colon) {
    char *end = NULL;
    long k = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || k < 2 || k > AMPEL_CLASS_MAX) {
      ampel_diags_error(d, AMPEL_E_USAGE,
                        "--classes: Klassenzahl 2 bis %d erwartet, gefunden: "
                        "'%s'",
                        AMPEL_CLASS_MAX, colon + 1);
      return AMPEL_E_USAGE;
    }
    o->k = (size_t)k;
  }
  return AMPEL_OK;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double quantile7(const double *s, size_t m, double p) {
  double h = (double)(m - 1) * p;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= m)
    return s[m - 1];
  return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

/* Fisher-Jenks: optimal partition of sorted s[0..m-1] into k classes
 * minimising the within-class sum of squares; writes the first value of
 * every class but the first to inner[0..k-2]. O(k m^2). */
static ampel_status jenks(const double *s, size_t m, size_t k,
                          double *inner) {
  size_t w = k + 1;
  size_t *lower = ampel_calloc((m + 1) * w, sizeof *lower);
  double *var = ampel_calloc((m + 1) * w, sizeof *var);
  if (!lower || !var) {
    ampel_free(lower);
    ampel_free(var);
    return AMPEL_E_NOMEM;
  }
  /* var[i][j]: least cost of i values in j classes; infinite while
   * i < j (no empty classes) and before it is computed */
  for (size_t j = 1; j <= k; j++) {
    lower[1 * w + j] = 1;
    for (size_t i = j > 1 ? 1 : 2; i <= m; i++)
      var[i * w + j] = INFINITY;
  }
  for (size_t i = 2; i <= m; i++) {
    double s1 = 0, s2 = 0, v = 0;
    for (size_t l = 1; l <= i; l++) {
      size_t i3 = i - l + 1;
      double val = s[i3 - 1];
      s1 += val;
      s2 += val * val;
      v = s2 - s1 * s1 / (double)l;
      size_t i4 = i3 - 1;
      if (i4 == 0)
        continue;
      for (size_t j = 2; j <= k; j++)
        if (var[i * w + j] >= v + var[i4 * w + j - 1]) {
          lower[i * w + j] = i3;
          var[i * w + j] = v + var[i4 * w + j - 1];
        }
    }
    lower[i * w + 1] = 1;
    var[i * w + 1] = v;
  }
  size_t at = m;
  for (size_t j = k; j >= 2; j--) {
    size_t lo = lower[at * w + j]; /* 1-based first index of class j */
    inner[j - 2] = s[lo - 1];
    at = lo - 1;
  }
  ampel_free(lower);
  ampel_free(var);
  return AMPEL_OK;
}

/* Inner breaks for the method into b[1..k-1]; b[0], b[k] are min, max. */
static ampel_status inner_breaks(const double *s, size_t m,
                                 const ampel_class_opts *o, double *b) {
  size_t k = o->k;
  double lo = s[0], hi = s[m - 1], ref = o->reference;
  int div = isfinite(ref);
  if (o->method == AMPEL_CLASS_QUANTILE) {
    for (size_t i = 1; i < k; i++)
      b[i] = quantile7(s, m, (double)i / (double)k);
  } else if (o->method == AMPEL_CLASS_EQUAL) {
    double a = lo, z = hi;
    if (div) {
      double half = fmax(fabs(hi - ref), fabs(ref - lo));
      a = ref - half;
      z = ref + half;
    }
    for (size_t i = 1; i < k; i++)
      b[i] = a + (z - a) * (double)i / (double)k;
  } else if (o->method == AMPEL_CLASS_SD) {
    double mean = 0, ss = 0;
    for (size_t i = 0; i < m; i++)
      mean += s[i] / (double)m;
    for (size_t i = 0; i < m; i++)
      ss += (s[i] - mean) * (s[i] - mean);
    double sd = sqrt(ss / (double)m), c = div ? ref : mean;
    for (size_t i = 1; i < k; i++)
      b[i] = c + ((double)i - (double)k / 2.0) * sd;
  } else if (o->method == AMPEL_CLASS_JENKS) {
    size_t kk = k < m ? k : m;
    ampel_status st = kk >= 2 ? jenks(s, m, kk, b + 1) : AMPEL_OK;
    for (size_t i = kk; i < k; i++)
      b[i] = hi;
    return st;
  } else {
    for (size_t i = 1; i < k; i++)
      b[i] = o->manual[i - 1];
  }
  return AMPEL_OK;
}

/* Sorts the breaks, clamps the inner ones into [min, max] (except manual
 * ones), adds the reference when diverging, and merges equal breaks. */
static size_t tidy(double *b, size_t k, const ampel_class_opts *o) {
  double ref = o->reference;
  if (isfinite(ref) && (o->method == AMPEL_CLASS_QUANTILE ||
                        o->method == AMPEL_CLASS_JENKS) &&
      ref > b[0] && ref < b[k] && k < AMPEL_CLASS_MAX) {
    b[k + 1] = ref;
    k++;
  }
  qsort(b, k + 1, sizeof *b, cmp_double);
  if (o->method != AMPEL_CLASS_MANUAL)
    for (size_t i = 1; i < k; i++)
      b[i] = fmin(fmax(b[i], b[0]), b[k]);
  /* Natural breaks may put the maximum alone in the top class: then its
   * lower break equals the upper one, and that class is kept. */
  size_t out = 0;
  for (size_t i = 0; i <= k; i++)
    if (out == 0 || b[i] > b[out - 1] ||
        (i == k && o->method == AMPEL_CLASS_JENKS && out >= 2 &&
         b[out - 1] > b[out - 2]))
      b[out++] = b[i];
  return out >= 2 ? out - 1 : 1;
}

ampel_status ampel_class_breaks(const double *x, size_t n,
                                const ampel_class_opts *o, double *out,
                                size_t *out_k) {
  if (!o || o->k < 2 || o->k > AMPEL_CLASS_MAX || (!x && n))
    return AMPEL_E_USAGE;
  double *s = ampel_reallocarray(NULL, n + 1, sizeof *s);
  if (!s)
    return AMPEL_E_NOMEM;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i]))
      s[m++] = x[i];
  if (m == 0) {
    ampel_free(s);
    return AMPEL_E_DATA;
  }
  qsort(s, m, sizeof *s, cmp_double);
  double b[AMPEL_CLASS_MAX + 2];
  b[0] = s[0];
  b[o->k] = s[m - 1];
  ampel_status st = inner_breaks(s, m, o, b);
  ampel_free(s);
  if (st != AMPEL_OK)
    return st;
  if (o->method == AMPEL_CLASS_MANUAL) {
    b[0] = fmin(b[0], o->manual[0]);
    b[o->k] = fmax(b[o->k], o->manual[o->n_manual - 1]);
  }
  size_t k = tidy(b, o->k, o);
  memcpy(out, b, (k + 1) * sizeof *b);
  *out_k = k;
  return AMPEL_OK;
}
