/* ampel map: choropleth, tile map or point layer as SVG. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/classify.h"
#include "ampel/lights.h"
#include "ampel/map.h"
#include "ampel/select.h"
#include "cli.h"
#include "viz_util.h"

typedef struct map_args {
  const char *level, *ind, *period, *classes, *points, *out, *title,
      *attribution, *palette;
  ampel_map_by by;
  int by_given, fixed, diverging, no_labels;
  double dpi; /* 0: default */
} map_args;

static int parse_args(int argc, char **argv, map_args *a) {
  static const struct option opts[] = {
      {"level", required_argument, NULL, 'l'},
      {"indicator", required_argument, NULL, 'i'},
      {"period", required_argument, NULL, 'p'},
      {"classes", required_argument, NULL, 'c'},
      {"by", required_argument, NULL, 'b'},
      {"points", required_argument, NULL, 'P'},
      {"palette", required_argument, NULL, 'f'},
      {"title", required_argument, NULL, 't'},
      {"attribution", required_argument, NULL, 'a'},
      {"fixed-breaks", no_argument, NULL, 'F'},
      {"diverging", no_argument, NULL, 'd'},
      {"no-labels", no_argument, NULL, 'n'},
      {"output", required_argument, NULL, 'o'},
      {"dpi", required_argument, NULL, 'D'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'l': a->level = optarg; break;
    case 'i': a->ind = optarg; break;
    case 'p': a->period = optarg; break;
    case 'c': a->classes = optarg; break;
    case 'P': a->points = optarg; break;
    case 'f': a->palette = optarg; break;
    case 't': a->title = optarg; break;
    case 'a': a->attribution = optarg; break;
    case 'F': a->fixed = 1; break;
    case 'd': a->diverging = 1; break;
    case 'n': a->no_labels = 1; break;
    case 'o': a->out = optarg; break;
    case 'D':
      if (cli_parse_dpi("map", optarg, &a->dpi) != EXIT_OK)
        return EXIT_USAGE;
      break;
    case 'b':
      if (ampel_map_by_parse(optarg, &a->by) != 0)
        return cli_usage("map", "--by: erwartet status, scaled oder classes, "
                                "gefunden: '%s'", optarg);
      a->by_given = 1;
      break;
    case 'h': cli_help("map", stdout); return -1;
    default:
      return cli_usage("map", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_usage("map", "unerwartetes Argument '%s'", argv[optind]);
  if (!a->out)
    return cli_usage("map", "-o DATEI.svg fehlt");
  if (!a->by_given)
    a->by = a->classes ? AMPEL_MAP_BY_CLASSES : AMPEL_MAP_BY_STATUS;
  if (a->by == AMPEL_MAP_BY_CLASSES && !a->classes)
    a->classes = "quantile:5";
  return 0;
}

/* Everything one map needs, freed by map_release. */
typedef struct map_job {
  map_args *a;
  ampel_dataset *ds;
  ampel_store *st;
  ampel_geoset *geo;
  ampel_selection sel;
  ampel_lights lights;
  size_t ind;
  ampel_map_item *items;
  double *xs, *pts_xy;
  double breaks[AMPEL_CLASS_MAX + 2];
  size_t k;
  const ampel_shape **outline;
  size_t n_outline;
} map_job;

static void map_release(map_job *j) {
  ampel_lights_release(&j->lights);
  ampel_selection_release(&j->sel);
  ampel_free(j->items);
  ampel_free(j->xs);
  ampel_free(j->pts_xy);
  ampel_free(j->outline);
  ampel_geoset_free(j->geo);
  ampel_dataset_free(j->ds);
  if (j->st)
    ampel_store_close(j->st);
}

static int fail_diags(ampel_diags *d, ampel_status s) {
  cli_print_diags(d, stderr);
  ampel_diags_release(d);
  return ampel_status_exit_code(s);
}

static int select_data(map_job *j) {
  map_args *a = j->a;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  const char *keys[1] = {a->ind};
  const char *level = a->points ? a->points : a->level;
  ampel_status s = ampel_select(j->ds, level, a->period, a->ind ? keys : NULL,
                                a->ind ? 1 : 0, &j->sel, &d);
  if (s == AMPEL_OK && j->sel.n_inds == 0) {
    ampel_diags_error(&d, AMPEL_E_DATA, "keine Kennzahl mit Werten auf der "
                                        "Ebene %s", j->sel.level);
    s = AMPEL_E_DATA;
  }
  if (s == AMPEL_OK && j->sel.n_inds > 1)
    j->sel.n_inds = 1; /* the first indicator when none is named */
  ampel_lights_opts lo;
  ampel_lights_opts_init(&lo);
  if (s == AMPEL_OK)
    s = ampel_lights_compute(j->ds, &j->sel, &lo, &j->lights, &d);
  if (s != AMPEL_OK)
    return fail_diags(&d, s);
  ampel_diags_release(&d);
  j->ind = j->sel.inds[0];
  return 0;
}

/* Class breaks over this period, or over all periods (--fixed-breaks). */
static int make_breaks(map_job *j, const double *x, size_t n) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_class_opts co;
  if (ampel_class_parse(j->a->classes, &co, &d) != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    ampel_diags_release(&d);
    return EXIT_USAGE;
  }
  ampel_diags_release(&d);
  if (j->a->diverging)
    co.reference = j->lights.cols[0].ref.value;
  size_t np = j->a->fixed ? ampel_dataset_n_periods(j->ds) : 1;
  double *pool = ampel_calloc(n * np + 1, sizeof *pool);
  if (!pool)
    return EXIT_SYSTEM;
  for (size_t p = 0; p < np; p++) {
    const double *col =
        j->a->fixed ? ampel_dataset_values(j->ds, j->ind, p) : NULL;
    for (size_t r = 0; r < n; r++)
      pool[p * n + r] = !j->a->fixed ? x[r]
                        : col        ? col[j->sel.areas[r]]
                                     : NAN;
  }
  ampel_status s = ampel_class_breaks(pool, n * np, &co, j->breaks, &j->k);
  ampel_free(pool);
  if (s != AMPEL_OK) {
    cli_error("keine Werte für Klassen");
    return EXIT_DATA;
  }
  return 0;
}

static int fill_items(map_job *j) {
  size_t n = j->sel.n_areas;
  j->items = ampel_calloc(n + 1, sizeof *j->items);
  j->xs = ampel_calloc(n + 1, sizeof *j->xs);
  double *sc = ampel_calloc(n + 1, sizeof *sc);
  if (!j->items || !j->xs || !sc) {
    ampel_free(sc);
    return EXIT_SYSTEM;
  }
  for (size_t r = 0; r < n; r++)
    j->xs[r] = ampel_lights_at(&j->lights, r, 0)->value;
  const ampel_indicator *ind = ampel_dataset_indicator(j->ds, j->ind);
  ampel_scale_column(j->xs, n, ind->polarity, sc);
  for (size_t r = 0; r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, j->sel.areas[r]);
    long g = ampel_geoset_find(j->geo, ar->key);
    ampel_map_item *it = &j->items[r];
    it->key = ar->key;
    it->name = ar->name;
    it->shape = g >= 0 ? ampel_geoset_shape_c(j->geo, (size_t)g) : NULL;
    it->x = it->y = NAN;
    it->tile_row = ar->tile_row;
    it->tile_col = ar->tile_col;
    it->value = j->xs[r];
    it->flag = ampel_dataset_get(j->ds, j->sel.areas[r], j->ind,
                                 j->sel.period).flag;
    it->status = ampel_lights_at(&j->lights, r, 0)->status;
    it->scaled = sc[r];
  }
  ampel_free(sc);
  return j->a->by == AMPEL_MAP_BY_CLASSES ? make_breaks(j, j->xs, n) : 0;
}

/* Points: project the areas' lat/lon into the geometry's CRS. */
static int place_points(map_job *j) {
  size_t n = j->sel.n_areas;
  double *lon = ampel_calloc(2 * n + 1, sizeof *lon);
  j->pts_xy = ampel_calloc(2 * n + 1, sizeof *j->pts_xy);
  if (!lon || !j->pts_xy) {
    ampel_free(lon);
    return EXIT_SYSTEM;
  }
  for (size_t r = 0; r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, j->sel.areas[r]);
    lon[r] = ar->lon;
    lon[n + r] = ar->lat;
  }
  int epsg = ampel_geoset_epsg(j->geo) ? ampel_geoset_epsg(j->geo) : 25832;
  ampel_status s = ampel_geo_project_lonlat(lon, lon + n, n, epsg, j->pts_xy);
  ampel_free(lon);
  if (s != AMPEL_OK)
    return EXIT_SYSTEM;
  for (size_t r = 0; r < n; r++) {
    j->items[r].x = j->pts_xy[2 * r];
    j->items[r].y = j->pts_xy[2 * r + 1];
    j->items[r].shape = NULL;
  }
  return 0;
}

/* The outline under a point layer: the shapes of --level when given, else
 * the root area's shape, else every stored shape. */
static int pick_outline(map_job *j) {
  size_t n = ampel_geoset_n(j->geo);
  j->outline = ampel_calloc(n + 1, sizeof *j->outline);
  if (!j->outline)
    return EXIT_SYSTEM;
  long root = ampel_dataset_root(j->ds);
  for (size_t i = 0; i < n; i++) {
    long a = ampel_dataset_find_area(j->ds, ampel_geoset_key(j->geo, i));
    const ampel_area *ar = a >= 0 ? ampel_dataset_area(j->ds, (size_t)a) : NULL;
    int take = j->a->level ? ar && ar->level && !strcmp(ar->level, j->a->level)
                           : a == root;
    if (take)
      j->outline[j->n_outline++] = ampel_geoset_shape_c(j->geo, i);
  }
  for (size_t i = 0; j->n_outline == 0 && i < n; i++)
    j->outline[i] = ampel_geoset_shape_c(j->geo, i);
  if (j->n_outline == 0)
    j->n_outline = n;
  return 0;
}

static void describe(map_job *j, char *title, char *desc, char *legend,
                     char *attr, size_t size) {
  const ampel_indicator *ind = ampel_dataset_indicator(j->ds, j->ind);
  const char *per = ampel_dataset_period(j->ds, j->sel.period)->label;
  char ref[48], stamp[160];
  ampel_format_de(j->lights.cols[0].ref.value, ind->decimals, ref, sizeof ref);
  snprintf(title, size, "%s – %s, %s",
           j->a->title ? j->a->title : (ind->name ? ind->name : ind->key),
           j->sel.level, per);
  snprintf(desc, size,
           "%s je %s, %s. Farbe: %s. Referenz (Gesamtstadt): %s. Schraffiert: "
           "kein Wert oder geheim.",
           ind->name ? ind->name : ind->key, j->sel.level, per,
           j->a->by == AMPEL_MAP_BY_STATUS   ? "Ampel-Status"
           : j->a->by == AMPEL_MAP_BY_SCALED ? "auf 0–1 skalierter Wert"
                                             : "Klassen",
           ref);
  viz_ind_label(ind, legend, size);
  cli_data_stamp(j->st, stamp, sizeof stamp);
  snprintf(attr, size, "%s%s%s%s%s", j->a->attribution ? j->a->attribution : "",
           j->a->attribution ? " · " : "",
           ind->source ? "Quelle: " : "", ind->source ? ind->source : "",
           *stamp ? "" : "");
  if (*stamp) {
    size_t l = strlen(attr);
    snprintf(attr + l, size - l, "%s%s", l ? " · " : "", stamp);
  }
}

static int draw(map_job *j) {
  char title[400], desc[600], legend[300], attr[1200];
  describe(j, title, desc, legend, attr, sizeof title);
  const ampel_indicator *ind = ampel_dataset_indicator(j->ds, j->ind);
  const ampel_palette *pal = ampel_palette_find(j->a->palette ? j->a->palette
                                                              : "standard");
  if (!pal)
    return cli_usage("map", "--palette: erwartet %s", ampel_palette_names());
  ampel_map_opts o = {title, desc, legend, attr, j->a->by, pal,
                      ind->polarity, j->breaks, j->k, ind->decimals, 0,
                      j->outline, j->n_outline, !j->a->no_labels, NULL};
  size_t n = j->sel.n_areas, with_shape = 0;
  for (size_t r = 0; r < n; r++)
    with_shape += j->items[r].shape != NULL;
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_status s;
  const char *kind = "Karte";
  if (j->a->points) {
    s = ampel_map_render(NULL, 0, j->items, n, &o, &b);
    kind = "Punktkarte";
  } else if (with_shape > 0) {
    o.n_outline = 0;
    s = ampel_map_render(j->items, n, NULL, 0, &o, &b);
  } else {
    s = ampel_tilemap_render(j->items, n, &o, &b);
    kind = "Kachelkarte";
  }
  if (s == AMPEL_E_USAGE) {
    ampel_buf_release(&b);
    cli_error("die Ebene %s hat weder Flächen noch Kachelpositionen; Flächen "
              "mit 'ampel import DATEI.geojson --key-property NAME' einlesen",
              j->sel.level);
    return EXIT_DATA;
  }
  int rc = viz_write(j->a->out, &b, j->a->dpi);
  ampel_buf_release(&b);
  if (rc == EXIT_OK && strcmp(j->a->out, "-") != 0)
    printf("%s: %zu Gebiete (%zu mit Fläche), %s, %s\n", kind, n, with_shape,
           ind->key, ampel_dataset_period(j->ds, j->sel.period)->label);
  return rc;
}

int cmd_map(int argc, char **argv, cli_common *c) {
  map_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc != 0)
    return rc < 0 ? EXIT_OK : rc;
  map_job j = {0};
  j.a = &a;
  j.ds = cli_load(c, &j.st, &rc);
  if (!j.ds)
    return rc;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (ampel_store_load_geometry(j.st, &j.geo, &d) != AMPEL_OK) {
    map_release(&j);
    return fail_diags(&d, AMPEL_E_IO);
  }
  ampel_diags_release(&d);
  rc = select_data(&j);
  if (rc == 0)
    rc = fill_items(&j);
  if (rc == 0 && a.points)
    rc = place_points(&j);
  if (rc == 0 && a.points)
    rc = pick_outline(&j);
  if (rc == 0)
    rc = draw(&j);
  map_release(&j);
  return rc;
}
