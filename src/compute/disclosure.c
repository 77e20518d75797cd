/* Statistical disclosure control (METHODS.md §7; include/ampel/disclosure.h
 * has the rules). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "ampel/svg.h"

void ampel_disclosure_opts_init(ampel_disclosure_opts *o) {
  o->min_count = AMPEL_DISCLOSURE_MIN_COUNT;
  o->min_population = AMPEL_DISCLOSURE_MIN_POPULATION;
  o->secondary = 1;
}

static const char *const keys[] = {"min_count", "min_population",
                                   "secondary_suppression", NULL};

const char *const *ampel_disclosure_keys(void) {
  return keys;
}

const char *ampel_disclosure_key_label_de(const char *key) {
  if (strcmp(key, "min_count") == 0)
    return "Fallzahlen (und Zähler von Quoten) unter diesem Wert werden "
           "als . unterdrückt (1 = aus)";
  if (strcmp(key, "min_population") == 0)
    return "Gebiete mit weniger Einwohnern werden gezeigt, aber nicht "
           "bewertet (0 = aus)";
  if (strcmp(key, "secondary_suppression") == 0)
    return "Sekundärsperrung: ein weiteres Gebiet unterdrücken, damit sich "
           "ein gesperrter Wert nicht aus der Summe errechnen lässt";
  return "";
}

static int parse_number(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

static int parse_bool(const char *s, int *out) {
  if (strcasecmp(s, "ja") == 0 || strcmp(s, "1") == 0 ||
      strcasecmp(s, "yes") == 0 || strcasecmp(s, "an") == 0) {
    *out = 1;
    return 0;
  }
  if (strcasecmp(s, "nein") == 0 || strcmp(s, "0") == 0 ||
      strcasecmp(s, "no") == 0 || strcasecmp(s, "aus") == 0) {
    *out = 0;
    return 0;
  }
  return -1;
}

ampel_status ampel_disclosure_opts_set(ampel_disclosure_opts *o,
                                       const char *key, const char *value,
                                       ampel_diags *diags) {
  double v = 0;
  int b = 0;
  if (strcmp(key, "min_count") == 0) {
    if (parse_number(value, &v) == 0 && v >= 1 && v <= 1e6 && v == floor(v)) {
      o->min_count = (long)v;
      return AMPEL_OK;
    }
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "min_count: ganze Zahl von 1 bis 1000000 erwartet, "
                      "gefunden: '%s'",
                      value);
  } else if (strcmp(key, "min_population") == 0) {
    if (parse_number(value, &v) == 0 && v >= 0) {
      o->min_population = v;
      return AMPEL_OK;
    }
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "min_population: Zahl ab 0 erwartet, gefunden: '%s'",
                      value);
  } else if (strcmp(key, "secondary_suppression") == 0) {
    if (parse_bool(value, &b) == 0) {
      o->secondary = b;
      return AMPEL_OK;
    }
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "secondary_suppression: ja oder nein erwartet, "
                      "gefunden: '%s'",
                      value);
  } else {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannte Einstellung '%s' (vorhanden: min_count, "
                      "min_population, secondary_suppression)",
                      key);
  }
  return AMPEL_E_USAGE;
}

void ampel_disclosure_opts_get(const ampel_disclosure_opts *o, const char *key,
                               char *out, size_t size) {
  if (strcmp(key, "min_count") == 0)
    snprintf(out, size, "%ld", o->min_count);
  else if (strcmp(key, "min_population") == 0)
    ampel_format_double(o->min_population, out, size);
  else if (strcmp(key, "secondary_suppression") == 0)
    snprintf(out, size, "%s", o->secondary ? "ja" : "nein");
  else if (size)
    out[0] = '\0';
}

/* ---- count recognition ---------------------------------------------- */

/* ASCII lower case with German umlauts written out (ü → ue, ß → ss). */
static void fold(const char *s, char *out, size_t size) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && o + 3 < size;
       p++) {
    if (p[0] == 0xC3 && p[1]) {
      const char *rep = NULL;
      switch (p[1]) {
      case 0xA4:
      case 0x84: rep = "ae"; break;
      case 0xB6:
      case 0x96: rep = "oe"; break;
      case 0xBC:
      case 0x9C: rep = "ue"; break;
      case 0x9F: rep = "ss"; break;
      default: break;
      }
      if (rep) {
        out[o++] = rep[0];
        out[o++] = rep[1];
        p++;
        continue;
      }
    }
    out[o++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
  }
  out[o] = '\0';
}

static int has_word(const char *folded, const char *w) {
  size_t n = strlen(w);
  for (const char *p = strstr(folded, w); p; p = strstr(p + 1, w)) {
    int start = p == folded || p[-1] == ' ' || p[-1] == '(';
    char e = p[n];
    if (start && (e == '\0' || e == ' ' || e == '.' || e == ')'))
      return 1;
  }
  return 0;
}

int ampel_disclosure_is_count(const ampel_indicator *ind) {
  static const char *const words[] = {"anzahl",
                                      "anz",
                                      "personen",
                                      "person",
                                      "schueler",
                                      "kinder",
                                      "kind",
                                      "einwohner",
                                      "faelle",
                                      "fall",
                                      "haushalte",
                                      "bedarfsgemeinschaften",
                                      "leistungsberechtigte",
                                      "empfaenger",
                                      "beschaeftigte",
                                      "arbeitslose",
                                      "absolventen",
                                      "abgaenge",
                                      "jugendliche",
                                      "teilnehmende",
                                      "count",
                                      "persons",
                                      NULL};
  static const char *const ratio[] = {"je",     "pro",   "auf",  "per",
                                      "anteil", "quote", "rate", NULL};
  if (ind && ind->secrecy != AMPEL_SECRECY_UNSET) /* column Geheimhaltung */
    return ind->secrecy == AMPEL_SECRECY_YES;
  if (!ind || !ind->unit || !*ind->unit)
    return 0;
  char f[256];
  fold(ind->unit, f, sizeof f);
  if (strpbrk(f, "/%") || strstr(f, "\xe2\x80\xb0")) /* ‰ */
    return 0;
  for (size_t i = 0; ratio[i]; i++)
    if (has_word(f, ratio[i]))
      return 0;
  const char *p = f;
  while (*p == ' ')
    p++;
  for (size_t i = 0; words[i]; i++) {
    size_t n = strlen(words[i]);
    if (strncmp(p, words[i], n) == 0)
      return 1;
  }
  return 0;
}

int ampel_disclosure_small_area(const ampel_disclosure_opts *o,
                                const ampel_area *a) {
  return o->min_population > 0 && a && isfinite(a->population) &&
         a->population < o->min_population;
}

/* ---- suppression ------------------------------------------------------- */

typedef struct tree {
  size_t n;
  long *parent;      /* area id of the parent, -1 for none */
  long *first_child; /* -1 for none */
  long *next;        /* next sibling, -1 at the end */
} tree;

static void tree_release(tree *t) {
  ampel_free(t->parent);
  ampel_free(t->first_child);
  ampel_free(t->next);
}

static ampel_status tree_build(const ampel_dataset *ds, tree *t) {
  t->n = ampel_dataset_n_areas(ds);
  t->parent = ampel_calloc(t->n + 1, sizeof *t->parent);
  t->first_child = ampel_calloc(t->n + 1, sizeof *t->first_child);
  t->next = ampel_calloc(t->n + 1, sizeof *t->next);
  if (!t->parent || !t->first_child || !t->next) {
    tree_release(t);
    return AMPEL_E_NOMEM;
  }
  for (size_t a = 0; a < t->n; a++)
    t->first_child[a] = t->next[a] = -1;
  for (size_t k = t->n; k-- > 0;) { /* reverse: children in dataset order */
    const ampel_area *ar = ampel_dataset_area(ds, k);
    long p = ar->parent ? ampel_dataset_find_area(ds, ar->parent) : -1;
    t->parent[k] = p;
    if (p >= 0) {
      t->next[k] = t->first_child[p];
      t->first_child[p] = (long)k;
    }
  }
  return AMPEL_OK;
}

/* The quantity secondary suppression protects: the value of a count, the
 * numerator of anything else; NaN when there is none. */
static double quantity(const ampel_cell_ref *c, int is_count) {
  if (!c->present)
    return NAN;
  if (is_count)
    return ampel_flag_has_value(c->flag) ? c->value : NAN;
  return c->numerator;
}

static int primary_hit(const ampel_cell_ref *c, int is_count, long min) {
  if (!c->present)
    return 0;
  if (is_count && ampel_flag_has_value(c->flag) && c->value >= 1 &&
      c->value < (double)min)
    return 1;
  return isfinite(c->numerator) && c->numerator >= 1 &&
         c->numerator < (double)min;
}

/* One pass of secondary suppression over all parents; returns the number
 * of cells newly marked. The complementary cell is the smallest other
 * child whose quantity is at least min_count (the largest when none is):
 * hiding a 0 or another small number beside the first would only tell
 * that the two hidden cells add up to a small number. */
static size_t secondary_pass(const tree *t, const double *q,
                             unsigned char *supp, double min) {
  size_t marked = 0;
  for (size_t p = 0; p < t->n; p++) {
    if (t->first_child[p] < 0 || !isfinite(q[p]) || supp[p])
      continue;
    double sum = 0;
    size_t n_supp = 0;
    long smallest = -1;
    int complete = 1;
    for (long c = t->first_child[p]; c >= 0; c = t->next[c]) {
      if (!isfinite(q[c])) {
        complete = 0;
        break;
      }
      sum += q[c];
      if (supp[c])
        n_supp++;
      else if (smallest < 0 || (q[smallest] < min && q[c] > q[smallest]) ||
               (q[c] >= min && q[c] < q[smallest]))
        smallest = c;
    }
    double tol = 1e-6 * fmax(1.0, fabs(q[p]));
    if (!complete || n_supp != 1 || smallest < 0 || fabs(sum - q[p]) > tol)
      continue;
    supp[smallest] = 2;
    marked++;
  }
  return marked;
}

/* Suppression of one (indicator, period) column. q and supp are scratch
 * arrays of n_areas. */
static ampel_status apply_column(ampel_dataset *ds, const tree *t, size_t i,
                                 size_t per, const ampel_disclosure_opts *o,
                                 double *q, unsigned char *supp,
                                 ampel_disclosure_stats *st) {
  int is_count = ampel_disclosure_is_count(ampel_dataset_indicator(ds, i));
  size_t n_primary = 0;
  for (size_t a = 0; a < t->n; a++) {
    ampel_cell_ref c = ampel_dataset_get(ds, a, i, per);
    q[a] = quantity(&c, is_count);
    supp[a] = (unsigned char)primary_hit(&c, is_count, o->min_count);
    n_primary += supp[a];
  }
  if (!n_primary)
    return AMPEL_OK;
  st->primary += n_primary;
  if (o->secondary) {
    size_t m;
    while ((m = secondary_pass(t, q, supp, (double)o->min_count)) > 0)
      st->secondary += m;
  }
  for (size_t a = 0; a < t->n; a++) {
    if (!supp[a])
      continue;
    ampel_status s =
        ampel_dataset_set(ds, a, i, per, NAN, NAN, NAN, AMPEL_FLAG_SECRET);
    if (s != AMPEL_OK)
      return s;
  }
  return AMPEL_OK;
}

ampel_status ampel_disclosure_apply(ampel_dataset *ds,
                                    const ampel_disclosure_opts *o,
                                    ampel_disclosure_stats *out) {
  ampel_disclosure_stats st = {0, 0, 0};
  size_t n = ampel_dataset_n_areas(ds);
  for (size_t a = 0; a < n; a++)
    st.small_areas +=
        (size_t)ampel_disclosure_small_area(o, ampel_dataset_area(ds, a));
  ampel_status s = AMPEL_OK;
  if (o->min_count > 1 && n > 0) {
    tree t;
    s = tree_build(ds, &t);
    if (s != AMPEL_OK)
      return s;
    double *q = ampel_calloc(n, sizeof *q);
    unsigned char *supp = ampel_calloc(n, 1);
    if (!q || !supp)
      s = AMPEL_E_NOMEM;
    size_t ni = ampel_dataset_n_indicators(ds);
    size_t np = ampel_dataset_n_periods(ds);
    for (size_t i = 0; s == AMPEL_OK && i < ni; i++)
      for (size_t p = 0; s == AMPEL_OK && p < np; p++)
        if (ampel_dataset_values(ds, i, p))
          s = apply_column(ds, &t, i, p, o, q, supp, &st);
    ampel_free(q);
    ampel_free(supp);
    tree_release(&t);
  }
  if (out)
    *out = st;
  return s;
}

/* ---- classification copy ---------------------------------------------- */

static ampel_status copy_meta(const ampel_dataset *ds, ampel_dataset *c) {
  ampel_status s = AMPEL_OK;
  for (size_t a = 0; s == AMPEL_OK && a < ampel_dataset_n_areas(ds); a++)
    s = ampel_dataset_put_area(c, ampel_dataset_area(ds, a), NULL);
  for (size_t i = 0; s == AMPEL_OK && i < ampel_dataset_n_indicators(ds); i++)
    s = ampel_dataset_put_indicator(c, ampel_dataset_indicator(ds, i), NULL);
  for (size_t p = 0; s == AMPEL_OK && p < ampel_dataset_n_periods(ds); p++) {
    const ampel_period *pe = ampel_dataset_period(ds, p);
    s = ampel_dataset_put_period(c, pe->label, pe->sort_key, NULL);
  }
  return s;
}

ampel_status ampel_disclosure_classify_copy(const ampel_dataset *ds,
                                            const ampel_disclosure_opts *o,
                                            ampel_dataset **out) {
  *out = NULL;
  ampel_dataset *c = ampel_dataset_new();
  if (!c)
    return AMPEL_E_NOMEM;
  ampel_status s = copy_meta(ds, c);
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds);
  size_t np = ampel_dataset_n_periods(ds);
  for (size_t a = 0; s == AMPEL_OK && a < na; a++) {
    if (ampel_disclosure_small_area(o, ampel_dataset_area(ds, a)))
      continue;
    for (size_t i = 0; s == AMPEL_OK && i < ni; i++)
      for (size_t p = 0; s == AMPEL_OK && p < np; p++) {
        ampel_cell_ref r = ampel_dataset_get(ds, a, i, p);
        if (r.present)
          s = ampel_dataset_set(c, a, i, p, r.value, r.numerator, r.denominator,
                                r.flag);
      }
  }
  if (s != AMPEL_OK) {
    ampel_dataset_free(c);
    return s;
  }
  *out = c;
  return AMPEL_OK;
}

void ampel_disclosure_note(const ampel_disclosure_opts *o, int with_population,
                           char *out, size_t size) {
  char pop[48];
  ampel_format_de(o->min_population, 0, pop, sizeof pop);
  int n = 0;
  if (o->min_count > 1)
    n = snprintf(out, size, "Geheimhaltung: Werte unter %ld unterdrückt (.)%s",
                 o->min_count, o->secondary ? "" : ", ohne Sekundärsperrung");
  else
    n = snprintf(out, size, "Geheimhaltung: keine Unterdrückung");
  if (n < 0 || (size_t)n >= size || o->min_population <= 0 || !with_population)
    return;
  snprintf(out + n, size - (size_t)n,
           "; Gebiete unter %s Einwohnern nicht bewertet", pop);
}
