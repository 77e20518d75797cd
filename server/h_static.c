/* h_static.c - the embedded assets (/static/NAME) and the CSV download.
 * Assets come only from the table compiled into the binary: a URL never
 * names a file on disk. */
#include <string.h>

#include "ampel/export.h"
#include "ampel/json.h"
#include "server.h"

/* ampel_values_filter.converted for the snapshot's context. */
static int snap_converted(const void *ud, size_t a, size_t i, size_t t) {
  return ampel_context_converted(ud, a, i, t);
}

int h_static(srv_req *q, srv_resp *r) {
  const char *name = srv_rest(q->path, "/static/");
  for (size_t i = 0; name && i < srv_n_assets; i++) {
    const srv_asset *a = &srv_assets[i];
    if (strcmp(a->name, name) != 0)
      continue;
    r->ctype = a->mime;
    r->cache = "public, max-age=3600";
    ampel_buf_append(&r->body, (const char *)a->data, a->len);
    return 0;
  }
  return srv_error(q, r, 404, "Diese Datei gibt es nicht.");
}

int h_download_csv(srv_req *q, srv_resp *r) {
  r->ctype = "text/csv; charset=utf-8";
  r->disposition = "attachment; filename=\"ampel-werte.csv\"";
  ampel_values_filter m = {-1, -1, -1, NULL, snap_converted, q->snap->ctx};
  ampel_export_csv(q->ds, &m, &r->body);
  return 0;
}

/* The same values for German Excel (';', decimal comma, BOM): opens as
 * columns on a double click (issue 13). */
int h_csv_de(srv_req *q, srv_resp *r) {
  r->ctype = "text/csv; charset=utf-8";
  r->disposition = "attachment; filename=\"ampel-werte-excel.csv\"";
  ampel_values_filter m = {-1, -1, -1, NULL, snap_converted, q->snap->ctx};
  ampel_export_csv_de(q->ds, &m, &r->body);
  return 0;
}
