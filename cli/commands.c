/* commands.c - the commands of `ampel`, their options (ids into the one
 * option table) and the parts of their help text that are not generated
 * from it. */
#include <string.h>

#include "cli.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const ampel_opt_id lights_ids[] = {
    AMPEL_OPT_LEVEL,        AMPEL_OPT_PERIOD,
    AMPEL_OPT_STAND,        AMPEL_OPT_INDICATORS,
    AMPEL_OPT_DEVELOPMENTS, AMPEL_OPT_SINCE,
    AMPEL_OPT_BAND,         AMPEL_OPT_STATUS_METHOD,
    AMPEL_OPT_REFERENCE,    AMPEL_OPT_MIN_POPULATION,
    AMPEL_OPT_PALETTE,      AMPEL_OPT_FORMAT,
    AMPEL_OPT_OUTPUT,       AMPEL_OPT_DPI};

static const ampel_opt_id import_ids[] = {
    AMPEL_OPT_ENCODING,     AMPEL_OPT_SEP,           AMPEL_OPT_DECIMAL,
    AMPEL_OPT_KEY_PROPERTY, AMPEL_OPT_NAME_PROPERTY, AMPEL_OPT_ONLY_LEVEL,
    AMPEL_OPT_CRS,          AMPEL_OPT_PRUEFEN};

static const ampel_opt_id list_ids[] = {AMPEL_OPT_LIST_FORMAT,
                                        AMPEL_OPT_ONLY_LEVEL};

static const ampel_opt_id versions_ids[] = {AMPEL_OPT_LIST_FORMAT};

static const ampel_opt_id export_ids[] = {
    AMPEL_OPT_EXPORT_FORMAT, AMPEL_OPT_UNPROTECTED, AMPEL_OPT_OUTPUT};

static const ampel_opt_id db_ids[] = {AMPEL_OPT_FROM, AMPEL_OPT_TO};

static const ampel_opt_id template_ids[] = {AMPEL_OPT_OUTPUT};

static const ampel_opt_id serve_ids[] = {
    AMPEL_OPT_PORT,           AMPEL_OPT_BIND,
    AMPEL_OPT_ADMIN_TOKEN_FILE, AMPEL_OPT_THREADS,
    AMPEL_OPT_REQUEST_TIMEOUT, AMPEL_OPT_COMPUTE_TIMEOUT,
    AMPEL_OPT_MAX_CONNECTIONS, AMPEL_OPT_MAX_PER_ADDRESS,
    AMPEL_OPT_MAX_UPLOAD,     AMPEL_OPT_FRAME_ANCESTORS,
    AMPEL_OPT_PRIVATE,        AMPEL_OPT_PUBLIC_URL,
    AMPEL_OPT_TRUSTED_HEADER, AMPEL_OPT_TRUSTED_PROXY};

static const ampel_opt_id user_ids[] = {AMPEL_OPT_ROLE};
static const ampel_opt_id token_ids[] = {AMPEL_OPT_USER};
static const ampel_opt_id audit_ids[] = {AMPEL_OPT_LIMIT};

#define IMPORT_HEAD_TEXT                                                       \
  "Liest Gebiete, Kennzahlen und Werte aus CSV- und Excel-Dateien (.xlsx,\n"   \
  "auch das alte Format .xls von Excel 97-2003)\n"                             \
  "in die Datenbank. Die Art jeder Datei wird an der Kopfzeile erkannt;\n"     \
  "Gebiete werden vor Kennzahlen und diese vor Werten eingelesen. Alle\n"      \
  "Dateien bilden eine Einfuhr: entweder wird alles gespeichert oder, beim\n"  \
  "kleinsten Fehler, nichts. Jeder Fehler wird mit Datei, Zeile und Spalte\n"  \
  "gemeldet. Ein erneuter Wert für dasselbe Gebiet, dieselbe Kennzahl und\n"  \
  "denselben Zeitraum ersetzt den alten. Flächen (GeoJSON .geojson/.json,\n"  \
  "Shapefile .shp mit .shx/.dbf/.prj, KML .kml) werden getrennt von\n"         \
  "Tabellen eingelesen und den Gebieten zugeordnet (--key-property, bei\n"     \
  "KML ohne Angabe der Placemark-Name; --level nur diese Ebene,\n"             \
  "--name-property, --crs). Merkmale mit demselben Schlüssel werden zu\n"     \
  "einer Fläche aus mehreren Teilflächen zusammengefasst.\n"
static const ampel_opt_id index_ids[] = {
    AMPEL_OPT_INDEX_METHOD,    AMPEL_OPT_STATUS_KEYS,
    AMPEL_OPT_DYNAMICS_KEYS,   AMPEL_OPT_NEED_INDICATORS,
    AMPEL_OPT_LEVEL,           AMPEL_OPT_PERIOD,
    AMPEL_OPT_MIN_POPULATION,  AMPEL_OPT_LEVELS,
    AMPEL_OPT_TOP_SHARE,       AMPEL_OPT_LEVEL_METHOD,
    AMPEL_OPT_SENSITIVITY,     AMPEL_OPT_SEED,
    AMPEL_OPT_SENSITIVITY_OUT, AMPEL_OPT_FORMAT,
    AMPEL_OPT_OUTPUT,          AMPEL_OPT_DPI};

static const ampel_opt_id allocate_ids[] = {AMPEL_OPT_BUDGET,
                                            AMPEL_OPT_INDEX_FILE,
                                            AMPEL_OPT_NEED_INDICATORS,
                                            AMPEL_OPT_NEED,
                                            AMPEL_OPT_WEIGHT,
                                            AMPEL_OPT_BASE_SHARE,
                                            AMPEL_OPT_FLOOR,
                                            AMPEL_OPT_CAP,
                                            AMPEL_OPT_UNIT,
                                            AMPEL_OPT_AMOUNT_LABEL,
                                            AMPEL_OPT_LEVEL,
                                            AMPEL_OPT_PERIOD,
                                            AMPEL_OPT_MIN_POPULATION,
                                            AMPEL_OPT_LEVELS,
                                            AMPEL_OPT_TOP_SHARE,
                                            AMPEL_OPT_LEVEL_METHOD,
                                            AMPEL_OPT_SENSITIVITY,
                                            AMPEL_OPT_SEED,
                                            AMPEL_OPT_SENSITIVITY_OUT,
                                            AMPEL_OPT_FORMAT,
                                            AMPEL_OPT_OUTPUT,
                                            AMPEL_OPT_DPI};

static const ampel_opt_id heatmap_ids[] = {
    AMPEL_OPT_LEVEL,      AMPEL_OPT_PERIOD,         AMPEL_OPT_STAND,
    AMPEL_OPT_INDICATORS, AMPEL_OPT_CLUSTER,        AMPEL_OPT_LINKAGE,
    AMPEL_OPT_REFERENCE,  AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_PALETTE,
    AMPEL_OPT_TREE,       AMPEL_OPT_FORMAT,         AMPEL_OPT_OUTPUT,
    AMPEL_OPT_DPI};

static const ampel_opt_id report_ids[] = {
    AMPEL_OPT_LEVEL,  AMPEL_OPT_PERIOD, AMPEL_OPT_AREAS, AMPEL_OPT_BUDGET,
    AMPEL_OPT_WEIGHT, AMPEL_OPT_TITLE,  AMPEL_OPT_OUTPUT};
static const ampel_opt_id map_ids[] = {
    AMPEL_OPT_LEVEL,       AMPEL_OPT_INDICATOR,
    AMPEL_OPT_PERIOD,      AMPEL_OPT_STAND,
    AMPEL_OPT_BY,          AMPEL_OPT_CLASSES,
    AMPEL_OPT_DIVERGING,   AMPEL_OPT_FIXED_BREAKS,
    AMPEL_OPT_POINTS,      AMPEL_OPT_MIN_POPULATION,
    AMPEL_OPT_PALETTE,     AMPEL_OPT_TITLE,
    AMPEL_OPT_ATTRIBUTION, AMPEL_OPT_NO_LABELS,
    AMPEL_OPT_OUTPUT,      AMPEL_OPT_DPI};

static const ampel_opt_id chart_ids[] = {
    AMPEL_OPT_INDICATOR,   AMPEL_OPT_X,
    AMPEL_OPT_Y,           AMPEL_OPT_AREA,
    AMPEL_OPT_LEVEL,       AMPEL_OPT_PERIOD,
    AMPEL_OPT_CORR_METHOD, AMPEL_OPT_MIN_POPULATION,
    AMPEL_OPT_OUTPUT,      AMPEL_OPT_DPI};

static const ampel_opt_id correlate_ids[] = {
    AMPEL_OPT_LEVEL,          AMPEL_OPT_PERIOD,
    AMPEL_OPT_INDICATORS,     AMPEL_OPT_CORR_METHOD,
    AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_FORMAT,
    AMPEL_OPT_OUTPUT,         AMPEL_OPT_DPI};

static const ampel_opt_id lisa_ids[] = {
    AMPEL_OPT_LEVEL,       AMPEL_OPT_INDICATOR,      AMPEL_OPT_PERIOD,
    AMPEL_OPT_GLOBAL,      AMPEL_OPT_PERMUTATIONS,   AMPEL_OPT_SEED,
    AMPEL_OPT_ALPHA,       AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_TITLE,
    AMPEL_OPT_ATTRIBUTION, AMPEL_OPT_FORMAT,         AMPEL_OPT_OUTPUT,
    AMPEL_OPT_DPI};

static const ampel_opt_id umschluessel_ids[] = {
    AMPEL_OPT_KEY_OLD,          AMPEL_OPT_KEY_NEW,
    AMPEL_OPT_KEY_OLD_PROPERTY, AMPEL_OPT_KEY_NEW_PROPERTY,
    AMPEL_OPT_KEY_WEIGHT,       AMPEL_OPT_POP_POINTS,
    AMPEL_OPT_MIN_SHARE,        AMPEL_OPT_OUTPUT};

static const cli_command commands[] = {
    {"import", cmd_import, import_ids, N(import_ids), 1, CLI_MAX_POS,
     "keine Datei angegeben",
     "Aufruf: ampel import [OPTIONEN] DATEI...\n\n" IMPORT_HEAD_TEXT,
     "Formate: docs/formats.md, Karten: docs/karten.md\n"},
    {"check", cmd_check, import_ids, N(import_ids), 1, CLI_MAX_POS,
     "keine Datei angegeben",
     "Aufruf: ampel check [OPTIONEN] DATEI...\n"
     "\n"
     "Prüft Dateien genau wie 'ampel import', speichert aber nichts. Gebiete\n"
     "und Kennzahlen aus der Datenbank (falls vorhanden) gelten als bekannt.\n",
     "Formate: docs/formats.md\n"},
    {"list", cmd_list, list_ids, N(list_ids), 1, 1,
     "erwartet genau eines von: areas, indicators, periods",
     "Aufruf: ampel list [OPTIONEN] areas|indicators|periods\n"
     "\n"
     "Listet die Gebiete (in der Reihenfolge der Einfuhr), die Kennzahlen\n"
     "oder die Zeiträume (nach Beginn sortiert) der Datenbank. --format json\n"
     "schreibt dieselbe Liste wie /api/v1/areas|indicators|periods.\n",
     NULL},
    {"versions", cmd_versions, versions_ids, N(versions_ids), 0, 0, NULL,
     "Aufruf: ampel versions [--format text|csv|json]\n"
     "\n"
     "Listet die Datenstände der Datenbank, den neuesten zuerst: Nummer,\n"
     "Zeit (UTC), Art, Prüfsumme, wie viele Werte neu hinzukamen, sich\n"
     "änderten oder entfielen, und die eingelesenen Dateien mit dem Anfang\n"
     "ihrer SHA-256-Prüfsumme. Jede Einfuhr ist ein Datenstand; geänderte\n"
     "Werte überschreiben die alten nicht, die alten bleiben als Geschichte\n"
     "erhalten. Bei Datenständen aus älteren Datenbanken (vor\n"
     "Schema-Version 4) stehen statt der Zahlen '-'.\n",
     NULL},
    {"export", cmd_export, export_ids, N(export_ids), 0, 0, NULL,
     "Aufruf: ampel export [--format csv|json|csv-de] [--ungeschuetzt] -o "
     "DATEI\n"
     "       ampel export -o DATEI.xlsx\n"
     "\n"
     "Schreibt alle Werte im Langformat: area,indicator,period,value,\n"
     "numerator,denominator,flag (Komma-getrennt, Dezimalpunkt, UTF-8).\n"
     "'flag' enthält das Zeichen der amtlichen Statistik; 'value' ist bei\n"
     "'.', 'x', '...', '/', '*' leer und bei '-' 0. Die Datei lässt sich mit\n"
     "'ampel import' wieder einlesen. '-o -' schreibt auf die "
     "Standardausgabe.\n"
     "Die Geheimhaltung (ampel config) gilt auch hier: unterdrückte Werte\n"
     "stehen als '.' ohne Wert, Zähler und Nenner in der Datei.\n",
     ".xlsx: Arbeitsmappe zur Veröffentlichung mit den Blättern Werte, Ampel\n"
     "(farbig, mit Filter), Kennzahlen, Methoden und Quellen; Zahlen als\n"
     "Zahlen mit deutschem Format, Datenstand auf jedem Blatt.\n"},
    {"heatmap", cmd_heatmap, heatmap_ids, N(heatmap_ids), 0, 0, NULL,
     "Aufruf: ampel heatmap [OPTIONEN] -o DATEI.svg|.png|.pdf|.csv|.json\n"
     "\n"
     "Heatmap nach dem Gelsenkirchener Verfahren: jede Kennzahl wird über die\n"
     "Gebiete auf 0 (ungünstigster) bis 1 (günstigster Wert) skaliert, dann\n"
     "werden Gebiete und Kennzahlen nach Ähnlichkeit gruppiert (hierarchische\n"
     "Clusteranalyse). .svg: Bild mit Baumdiagrammen, Legende und Quellen;\n"
     ".csv: die skalierte Matrix in der gezeichneten Reihenfolge; .json:\n"
     "dieselbe Antwort wie /api/v1/heatmap. Gebiete unter der Mindestzahl an\n"
     "Einwohnern werden nicht bewertet und zählen nicht für die Skalierung.\n",
     "Verfahren und Farben: docs/ampel.md\n"},
    {"lights", cmd_lights, lights_ids, N(lights_ids), 0, 0, NULL,
     "Aufruf: ampel lights [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "\n"
     "Ampel je Gebiet und Kennzahl: Status (gut, durchschnittlich, kritisch)\n"
     "im Vergleich zur Referenz (Gesamtstadt) und Entwicklung (besser, "
     "stabil,\n"
     "schlechter) seit einem früheren Zeitraum; bei Quoten mit Zähler und\n"
     "Nenner der Hinweis \"unsicher\" (Wilson-Intervall). .csv: eine Zeile je\n"
     "Gebiet und Kennzahl; .json: dieselbe Antwort wie /api/v1/lights; .svg:\n"
     "Ampeltabelle mit Liste \"Hinsehen\". Gebiete unter der Mindestzahl an\n"
     "Einwohnern werden gezeigt, aber nicht bewertet.\n",
     "Verfahren und Farben: docs/ampel.md\n"},
    {"serve", cmd_serve, serve_ids, N(serve_ids), 0, 0, NULL,
     "Aufruf: ampel serve [OPTIONEN]\n"
     "\n"
     "Startet das Dashboard: Übersicht, Gebiete, Kennzahlen,\n"
     "Wechselwirkungen, Bedarf, Daten & Methoden, dazu die JSON-API unter\n"
     "/api/v1/ (docs/dashboard.md, docs/api.md). Ein neuer Datenstand, den\n"
     "ein anderes Programm einliest, erscheint binnen etwa einer Sekunde,\n"
     "ohne Neustart. Das Programm zeigt die Adresse und schreibt je Anfrage\n"
     "eine Zeile (Zeit, Methode, Pfad, Status, Bytes, ms) auf die\n"
     "Fehlerausgabe. Beenden mit Strg+C (SIGINT) oder SIGTERM.\n",
     "Grenzen und Zeitlimits des Servers: docs/betrieb.md\n"},
    {"index", cmd_index, index_ids, N(index_ids), 0, 0, NULL,
     "Aufruf: ampel index [--method weighted] [--indicators K:W,...]\n"
     "                    [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "       ampel index --method mss --status K,... [--dynamics K,...]\n"
     "                    [OPTIONEN] -o DATEI\n"
     "\n"
     "Berechnet einen Index je Gebiet einer Ebene (docs/bedarf.md).\n"
     "\n"
     "--method weighted: gewichtete Summe der z-Werte (höher = mehr Bedarf),\n"
     "Rang und Stufe 1 bis K (K = höchster Bedarf). CSV: area,score,rank,\n"
     "level,z_KENNZAHL...; .svg zeichnet die Stufen auf der Karte (ohne\n"
     "Flächen auf der Kachelkarte).\n"
     "\n"
     "--method mss: Status- und Dynamik-Index wie das Berliner Monitoring\n"
     "Soziale Stadtentwicklung: z-Werte der Kennzahlen, Summe, erneut\n"
     "standardisiert; Statusklasse 1 hoch bis 4 sehr niedrig, Dynamik\n"
     "+ positiv, +/- stabil, - negativ. CSV: area,status_sum,status_index,\n"
     "status_class,status_label,dynamics_sum,dynamics_index,dynamics_class,\n"
     "dynamics_label,group.\n"
     "\n"
     "Gebiete unter der Mindestzahl an Einwohnern und Gebiete, denen ein Wert\n"
     "fehlt, werden gezeigt, aber nicht eingestuft ('zu wenige Einwohner',\n"
     "'unvollständig'); die Meldungen nennen sie. .json: dieselbe Antwort wie\n"
     "/api/v1/index. Fehlt einer Kennzahl der Zeitraum, gilt ihr letzter\n"
     "Stand davor.\n",
     NULL},
    {"allocate", cmd_allocate, allocate_ids, N(allocate_ids), 0, 0, NULL,
     "Aufruf: ampel allocate --budget B [--index DATEI.csv |\n"
     "                       --indicators K:GEWICHT,...] [OPTIONEN]\n"
     "                       -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "\n"
     "Verteilt ein Budget B bedarfsgerecht (docs/bedarf.md):\n"
     "  Betrag = B * (S * w / Summe(w) + (1 - S) * w * n / Summe(w * n))\n"
     "mit Sockelanteil S, Gewicht w (z. B. Schülerzahl) und Bedarf n. Die\n"
     "Beträge werden auf ganze Einheiten gerundet (größte Reste) und ergeben\n"
     "zusammen genau B. CSV: area,weight,need,base_part,need_part,\n"
     "allocation,share; .svg zeichnet ein Balkendiagramm; .json: dieselbe\n"
     "Antwort wie /api/v1/allocation.\n"
     "\n"
     "Ein Gebiet ohne Stufe (zu wenige Einwohner, unvollständig) oder ohne\n"
     "Wert des Gewichts bekommt keinen Betrag; das Budget geht an die\n"
     "übrigen, und die Meldungen nennen jedes solche Gebiet.\n",
     NULL},
    {"config", cmd_config, NULL, 0, 1, 3,
     "Unterbefehl fehlt (set, get oder list)",
     "Aufruf: ampel config set SCHLÜSSEL WERT\n"
     "       ampel config get SCHLÜSSEL\n"
     "       ampel config list\n"
     "\n"
     "Einstellungen, die in der Datenbank gespeichert werden und für jede\n"
     "Ausgabe gelten (Tabellen, Bilder, CSV, XLSX, Bericht, Dashboard):\n"
     "  min_count N               Fallzahlen von 1 bis N-1 und Quoten mit\n"
     "                            Zähler unter N werden als '.' unterdrückt\n"
     "                            (Vorgabe: 3; 1 schaltet ab)\n"
     "  min_population N          Gebiete unter N Einwohnern werden gezeigt,\n"
     "                            aber nicht bewertet und zählen für "
     "niemandes\n"
     "                            Referenz (Vorgabe: 300)\n"
     "  secondary_suppression ja|nein  Sekundärsperrung (Vorgabe: ja)\n",
     "Regeln und Erkennung von Fallzahlen: docs/berichte.md\n"},
    {"db", cmd_db, db_ids, N(db_ids), 1, 2,
     "Unterbefehl fehlt (migrate, rollback)",
     "Aufruf: ampel db migrate --from ORT --to ORT\n"
     "       ampel db rollback N\n"
     "\n"
     "rollback N macht die Werte und Umschlüssel von Datenstand N wieder\n"
     "gültig; das Zurücksetzen wird selbst ein neuer Datenstand (Art\n"
     "rollback), die Geschichte bleibt vollständig. Gebiete und Kennzahlen\n"
     "sind nicht versioniert und bleiben, wie sie sind.\n"
     "\n"
     "migrate:\n"
     "Zieht eine ganze Installation in eine andere Datenbank um (SQLite-Datei\n"
     "oder postgresql://-URL, in beide Richtungen): Gebiete, Kennzahlen mit\n"
     "allen Angaben, Zeiträume, alle aktuellen Werte mit Zeichen, Zähler und\n"
     "Nenner, die Einstellungen (ampel config) und die Flächen samt\n"
     "Nachbarschaften. Das Ziel muss leer sein (noch kein Datenstand). Alles\n"
     "wird in einer Transaktion geschrieben: bei einem Fehler nichts. Das "
     "Ziel\n"
     "bekommt einen Datenstand, der die Dateien der Quelle nennt; frühere\n"
     "Datenstände (die Geschichte) werden noch nicht übernommen.\n",
     "Umzug nach PostgreSQL: docs/betrieb.md\n"},
    {"user", cmd_user, user_ids, N(user_ids), 1, 2,
     "Unterbefehl fehlt (add, list, remove, passwd oder role)",
     "Aufruf: ampel user add NAME --role leser|redaktion|verwaltung\n"
     "       ampel user list\n"
     "       ampel user remove NAME\n"
     "       ampel user passwd NAME\n"
     "       ampel user role NAME --role ROLLE\n"
     "\n"
     "Benutzer des Dashboards (docs/betrieb.md). Das Kennwort wird von der\n"
     "Standardeingabe gelesen, nie von der Befehlszeile: an einem Terminal\n"
     "zweimal und ohne Echo, sonst die erste Zeile (z. B. aus einer Datei\n"
     "mit '< kennwort.txt'). Mindestens 8 Zeichen; eine leere Eingabe legt\n"
     "einen Benutzer ohne Kennwort an, der sich nur über einen\n"
     "vorgeschalteten Proxy anmelden kann (serve --trusted-header). Das\n"
     "Kennwort wird nur als Argon2id-Prüfwert gespeichert. 'passwd' und\n"
     "'remove' beenden die Sitzungen des Benutzers; 'remove' löscht auch\n"
     "seine API-Schlüssel. Rollen: leser darf lesen, redaktion darf auch\n"
     "Daten prüfen und einlesen und Kennzahlen bearbeiten, verwaltung darf\n"
     "auch Benutzer und Einstellungen verwalten.\n",
     NULL},
    {"token", cmd_token, token_ids, N(token_ids), 1, 2,
     "Unterbefehl fehlt (add, list oder remove)",
     "Aufruf: ampel token add NAME [--user BENUTZER]\n"
     "       ampel token list\n"
     "       ampel token remove NAME\n"
     "\n"
     "Persönliche API-Schlüssel für Skripte und geplante Aufgaben: 'add'\n"
     "zeigt den Schlüssel genau einmal (gespeichert wird nur sein\n"
     "SHA-256-Prüfwert); er gilt mit der Rolle des Benutzers als\n"
     "'Authorization: Bearer SCHLÜSSEL' und braucht kein CSRF-Token. Ohne\n"
     "--user gehört er dem Benutzer NAME.\n",
     NULL},
    {"audit", cmd_audit, audit_ids, N(audit_ids), 0, 0, NULL,
     "Aufruf: ampel audit [--limit N]\n"
     "\n"
     "Zeigt das Protokoll, die neuesten Einträge zuerst: Zeit (UTC),\n"
     "Benutzer, Adresse, Aktion und Einzelheiten. Protokolliert werden\n"
     "Anmeldungen (auch fehlgeschlagene), Abmeldungen, Änderungen an\n"
     "Benutzern, Schlüsseln und Einstellungen sowie Einfuhren.\n",
     NULL},
    {"doc", cmd_doc, NULL, 0, 1, 1, "erwartet api",
     "Aufruf: ampel doc api\n"
     "\n"
     "Für Entwickler: schreibt die Parametertabellen der JSON-API aus der\n"
     "Optionstabelle des Programms (scripts/gen-api-doc > docs/api.md).\n",
     NULL},
    {"template", cmd_template, template_ids, N(template_ids), 0, 0, NULL,
     "Aufruf: ampel template -o DATEI.xlsx\n"
     "\n"
     "Schreibt eine leere Excel-Vorlage mit den Blättern Anleitung, Gebiete,\n"
     "Kennzahlen und Werte: deutsche Spaltenköpfe, Auswahlliste für die\n"
     "Richtung, Prüfung von Zahlenfeldern, Beispielzeilen in der Anleitung.\n"
     "Die ausgefüllte Datei liest 'ampel import DATEI.xlsx' ein.\n",
     NULL},
    {"report", cmd_report, report_ids, N(report_ids), 0, 0, NULL,
     "Aufruf: ampel report [OPTIONEN] -o DATEI.pdf|DATEI.html\n"
     "\n"
     "Bericht im Format A4 für Ausschuss und Rat: Titelseite mit Datenstand\n"
     "und Datum, Inhaltsverzeichnis, Heatmap, Ampeltabelle mit der Liste\n"
     "\"Hinsehen\", ein Profil je Gebiet (Wert, Gesamtstadt, Rang, Bewertung,\n"
     "Verlauf, Lage auf der Kachelkarte), Anhang mit Kennzahlen, Quellen,\n"
     "Methoden, Zeichenerklärung und Geheimhaltung; Seitenzahlen auf jeder\n"
     "Seite. .pdf: Text bleibt durchsuchbar; .html: eine Datei ohne externe\n"
     "Bestandteile, druckt auf A4. Heatmap und Ampel bewerten dieselben\n"
     "Gebiete wie 'ampel heatmap' und 'ampel lights'.\n",
     "Aufbau und Geheimhaltung: docs/berichte.md\n"},
    {"map", cmd_map, map_ids, N(map_ids), 0, 0, NULL,
     "Aufruf: ampel map [OPTIONEN] -o DATEI.svg|.png|.pdf\n"
     "\n"
     "Zeichnet eine Karte einer Kennzahl: Flächenkarte, wenn die Gebiete der\n"
     "Ebene Flächen haben (eingelesen mit 'ampel import DATEI.geojson|.shp\n"
     "--key-property NAME'), sonst eine Kachelkarte aus Kachel_Zeile und\n"
     "Kachel_Spalte, sonst Punkte aus Breite und Länge. Mit --points werden\n"
     "die Gebiete einer Ebene mit Breite und Länge (z. B. Schulen) als Punkte\n"
     "auf dem Umriss der Ebene --level gezeigt. Farbe (--by): Vorgabe sind\n"
     "Klassen, wenn --classes angegeben ist, sonst der Ampel-Status (bei\n"
     "neutralen Kennzahlen der skalierte Wert). Die Karte hat Legende,\n"
     "Maßstab und Quellenzeile; Gebiete ohne Wert (auch geheim, '.') und\n"
     "Gebiete unter der Mindestzahl an Einwohnern (ohne Bewertung) sind\n"
     "schraffiert.\n",
     "Siehe docs/karten.md.\n"},
    {"chart", cmd_chart, chart_ids, N(chart_ids), 1, 1,
     "ART (timeseries, ranking oder scatter)",
     "Aufruf: ampel chart timeseries|ranking|scatter [OPTIONEN]\n"
     "                   -o DATEI.svg|.png|.pdf\n"
     "\n"
     "timeseries: Verlauf aller Gebiete der Ebene (dünn, grau), das gewählte\n"
     "Gebiet (--area) und die Gesamtstadt hervorgehoben. ranking: Balken je\n"
     "Gebiet mit der Referenzlinie; Gebiete ohne Wert stehen unten mit ihrem\n"
     "Zeichen. scatter: zwei Kennzahlen (--x, --y) gegeneinander mit\n"
     "Regressionsgerade, r, n und p (wie 'ampel correlate': Gebiete unter der\n"
     "Mindestzahl an Einwohnern zählen nicht).\n",
     NULL},
    {"correlate", cmd_correlate, correlate_ids, N(correlate_ids), 0, 0, NULL,
     "Aufruf: ampel correlate [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "\n"
     "Korrelationen zwischen den Kennzahlen über die Gebiete der Ebene\n"
     "(paarweise: nur Gebiete mit beiden Werten; Gebiete unter der\n"
     "Mindestzahl an Einwohnern werden nicht bewertet und zählen nicht).\n"
     ".csv: eine Zeile je Paar a,b,method,r,n,p (p zweiseitig aus\n"
     "t = r*sqrt((n-2)/(1-r^2))); .json: dieselben Paare mit Ebene,\n"
     "Zeitraum und Zahl der Gebiete; .svg/.png/.pdf: Farbtabelle, nach\n"
     "Ähnlichkeit geordnet, r in jeder Zelle, n und p im Tooltip. Spearman\n"
     "nutzt mittlere Ränge bei Bindungen.\n",
     "Korrelation ist keine Kausalität; bei wenigen Gebieten immer n und p\n"
     "beachten.\n"},
    {"umschluessel", cmd_umschluessel, umschluessel_ids, N(umschluessel_ids), 0,
     0, NULL,
     "Aufruf: ampel umschluessel --alt ALT.geojson --neu NEU.geojson\n"
     "                          [--gewicht flaeche|einwohner\n"
     "                           --einwohner-punkte PUNKTE.csv] [-o "
     "DATEI.csv]\n"
     "\n"
     "Leitet aus den Flächen vor und nach einer Gebietsreform einen\n"
     "Umschlüssel ab (Alt;Neu;Anteil, wie umschluessel.csv): der Anteil ist\n"
     "die Überschneidung eines alten mit einem neuen Gebiet, nach Fläche oder\n"
     "nach den Einwohnern der Punkte darin, bezogen auf den von neuen Flächen\n"
     "überdeckten Teil des alten Gebiets. Splitter unter dem Mindestanteil\n"
     "(Ungenauigkeiten der Grenzlinien) entfallen. Der Schlüssel ist zum\n"
     "Prüfen gedacht und wird danach mit 'ampel import' eingelesen; die\n"
     "Datenbank bleibt unberührt. Ohne -o auf die Standardausgabe.\n",
     "Gebietsreformen und Umschlüssel: docs/zeit-und-raum.md\n"},
    {"lisa", cmd_lisa, lisa_ids, N(lisa_ids), 0, 0, NULL,
     "Aufruf: ampel lisa [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "       ampel lisa --global [OPTIONEN] -o DATEI.csv|.json\n"
     "\n"
     "Räumliche Muster einer Kennzahl (LISA, wie PySAL esda): Nachbarn sind\n"
     "Gebiete mit mindestens einem gemeinsamen Grenzpunkt (Queen), aus den\n"
     "Flächen berechnet, zeilenstandardisiert. Globales Moran's I: hängen\n"
     "Werte benachbarter Gebiete zusammen? Lokales Moran's I je Gebiet:\n"
     "Hot Spot (hoch, Nachbarn hoch: HH), Cold Spot (LL), Ausreißer (HL, LH),\n"
     "p-Werte aus bedingten Zufallsvertauschungen (--permutations, --seed:\n"
     "mit demselben Startwert dieselben p-Werte). .csv: area,value,z,lag,\n"
     "local_i,quadrant,p,significant je Gebiet der Ebene; .svg/.png/.pdf:\n"
     "Clusterkarte; .json: dieselbe Antwort wie /api/v1/lisa. --global\n"
     "schreibt indicator,moran_i,expected_i,z,p,permutations. Gebiete ohne\n"
     "Wert, unter der Mindestzahl an Einwohnern, ohne Fläche oder ohne\n"
     "Nachbarn mit Wert (Inseln) werden nicht berechnet und genannt.\n",
     "Verfahren: docs/wechselwirkungen.md\n"},
};

const cli_command *cli_find_command(const char *name) {
  for (size_t i = 0; i < N(commands); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}
