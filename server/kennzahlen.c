/* kennzahlen.c - /daten/kennzahlen (issue 12): the indicators' metadata
 * in the browser.
 *
 *   GET  /daten/kennzahlen                 all indicators, one table
 *   GET  /daten/kennzahlen?kennzahl=KEY    the form of one indicator
 *   POST /daten/kennzahlen                 save it (role redaktion, CSRF)
 *
 * Editable: name, unit, polarity, Handlungsfeld, definition, source, the
 * disclosure flag (Geheimhaltung) and whether the indicator appears in
 * the heatmap and the Ampel (`shown`; the analysis layer leaves hidden
 * ones out, ampel_analysis_select_shown). A change is a new Datenstand of
 * kind "metadata" (ampel_store_edit_indicator); the dashboard switches to
 * it at once. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/store.h"
#include "server.h"

/* Longest accepted texts (bytes). */
#define KZ_MAX_SHORT 200 /* name, unit, Handlungsfeld */
#define KZ_MAX_LONG 4000 /* definition, source */

/* Every metadata change goes to the audit log (auth.c). */
#define audit srv_audit

static const char *const pol_word[3] = {"hoeher_besser", "hoeher_schlechter",
                                        "neutral"};
static const ampel_polarity pol_val[3] = {
    AMPEL_POL_HIGHER_IS_BETTER, AMPEL_POL_HIGHER_IS_WORSE, AMPEL_POL_NEUTRAL};

static void csrf_field(ampel_buf *b, const srv_req *q) {
  if (q->user.via == SRV_VIA_SESSION && q->user.csrf[0]) {
    ampel_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    ampel_buf_html(b, q->user.csrf);
    ampel_buf_puts(b, "\">\n");
  }
}

static const char *secrecy_label(ampel_secrecy s) {
  return s == AMPEL_SECRECY_YES  ? "ja"
         : s == AMPEL_SECRECY_NO ? "nein"
                                 : "Vorgabe";
}

static void list_page(srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  page_begin(q, r, "Kennzahlen bearbeiten", NAV_NONE);
  ampel_buf_puts(b, "<h1>Kennzahlen bearbeiten</h1>\n");
  const char *saved = srv_get(q, "gespeichert");
  if (saved) {
    char msg[160];
    snprintf(msg, sizeof msg,
             strcmp(saved, "0") == 0
                 ? "Keine Änderung: es wurde nichts gespeichert."
                 : "Gespeichert als Datenstand %.20s; gilt ab sofort.",
             saved);
    page_note(b, "gut", msg);
  }
  ampel_buf_puts(b, "<p>Name, Einheit, Richtung, Handlungsfeld, Definition, "
                    "Quelle, Geheimhaltung und ob eine Kennzahl in Heatmap "
                    "und Ampel erscheint. Jede Änderung wird ein neuer "
                    "Datenstand (Art „Kennzahlen bearbeitet“) unter "
                    "<a href=\"/daten#datenstaende\">Daten</a>.</p>\n");
  size_t n = ampel_dataset_n_indicators(q->ds);
  ampel_buf_puts(
      b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
         "aria-label=\"Alle Kennzahlen\"><table><caption>Alle Kennzahlen"
         "</caption>\n<thead><tr><th scope=\"col\">Kennzahl</th>"
         "<th scope=\"col\">Einheit</th><th scope=\"col\">"
         "Richtung</th><th scope=\"col\">Handlungsfeld</th>"
         "<th scope=\"col\">Geheimhaltung</th><th scope=\"col\">"
         "In Heatmap und Ampel</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < n; i++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
    ampel_buf_puts(b, "<tr><th scope=\"row\"><a href=\"/daten/kennzahlen?"
                      "kennzahl=");
    page_urlenc(b, in->key);
    ampel_buf_puts(b, "\">");
    ampel_buf_html(b, in->name && *in->name ? in->name : in->key);
    ampel_buf_puts(b, "</a> <code>");
    ampel_buf_html(b, in->key);
    ampel_buf_puts(b, "</code></th><td>");
    ampel_buf_html(b, in->unit ? in->unit : "");
    ampel_buf_puts(b, "</td><td>");
    ampel_buf_html(b, page_polarity_label(in->polarity));
    ampel_buf_puts(b, "</td><td>");
    ampel_buf_html(b, in->domain ? in->domain : "");
    ampel_buf_printf(b, "</td><td>%s</td><td>%s</td></tr>\n",
                     secrecy_label(in->secrecy),
                     in->shown == AMPEL_SHOWN_NO ? "nein" : "ja");
  }
  ampel_buf_puts(b, "</tbody></table></div>\n");
  page_end(q, r);
}

static void text_field(ampel_buf *b, const char *id, const char *label,
                       const char *value, size_t max, int required) {
  ampel_buf_printf(b,
                   "<p><label for=\"k-%s\">%s</label><br>\n<input "
                   "type=\"text\" id=\"k-%s\" name=\"%s\" maxlength=\"%zu\" "
                   "size=\"40\"%s value=\"",
                   id, label, id, id, max, required ? " required" : "");
  ampel_buf_html(b, value ? value : "");
  ampel_buf_puts(b, "\"></p>\n");
}

static void area_field(ampel_buf *b, const char *id, const char *label,
                       const char *value) {
  ampel_buf_printf(b,
                   "<p><label for=\"k-%s\">%s</label><br>\n<textarea "
                   "id=\"k-%s\" name=\"%s\" rows=\"3\" cols=\"60\" "
                   "maxlength=\"%d\">",
                   id, label, id, id, KZ_MAX_LONG);
  ampel_buf_html(b, value ? value : "");
  ampel_buf_puts(b, "</textarea></p>\n");
}

/* A group of radio buttons in a fieldset. */
static void radios(ampel_buf *b, const char *name, const char *legend,
                   const char *const *values, const char *const *labels,
                   size_t n, size_t checked) {
  ampel_buf_printf(b, "<fieldset><legend>%s</legend>\n", legend);
  for (size_t i = 0; i < n; i++)
    ampel_buf_printf(b,
                     "<input type=\"radio\" id=\"k-%s-%s\" name=\"%s\" "
                     "value=\"%s\"%s> <label for=\"k-%s-%s\">%s</label><br>\n",
                     name, values[i], name, values[i],
                     i == checked ? " checked" : "", name, values[i],
                     labels[i]);
  ampel_buf_puts(b, "</fieldset>\n");
}

static int edit_page(srv_req *q, srv_resp *r, const char *key) {
  long id = ampel_dataset_find_indicator(q->ds, key);
  if (id < 0)
    return srv_error(q, r, 404, "Unbekannte Kennzahl '%.100s'.", key);
  const ampel_indicator *in = ampel_dataset_indicator(q->ds, (size_t)id);
  ampel_buf *b = &r->body;
  page_begin(q, r, "Kennzahl bearbeiten", NAV_NONE);
  ampel_buf_puts(b, "<h1>Kennzahl bearbeiten: ");
  ampel_buf_html(b, in->name && *in->name ? in->name : in->key);
  ampel_buf_puts(b, "</h1>\n<p>Schlüssel <code>");
  ampel_buf_html(b, in->key);
  ampel_buf_puts(b, "</code> (bleibt, damit Werte und Zeitreihen "
                    "verbunden bleiben). <a href=\"/daten/kennzahlen\">Alle "
                    "Kennzahlen</a></p>\n<form method=\"post\" "
                    "action=\"/daten/kennzahlen\">\n");
  csrf_field(b, q);
  ampel_buf_puts(b, "<input type=\"hidden\" name=\"kennzahl\" value=\"");
  ampel_buf_html(b, in->key);
  ampel_buf_puts(b, "\">\n");
  text_field(b, "name", "Name", in->name, KZ_MAX_SHORT, 1);
  text_field(b, "einheit", "Einheit", in->unit, KZ_MAX_SHORT, 0);
  text_field(b, "handlungsfeld", "Handlungsfeld", in->domain, KZ_MAX_SHORT, 0);
  area_field(b, "definition", "Definition", in->definition);
  area_field(b, "quelle", "Quelle", in->source);
  static const char *const pl[3] = {"höher ist günstiger",
                                    "höher ist ungünstiger",
                                    "neutral (ohne Bewertung)"};
  size_t pc = in->polarity == AMPEL_POL_HIGHER_IS_BETTER  ? 0
              : in->polarity == AMPEL_POL_HIGHER_IS_WORSE ? 1
                                                          : 2;
  radios(b, "richtung", "Richtung", pol_word, pl, 3, pc);
  static const char *const sv[3] = {"vorgabe", "ja", "nein"};
  static const char *const sl[3] = {
      "wie in den Einstellungen (Vorgabe nach Art der Kennzahl)",
      "ja: kleine Fallzahlen unterdrücken", "nein: alle Werte zeigen"};
  radios(b, "geheimhaltung", "Geheimhaltung", sv, sl, 3,
         in->secrecy == AMPEL_SECRECY_YES  ? 1
         : in->secrecy == AMPEL_SECRECY_NO ? 2
                                           : 0);
  static const char *const av[2] = {"ja", "nein"};
  static const char *const al[2] = {"ja", "nein (Werte bleiben gespeichert "
                                          "und auf der Kennzahlseite)"};
  radios(b, "anzeigen", "In Heatmap und Ampel zeigen", av, al, 2,
         in->shown == AMPEL_SHOWN_NO ? 1 : 0);
  ampel_buf_puts(b, "<p><button type=\"submit\">Speichern</button> wird ein "
                    "neuer Datenstand.</p>\n</form>\n");
  page_end(q, r);
  return 0;
}

int h_daten_kennzahlen(srv_req *q, srv_resp *r) {
  if (srv_daten_may_see(q, r, SRV_ROLE_REDAKTION) != 0)
    return -1;
  const char *key = srv_get(q, "kennzahl");
  if (key)
    return edit_page(q, r, key);
  list_page(q, r);
  return 0;
}

/* A text field of the form: 0 with *out (NULL when absent), or -1 after a
 * 400 answer for a text too long or with control characters. */
static int form_text(srv_req *q, srv_resp *r, const char *key,
                     const char *label, size_t max, const char **out) {
  const char *v = srv_form_get(q, key);
  *out = v;
  if (!v)
    return 0;
  if (strlen(v) > max)
    return srv_error(q, r, 400, "%s: höchstens %zu Zeichen.", label, max);
  for (const unsigned char *p = (const unsigned char *)v; *p; p++)
    if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
      return srv_error(q, r, 400, "%s: Steuerzeichen sind nicht erlaubt.",
                       label);
  return 0;
}

/* Index of v in words[0..n) or -1. */
static int word_of(const char *v, const char *const *words, int n) {
  for (int i = 0; v && i < n; i++)
    if (strcmp(v, words[i]) == 0)
      return i;
  return -1;
}

static pthread_mutex_t edit_lock = PTHREAD_MUTEX_INITIALIZER;

int h_daten_kennzahlen_post(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  if (srv_auth_require(q, r, SRV_ROLE_REDAKTION, srv_form_get(q, "csrf")) != 0)
    return -1;
  ampel_indicator e;
  memset(&e, 0, sizeof e);
  const char *key = srv_form_get(q, "kennzahl");
  if (!key || !*key)
    return srv_error(q, r, 400, "kennzahl: Schlüssel der Kennzahl fehlt.");
  const char *name, *unit, *domain, *def, *src;
  if (form_text(q, r, "name", "Name", KZ_MAX_SHORT, &name) ||
      form_text(q, r, "einheit", "Einheit", KZ_MAX_SHORT, &unit) ||
      form_text(q, r, "handlungsfeld", "Handlungsfeld", KZ_MAX_SHORT,
                &domain) ||
      form_text(q, r, "definition", "Definition", KZ_MAX_LONG, &def) ||
      form_text(q, r, "quelle", "Quelle", KZ_MAX_LONG, &src))
    return -1;
  if (!name || !*name)
    return srv_error(q, r, 400, "Name: darf nicht leer sein.");
  static const char *const sv[3] = {"vorgabe", "ja", "nein"};
  static const char *const av[2] = {"ja", "nein"};
  int pol = word_of(srv_form_get(q, "richtung"), pol_word, 3);
  int sec = word_of(srv_form_get(q, "geheimhaltung"), sv, 3);
  int shw = word_of(srv_form_get(q, "anzeigen"), av, 2);
  if (pol < 0)
    return srv_error(q, r, 400,
                     "richtung: hoeher_besser, hoeher_schlechter oder neutral "
                     "erwartet.");
  if (sec < 0)
    return srv_error(q, r, 400,
                     "geheimhaltung: vorgabe, ja oder nein erwartet.");
  if (shw < 0)
    return srv_error(q, r, 400, "anzeigen: ja oder nein erwartet.");
  e.key = (char *)key;
  e.name = (char *)name;
  e.unit = (char *)unit;
  e.domain = (char *)domain;
  e.definition = (char *)def;
  e.source = (char *)src;
  e.polarity = pol_val[pol];
  e.secrecy = sec == 1   ? AMPEL_SECRECY_YES
              : sec == 2 ? AMPEL_SECRECY_NO
                         : AMPEL_SECRECY_UNSET;
  e.shown = shw == 0 ? AMPEL_SHOWN_YES : AMPEL_SHOWN_NO;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = AMPEL_OK;
  long id = 0;
  pthread_mutex_lock(&edit_lock);
  ampel_store *s = ampel_store_open(srv_db_path(), AMPEL_STORE_WRITE, &d, &st);
  if (s) {
    st = ampel_store_edit_indicator(s, &e, (int64_t)time(NULL),
                                    q->user.name[0] ? q->user.name : NULL, &id,
                                    &d);
    ampel_store_close(s);
  }
  pthread_mutex_unlock(&edit_lock);
  audit(q, "kennzahl", "%.100s: %s %ld", key,
        st != AMPEL_OK ? "abgelehnt"
        : id           ? "Datenstand"
                       : "unverändert",
        id);
  if (st != AMPEL_OK) {
    int rc = srv_error_diags(q, r, st, &d, "Speichern fehlgeschlagen.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  if (id) {
    ampel_diags rd;
    ampel_diags_init(&rd, 0);
    (void)srv_reload(&rd); /* else the watcher retries every second */
    ampel_diags_release(&rd);
  }
  char loc[64];
  snprintf(loc, sizeof loc, "/daten/kennzahlen?gespeichert=%ld", id);
  return srv_redirect(r, loc);
}
