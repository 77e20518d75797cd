/* Flags of official statistics and polarity names (dataset.h). */
#include <stddef.h>
#include <string.h>

#include "ampel/dataset.h"

const char *ampel_flag_symbol(ampel_flag f) {
  switch (f) {
  case AMPEL_FLAG_NONE: return "";
  case AMPEL_FLAG_SECRET: return ".";
  case AMPEL_FLAG_ZERO: return "-";
  case AMPEL_FLAG_NOT_MEANINGFUL: return "x";
  case AMPEL_FLAG_NOT_YET: return "...";
  case AMPEL_FLAG_UNRELIABLE: return "/";
  case AMPEL_FLAG_ANONYMISED: return "*";
  case AMPEL_FLAG_LIMITED: return "()";
  case AMPEL_FLAG_COUNT_: break;
  }
  return "?";
}

/* Also accepts the typographic forms found in exports: "X", "…" (U+2026),
 * "–" (U+2013) and "−" (U+2212). Blanks and tabs around are ignored. */
int ampel_flag_parse(const char *s, size_t len, ampel_flag *out) {
  static const struct {
    const char *text;
    ampel_flag flag;
  } names[] = {
      {"", AMPEL_FLAG_NONE},
      {".", AMPEL_FLAG_SECRET},
      {"-", AMPEL_FLAG_ZERO},
      {"\xE2\x80\x93", AMPEL_FLAG_ZERO},
      {"\xE2\x88\x92", AMPEL_FLAG_ZERO},
      {"x", AMPEL_FLAG_NOT_MEANINGFUL},
      {"X", AMPEL_FLAG_NOT_MEANINGFUL},
      {"...", AMPEL_FLAG_NOT_YET},
      {"\xE2\x80\xA6", AMPEL_FLAG_NOT_YET},
      {"/", AMPEL_FLAG_UNRELIABLE},
      {"*", AMPEL_FLAG_ANONYMISED},
      {"()", AMPEL_FLAG_LIMITED},
  };
  if (!s && len > 0)
    return -1;
  while (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
    s++;
    len--;
  }
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    if (strlen(names[k].text) == len &&
        (len == 0 || memcmp(names[k].text, s, len) == 0)) {
      if (out)
        *out = names[k].flag;
      return 0;
    }
  }
  return -1;
}

int ampel_flag_has_value(ampel_flag f) {
  return f == AMPEL_FLAG_NONE || f == AMPEL_FLAG_ZERO ||
         f == AMPEL_FLAG_LIMITED;
}

/* Wording after the Zeichenerklärung of Destatis and the Federal
 * Employment Agency. */
const char *ampel_flag_label_de(ampel_flag f) {
  switch (f) {
  case AMPEL_FLAG_NONE: return "Wert";
  case AMPEL_FLAG_SECRET: return "geheim oder unbekannt";
  case AMPEL_FLAG_ZERO: return "nichts vorhanden (genau null)";
  case AMPEL_FLAG_NOT_MEANINGFUL: return "Aussage nicht sinnvoll";
  case AMPEL_FLAG_NOT_YET: return "Angabe fällt später an";
  case AMPEL_FLAG_UNRELIABLE: return "Zahlenwert nicht sicher genug";
  case AMPEL_FLAG_ANONYMISED: return "anonymisiert (Datenschutz)";
  case AMPEL_FLAG_LIMITED: return "Aussagewert eingeschränkt";
  case AMPEL_FLAG_COUNT_: break;
  }
  return "unbekanntes Kennzeichen";
}

const char *ampel_polarity_name(ampel_polarity p) {
  switch (p) {
  case AMPEL_POL_HIGHER_IS_BETTER: return "higher_is_better";
  case AMPEL_POL_HIGHER_IS_WORSE: return "higher_is_worse";
  case AMPEL_POL_NEUTRAL: return "neutral";
  }
  return "neutral";
}

static int ascii_ieq(const char *s, size_t len, const char *name) {
  size_t n = strlen(name);
  if (n != len)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != name[i])
      return 0;
  }
  return 1;
}

int ampel_polarity_parse(const char *s, size_t len, ampel_polarity *out) {
  static const struct {
    const char *name;
    ampel_polarity pol;
  } names[] = {
      {"higher_is_better", AMPEL_POL_HIGHER_IS_BETTER},
      {"higher_is_worse", AMPEL_POL_HIGHER_IS_WORSE},
      {"neutral", AMPEL_POL_NEUTRAL},
      {"hoch_ist_gut", AMPEL_POL_HIGHER_IS_BETTER},
      {"hoch_ist_schlecht", AMPEL_POL_HIGHER_IS_WORSE},
  };
  if (!s)
    return -1;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    if (ascii_ieq(s, len, names[k].name)) {
      if (out)
        *out = names[k].pol;
      return 0;
    }
  }
  return -1;
}

int ampel_secrecy_parse(const char *s, size_t len, ampel_secrecy *out) {
  static const struct {
    const char *name;
    ampel_secrecy v;
  } names[] = {
      {"ja", AMPEL_SECRECY_YES}, {"yes", AMPEL_SECRECY_YES},
      {"1", AMPEL_SECRECY_YES},  {"nein", AMPEL_SECRECY_NO},
      {"no", AMPEL_SECRECY_NO},  {"0", AMPEL_SECRECY_NO},
  };
  if (!s)
    return -1;
  while (len > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  ampel_secrecy v = AMPEL_SECRECY_UNSET;
  int found = len == 0;
  for (size_t k = 0; !found && k < sizeof names / sizeof names[0]; k++)
    if (ascii_ieq(s, len, names[k].name)) {
      v = names[k].v;
      found = 1;
    }
  if (!found)
    return -1;
  if (out)
    *out = v;
  return 0;
}

/* ---- Kind and aggregation of an indicator (METHODS.md §9, §10) ---- */

/* value of the name in names[0..n-1] matching s (blanks around ignored,
 * case-insensitive); 0 (UNSET) for an empty text; -1 when none matches. */
static int name_lookup(const char *s, size_t len, const char *const *names,
                       const int *values, size_t n) {
  if (!s)
    return -1;
  while (len > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  if (len == 0)
    return 0;
  for (size_t k = 0; k < n; k++)
    if (ascii_ieq(s, len, names[k]))
      return values[k];
  return -1;
}

const char *ampel_ind_kind_name(ampel_ind_kind k) {
  switch (k) {
  case AMPEL_KIND_QUOTE: return "Quote";
  case AMPEL_KIND_ANZAHL: return "Anzahl";
  case AMPEL_KIND_INDEX: return "Index";
  case AMPEL_KIND_UNSET: break;
  }
  return NULL;
}

int ampel_ind_kind_parse(const char *s, size_t len, ampel_ind_kind *out) {
  /* lower case: ascii_ieq folds only its first argument */
  static const char *const names[] = {"quote",  "anteil", "rate",
                                      "anzahl", "zahl",   "summe",
                                      "betrag", "count",  "index"};
  static const int values[] = {
      AMPEL_KIND_QUOTE,  AMPEL_KIND_QUOTE,  AMPEL_KIND_QUOTE,
      AMPEL_KIND_ANZAHL, AMPEL_KIND_ANZAHL, AMPEL_KIND_ANZAHL,
      AMPEL_KIND_ANZAHL, AMPEL_KIND_ANZAHL, AMPEL_KIND_INDEX};
  int v = name_lookup(s, len, names, values, sizeof names / sizeof names[0]);
  if (v < 0)
    return -1;
  if (out)
    *out = (ampel_ind_kind)v;
  return 0;
}

const char *ampel_aggregation_name(ampel_aggregation a) {
  switch (a) {
  case AMPEL_AGG_SUM: return "Summe";
  case AMPEL_AGG_FORMULA: return "Formel";
  case AMPEL_AGG_NONE: return "keine";
  case AMPEL_AGG_UNSET: break;
  }
  return NULL;
}

int ampel_aggregation_parse(const char *s, size_t len, ampel_aggregation *out) {
  static const char *const names[] = {"summe",   "sum",   "formel",
                                      "formula", "keine", "none"};
  static const int values[] = {AMPEL_AGG_SUM,     AMPEL_AGG_SUM,
                               AMPEL_AGG_FORMULA, AMPEL_AGG_FORMULA,
                               AMPEL_AGG_NONE,    AMPEL_AGG_NONE};
  int v = name_lookup(s, len, names, values, sizeof names / sizeof names[0]);
  if (v < 0)
    return -1;
  if (out)
    *out = (ampel_aggregation)v;
  return 0;
}

ampel_ind_kind ampel_indicator_kind(const ampel_indicator *ind) {
  if (!ind)
    return AMPEL_KIND_QUOTE;
  if (ind->kind != AMPEL_KIND_UNSET)
    return ind->kind;
  static const char *const counts[] = {"anzahl", "personen", "eur", "euro",
                                       "\xe2\x82\xac"}; /* € */
  const char *u = ind->unit;
  if (u)
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
      if (ascii_ieq(u, strlen(u), counts[k]))
        return AMPEL_KIND_ANZAHL;
  return AMPEL_KIND_QUOTE;
}
