/* ampel umschluessel --alt ALT --neu NEU [-o umschluessel.csv]: a
 * conversion key from the overlaps of the areas before and after a
 * boundary reform (convert_key.h, docs/zeit-und-raum.md). The key is for
 * the user to check and then import; nothing is written to a database. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/convert_key.h"
#include "ampel/geo.h"
#include "ampel/import.h"
#include "ampel/read.h"
#include "cli.h"

/* Reads, projects (UTM of the data) and repairs one layer. */
static int read_layer(const char *path, const char *prop, ampel_geoset **out) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_geo_read_opts o = {prop, NULL};
  ampel_status st = ampel_geo_read_file(path, &o, out, &d);
  if (st == AMPEL_OK)
    st = ampel_geo_project(*out, NULL, path, &d);
  if (st == AMPEL_OK)
    st = ampel_geo_validate(*out, path, &d);
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  if (st != AMPEL_OK && st != AMPEL_E_NOMEM)
    cli_note("Hinweis: die Eigenschaft mit dem Gebietsschlüssel nennen hier "
             "--alt-schluessel und --neu-schluessel");
  if (st != AMPEL_OK) {
    ampel_geoset_free(*out);
    *out = NULL;
  }
  return ampel_status_exit_code(st);
}

typedef struct points {
  double *xy, *pop, *lon, *lat;
  size_t n, cap;
} points;

static int points_add(points *p, double lon, double lat, double pop) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 1024;
    double *a = ampel_realloc(p->lon, cap * sizeof *a);
    if (!a)
      return -1;
    p->lon = a;
    double *b = ampel_realloc(p->lat, cap * sizeof *b);
    if (!b)
      return -1;
    p->lat = b;
    double *c = ampel_realloc(p->pop, cap * sizeof *c);
    if (!c)
      return -1;
    p->pop = c;
    p->cap = cap;
  }
  p->lon[p->n] = lon;
  p->lat[p->n] = lat;
  p->pop[p->n] = pop;
  p->n++;
  return 0;
}

static void points_release(points *p) {
  ampel_free(p->xy);
  ampel_free(p->pop);
  ampel_free(p->lon);
  ampel_free(p->lat);
}

static int col_is(const char *h, const char *const *names) {
  for (; *names; names++)
    if (strcmp(h, *names) == 0)
      return 1;
  return 0;
}

/* The inhabitant points: a CSV with the columns Länge;Breite;Einwohner
 * (WGS84 degrees; also lon/lat/einwohner and English names), projected
 * into the layers' CRS. Errors are located FILE:LINE:COLUMN. */
static int read_points(const char *path, int epsg, points *p) {
  static const char *const lon_n[] = {"laenge", "lon", "longitude", "x", NULL};
  static const char *const lat_n[] = {"breite", "lat", "latitude", "y", NULL};
  static const char *const pop_n[] = {"einwohner", "ew", "population", NULL};
  size_t len = 0;
  char *data = cli_slurp(path, &len);
  if (!data)
    return EXIT_SYSTEM;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = AMPEL_OK;
  ampel_csv_reader *r = ampel_csv_open_mem(data, len, path, NULL, &d, &st);
  int col[3] = {-1, -1, -1}, header = 1, rc;
  ampel_row row;
  while (r && st == AMPEL_OK && (rc = ampel_csv_next(r, &row, &d)) == 1) {
    if (header) {
      for (size_t c = 0; c < row.n_cells; c++) {
        char h[64];
        ampel_header_normalize(row.cells[c].text, row.cells[c].len, h,
                               sizeof h);
        int k = col_is(h, lon_n)   ? 0
                : col_is(h, lat_n) ? 1
                : col_is(h, pop_n) ? 2
                                   : -1;
        if (k >= 0 && col[k] < 0)
          col[k] = (int)c;
      }
      if (col[0] < 0 || col[1] < 0 || col[2] < 0) {
        ampel_diags_add(&d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, row.line, 1,
                        row.source, row.source_len,
                        "Spalten Länge;Breite;Einwohner erwartet (Punkte in "
                        "WGS84)");
        st = AMPEL_E_DATA;
      }
      header = 0;
      continue;
    }
    double v[3];
    for (int k = 0; k < 3 && st == AMPEL_OK; k++) {
      const ampel_cell *c =
          (size_t)col[k] < row.n_cells ? &row.cells[col[k]] : NULL;
      ampel_flag flag;
      if (!c ||
          ampel_number_parse(c->text, c->len, ampel_csv_decimal(r), &v[k],
                             &flag) != AMPEL_NUM_VALUE ||
          (k == 0 && fabs(v[k]) > 180) || (k == 1 && fabs(v[k]) > 90) ||
          (k == 2 && v[k] < 0)) {
        ampel_diags_add(&d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, row.line,
                        c ? c->column : 1L, row.source, row.source_len,
                        "%s erwartet, gefunden: '%.*s'",
                        k == 0   ? "Länge in Grad (-180 bis 180)"
                        : k == 1 ? "Breite in Grad (-90 bis 90)"
                                 : "Einwohnerzahl (0 oder mehr)",
                        c ? (int)(c->len > 40 ? 40 : c->len) : 0,
                        c ? c->text : "");
        st = AMPEL_E_DATA;
      }
    }
    if (st == AMPEL_OK && points_add(p, v[0], v[1], v[2]) != 0)
      st = AMPEL_E_NOMEM;
  }
  if (r && st == AMPEL_OK && d.n && rc < 0)
    st = AMPEL_E_DATA;
  ampel_csv_free(r);
  free(data);
  if (st == AMPEL_OK && p->n == 0) {
    ampel_diags_add(&d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL, 0,
                    "keine Punkte");
    st = AMPEL_E_DATA;
  }
  if (st == AMPEL_OK) {
    p->xy = ampel_calloc(2 * p->n + 1, sizeof *p->xy);
    st = p->xy ? ampel_geo_project_lonlat(p->lon, p->lat, p->n, epsg, p->xy)
               : AMPEL_E_NOMEM;
  }
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  return ampel_status_exit_code(st);
}

/* "0,25" / "1": a share in millionths with a decimal comma. */
static void put_share(ampel_buf *b, long micro) {
  if (micro >= 1000000) {
    ampel_buf_puts(b, "1");
    return;
  }
  char s[24];
  snprintf(s, sizeof s, "%06ld", micro);
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '0')
    n--;
  ampel_buf_printf(b, "0,%.*s", (int)n, s);
}

/* The key as umschluessel.csv: Alt;Neu;Anteil, the shares of every old
 * area rounded to millionths that sum to exactly 1 (the rounding rest
 * goes to the largest share). */
static void write_csv(ampel_buf *b, const ampel_key_result *k,
                      const ampel_geoset *old, const ampel_geoset *neu) {
  ampel_buf_puts(b, "Alt;Neu;Anteil\n");
  for (size_t i = 0; i < k->n_pairs;) {
    size_t j = i;
    long sum = 0;
    while (j < k->n_pairs && k->pairs[j].old_i == k->pairs[i].old_i)
      sum += lround(k->pairs[j++].share * 1e6);
    for (size_t m = i; m < j; m++) {
      long micro = lround(k->pairs[m].share * 1e6);
      if (m == i)
        micro += 1000000 - sum; /* the largest comes first */
      if (micro <= 0)
        continue;
      ampel_buf_csv_field(b, ampel_geoset_key(old, k->pairs[m].old_i));
      ampel_buf_putc(b, ';');
      ampel_buf_csv_field(b, ampel_geoset_key(neu, k->pairs[m].new_i));
      ampel_buf_putc(b, ';');
      put_share(b, micro);
      ampel_buf_putc(b, '\n');
    }
    i = j;
  }
}

/* What kind of change each old area saw, and what to look at. */
static void report(const ampel_key_result *k, const ampel_geoset *old,
                   const ampel_geoset *neu, int by_pop) {
  size_t n_new = ampel_geoset_n(neu);
  size_t *from = ampel_calloc(n_new + 1, sizeof *from);
  size_t same = 0, split = 0, merged = 0, none = 0, part = 0, fb = 0;
  for (size_t i = 0, p = 0; i < k->n_old; i++) {
    size_t n = 0;
    while (p < k->n_pairs && k->pairs[p].old_i == i) {
      if (from)
        from[k->pairs[p].new_i]++;
      p++;
      n++;
    }
    if (n == 0) {
      cli_warn("'%s': keine neue Fläche überdeckt es; es fehlt im Schlüssel",
               ampel_geoset_key(old, i));
      none++;
      continue;
    }
    n == 1 ? same++ : split++;
    if (k->old[i].covered < 0.99) {
      if (part < 10)
        cli_note("Hinweis: '%s' liegt nur zu %.1f %% in neuen Flächen "
                 "(Anteile beziehen sich auf den überdeckten Teil)",
                 ampel_geoset_key(old, i), 100.0 * k->old[i].covered);
      part++;
    }
    if (k->old[i].area_weights) {
      if (fb < 10)
        cli_note("Hinweis: '%s' enthält keinen Einwohnerpunkt; Anteile "
                 "nach Fläche",
                 ampel_geoset_key(old, i));
      fb++;
    }
  }
  for (size_t j = 0; from && j < n_new; j++)
    merged += from[j] > 1;
  ampel_free(from);
  if (part > 10)
    cli_note("Hinweis: %zu weitere alte Gebiete nur teilweise überdeckt",
             part - 10);
  if (fb > 10)
    cli_note("Hinweis: %zu weitere alte Gebiete ohne Einwohnerpunkt", fb - 10);
  fprintf(stderr,
          "umschluessel: %zu alte, %zu neue Gebiete; %zu Zeilen nach %s: %zu "
          "alte Gebiete ganz in einem neuen, %zu geteilt, %zu ohne neue "
          "Fläche; %zu neue Gebiete aus mehreren alten; %zu Splitter unter "
          "dem Mindestanteil weggelassen\n",
          k->n_old, n_new, k->n_pairs, by_pop ? "Einwohnern" : "Fläche", same,
          split, none, merged, k->n_dropped);
  if (by_pop && k->n_pts_outside)
    cli_note("Hinweis: %zu Einwohnerpunkte liegen in keiner alten Fläche",
             k->n_pts_outside);
}

int cmd_umschluessel(const cli_call *call) {
  const char *alt = CLI_OPT(call, AMPEL_OPT_KEY_OLD);
  const char *neu = CLI_OPT(call, AMPEL_OPT_KEY_NEW);
  if (!alt || !neu)
    return cli_usage("umschluessel", "--alt DATEI und --neu DATEI fehlen");
  int by_pop = ampel_query_has(&call->q, AMPEL_OPT_KEY_WEIGHT) &&
               call->q.v[AMPEL_OPT_KEY_WEIGHT].choice == 1;
  const char *pts = CLI_OPT(call, AMPEL_OPT_POP_POINTS);
  if (by_pop != (pts != NULL))
    return cli_usage("umschluessel", "--gewicht einwohner und "
                                     "--einwohner-punkte DATEI gehören "
                                     "zusammen");
  ampel_geoset *o = NULL, *n = NULL;
  int rc = read_layer(alt, CLI_OPT(call, AMPEL_OPT_KEY_OLD_PROPERTY), &o);
  if (rc == EXIT_OK)
    rc = read_layer(neu, CLI_OPT(call, AMPEL_OPT_KEY_NEW_PROPERTY), &n);
  if (rc == EXIT_OK && ampel_geoset_epsg(o) != ampel_geoset_epsg(n)) {
    cli_error("die Flächen liegen in verschiedenen Koordinatensystemen "
              "(EPSG:%d und EPSG:%d); bitte beide in einem liefern",
              ampel_geoset_epsg(o), ampel_geoset_epsg(n));
    rc = EXIT_DATA;
  }
  points p;
  memset(&p, 0, sizeof p);
  if (rc == EXIT_OK && by_pop)
    rc = read_points(pts, ampel_geoset_epsg(o), &p);
  ampel_key_result k;
  memset(&k, 0, sizeof k);
  if (rc == EXIT_OK) {
    ampel_key_opts ko = {by_pop ? AMPEL_KEY_BY_POPULATION : AMPEL_KEY_BY_AREA,
                         p.xy, p.pop, p.n,
                         ampel_query_num(&call->q, AMPEL_OPT_MIN_SHARE)};
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st = ampel_key_derive(o, n, &ko, &k, call->q.stop, &d);
    cli_print_diags(&d, stderr);
    ampel_diags_release(&d);
    rc = ampel_status_exit_code(st);
  }
  if (rc == EXIT_OK) {
    ampel_buf b;
    ampel_buf_init(&b);
    write_csv(&b, &k, o, n);
    const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
    rc = b.failed ? EXIT_SYSTEM
                  : cli_write_output(out ? out : "-", b.data, b.len);
    ampel_buf_release(&b);
    if (rc == EXIT_OK)
      report(&k, o, n, by_pop);
  }
  ampel_key_result_release(&k);
  points_release(&p);
  ampel_geoset_free(o);
  ampel_geoset_free(n);
  return rc;
}
