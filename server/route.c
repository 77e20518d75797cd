/* Routing: path → handler (server.h). Kept apart from serve.c so that the
 * fuzz target can drive every handler without a network. */
#include <string.h>

#include "server.h"

const char *srv_rest(const char *path, const char *prefix) {
  size_t n = strlen(prefix);
  return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

typedef struct route {
  const char *path;
  int prefix;
  int (*fn)(srv_req *, srv_resp *);
} route;

static const route routes[] = {
    {"/", 0, h_overview},
    {"/gebiet/", 1, h_gebiet},
    {"/kennzahl/", 1, h_kennzahl},
    {"/wechselwirkungen", 0, h_wechselwirkungen},
    {"/bedarf", 0, h_bedarf},
    {"/methoden", 0, h_methoden},
    {"/download/werte.csv", 0, h_download_csv},
    {"/download/werte-excel.csv", 0, h_csv_de},
    {"/static/", 1, h_static},
    {"/daten", 0, h_daten},
    {"/daten/kennzahlen", 0, h_daten_kennzahlen},
    {"/api/v1/imports", 0, h_api_imports},
    {"/api/v1/", 1, h_api},
    {"/anmelden", 0, h_anmelden},
    {"/abmelden", 0, h_abmelden},
    {"/verwaltung", 0, h_verwaltung},
};

static void route_to(srv_req *q, srv_resp *r) {
  if (q->too_many_params) {
    srv_error(q, r, 400, "Zu viele Parameter (höchstens %d)", SRV_MAX_PARAMS);
    return;
  }
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    const route *rt = &routes[i];
    int hit = rt->prefix ? srv_rest(q->path, rt->path) != NULL
                         : strcmp(q->path, rt->path) == 0;
    if (hit) {
      rt->fn(q, r);
      return;
    }
  }
  srv_error(q, r, 404, "Diese Seite gibt es nicht.");
}

void srv_dispatch(srv_req *q, srv_resp *r) {
  srv_alloc_reset();
  route_to(q, r);
  /* a part left out for lack of memory (a figure, a list): 503 */
  if (srv_alloc_failures() || r->body.failed)
    r->nomem = 1;
}

/* State-changing routes: POST/PUT/DELETE. A path ending in '/' is a
 * prefix. Each handler checks the role and the CSRF token itself
 * (srv_auth_require) before it changes anything. */
typedef struct write_route {
  const char *method;
  const char *path;
  int (*fn)(srv_req *, srv_resp *);
} write_route;

static const write_route srv_write_routes[] = {
    {"POST", "/daten/pruefen", h_daten_pruefen},
    {"POST", "/daten/einlesen", h_daten_einlesen},
    {"POST", "/daten/zuruecksetzen", h_daten_zuruecksetzen},
    {"POST", "/daten/kennzahlen", h_daten_kennzahlen_post},
    {"POST", "/api/v1/imports", h_api_imports},
    {"POST", "/anmelden", h_anmelden_post},
    {"POST", "/abmelden", h_abmelden_post},
    {"POST", "/api/v1/session", h_api_session_post},
    {"DELETE", "/api/v1/session", h_api_session_delete},
    {"POST", "/verwaltung/benutzer", h_verwaltung_benutzer},
    {"POST", "/verwaltung/einstellungen", h_verwaltung_einstellungen},
    {NULL, NULL, NULL}, /* end (routes are added above this line) */
};

static int write_hit(const write_route *w, const char *path) {
  size_t n = strlen(w->path);
  return n && w->path[n - 1] == '/' ? strncmp(path, w->path, n) == 0
                                    : strcmp(path, w->path) == 0;
}

void srv_dispatch_write(srv_req *q, srv_resp *r) {
  srv_alloc_reset();
  char allow[64] = "";
  int known = 0;
  for (const write_route *w = srv_write_routes; w->method; w++) {
    if (!write_hit(w, q->path))
      continue;
    if (strcmp(w->method, q->method) == 0) {
      w->fn(q, r);
      if (srv_alloc_failures() || r->body.failed)
        r->nomem = 1;
      return;
    }
    known = 1;
    if (!strstr(allow, w->method) &&
        strlen(allow) + strlen(w->method) + 3 < sizeof allow) {
      if (*allow)
        strcat(allow, ", ");
      strcat(allow, w->method);
    }
  }
  if (!known) {
    /* The pages and the API answer GET and HEAD only. */
    r->allow = "GET, HEAD";
    srv_error(q, r, 405, "Methode %s ist hier nicht erlaubt.", q->method);
    return;
  }
  srv_resp_header(r, "Allow", "%s", allow);
  srv_error(q, r, 405, "Methode %s ist hier nicht erlaubt.", q->method);
}
