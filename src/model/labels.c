/* model/labels.c - names and German labels of the result vocabulary
 * (labels.h): what renderers write for a light, a trend, a certainty, a
 * reference method, an MSS class or an out reason. No computation. */
#include "ampel/labels.h"

#include <stdio.h>

#include "ampel/dataset.h"

/* ---- Reference value (METHODS.md §1) ---- */

const char *ampel_ref_method_name(ampel_ref_method m) {
  switch (m) {
  case AMPEL_REF_ROOT: return "root";
  case AMPEL_REF_RATIO: return "ratio";
  case AMPEL_REF_MEAN: return "mean";
  case AMPEL_REF_NONE: return "none";
  case AMPEL_REF_MEAN_COUNT: return "mean_count";
  case AMPEL_REF_MEAN_OUTSIDE: return "mean_outside";
  case AMPEL_REF_METHOD_COUNT_: break;
  }
  return "none";
}

const char *ampel_ref_method_label_de(ampel_ref_method m) {
  switch (m) {
  case AMPEL_REF_ROOT: return "Wert der Gesamtstadt";
  case AMPEL_REF_RATIO: return "Quote aus den Summen von Zähler und Nenner";
  case AMPEL_REF_MEAN: return "ungewichteter Mittelwert der Gebiete";
  case AMPEL_REF_NONE: return "kein Referenzwert";
  case AMPEL_REF_MEAN_COUNT:
    return "Mittelwert der Gebiete – eine Anzahl wird nicht mit der "
           "Summe der Gesamtstadt verglichen";
  case AMPEL_REF_MEAN_OUTSIDE:
    return "Mittelwert der Gebiete – der Wert der Gesamtstadt liegt "
           "außerhalb der Spanne der Gebiete";
  case AMPEL_REF_METHOD_COUNT_: break;
  }
  return "kein Referenzwert";
}

/* ---- Lights, trends, certainty (METHODS.md §3) ---- */

const char *ampel_light_name(ampel_light l) {
  switch (l) {
  case AMPEL_LIGHT_GOOD: return "good";
  case AMPEL_LIGHT_AVERAGE: return "average";
  case AMPEL_LIGHT_CRITICAL: return "critical";
  case AMPEL_LIGHT_NONE: return "none";
  }
  return "none";
}

const char *ampel_light_label_de(ampel_light l) {
  switch (l) {
  case AMPEL_LIGHT_GOOD: return "gut";
  case AMPEL_LIGHT_AVERAGE: return "durchschnittlich";
  case AMPEL_LIGHT_CRITICAL: return "kritisch";
  case AMPEL_LIGHT_NONE: return "ohne Bewertung";
  }
  return "ohne Bewertung";
}

const char *ampel_trend_name(ampel_trend t) {
  switch (t) {
  case AMPEL_TREND_BETTER: return "better";
  case AMPEL_TREND_STABLE: return "stable";
  case AMPEL_TREND_WORSE: return "worse";
  case AMPEL_TREND_NONE: return "none";
  case AMPEL_TREND_UP: return "up";
  case AMPEL_TREND_DOWN: return "down";
  case AMPEL_TREND_SAME: return "same";
  case AMPEL_TREND_COUNT_: break;
  }
  return "none";
}

const char *ampel_trend_label_de(ampel_trend t) {
  switch (t) {
  case AMPEL_TREND_BETTER: return "besser";
  case AMPEL_TREND_STABLE: return "stabil";
  case AMPEL_TREND_WORSE: return "schlechter";
  case AMPEL_TREND_NONE: return "keine Angabe";
  case AMPEL_TREND_UP: return "gestiegen";
  case AMPEL_TREND_DOWN: return "gesunken";
  case AMPEL_TREND_SAME: return "gleich";
  case AMPEL_TREND_COUNT_: break;
  }
  return "keine Angabe";
}

const char *ampel_certainty_name(ampel_certainty c) {
  switch (c) {
  case AMPEL_CERTAIN_YES: return "yes";
  case AMPEL_CERTAIN_NO: return "no";
  case AMPEL_CERTAIN_NA: return "";
  }
  return "";
}

const char *ampel_certainty_label_de(ampel_certainty c) {
  switch (c) {
  case AMPEL_CERTAIN_YES: return "sicher";
  case AMPEL_CERTAIN_NO: return "unsicher";
  case AMPEL_CERTAIN_NA: return "";
  }
  return "";
}

/* ---- MSS classes (METHODS.md §4) ---- */

const char *ampel_mss_status_label(int c) {
  switch (c) {
  case AMPEL_MSS_STATUS_HIGH: return "hoch";
  case AMPEL_MSS_STATUS_MEDIUM: return "mittel";
  case AMPEL_MSS_STATUS_LOW: return "niedrig";
  case AMPEL_MSS_STATUS_VERY_LOW: return "sehr niedrig";
  default: return "";
  }
}

const char *ampel_mss_dynamics_sign(int c) {
  switch (c) {
  case AMPEL_MSS_DYN_POSITIVE: return "+";
  case AMPEL_MSS_DYN_STABLE: return "+/-";
  case AMPEL_MSS_DYN_NEGATIVE: return "-";
  default: return "";
  }
}

const char *ampel_mss_dynamics_label(int c) {
  switch (c) {
  case AMPEL_MSS_DYN_POSITIVE: return "positiv";
  case AMPEL_MSS_DYN_STABLE: return "stabil";
  case AMPEL_MSS_DYN_NEGATIVE: return "negativ";
  default: return "";
  }
}

/* ---- Areas out of the universe ---- */

const char *ampel_out_label(int reason) {
  switch (reason) {
  case AMPEL_OUT_POPULATION: return "zu wenige Einwohner";
  case AMPEL_OUT_MISSING: return "unvollständig";
  default: return "";
  }
}

const char *ampel_out_reason_de(ampel_out_reason r) {
  switch (r) {
  case AMPEL_REASON_RATED: return "";
  case AMPEL_REASON_SMALL: return "zu wenige Einwohner";
  case AMPEL_REASON_MISSING: return "kein Wert";
  case AMPEL_REASON_NO_WEIGHT: return "kein Gewicht";
  case AMPEL_REASON_INCOMPLETE: return "unvollständig";
  }
  return "";
}

/* ---- The period of a view (METHODS.md §9) ---- */

const char *ampel_stand_label_de(const ampel_dataset *ds, size_t period,
                                 int differs, char *buf, size_t size) {
  const char *label = ampel_dataset_period(ds, period)->label;
  if (differs)
    snprintf(buf, size, "Stand je Kennzahl, neuester Zeitraum %s", label);
  else
    snprintf(buf, size, "%s", label);
  return buf;
}
