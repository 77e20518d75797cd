/* The empty input workbook of `ampel template` (include/ampel/
 * xlsx_export.h): Anleitung, Gebiete, Kennzahlen, Werte with the import
 * headers of docs/formats.md and data validation. */
#include <string.h>

#include "ampel/xlsx_export.h"
#include "xlsx_common.h"

#ifndef AMPEL_HAVE_XLSXWRITER

ampel_status ampel_xlsx_template_write(const char *path, ampel_diags *diags) {
  (void)path;
  ampel_diags_error(diags, AMPEL_E_USAGE,
                    "XLSX-Ausgabe ist in diesem Build "
                    "nicht verfügbar (libxlsxwriter "
                    "fehlt)");
  return AMPEL_E_USAGE;
}

#else

#define LAST_ROW 20000 /* validation reaches this far */

typedef struct col_spec {
  const char *head;
  double width;
  int kind; /* 0 text, 1 number >= 0, 2 whole number >= 0, 3 latitude,
               4 longitude, 5 Richtung, 6 decimals 0..10, 7 area key,
               8 indicator key, 9 free (numbers or symbols),
               10 ja/nein */
  const char *help;
} col_spec;

static const col_spec gebiete[] = {
    {"Schlüssel", 16, 0,
     "eindeutiger Schlüssel, z. B. GE-M-ALT; führende "
     "Nullen bleiben"},
    {"Name", 28, 0, "Anzeigename"},
    {"Übergeordnet", 16, 7,
     "Schlüssel des übergeordneten Gebiets; leer "
     "beim Gesamtgebiet (Stadt)"},
    {"Ebene", 14, 0, "z. B. Stadt, Stadtbezirk, Stadtteil, Schule"},
    {"Einwohner", 12, 1, "Zahl ab 0 (freiwillig)"},
    {"Kachel_Zeile", 12, 2, "Lage auf der Kachelkarte: ganze Zahl ab 0"},
    {"Kachel_Spalte", 12, 2, "Lage auf der Kachelkarte: ganze Zahl ab 0"},
    {"Breite", 11, 3, "WGS84-Grad, z. B. 51,51 (freiwillig)"},
    {"Länge", 11, 4, "WGS84-Grad, z. B. 7,10 (freiwillig)"},
    {NULL, 0, 0, NULL}};

static const col_spec kennzahlen[] = {
    {"Schlüssel", 22, 0, "z. B. sgb2_quote (ohne Leerzeichen)"},
    {"Name", 36, 0, "Anzeigename"},
    {"Einheit", 12, 0,
     "z. B. %, Anzahl; ohne Spalte Geheimhaltung gelten "
     "Anzahl/Personen/Schüler/Kinder als Fallzahl"},
    {"Richtung", 18, 5, "hoch_ist_gut, hoch_ist_schlecht oder neutral"},
    {"Handlungsfeld", 22, 0, "z. B. Frühkindliche Bildung"},
    {"Definition", 50, 0, "wie die Kennzahl berechnet wird"},
    {"Quelle", 40, 0, "Herkunft und Lizenz"},
    {"Stichtag", 14, 0, "z. B. 31.12."},
    {"Nachkommastellen", 12, 6, "für die Anzeige, 0 bis 10"},
    {"Geheimhaltung", 14, 10,
     "ja: Fallzahl von Personen, kleine Werte werden "
     "geheim gehalten; nein: z. B. Zahl der Schulen; "
     "leer: nach der Einheit"},
    {NULL, 0, 0, NULL}};

static const col_spec werte[] = {
    {"Gebiet", 16, 7, "Schlüssel aus dem Blatt Gebiete"},
    {"Kennzahl", 22, 8, "Schlüssel aus dem Blatt Kennzahlen"},
    {"Zeitraum", 12, 0, "als Text: 2023, 2023/24 oder 31.12.2023"},
    {"Wert", 12, 9,
     "Zahl oder Zeichen: . geheim, - nichts, x nicht "
     "sinnvoll, ... später, / unsicher, * anonymisiert"},
    {"Zähler", 12, 1, "bei Quoten: z. B. 31 (von 316)"},
    {"Nenner", 12, 1, "bei Quoten: z. B. 316"},
    {NULL, 0, 0, NULL}};

static void validate(lxw_worksheet *ws, lxw_col_t c, const col_spec *s) {
  static const char *richtung[] = {"hoch_ist_gut", "hoch_ist_schlecht",
                                   "neutral", NULL};
  static const char *janein[] = {"ja", "nein", NULL};
  lxw_data_validation v;
  memset(&v, 0, sizeof v);
  v.input_title = (char *)s->head;
  v.input_message = (char *)s->help;
  v.error_title = (char *)"Ungültiger Eintrag";
  switch (s->kind) {
  case 1:
  case 3:
  case 4:
    v.validate = LXW_VALIDATION_TYPE_DECIMAL;
    v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    v.minimum_number = s->kind == 1 ? 0 : s->kind == 3 ? -90 : -180;
    v.maximum_number = s->kind == 1 ? 1e15 : s->kind == 3 ? 90 : 180;
    v.error_message = (char *)(s->kind == 1 ? "Bitte eine Zahl ab 0 eingeben."
                                            : "Bitte Grad in WGS84 eingeben.");
    break;
  case 2:
  case 6:
    v.validate = LXW_VALIDATION_TYPE_INTEGER;
    v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    v.minimum_number = 0;
    v.maximum_number = s->kind == 6 ? 10 : 100000;
    v.error_message = (char *)"Bitte eine ganze Zahl eingeben.";
    break;
  case 5:
    v.validate = LXW_VALIDATION_TYPE_LIST;
    v.value_list = (char **)richtung;
    v.error_message = (char *)"Bitte hoch_ist_gut, hoch_ist_schlecht oder "
                              "neutral wählen.";
    break;
  case 10:
    v.validate = LXW_VALIDATION_TYPE_LIST;
    v.value_list = (char **)janein;
    v.error_message = (char *)"Bitte ja oder nein wählen (oder leer "
                              "lassen).";
    break;
  default: /* keys (7, 8) too: a list from the other sheet would be nice,
              but libxlsxwriter 1.1.4 leaks list formulas; the import
              checks the keys with line and column anyway */
    v.validate = LXW_VALIDATION_TYPE_ANY;
    break;
  }
  worksheet_data_validation_range(ws, 1, c, LAST_ROW, c, &v);
}

static void input_sheet(lxw_workbook *wb, const xc_formats *f, const char *name,
                        const col_spec *cols) {
  lxw_worksheet *ws = workbook_add_worksheet(wb, name);
  for (lxw_col_t c = 0; cols[c].head; c++) {
    worksheet_write_string(ws, 0, c, cols[c].head, f->head);
    worksheet_set_column(ws, c, c, cols[c].width,
                         cols[c].kind == 0 || cols[c].kind >= 7 ? f->text
                                                                : NULL);
    validate(ws, c, &cols[c]);
  }
  worksheet_freeze_panes(ws, 1, 0);
}

static const char *const steps[] = {
    "So füllen Sie diese Vorlage aus",
    "1. Blatt Gebiete: eine Zeile je Gebiet, zuerst das Gesamtgebiet (Stadt) "
    "ohne übergeordnetes Gebiet, dann Stadtbezirke, Stadtteile, Schulen.",
    "2. Blatt Kennzahlen: eine Zeile je Kennzahl. Richtung aus der Liste "
    "wählen: hoch_ist_gut, hoch_ist_schlecht oder neutral. Geheimhaltung: "
    "ja bei Fallzahlen von Personen (kleine Werte werden geheim gehalten), "
    "nein z. B. bei der Zahl der Schulen oder Kitas; leer: nach der Einheit.",
    "3. Blatt Werte: eine Zeile je Gebiet, Kennzahl und Zeitraum. Zeiträume "
    "als Text eingeben (2023/24), nicht als Datum.",
    "4. Zeichen der amtlichen Statistik sind erlaubt: . geheim, - nichts "
    "vorhanden, x nicht sinnvoll, ... noch nicht verfügbar, / nicht sicher "
    "genug, * anonymisiert, (12,5) eingeschränkt aussagefähig.",
    "5. Einlesen: ampel import vorlage.xlsx (dieses Blatt wird dabei "
    "übergangen). Fehler werden mit Blatt, Zeile und Spalte gemeldet; "
    "bei einem Fehler wird nichts gespeichert.",
    "6. Spaltennamen nicht ändern; weitere Spalten dürfen angefügt werden "
    "und werden übergangen.",
    NULL};

static void example(lxw_worksheet *ws, const xc_formats *f, lxw_row_t r,
                    const char *title, const col_spec *cols,
                    const char *const *row) {
  worksheet_write_string(ws, r, 0, title, f->bold);
  for (lxw_col_t c = 0; cols[c].head; c++) {
    worksheet_write_string(ws, r + 1, c, cols[c].head, f->head);
    worksheet_write_string(ws, r + 2, c, row[c], NULL);
  }
}

static void anleitung(lxw_workbook *wb, const xc_formats *f) {
  static const char *const ex_g[] = {
      "GE-M-ALT", "Altstadt", "GE-M", "Stadtteil", "12500", "2", "3", "", ""};
  static const char *const ex_k[] = {
      "sgb2_quote",
      "SGB-II-Quote unter 15 Jahren",
      "%",
      "hoch_ist_schlecht",
      "Soziale Lage",
      "Kinder unter 15 in Bedarfsgemeinschaften je 100 Kinder unter 15",
      "Bundesagentur für Arbeit",
      "31.12.",
      "1",
      "nein"};
  static const char *const ex_w[] = {"GE-M-ALT", "sgb2_quote", "2023",
                                     "31,2",     "310",        "994"};
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Anleitung");
  worksheet_set_column(ws, 0, 0, 22, NULL);
  worksheet_set_column(ws, 1, 9, 18, NULL);
  worksheet_write_string(ws, 0, 0,
                         "Vorlage für ampel: Gebiete, Kennzahlen, "
                         "Werte",
                         f->title);
  lxw_row_t r = 2;
  for (size_t i = 0; steps[i]; i++)
    worksheet_write_string(ws, r++, 0, steps[i], i ? NULL : f->bold);
  r++;
  example(ws, f, r, "Beispielzeile Gebiete", gebiete, ex_g);
  example(ws, f, r + 4, "Beispielzeile Kennzahlen", kennzahlen, ex_k);
  example(ws, f, r + 8, "Beispielzeile Werte", werte, ex_w);
  worksheet_activate(ws);
}

ampel_status ampel_xlsx_template_write(const char *path, ampel_diags *diags) {
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    ampel_diags_error(diags, AMPEL_E_IO, "'%s' kann nicht angelegt werden",
                      path);
    return AMPEL_E_IO;
  }
  xc_formats f;
  xc_formats_init(wb, &f);
  xc_properties(wb, "Vorlage für ampel", NULL, 0);
  anleitung(wb, &f);
  input_sheet(wb, &f, "Gebiete", gebiete);
  input_sheet(wb, &f, "Kennzahlen", kennzahlen);
  input_sheet(wb, &f, "Werte", werte);
  return xc_close(wb, AMPEL_OK, path, diags);
}

#endif
