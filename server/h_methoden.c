/* h_methoden.c - Daten & Methoden `/methoden`: data version, indicators and
 * sources, the methods in plain German (docs/methods.md is the contract),
 * downloads. */
#include <string.h>

#include "server.h"

static const char methods_html[] =
    "<section aria-labelledby=\"h-verfahren\">\n<h2 id=\"h-verfahren\">"
    "Die Verfahren in Kürze</h2>\n"
    "<h3>Vergleichswert (Gesamtstadt)</h3>\n<p>Jedes Gebiet wird mit der "
    "Gesamtstadt verglichen: mit dem Wert der Stadt selbst, wenn er vorliegt; "
    "sonst bei Quoten mit der Summe der Zähler durch die Summe der Nenner, "
    "sonst mit dem ungewichteten Mittel der Gebiete.</p>\n"
    "<h3>Ampel: Status</h3>\n<p>Der Abstand eines Gebiets zur Gesamtstadt "
    "wird in Standardabweichungen der Gebiete gemessen und so gedreht, dass "
    "positiv immer günstig heißt. Ab +0,5 ist der Status <em>gut</em>, ab "
    "−0,5 <em>kritisch</em>, dazwischen <em>durchschnittlich</em>. Bei "
    "weniger als drei Gebieten bleibt die Zelle ohne Bewertung. Neutrale "
    "Kennzahlen "
    "(z. B. Schülerzahlen) werden nicht bewertet.</p>\n"
    "<h3>Ampel: Entwicklung</h3>\n<p>Die Veränderung eines Gebiets seit dem "
    "Vergleichszeitraum wird mit der Veränderung der Gesamtstadt verglichen, "
    "ebenfalls in Standardabweichungen: <em>verbessert</em>, <em>stabil</em> "
    "oder <em>verschlechtert</em>.</p>\n"
    "<h3>Unsicherheit</h3>\n<p>Bei Quoten mit Zähler und Nenner prüft ein "
    "95-%-Vertrauensbereich (Wilson), ob sich das Gebiet wirklich von der "
    "Gesamtstadt unterscheidet; sonst steht „unsicher“ beim Status.</p>\n"
    "<h3>Heatmap (Verfahren Gelsenkirchen)</h3>\n<p>Jede Kennzahl wird auf 0 "
    "(ungünstigster) bis 1 (günstigster Wert) umgerechnet. Gebiete und "
    "Kennzahlen mit ähnlichem Muster werden durch hierarchische Clusterung "
    "(vollständige Verknüpfung, euklidischer Abstand) nebeneinander "
    "gestellt.</p>\n"
    "<h3>Wechselwirkungen</h3>\n<p>Korrelation nach Pearson (oder Spearman "
    "über Ränge) über die Gebiete mit beiden Werten, mit n und p-Wert. Ein "
    "Zusammenhang ist kein Beweis für eine Ursache.</p>\n"
    "<h3>Räumliche Muster (LISA)</h3>\n<p>Moran's I misst, ob benachbarte "
    "Gebiete (gemeinsamer Grenzpunkt) ähnliche Werte haben; das lokale "
    "Moran's I zeigt je Gebiet Hot Spots (hoch, Nachbarn hoch), Cold Spots "
    "und Ausreißer. p-Werte aus 999 zufälligen Vertauschungen mit festem "
    "Startwert; Gebiete ohne Wert oder ohne Nachbarn mit Wert zählen nicht "
    "und werden genannt.</p>\n"
    "<h3>Bedarfsindex und Verteilung</h3>\n<p>Die gewählten Kennzahlen "
    "werden standardisiert (z-Werte), so gedreht, dass höher mehr Bedarf "
    "heißt, und gewichtet addiert. Die Gebiete werden in Stufen geteilt "
    "(gleich breite Abschnitte der Indexwerte; Stufe 1 = geringster Bedarf). "
    "Ein Budget wird nach Sockelanteil (gleich je Gebiet) und Bedarfsanteil "
    "(nach Stufe oder Indexwert) verteilt und auf ganze Euro gerundet, so "
    "dass die Summe genau stimmt. Die Empfindlichkeit zeigt, wie sich Ränge "
    "ändern, wenn jedes Gewicht zufällig um bis zu 20 % schwankt.</p>\n"
    "<h3>Zeichen der amtlichen Statistik</h3>\n<p><abbr title=\"geheim oder "
    "unbekannt\">.</abbr> geheim gehalten oder unbekannt, – nichts "
    "vorhanden, x nicht sinnvoll, … noch nicht verfügbar, / nicht sicher "
    "genug, * anonymisiert, ( ) eingeschränkt aussagefähig. Solche Werte "
    "werden nie als Zahl verrechnet.</p>\n</section>\n";

static void indicators(srv_req *q, ampel_buf *b) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-quellen\">\n<h2 "
                    "id=\"h-quellen\">Kennzahlen und Quellen</h2>\n<div "
                    "class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"cap-q\">\n<table class=\"sortierbar\">\n"
                    "<caption id=\"cap-q\">Alle Kennzahlen mit Quelle und "
                    "Stichtag</caption>\n<thead><tr><th scope=\"col\">"
                    "Kennzahl</th><th scope=\"col\">Richtung</th><th "
                    "scope=\"col\">Quelle</th><th scope=\"col\">Stichtag</th>"
                    "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
    ampel_buf_puts(b, "<tr><th scope=\"row\">");
    page_ind_link(b, q->ds, i);
    ampel_buf_puts(b, "</th><td>");
    ampel_buf_html(b, page_polarity_label(in->polarity));
    ampel_buf_puts(b, "</td><td>");
    ampel_buf_html(b, in->source ? in->source : "–");
    ampel_buf_puts(b, "</td><td>");
    ampel_buf_html(b, in->reference_date ? in->reference_date : "–");
    ampel_buf_puts(b, "</td></tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

int h_methoden(srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  page_begin(q, r, "Daten & Methoden", NAV_METHODS);
  ampel_buf_puts(b, "<h1>Daten &amp; Methoden</h1>\n<section "
                    "aria-labelledby=\"h-stand\">\n<h2 id=\"h-stand\">"
                    "Datenstand</h2>\n<p>");
  ampel_buf_html(b,
                 q->snap->stamp[0] ? q->snap->stamp : "Datenstand unbekannt");
  ampel_buf_printf(
      b,
      ".</p>\n<p>%zu Gebiete, %zu Kennzahlen, %zu "
      "Zeiträume, %zu Werte.</p>\n</section>\n",
      ampel_dataset_n_areas(q->ds), ampel_dataset_n_indicators(q->ds),
      ampel_dataset_n_periods(q->ds), ampel_dataset_n_observations(q->ds));
  indicators(q, b);
  ampel_buf_puts(b, methods_html);
  ampel_buf_puts(b, "<section aria-labelledby=\"downloads\">\n<h2 "
                    "id=\"downloads\">Downloads</h2>\n<ul>\n<li><a "
                    "href=\"/download/werte.csv\">Alle Werte als CSV</a> "
                    "(Langformat: area, indicator, period, value, numerator, "
                    "denominator, flag; lässt sich wieder einlesen)</li>\n"
                    "<li><a href=\"/download/werte-excel.csv\">Alle Werte "
                    "für Excel (.csv)</a> (Semikolon, Dezimalkomma, UTF-8 "
                    "mit BOM; öffnet sich in deutschem Excel mit Spalten)"
                    "</li>\n"
                    "<li><a href=\"/api/v1/values\">Alle Werte als JSON</a>"
                    "</li>\n<li><a href=\"/api/v1/areas\">Gebiete (JSON)</a>, "
                    "<a href=\"/api/v1/indicators\">Kennzahlen (JSON)</a>, "
                    "<a href=\"/api/v1/periods\">Zeiträume (JSON)</a></li>\n"
                    "</ul>\n<p>Die JSON-Schnittstelle ist in docs/api.md "
                    "beschrieben; sie kennt dieselben Parameter wie die "
                    "Befehlszeile.</p>\n</section>\n");
  page_end(q, r);
  return 0;
}
