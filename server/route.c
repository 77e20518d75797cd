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
    {"/api/v1/", 1, h_api},
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
