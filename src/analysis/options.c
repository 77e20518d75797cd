/* options.c - the one option table (include/ampel/options.h) and the
 * parsing, help and documentation generated from it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/options.h"

#define INF HUGE_VAL
#define LO_OPEN AMPEL_OPTF_LO_OPEN
#define HI_OPEN AMPEL_OPTF_HI_OPEN
#define CLI AMPEL_OPTF_CLI

#define TEXT(id, name, mv, defde, help)                                        \
  { id, name, 0, AMPEL_OT_TEXT, mv, 0, 0, 0, NULL, NULL, defde, help }
#define LIST(id, name, mv, defde, help)                                        \
  { id, name, 0, AMPEL_OT_LIST, mv, 0, 0, 0, NULL, NULL, defde, help }
#define NUM(id, name, mv, lo, hi, fl, def, defde, help)                        \
  { id, name, 0, AMPEL_OT_NUMBER, mv, lo, hi, fl, NULL, def, defde, help }
#define INT(id, name, mv, lo, hi, fl, def, defde, help)                        \
  { id, name, 0, AMPEL_OT_INTEGER, mv, lo, hi, fl, NULL, def, defde, help }
#define CHOICE(id, name, mv, words, def, help)                                 \
  { id, name, 0, AMPEL_OT_CHOICE, mv, 0, 0, 0, words, def, NULL, help }
#define FLAG(id, name, fl, help)                                               \
  { id, name, 0, AMPEL_OT_FLAG, NULL, 0, 0, fl, NULL, NULL, NULL, help }
#define FILEOPT(id, name, mv, help)                                            \
  { id, name, 0, AMPEL_OT_FILE, mv, 0, 0, CLI, NULL, NULL, NULL, help }

/* In ampel_opt_id order (checked by ampel_opt_get's callers' tests). */
static const ampel_opt_def table[AMPEL_OPT_COUNT] = {
    TEXT(AMPEL_OPT_LEVEL, "level", "EBENE", "die mit den meisten Kennzahlen",
         "Gebietsebene, z. B. Stadtteil"),
    TEXT(AMPEL_OPT_PERIOD, "period", "ZEITRAUM",
         "der neueste mit Werten; Ampel, Heatmap und Karte: je Kennzahl ihr "
         "neuester",
         "Zeitraum (für alle Kennzahlen derselbe)"),
    TEXT(AMPEL_OPT_SINCE, "since", "ZEITRAUM",
         "je Kennzahl der letzte frühere Zeitraum mit Werten",
         "Entwicklung seit diesem Zeitraum"),
    TEXT(AMPEL_OPT_STAND, "stand", "ZEITRAUM", "der neueste",
         "Stand je Kennzahl: ihr neuester Zeitraum nicht nach diesem "
         "(Zeitraum oder Jahr)"),
    FLAG(AMPEL_OPT_DEVELOPMENTS, "entwicklung", CLI,
         "statt der Ampel die positiven Entwicklungen schreiben: jede "
         "Zelle mit Entwicklung besser, nach Stärke geordnet (CSV)"),
    LIST(AMPEL_OPT_INDICATORS, "indicators", "K,...", "alle mit Werten",
         "Kennzahlen, durch Komma getrennt"),
    TEXT(AMPEL_OPT_INDICATOR, "indicator", "K", "die erste mit Werten",
         "Kennzahl"),
    TEXT(AMPEL_OPT_AREA, "area", "SCHLÜSSEL", NULL, "Gebiet"),
    LIST(AMPEL_OPT_AREAS, "areas", "K,...", "alle",
         "nur diese Gebiete, durch Komma getrennt"),
    NUM(AMPEL_OPT_MIN_POPULATION, "min-population", "N", 0, INF, 0, NULL,
        "die Einstellung min_population der Datenbank, sonst 300",
        "Gebiete mit bekannter Einwohnerzahl unter N werden gezeigt, aber "
        "nicht bewertet und zählen für niemandes Referenz"),
    NUM(AMPEL_OPT_BAND, "band", "B", 0, 1e9, LO_OPEN, NULL,
        "0,5 Standardabweichungen, bei relative 10 Prozent",
        "Schwelle für gut/kritisch und besser/schlechter"),
    CHOICE(AMPEL_OPT_STATUS_METHOD, "status-method", "z|relative", "z|relative",
           "z",
           "Abstand in Standardabweichungen (z) oder in Prozent der "
           "Referenz (relative)"),
    CHOICE(AMPEL_OPT_REFERENCE, "reference", "root|mean", "root|mean", "root",
           "Referenz: Gesamtstadt (root) oder Mittelwert der Gebiete "
           "(mean)"),
    CHOICE(AMPEL_OPT_CLUSTER, "cluster", "WAS", "both|areas|indicators|none",
           "both",
           "was gruppiert wird: Gebiete und Kennzahlen, nur eines "
           "oder nichts"),
    CHOICE(AMPEL_OPT_LINKAGE, "linkage", "VERFAHREN",
           "complete|average|single|ward", "complete",
           "Verfahren der Clusteranalyse"),
    FILEOPT(AMPEL_OPT_TREE, "tree", "DATEI.csv",
            "Baum der Gebiete in SciPy-Nummerierung schreiben"),
    CHOICE(AMPEL_OPT_INDEX_METHOD, "method", "mss|weighted", "mss|weighted",
           "weighted",
           "mss: Status- und Dynamik-Index (Berlin); weighted: "
           "gewichteter Bedarfsindex mit Stufen"),
    LIST(AMPEL_OPT_STATUS_KEYS, "status", "K,...", NULL,
         "Kennzahlen des Status-Index (mss)"),
    LIST(AMPEL_OPT_DYNAMICS_KEYS, "dynamics", "K,...", NULL,
         "Kennzahlen der Dynamik, Veränderungen (mss)"),
    LIST(AMPEL_OPT_NEED_INDICATORS, "indicators", "K:W,...",
         "jede Kennzahl mit Richtung, die für jedes Gebiet der Ebene einen "
         "Wert hat",
         "Kennzahlen mit Gewicht (ohne :W Gewicht 1; Gewichte mit Punkt: "
         "0.5)"),
    INT(AMPEL_OPT_LEVELS, "levels", "K", 1, 1000, 0, "9", NULL,
        "Zahl der Stufen (K = höchster Bedarf)"),
    NUM(AMPEL_OPT_TOP_SHARE, "top-share", "Q", 0, 1, HI_OPEN, NULL, "keine",
        "die obersten Q (z. B. 0.05) bilden die höchste Stufe"),
    CHOICE(AMPEL_OPT_LEVEL_METHOD, "level-method", "M", "width|count", "width",
           "width: gleich breite Stufen, count: gleich viele "
           "Gebiete je Stufe"),
    INT(AMPEL_OPT_SENSITIVITY, "sensitivity", "N", 0, 100000, 0, "0", NULL,
        "N Läufe mit zufällig um ±20 % veränderten Gewichten: kleinster und "
        "größter Rang und Stufe je Gebiet"),
    INT(AMPEL_OPT_SEED, "seed", "S", 0, 9007199254740991.0, 0, "1", NULL,
        "Startwert des Zufalls"),
    FILEOPT(AMPEL_OPT_SENSITIVITY_OUT, "sensitivity-out", "DATEI.csv",
            "wohin die Tabelle der Sensitivität geht (Pflicht mit "
            "--sensitivity)"),
    NUM(AMPEL_OPT_BUDGET, "budget", "B", 0, 1e15, LO_OPEN, "100000", NULL,
        "zu verteilender Betrag"),
    NUM(AMPEL_OPT_BASE_SHARE, "base-share", "S", 0, 1, 0, "0", NULL,
        "Sockelanteil von 0 bis 1"),
    TEXT(AMPEL_OPT_WEIGHT, "weight", "K", "1 je Gebiet",
         "Gewicht je Gebiet aus Kennzahl K (z. B. Schülerzahl); ein Gebiet "
         "ohne Wert bekommt keinen Betrag und wird genannt"),
    CHOICE(AMPEL_OPT_NEED, "need", "level|score", "level|score", "level",
           "Bedarf = Stufe oder Indexwert minus kleinster Indexwert"),
    NUM(AMPEL_OPT_UNIT, "unit", "U", 0, 1e15, LO_OPEN, "1", NULL,
        "Rundungseinheit"),
    NUM(AMPEL_OPT_FLOOR, "floor", "F", 0, 1e15, 0, NULL, "keiner",
        "Mindestbetrag je Gebiet"),
    NUM(AMPEL_OPT_CAP, "cap", "C", 0, 1e15, LO_OPEN, NULL, "keiner",
        "Höchstbetrag je Gebiet"),
    TEXT(AMPEL_OPT_AMOUNT_LABEL, "amount-label", "TEXT", "€",
         "Einheit der Beträge in der Grafik"),
    {AMPEL_OPT_INDEX_FILE, "index", 0, AMPEL_OT_TEXT, "DATEI.csv", 0, 0, CLI,
     NULL, NULL, NULL, "Bedarf aus einer Datei von 'ampel index'"},
    CHOICE(AMPEL_OPT_CORR_METHOD, "method", "pearson|spearman",
           "pearson|spearman", "pearson",
           "Korrelation nach Pearson oder Spearman (mittlere Ränge)"),
    TEXT(AMPEL_OPT_X, "x", "K", NULL, "Kennzahl der waagrechten Achse"),
    TEXT(AMPEL_OPT_Y, "y", "K", NULL, "Kennzahl der senkrechten Achse"),
    CHOICE(AMPEL_OPT_BY, "by", "WAS", "status|scaled|classes", "status",
           "Farbe nach Ampel-Status, 0-1 skaliertem Wert oder Klassen"),
    TEXT(AMPEL_OPT_CLASSES, "classes", "VERFAHREN:N", "quantile:5",
         "quantile, equal, jenks, sd mit N Klassen, oder manual:G1,G2,..."),
    TEXT(AMPEL_OPT_POINTS, "points", "EBENE", NULL,
         "Gebiete dieser Ebene als Punkte (Breite/Länge) auf dem Umriss"),
    FLAG(AMPEL_OPT_NO_LABELS, "no-labels", 0,
         "keine Namen in die Flächen schreiben"),
    FLAG(AMPEL_OPT_DIVERGING, "diverging", 0,
         "Klassen symmetrisch um die Referenz"),
    FLAG(AMPEL_OPT_FIXED_BREAKS, "fixed-breaks", 0,
         "Klassengrenzen über alle Zeiträume (vergleichbar)"),
    TEXT(AMPEL_OPT_ATTRIBUTION, "attribution", "TEXT", NULL,
         "Quellenangabe der Flächen (z. B. '(c) GeoBasis-DE / BKG')"),
    CHOICE(AMPEL_OPT_PALETTE, "palette", "NAME", "standard|ampel|grau",
           "standard",
           "standard (farbenblind-sicher), ampel (rot-gelb-grün) "
           "oder grau"),
    TEXT(AMPEL_OPT_TITLE, "title", "TEXT", NULL, "eigener Titel"),
    {AMPEL_OPT_OUTPUT, "output", 'o', AMPEL_OT_FILE, "DATEI", 0, 0, CLI, NULL,
     NULL, NULL,
     "Ausgabe; die Endung wählt das Format ('-': "
     "Standardausgabe)"},
    NUM(AMPEL_OPT_DPI, "dpi", "N", 10, 1200, 0, "150", NULL,
        "Auflösung bei .png"),
    {AMPEL_OPT_FORMAT, "format", 0, AMPEL_OT_CHOICE, "csv|json", 0, 0, CLI,
     "csv|json", NULL, "nach der Endung von -o",
     "Tabelle als CSV oder JSON (wie die API)"},
    {AMPEL_OPT_LIST_FORMAT, "format", 0, AMPEL_OT_CHOICE, "text|csv|json", 0, 0,
     CLI, "text|csv|json", "text", NULL,
     "Tabelle, CSV oder JSON (wie die API)"},
    {AMPEL_OPT_EXPORT_FORMAT, "format", 0, AMPEL_OT_CHOICE, "csv|json|csv-de",
     0, 0, CLI, "csv|json|csv-de", "csv", NULL,
     "Langformat als CSV oder JSON (wie /api/v1/values); csv-de: CSV für "
     "deutsches Excel (Semikolon, Dezimalkomma, UTF-8 mit BOM)"},
    FLAG(AMPEL_OPT_UNPROTECTED, "ungeschuetzt", CLI,
         "ohne Geheimhaltung, nur CSV: für die interne Datenübergabe, nicht "
         "zur Veröffentlichung"),
    {AMPEL_OPT_ENCODING, "encoding", 0, AMPEL_OT_TEXT, "KODIERUNG", 0, 0, CLI,
     NULL, "auto", NULL,
     "Zeichenkodierung: auto, utf-8 oder windows-1252 (auch cp1252, "
     "latin1)"},
    {AMPEL_OPT_SEP, "sep", 0, AMPEL_OT_TEXT, "TRENNER", 0, 0, CLI, NULL, NULL,
     "erkennen", "';', ',' oder tab"},
    {AMPEL_OPT_DECIMAL, "decimal", 0, AMPEL_OT_TEXT, "ZEICHEN", 0, 0, CLI, NULL,
     NULL, "je Datei erkennen", "',' oder '.'"},
    {AMPEL_OPT_KEY_PROPERTY, "key-property", 0, AMPEL_OT_TEXT, "NAME", 0, 0,
     CLI, NULL, NULL, NULL,
     "Flächen: Eigenschaft mit dem Gebietsschlüssel (oder dem Namen des "
     "Gebiets)"},
    {AMPEL_OPT_NAME_PROPERTY, "name-property", 0, AMPEL_OT_TEXT, "NAME", 0, 0,
     CLI, NULL, NULL, NULL,
     "Flächen: unbekannte Schlüssel als neue Gebiete der Ebene anlegen, mit "
     "dem Namen aus dieser Eigenschaft"},
    {AMPEL_OPT_CRS, "crs", 0, AMPEL_OT_TEXT, "EPSG:N", 0, 0, CLI, NULL, NULL,
     "aus .prj, dem GeoJSON-Element 'crs' oder WGS84",
     "Flächen: Koordinatensystem der Datei"},
    TEXT(AMPEL_OPT_ONLY_LEVEL, "level", "EBENE", NULL,
         "nur Gebiete dieser Ebene, z. B. Stadtteil (bei Flächen werden "
         "fehlende gemeldet)"),
    FLAG(AMPEL_OPT_PRUEFEN, "pruefen", CLI,
         "nur prüfen, nichts speichern; zeigt jeden Fehler und was die "
         "Einfuhr ändern würde (neue und geänderte Gebiete, Kennzahlen und "
         "Werte; Werte, die sich um mehr als das Zehnfache ändern)"),
    {AMPEL_OPT_BIND, "bind", 0, AMPEL_OT_TEXT, "ADRESSE", 0, 0, CLI, NULL,
     "127.0.0.1", NULL,
     "IP-Adresse (127.0.0.1: nur dieser Rechner; 0.0.0.0 für alle Netze)"},
    {AMPEL_OPT_PORT, "port", 0, AMPEL_OT_INTEGER, "N", 0, 65535, CLI, NULL,
     "8080", NULL, "Port (0 = freien Port wählen)"},
    {AMPEL_OPT_THREADS, "threads", 0, AMPEL_OT_INTEGER, "N", 1, 256, CLI, NULL,
     NULL, "Zahl der Kerne", "Arbeits-Threads"},
    {AMPEL_OPT_ADMIN_TOKEN_FILE, "admin-token-file", 0, AMPEL_OT_TEXT, "DATEI",
     0, 0, CLI, NULL, NULL, NULL,
     "Datei mit einem geheimen Schlüssel (mindestens 16 Zeichen); erlaubt "
     "POST /admin/import mit 'Authorization: Bearer SCHLÜSSEL'. Ohne sie "
     "ist der Server nur lesend."},
    {AMPEL_OPT_REQUEST_TIMEOUT, "request-timeout", 0, AMPEL_OT_INTEGER, "S", 1,
     3600, CLI, NULL, "10", NULL,
     "Sekunden, in denen eine Anfrage (Kopfzeilen und Daten) vollständig "
     "ankommen muss, sonst 408; so lange bleibt auch eine ruhende "
     "Verbindung offen"},
    {AMPEL_OPT_COMPUTE_TIMEOUT, "compute-timeout", 0, AMPEL_OT_INTEGER, "S", 1,
     3600, CLI, NULL, "10", NULL,
     "Sekunden für die Berechnung einer Antwort; danach wird sie "
     "abgebrochen (503)"},
    {AMPEL_OPT_MAX_CONNECTIONS, "max-connections", 0, AMPEL_OT_INTEGER, "N", 16,
     100000, CLI, NULL, "1000", NULL,
     "offene Verbindungen insgesamt; weitere warten in der Warteschlange "
     "des Systems"},
    {AMPEL_OPT_MAX_PER_ADDRESS, "max-per-address", 0, AMPEL_OT_INTEGER, "N", 0,
     100000, CLI, NULL, "128", NULL,
     "offene Verbindungen je Client-Adresse (0 = ohne Grenze, etwa hinter "
     "einem Proxy auf demselben Rechner); darüber 503"},
    {AMPEL_OPT_MAX_UPLOAD, "max-upload", 0, AMPEL_OT_INTEGER, "MB", 1, 10000,
     CLI, NULL, "50", NULL,
     "größte Einfuhr über den Browser oder die API in Megabyte (alle "
     "Dateien zusammen); darüber 413"},
    {AMPEL_OPT_FRAME_ANCESTORS, "frame-ancestors", 0, AMPEL_OT_TEXT, "QUELLEN",
     0, 0, CLI, NULL, NULL, "keine",
     "Seiten, die das Dashboard einbetten dürfen (iframe), durch Leerzeichen "
     "getrennt, z. B. 'https://www.stadt.de https://*.stadt.de' oder "
     "'self'; nur https://- oder http://-Adressen ohne Pfad"},
    {AMPEL_OPT_FROM, "from", 0, AMPEL_OT_TEXT, "ORT", 0, 0, CLI, NULL, NULL,
     NULL, "Quelle des Umzugs: SQLite-Datei oder postgresql://-URL"},
    {AMPEL_OPT_TO, "to", 0, AMPEL_OT_TEXT, "ORT", 0, 0, CLI, NULL, NULL, NULL,
     "Ziel des Umzugs: neue, leere SQLite-Datei oder postgresql://-URL"},
    INT(AMPEL_OPT_PERMUTATIONS, "permutations", "N", 0, 9999, 0, "999", NULL,
        "Zahl der zufälligen Vertauschungen für die p-Werte (0: keine "
        "p-Werte)"),
    NUM(AMPEL_OPT_ALPHA, "alpha", "A", 0, 1, LO_OPEN | HI_OPEN, "0.05", NULL,
        "Signifikanzniveau: ein Gebiet mit p bis A gilt als signifikant"),
    FLAG(AMPEL_OPT_GLOBAL, "global", 0,
         "nur das globale Moran's I, eine Zeile je Kennzahl (ohne "
         "--indicator: alle Kennzahlen der Ebene)"),
    TEXT(AMPEL_OPT_LISA_INDICATOR, "lisa", "K", "die Kennzahl der x-Achse",
         "Kennzahl der Clusterkarte (LISA)"),
    {AMPEL_OPT_KEY_OLD, "alt", 0, AMPEL_OT_TEXT, "DATEI", 0, 0, CLI, NULL, NULL,
     NULL, "Flächen vor der Reform (GeoJSON, KML oder Shapefile)"},
    {AMPEL_OPT_KEY_NEW, "neu", 0, AMPEL_OT_TEXT, "DATEI", 0, 0, CLI, NULL, NULL,
     NULL, "Flächen nach der Reform (GeoJSON, KML oder Shapefile)"},
    {AMPEL_OPT_KEY_OLD_PROPERTY, "alt-schluessel", 0, AMPEL_OT_TEXT, "NAME", 0,
     0, CLI, NULL, "key", NULL,
     "Eigenschaft mit dem Gebietsschlüssel in --alt (KML: name)"},
    {AMPEL_OPT_KEY_NEW_PROPERTY, "neu-schluessel", 0, AMPEL_OT_TEXT, "NAME", 0,
     0, CLI, NULL, "key", NULL,
     "Eigenschaft mit dem Gebietsschlüssel in --neu (KML: name)"},
    {AMPEL_OPT_KEY_WEIGHT, "gewicht", 0, AMPEL_OT_CHOICE, "flaeche|einwohner",
     0, 0, CLI, "flaeche|einwohner", "flaeche", NULL,
     "Anteile nach Fläche oder nach Einwohnern (--einwohner-punkte)"},
    {AMPEL_OPT_POP_POINTS, "einwohner-punkte", 0, AMPEL_OT_TEXT, "DATEI", 0, 0,
     CLI, NULL, NULL, NULL,
     "CSV mit Punkten und Einwohnern (Spalten Länge;Breite;Einwohner in "
     "WGS84) für --gewicht einwohner"},
    NUM(AMPEL_OPT_MIN_SHARE, "mindestanteil", "A", 0, 0.5, HI_OPEN, "0.001",
        NULL,
        "kleinere Anteile gelten als Ungenauigkeit der Grenzlinien und "
        "entfallen (die übrigen werden wieder auf 1 gebracht)"),
    /* accounts and sign-in (issue 12, docs/betrieb.md) */
    {AMPEL_OPT_ROLE, "role", 0, AMPEL_OT_CHOICE, "ROLLE", 0, 0, CLI,
     "leser|redaktion|verwaltung", NULL, NULL,
     "Rolle: leser (lesen), redaktion (auch Daten einlesen, Kennzahlen "
     "bearbeiten) oder verwaltung (auch Benutzer und Einstellungen)"},
    {AMPEL_OPT_USER, "user", 0, AMPEL_OT_TEXT, "BENUTZER", 0, 0, CLI, NULL,
     NULL, "der Benutzer NAME",
     "Benutzer, dessen Rolle der API-Schlüssel trägt"},
    {AMPEL_OPT_LIMIT, "limit", 0, AMPEL_OT_INTEGER, "N", 1, 1000000, CLI, NULL,
     "50", NULL, "höchstens N Einträge, die neuesten zuerst"},
    FLAG(AMPEL_OPT_PRIVATE, "private", CLI,
         "jede Seite und jede API-Anfrage braucht eine Anmeldung (mindestens "
         "Rolle leser); sonst Weiterleitung auf /anmelden bzw. 401"),
    {AMPEL_OPT_PUBLIC_URL, "public-url", 0, AMPEL_OT_TEXT, "URL", 0, 0, CLI,
     NULL, NULL, NULL,
     "öffentliche Adresse des Dashboards hinter einem Proxy, z. B. "
     "https://monitoring.stadt.de/; bei https trägt das Sitzungs-Cookie "
     "Secure"},
    {AMPEL_OPT_TRUSTED_HEADER, "trusted-header", 0, AMPEL_OT_TEXT, "NAME", 0, 0,
     CLI, NULL, NULL, NULL,
     "Kopfzeile, in der ein vorgeschalteter Proxy den angemeldeten "
     "Benutzernamen übergibt (z. B. X-Remote-User); nur von "
     "--trusted-proxy beachtet, Rollen aus 'ampel user'"},
    {AMPEL_OPT_TRUSTED_PROXY, "trusted-proxy", 0, AMPEL_OT_TEXT, "ADRESSE,...",
     0, 0, CLI, NULL, NULL, NULL,
     "IP-Adressen der Proxys, deren --trusted-header gilt (durch Komma "
     "getrennt); von jeder anderen Adresse wird die Kopfzeile ignoriert"},
    INT(AMPEL_OPT_PAGE, "seite", "N", 1, 100000, 0, "1", NULL,
        "Seite der Tabelle bei mehr als 200 Gebieten (je 200: Ampel, "
        "Rangfolge, Bedarf)"),
    TEXT(AMPEL_OPT_SEARCH, "suche", "TEXT", NULL,
         "nur Gebiete, deren Name oder Schlüssel TEXT enthält (ohne "
         "Unterschied von Groß- und Kleinschreibung)"),
    CHOICE(AMPEL_OPT_SORT, "sort", "kritisch|name|schluessel",
           "kritisch|name|schluessel", "kritisch",
           "Reihenfolge der Ampel-Tabelle: die auffälligsten zuerst, nach "
           "Name oder nach Schlüssel"),
    INT(AMPEL_OPT_GROUP, "gruppe", "N", 1, 1000, 0, NULL, NULL,
        "Heatmap vieler Gebiete: die Gebiete dieser Gruppe ähnlicher "
        "Gebiete zeigen"),
};

/* The table is indexed by id: a row out of order is a programming error
 * that unit.test_options catches (ampel_opt_table_ok). */
int ampel_opt_table_ok(void) {
  for (size_t i = 0; i < AMPEL_OPT_COUNT; i++)
    if ((size_t)table[i].id != i || !table[i].name || !table[i].help_de)
      return 0;
  return 1;
}

const ampel_opt_def *ampel_opt_get(ampel_opt_id id) {
  if ((unsigned)id >= AMPEL_OPT_COUNT)
    return NULL;
  return &table[id];
}

static int name_eq(const char *a, const char *b, size_t len) {
  size_t i = 0;
  for (; i < len && a[i]; i++) {
    char x = a[i] == '_' ? '-' : a[i], y = b[i] == '_' ? '-' : b[i];
    if (x != y)
      return 0;
  }
  return i == len && a[i] == '\0';
}

const ampel_opt_def *ampel_opt_find(const ampel_opt_id *ids, size_t n,
                                    const char *name, size_t len) {
  for (size_t i = 0; i < n; i++) {
    const ampel_opt_def *d = ampel_opt_get(ids[i]);
    if (d && name_eq(d->name, name, len))
      return d;
  }
  return NULL;
}

/* Index of word w in "a|b|c", or -1. */
static int word_index(const char *words, const char *w) {
  size_t wl = strlen(w);
  int k = 0;
  for (const char *p = words; *p; k++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == wl && strncmp(p, w, len) == 0)
      return k;
    if (!bar)
      break;
    p = bar + 1;
  }
  return -1;
}

/* "a|b|c" as "a, b oder c" into out. */
static void words_de(const char *words, char *out, size_t size) {
  size_t o = 0, n_bars = 0;
  for (const char *p = words; *p; p++)
    n_bars += *p == '|';
  size_t seen = 0;
  for (const char *p = words; *p && o + 8 < size; p++) {
    if (*p != '|') {
      out[o++] = *p;
      continue;
    }
    seen++;
    const char *sep = seen == n_bars ? " oder " : ", ";
    size_t sl = strlen(sep);
    if (o + sl + 1 >= size)
      break;
    memcpy(out + o, sep, sl);
    o += sl;
  }
  out[o] = '\0';
}

/* The German number for a bound (1e9 → "1000000000", 0.5 → "0,5"). */
static void num_de(double v, char *out, size_t size) {
  snprintf(out, size, "%.15g", v);
  for (char *p = out; *p; p++)
    if (*p == '.')
      *p = ',';
}

static void range_msg(const ampel_opt_def *d, const char *what,
                      const char *value, char *msg, size_t size) {
  char lo[40], hi[40];
  num_de(d->lo, lo, sizeof lo);
  num_de(d->hi, hi, sizeof hi);
  int lo_open = (d->flags & AMPEL_OPTF_LO_OPEN) != 0;
  int hi_open = (d->flags & AMPEL_OPTF_HI_OPEN) != 0;
  if (d->hi >= 1e9)
    snprintf(msg, size, "%s %s %s erwartet, gefunden: '%s'", what,
             lo_open ? "größer als" : "ab", lo, value);
  else
    snprintf(msg, size, "%s %s %s %s %s erwartet, gefunden: '%s'", what,
             lo_open ? "größer als" : "von", lo,
             hi_open ? "und kleiner als" : "bis", hi, value);
}

/* Parses a decimal number with '.' or one ','. */
static int parse_number(const char *s, double *out) {
  char buf[64];
  size_t len = strlen(s);
  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy(buf, s, len + 1);
  char *comma = strchr(buf, ',');
  if (comma) {
    if (strchr(buf, '.') || strchr(comma + 1, ','))
      return -1;
    *comma = '.';
  }
  for (const char *p = buf; *p; p++)
    if (!strchr("0123456789.+-eE", *p))
      return -1;
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (errno || end == buf || *end || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

static int in_range(const ampel_opt_def *d, double v) {
  if ((d->flags & AMPEL_OPTF_LO_OPEN) ? !(v > d->lo) : !(v >= d->lo))
    return 0;
  if ((d->flags & AMPEL_OPTF_HI_OPEN) ? !(v < d->hi) : !(v <= d->hi))
    return 0;
  return 1;
}

static int has_nul_or_ctl(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return 1;
  return 0;
}

ampel_status ampel_query_set(ampel_query *q, const ampel_opt_def *d,
                             const char *value, char *msg, size_t msg_size) {
  char dummy[8];
  if (!msg) {
    msg = dummy;
    msg_size = sizeof dummy;
  }
  msg[0] = '\0';
  ampel_optval v = {1, 1, value, NAN, -1};
  if (!value)
    value = "";
  if (d->type != AMPEL_OT_FLAG && !*value) {
    snprintf(msg, msg_size, "Wert fehlt");
    return AMPEL_E_USAGE;
  }
  if (has_nul_or_ctl(value) || strlen(value) > 4000) {
    snprintf(msg, msg_size, "ungültige Zeichen im Wert");
    return AMPEL_E_USAGE;
  }
  switch (d->type) {
  case AMPEL_OT_NUMBER:
    if (parse_number(value, &v.num) || !in_range(d, v.num)) {
      range_msg(d, "Zahl", value, msg, msg_size);
      return AMPEL_E_USAGE;
    }
    break;
  case AMPEL_OT_INTEGER:
    if (parse_number(value, &v.num) || v.num != floor(v.num) ||
        strchr(value, '.') || strchr(value, ',') || strchr(value, 'e') ||
        strchr(value, 'E') || !in_range(d, v.num)) {
      range_msg(d, "ganze Zahl", value, msg, msg_size);
      return AMPEL_E_USAGE;
    }
    break;
  case AMPEL_OT_CHOICE:
    v.choice = word_index(d->words, value);
    if (v.choice < 0) {
      char w[200];
      words_de(d->words, w, sizeof w);
      snprintf(msg, msg_size, "erwartet %s, gefunden: '%s'", w, value);
      return AMPEL_E_USAGE;
    }
    break;
  case AMPEL_OT_FLAG:
    if (!*value || strcmp(value, "1") == 0 || strcmp(value, "ja") == 0)
      v.num = 1;
    else if (strcmp(value, "0") == 0 || strcmp(value, "nein") == 0)
      v.num = 0;
    else {
      snprintf(msg, msg_size, "erwartet ja oder nein, gefunden: '%s'", value);
      return AMPEL_E_USAGE;
    }
    break;
  default: break;
  }
  q->v[d->id] = v;
  return AMPEL_OK;
}

void ampel_query_init(ampel_query *q, const ampel_opt_id *ids, size_t n) {
  memset(q, 0, sizeof *q);
  for (size_t i = 0; i < AMPEL_OPT_COUNT; i++) {
    q->v[i].num = NAN;
    q->v[i].choice = -1;
  }
  for (size_t i = 0; i < n; i++) {
    const ampel_opt_def *d = ampel_opt_get(ids[i]);
    if (!d || !d->def)
      continue;
    ampel_status s = ampel_query_set(q, d, d->def, NULL, 0);
    if (s == AMPEL_OK)
      q->v[d->id].given = 0;
  }
}

int ampel_query_has(const ampel_query *q, ampel_opt_id id) {
  return (unsigned)id < AMPEL_OPT_COUNT && q->v[id].set;
}

int ampel_query_given(const ampel_query *q, ampel_opt_id id) {
  return (unsigned)id < AMPEL_OPT_COUNT && q->v[id].given;
}

const char *ampel_query_text(const ampel_query *q, ampel_opt_id id) {
  return ampel_query_has(q, id) ? q->v[id].text : NULL;
}

double ampel_query_num(const ampel_query *q, ampel_opt_id id) {
  return ampel_query_has(q, id) ? q->v[id].num : NAN;
}

int ampel_query_choice(const ampel_query *q, ampel_opt_id id) {
  return ampel_query_has(q, id) ? q->v[id].choice : -1;
}

int ampel_query_flag(const ampel_query *q, ampel_opt_id id) {
  return ampel_query_has(q, id) && q->v[id].num == 1;
}

static void pct_encode(ampel_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
        *p == '~' || *p == ',' || *p == ':')
      ampel_buf_putc(b, (char)*p);
    else {
      ampel_buf_putc(b, '%');
      ampel_buf_putc(b, hex[*p >> 4]);
      ampel_buf_putc(b, hex[*p & 15]);
    }
  }
}

void ampel_query_canonical(const ampel_query *q, const ampel_opt_id *ids,
                           size_t n, ampel_buf *out) {
  int first = 1;
  for (size_t id = 0; id < AMPEL_OPT_COUNT; id++) {
    int listed = 0;
    for (size_t i = 0; i < n && !listed; i++)
      listed = (size_t)ids[i] == id;
    if (!listed || !q->v[id].given)
      continue;
    if (!first)
      ampel_buf_putc(out, '&');
    first = 0;
    pct_encode(out, table[id].name);
    ampel_buf_putc(out, '=');
    pct_encode(out, q->v[id].text ? q->v[id].text : "");
  }
}

/* The default in German, or NULL. */
static void default_de(const ampel_opt_def *d, char *out, size_t size) {
  out[0] = '\0';
  if (d->def_de)
    snprintf(out, size, "%s", d->def_de);
  else if (d->def && (d->type == AMPEL_OT_NUMBER))
    num_de(strtod(d->def, NULL), out, size);
  else if (d->def)
    snprintf(out, size, "%s", d->def);
}

/* Appends text wrapped at 78 columns with continuation lines indented to
 * column `indent`; `col` is the current column. */
static void wrap(ampel_buf *b, const char *text, size_t col, size_t indent) {
  const char *p = text;
  while (*p) {
    while (*p == ' ')
      p++;
    const char *w = p;
    while (*p && *p != ' ')
      p++;
    size_t wl = (size_t)(p - w), width = 0;
    for (size_t i = 0; i < wl; i++) /* count UTF-8 characters */
      width += ((unsigned char)w[i] & 0xC0) != 0x80;
    if (col > indent && col + 1 + width > 78) {
      ampel_buf_putc(b, '\n');
      for (size_t i = 0; i < indent; i++)
        ampel_buf_putc(b, ' ');
      col = indent;
    } else if (col > indent) {
      ampel_buf_putc(b, ' ');
      col++;
    }
    ampel_buf_append(b, w, wl);
    col += width;
  }
  ampel_buf_putc(b, '\n');
}

static size_t utf8_width(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static void full_help(const ampel_opt_def *d, char *out, size_t size) {
  char def[200];
  default_de(d, def, sizeof def);
  if (d->type == AMPEL_OT_CHOICE && d->metavar &&
      strcmp(d->metavar, d->words) && !strstr(d->help_de, "oder")) {
    char w[200];
    words_de(d->words, w, sizeof w);
    if (*def)
      snprintf(out, size, "%s: %s (Vorgabe: %s)", d->help_de, w, def);
    else
      snprintf(out, size, "%s: %s", d->help_de, w);
  } else if (*def)
    snprintf(out, size, "%s (Vorgabe: %s)", d->help_de, def);
  else
    snprintf(out, size, "%s", d->help_de);
}

void ampel_opt_help(const ampel_opt_id *ids, size_t n, ampel_buf *out) {
  for (size_t i = 0; i < n; i++) {
    const ampel_opt_def *d = ampel_opt_get(ids[i]);
    if (!d)
      continue;
    char head[120], help[1200];
    if (d->short_name)
      snprintf(head, sizeof head, "  -%c %s", d->short_name,
               d->metavar ? d->metavar : "");
    else
      snprintf(head, sizeof head, "  --%s%s%s", d->name, d->metavar ? " " : "",
               d->metavar ? d->metavar : "");
    full_help(d, help, sizeof help);
    ampel_buf_puts(out, head);
    size_t col = utf8_width(head);
    if (col + 2 > 24) {
      ampel_buf_puts(out, "\n                        ");
    } else {
      while (col < 24) {
        ampel_buf_putc(out, ' ');
        col++;
      }
    }
    wrap(out, help, 24, 24);
  }
}

static const char *type_de(const ampel_opt_def *d, char *buf, size_t size) {
  char lo[40], hi[40];
  switch (d->type) {
  case AMPEL_OT_TEXT: return "Text";
  case AMPEL_OT_LIST: return "Liste (Komma)";
  case AMPEL_OT_NUMBER:
  case AMPEL_OT_INTEGER:
    num_de(d->lo, lo, sizeof lo);
    num_de(d->hi, hi, sizeof hi);
    if (d->hi >= 1e9)
      snprintf(buf, size, "%s %s %s",
               d->type == AMPEL_OT_NUMBER ? "Zahl" : "ganze Zahl",
               (d->flags & AMPEL_OPTF_LO_OPEN) ? ">" : "≥", lo);
    else
      snprintf(buf, size, "%s %s%s … %s%s",
               d->type == AMPEL_OT_NUMBER ? "Zahl" : "ganze Zahl",
               (d->flags & AMPEL_OPTF_LO_OPEN) ? "(" : "[", lo, hi,
               (d->flags & AMPEL_OPTF_HI_OPEN) ? ")" : "]");
    return buf;
  case AMPEL_OT_CHOICE: snprintf(buf, size, "`%s`", d->words); return buf;
  case AMPEL_OT_FLAG: return "ja/nein";
  case AMPEL_OT_FILE: return "Datei";
  }
  return "";
}

/* Markdown cell text: '|' escaped. */
static void md_cell(ampel_buf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '|')
      ampel_buf_puts(b, "\\|");
    else
      ampel_buf_putc(b, *s);
  }
}

void ampel_opt_api_table(const ampel_opt_id *ids, size_t n, ampel_buf *out) {
  ampel_buf_puts(out, "| Parameter | Wert | Vorgabe | Bedeutung |\n"
                      "|---|---|---|---|\n");
  for (size_t i = 0; i < n; i++) {
    const ampel_opt_def *d = ampel_opt_get(ids[i]);
    if (!d || (d->flags & AMPEL_OPTF_CLI))
      continue;
    char name[64], tbuf[120], def[200];
    snprintf(name, sizeof name, "%s", d->name);
    for (char *p = name; *p; p++)
      if (*p == '-')
        *p = '_';
    default_de(d, def, sizeof def);
    ampel_buf_printf(out, "| `%s` | ", name);
    md_cell(out, type_de(d, tbuf, sizeof tbuf));
    ampel_buf_puts(out, " | ");
    md_cell(out, *def ? def : "–");
    ampel_buf_puts(out, " | ");
    md_cell(out, d->help_de);
    ampel_buf_puts(out, " |\n");
  }
}

static void roff(ampel_buf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '-' || *s == '\\')
      ampel_buf_putc(b, '\\');
    ampel_buf_putc(b, *s);
  }
}

void ampel_opt_man(const ampel_opt_id *ids, size_t n, ampel_buf *out) {
  for (size_t i = 0; i < n; i++) {
    const ampel_opt_def *d = ampel_opt_get(ids[i]);
    if (!d)
      continue;
    char help[1200];
    full_help(d, help, sizeof help);
    ampel_buf_puts(out, ".TP\n\\fB");
    if (d->short_name)
      ampel_buf_printf(out, "\\-%c", d->short_name);
    else {
      ampel_buf_puts(out, "\\-\\-");
      roff(out, d->name);
    }
    ampel_buf_puts(out, "\\fR");
    if (d->metavar) {
      ampel_buf_puts(out, " \\fI");
      roff(out, d->metavar);
      ampel_buf_puts(out, "\\fR");
    }
    ampel_buf_putc(out, '\n');
    roff(out, help);
    ampel_buf_putc(out, '\n');
  }
}
