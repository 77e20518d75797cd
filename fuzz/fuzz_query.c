/* Fuzz target: the dashboard's request handling without a network.
 *
 * Input: the first line is the path (e.g. "/gebiet/A"), the rest a query
 * string "k=v&k2=v2", handed to the handlers as they are (a superset of
 * what the server passes on: it refuses a target that does not decode
 * strictly, url.c, which this target runs on the same bytes too).
 * Every handler runs on a small dataset with hostile names; any crash,
 * sanitizer report or 5xx status is a finding. This covers the parameter
 * validation and the config-to-SVG path (STYLE.md §5). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis.h"
#include "ampel/import.h"
#include "ampel/store.h"
#include "server.h"

/* serve.c is not linked: the few functions handlers take from it. */
ampel_status srv_reload(ampel_diags *diags) {
  (void)diags;
  return AMPEL_E_USAGE;
}
const char *srv_db_path(void) { return ""; }
int srv_admin_enabled(void) { return 0; }
size_t srv_max_upload(void) { return 50000000u; }
int srv_token_ok(const char *header) {
  (void)header;
  return 0;
}

static srv_snapshot snap;

static const char areas[] =
    "key;name;parent;level;population;tile_row;tile_col\n"
    "C;Stadt <script>alert(1)</script>;;Stadt;1000;;\n"
    "A;\"A & \"\"B\"\"\";C;Stadtteil;400;0;0\n"
    "B;Bär'n;C;Stadtteil;300;0;1\n"
    "D;<b>D</b>;C;Stadtteil;200;1;0\n"
    "E;Eé;C;Stadtteil;100;1;1\n";
static const char inds[] =
    "key;name;unit;polarity;domain\n"
    "x;X <i>;%;higher_is_better;Bildung\n"
    "y;Y \"q\";Anzahl;higher_is_worse;Soziales\n"
    "z;Z;Anzahl;neutral;Soziales\n";
static const char vals[] =
    "area;indicator;period;value;numerator;denominator\n"
    "C;x;2022;50;;\nA;x;2022;40;4;10\nB;x;2022;60;6;10\nD;x;2022;55;;\n"
    "E;x;2022;.;;\nA;y;2022;3;;\nB;y;2022;5;;\nD;y;2022;1;;\nE;y;2022;9;;\n"
    "A;z;2022;7;;\nB;z;2022;8;;\nD;z;2022;-;;\n"
    "C;x;2023;52;;\nA;x;2023;45;;\nB;x;2023;58;;\nD;x;2023;50;;\n"
    "E;x;2023;61;;\nA;y;2023;2;;\nB;y;2023;6;;\nD;y;2023;(4);;\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_store *s = ampel_store_open(":memory:", AMPEL_STORE_CREATE, &d, &st);
  const char *names[] = {"gebiete.csv", "kennzahlen.csv", "werte.csv"};
  const char *data[] = {areas, inds, vals};
  size_t lens[] = {sizeof areas - 1, sizeof inds - 1, sizeof vals - 1};
  ampel_import_options opt;
  memset(&opt, 0, sizeof opt);
  if (!s || ampel_import_buffers(s, names, data, lens, 3, &opt, NULL, &d) ||
      ampel_context_open(s, AMPEL_CTX_GEOMETRY, &snap.ctx, &d)) {
    fprintf(stderr, "fuzz_query: setup failed\n");
    abort();
  }
  ampel_store_close(s);
  ampel_diags_release(&d);
  snap.ds = ampel_context_dataset(snap.ctx); /* as serve.c does */
  snap.geo = ampel_context_geometry(snap.ctx);
  snprintf(snap.stamp, sizeof snap.stamp, "%s",
           ampel_context_stamp(snap.ctx));
  snprintf(snap.secrecy, sizeof snap.secrecy, "%s",
           ampel_context_disclosure_note(snap.ctx));
  snap.version = 1;
  snap.gen = 1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 2048)
    return 0;
  char *buf = malloc(size + 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  for (size_t i = 0; i < size; i++) /* NUL ends C strings */
    if (!buf[i])
      buf[i] = ' ';
  { /* the server's strict decoder on the raw bytes as a target */
    size_t store_size = 2 * size + 2;
    char *store = malloc(store_size);
    srv_req t;
    memset(&t, 0, sizeof t);
    const char *why;
    if (store)
      (void)srv_url_parse(buf, size, &t, store, store_size, &why);
    free(store);
  }
  char *query = strchr(buf, '\n');
  if (query)
    *query++ = '\0';
  srv_req q;
  memset(&q, 0, sizeof q);
  q.method = "GET";
  /* The first line is the path as it is: a line that is not a path gets
   * the handlers' 404 (it used to become "/", so most mutations re-drew the
   * same overview without parameters and the target ran at 700 exec/s). */
  q.path = buf;
  q.is_api = strncmp(q.path, "/api/", 5) == 0;
  q.snap = &snap;
  q.ds = snap.ds;
  for (char *p = query; p && *p && !q.too_many_params;) {
    char *amp = strchr(p, '&');
    if (amp)
      *amp = '\0';
    char *eq = strchr(p, '=');
    if (eq)
      *eq = '\0';
    if (q.n_params < SRV_MAX_PARAMS) {
      q.params[q.n_params].key = p;
      q.params[q.n_params].val = eq ? eq + 1 : "";
      q.n_params++;
    } else {
      q.too_many_params = 1;
    }
    p = amp ? amp + 1 : NULL;
  }
  srv_resp r;
  memset(&r, 0, sizeof r);
  r.status = 200;
  ampel_buf_init(&r.body);
  ampel_buf_init(&r.headers);
  srv_dispatch(&q, &r);
  if (r.status >= 500 && !r.body.failed)
    abort(); /* handlers must answer bad input with 4xx */
  ampel_buf_release(&r.body);
  ampel_buf_release(&r.headers); /* as httpd.c does: a redirect has some */
  free(buf);
  return 0;
}
