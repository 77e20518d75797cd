/* In-memory polygons and multipolygons (geo.h): shapes, a builder, the
 * compact blob format, and the keyed set of shapes. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "util/strmap.h"

void ampel_shape_release(ampel_shape *s) {
  if (!s)
    return;
  ampel_free(s->poly_ring);
  ampel_free(s->ring_pt);
  ampel_free(s->xy);
  memset(s, 0, sizeof *s);
  s->label_x = s->label_y = NAN;
}

ampel_status ampel_shape_copy(const ampel_shape *s, ampel_shape *out) {
  memset(out, 0, sizeof *out);
  *out = *s;
  out->poly_ring = ampel_reallocarray(NULL, s->n_polys + 1, sizeof(size_t));
  out->ring_pt = ampel_reallocarray(NULL, s->n_rings + 1, sizeof(size_t));
  out->xy = ampel_reallocarray(NULL, 2 * s->n_points + 1, sizeof(double));
  if (!out->poly_ring || !out->ring_pt || !out->xy) {
    ampel_shape_release(out);
    return AMPEL_E_NOMEM;
  }
  memcpy(out->poly_ring, s->poly_ring, (s->n_polys + 1) * sizeof(size_t));
  memcpy(out->ring_pt, s->ring_pt, (s->n_rings + 1) * sizeof(size_t));
  memcpy(out->xy, s->xy, 2 * s->n_points * sizeof(double));
  return AMPEL_OK;
}

ampel_status ampel_shape_append(ampel_shape *dst, const ampel_shape *src) {
  size_t np = dst->n_polys + src->n_polys, nr = dst->n_rings + src->n_rings;
  size_t npt = dst->n_points + src->n_points;
  if (npt < dst->n_points || npt > AMPEL_GEO_MAX_POINTS)
    return AMPEL_E_TOO_LARGE;
  size_t *pr = ampel_reallocarray(dst->poly_ring, np + 1, sizeof(size_t));
  if (!pr)
    return AMPEL_E_NOMEM;
  dst->poly_ring = pr;
  size_t *rp = ampel_reallocarray(dst->ring_pt, nr + 1, sizeof(size_t));
  if (!rp)
    return AMPEL_E_NOMEM;
  dst->ring_pt = rp;
  double *xy = ampel_reallocarray(dst->xy, 2 * npt + 1, sizeof(double));
  if (!xy)
    return AMPEL_E_NOMEM;
  dst->xy = xy;
  for (size_t k = 1; k <= src->n_polys; k++)
    pr[dst->n_polys + k] = dst->n_rings + src->poly_ring[k];
  pr[0] = 0;
  for (size_t j = 1; j <= src->n_rings; j++)
    rp[dst->n_rings + j] = dst->n_points + src->ring_pt[j];
  rp[0] = 0;
  if (src->n_points)
    memcpy(xy + 2 * dst->n_points, src->xy, 2 * src->n_points * sizeof(double));
  dst->n_polys = np;
  dst->n_rings = nr;
  dst->n_points = npt;
  ampel_shape_update_bbox(dst);
  dst->label_x = dst->label_y = NAN;
  return AMPEL_OK;
}

void ampel_shape_update_bbox(ampel_shape *s) {
  double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
  for (size_t i = 0; i < s->n_points; i++) {
    double x = s->xy[2 * i], y = s->xy[2 * i + 1];
    b[0] = fmin(b[0], x);
    b[1] = fmin(b[1], y);
    b[2] = fmax(b[2], x);
    b[3] = fmax(b[3], y);
  }
  memcpy(s->bbox, b, sizeof b);
}

static double ring_area(const ampel_shape *s, size_t r) {
  double a = 0;
  size_t lo = s->ring_pt[r], hi = s->ring_pt[r + 1];
  for (size_t i = lo; i + 1 < hi; i++)
    a += s->xy[2 * i] * s->xy[2 * i + 3] - s->xy[2 * i + 2] * s->xy[2 * i + 1];
  return a / 2;
}

double ampel_shape_area(const ampel_shape *s) {
  double total = 0;
  for (size_t p = 0; p < s->n_polys; p++)
    for (size_t r = s->poly_ring[p]; r < s->poly_ring[p + 1]; r++) {
      double a = fabs(ring_area(s, r));
      total += r == s->poly_ring[p] ? a : -a;
    }
  return total;
}

/* ---- builder ------------------------------------------------------------ */

void ampel_shape_builder_init(ampel_shape_builder *b) {
  memset(b, 0, sizeof *b);
  b->s.label_x = b->s.label_y = NAN;
}

void ampel_shape_builder_release(ampel_shape_builder *b) {
  ampel_shape_release(&b->s);
  ampel_shape_builder_init(b);
}

static ampel_status grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return AMPEL_OK;
  size_t c = *cap ? *cap * 2 : 16;
  while (c < need)
    c *= 2;
  void *q = ampel_reallocarray(*p, c, elem);
  if (!q)
    return AMPEL_E_NOMEM;
  *p = q;
  *cap = c;
  return AMPEL_OK;
}

ampel_status ampel_shape_builder_poly(ampel_shape_builder *b) {
  ampel_shape *s = &b->s;
  ampel_status st = grow((void **)&s->poly_ring, &b->cap_polys,
                         s->n_polys + 2, sizeof(size_t));
  if (st != AMPEL_OK)
    return st;
  s->poly_ring[s->n_polys] = s->n_rings;
  s->n_polys++;
  s->poly_ring[s->n_polys] = s->n_rings;
  return AMPEL_OK;
}

ampel_status ampel_shape_builder_ring(ampel_shape_builder *b) {
  ampel_shape *s = &b->s;
  if (s->n_polys == 0)
    return AMPEL_E_INTERNAL;
  ampel_status st = grow((void **)&s->ring_pt, &b->cap_rings,
                         s->n_rings + 2, sizeof(size_t));
  if (st != AMPEL_OK)
    return st;
  s->ring_pt[s->n_rings] = s->n_points;
  s->n_rings++;
  s->ring_pt[s->n_rings] = s->n_points;
  s->poly_ring[s->n_polys] = s->n_rings;
  return AMPEL_OK;
}

ampel_status ampel_shape_builder_point(ampel_shape_builder *b, double x,
                                       double y) {
  ampel_shape *s = &b->s;
  if (s->n_rings == 0)
    return AMPEL_E_INTERNAL;
  if (s->n_points >= AMPEL_GEO_MAX_POINTS)
    return AMPEL_E_TOO_LARGE;
  ampel_status st = grow((void **)&s->xy, &b->cap_pts, 2 * s->n_points + 2,
                         sizeof(double));
  if (st != AMPEL_OK)
    return st;
  s->xy[2 * s->n_points] = x;
  s->xy[2 * s->n_points + 1] = y;
  s->n_points++;
  s->ring_pt[s->n_rings] = s->n_points;
  return AMPEL_OK;
}

void ampel_shape_builder_finish(ampel_shape_builder *b, ampel_shape *out) {
  *out = b->s;
  if (!out->poly_ring)
    out->poly_ring = ampel_calloc(1, sizeof(size_t));
  if (!out->ring_pt)
    out->ring_pt = ampel_calloc(1, sizeof(size_t));
  ampel_shape_update_bbox(out);
  out->label_x = out->label_y = NAN;
  memset(&b->s, 0, sizeof b->s);
  ampel_shape_builder_init(b);
}

/* ---- blob --------------------------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static void put_f64(unsigned char *p, double d) {
  uint64_t v;
  memcpy(&v, &d, 8);
  for (int i = 0; i < 8; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}
static double get_f64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  double d;
  memcpy(&d, &v, 8);
  return d;
}

ampel_status ampel_shape_encode(const ampel_shape *s, unsigned char **out,
                                size_t *out_len) {
  if (s->n_points > UINT32_MAX || s->n_rings > UINT32_MAX)
    return AMPEL_E_TOO_LARGE;
  size_t len = 16 + 4 * (s->n_polys + 1 + s->n_rings + 1) + 16 * s->n_points;
  unsigned char *p = ampel_alloc(len), *q = p;
  if (!p)
    return AMPEL_E_NOMEM;
  memcpy(q, "AMG1", 4);
  put_u32(q + 4, (uint32_t)s->n_polys);
  put_u32(q + 8, (uint32_t)s->n_rings);
  put_u32(q + 12, (uint32_t)s->n_points);
  q += 16;
  for (size_t i = 0; i <= s->n_polys; i++, q += 4)
    put_u32(q, (uint32_t)s->poly_ring[i]);
  for (size_t i = 0; i <= s->n_rings; i++, q += 4)
    put_u32(q, (uint32_t)s->ring_pt[i]);
  for (size_t i = 0; i < 2 * s->n_points; i++, q += 8)
    put_f64(q, s->xy[i]);
  *out = p;
  *out_len = len;
  return AMPEL_OK;
}

/* Offsets must start at 0, never decrease and end at the count. */
static int offsets_ok(const size_t *o, size_t n, size_t total) {
  if (o[0] != 0 || o[n] != total)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (o[i] > o[i + 1])
      return 0;
  return 1;
}

ampel_status ampel_shape_decode(const unsigned char *blob, size_t len,
                                ampel_shape *out) {
  memset(out, 0, sizeof *out);
  out->label_x = out->label_y = NAN;
  if (len < 16 || memcmp(blob, "AMG1", 4) != 0)
    return AMPEL_E_DATA;
  size_t np = get_u32(blob + 4), nr = get_u32(blob + 8),
         nx = get_u32(blob + 12);
  if (len != 16 + 4 * (np + 1 + nr + 1) + 16 * nx)
    return AMPEL_E_DATA;
  out->n_polys = np;
  out->n_rings = nr;
  out->n_points = nx;
  out->poly_ring = ampel_reallocarray(NULL, np + 1, sizeof(size_t));
  out->ring_pt = ampel_reallocarray(NULL, nr + 1, sizeof(size_t));
  out->xy = ampel_reallocarray(NULL, 2 * nx + 1, sizeof(double));
  if (!out->poly_ring || !out->ring_pt || !out->xy) {
    ampel_shape_release(out);
    return AMPEL_E_NOMEM;
  }
  const unsigned char *q = blob + 16;
  for (size_t i = 0; i <= np; i++, q += 4)
    out->poly_ring[i] = get_u32(q);
  for (size_t i = 0; i <= nr; i++, q += 4)
    out->ring_pt[i] = get_u32(q);
  for (size_t i = 0; i < 2 * nx; i++, q += 8)
    out->xy[i] = get_f64(q);
  if (!offsets_ok(out->poly_ring, np, nr) ||
      !offsets_ok(out->ring_pt, nr, nx)) {
    ampel_shape_release(out);
    return AMPEL_E_DATA;
  }
  ampel_shape_update_bbox(out);
  return AMPEL_OK;
}

/* ---- geoset ------------------------------------------------------------- */

typedef struct geo_entry {
  char *key;
  char *name;
  long line;
  size_t parts; /* features merged into this entry (1: one) */
  ampel_shape shape;
} geo_entry;

struct ampel_geoset {
  geo_entry *items;
  size_t n, cap;
  ampel_strmap map;
  int epsg;
  char *crs_def;
  size_t *nb; /* 2 * n_nb indices */
  size_t n_nb, cap_nb;
};

ampel_geoset *ampel_geoset_new(void) {
  ampel_geoset *g = ampel_calloc(1, sizeof *g);
  if (g)
    ampel_strmap_init(&g->map);
  return g;
}

void ampel_geoset_free(ampel_geoset *g) {
  if (!g)
    return;
  for (size_t i = 0; i < g->n; i++) {
    ampel_free(g->items[i].key);
    ampel_free(g->items[i].name);
    ampel_shape_release(&g->items[i].shape);
  }
  ampel_free(g->items);
  ampel_strmap_release(&g->map);
  ampel_free(g->crs_def);
  ampel_free(g->nb);
  ampel_free(g);
}

/* Keys are stored by pointer in the map: when items move on realloc the
 * key strings stay where they are, so the map stays valid. */
ampel_status ampel_geoset_put(ampel_geoset *g, const char *key,
                              const char *name, long line,
                              ampel_shape *shape) {
  long at = ampel_strmap_get(&g->map, key, strlen(key));
  if (at >= 0) {
    geo_entry *e = &g->items[at];
    char *nm = name ? ampel_strdup(name) : NULL;
    if (name && !nm)
      return AMPEL_E_NOMEM;
    ampel_free(e->name);
    e->name = nm;
    e->line = line;
    e->parts = 1;
    ampel_shape_release(&e->shape);
    e->shape = *shape;
    memset(shape, 0, sizeof *shape);
    return AMPEL_OK;
  }
  ampel_status st = grow((void **)&g->items, &g->cap, g->n + 1, sizeof *g->items);
  if (st != AMPEL_OK)
    return st;
  geo_entry *e = &g->items[g->n];
  memset(e, 0, sizeof *e);
  e->key = ampel_strdup(key);
  e->name = name ? ampel_strdup(name) : NULL;
  if (!e->key || (name && !e->name) ||
      ampel_strmap_put(&g->map, e->key, strlen(e->key), g->n) != AMPEL_OK) {
    ampel_free(e->key);
    ampel_free(e->name);
    return AMPEL_E_NOMEM;
  }
  e->line = line;
  e->parts = 1;
  e->shape = *shape;
  memset(shape, 0, sizeof *shape);
  g->n++;
  return AMPEL_OK;
}

ampel_status ampel_geoset_add_part(ampel_geoset *g, const char *key,
                                   const char *name, long line,
                                   ampel_shape *shape) {
  long at = ampel_strmap_get(&g->map, key, strlen(key));
  if (at < 0)
    return ampel_geoset_put(g, key, name, line, shape);
  geo_entry *e = &g->items[at];
  ampel_status st = ampel_shape_append(&e->shape, shape);
  if (st != AMPEL_OK)
    return st;
  if (!e->name && name) {
    e->name = ampel_strdup(name);
    if (!e->name)
      return AMPEL_E_NOMEM;
  }
  e->parts++;
  ampel_shape_release(shape);
  return AMPEL_OK;
}

size_t ampel_geoset_parts(const ampel_geoset *g, size_t i) {
  return g->items[i].parts;
}

size_t ampel_geoset_n(const ampel_geoset *g) { return g ? g->n : 0; }
const char *ampel_geoset_key(const ampel_geoset *g, size_t i) {
  return g->items[i].key;
}
const char *ampel_geoset_name(const ampel_geoset *g, size_t i) {
  return g->items[i].name;
}
long ampel_geoset_line(const ampel_geoset *g, size_t i) {
  return g->items[i].line;
}
ampel_shape *ampel_geoset_shape(ampel_geoset *g, size_t i) {
  return &g->items[i].shape;
}
const ampel_shape *ampel_geoset_shape_c(const ampel_geoset *g, size_t i) {
  return &g->items[i].shape;
}
long ampel_geoset_find(const ampel_geoset *g, const char *key) {
  if (!g || !key)
    return -1;
  return ampel_strmap_get(&g->map, key, strlen(key));
}

int ampel_geoset_epsg(const ampel_geoset *g) { return g->epsg; }
const char *ampel_geoset_crs_def(const ampel_geoset *g) { return g->crs_def; }

ampel_status ampel_geoset_set_crs(ampel_geoset *g, int epsg,
                                  const char *def) {
  char *d = def ? ampel_strdup(def) : NULL;
  if (def && !d)
    return AMPEL_E_NOMEM;
  ampel_free(g->crs_def);
  g->crs_def = d;
  g->epsg = epsg;
  return AMPEL_OK;
}

ampel_status ampel_geoset_add_neighbour(ampel_geoset *g, size_t a,
                                        size_t b) {
  ampel_status st =
      grow((void **)&g->nb, &g->cap_nb, 2 * g->n_nb + 2, sizeof(size_t));
  if (st != AMPEL_OK)
    return st;
  g->nb[2 * g->n_nb] = a < b ? a : b;
  g->nb[2 * g->n_nb + 1] = a < b ? b : a;
  g->n_nb++;
  return AMPEL_OK;
}

size_t ampel_geoset_n_neighbours(const ampel_geoset *g) { return g->n_nb; }
void ampel_geoset_clear_neighbours(ampel_geoset *g) { g->n_nb = 0; }

void ampel_geoset_neighbour(const ampel_geoset *g, size_t k, size_t *out_a,
                            size_t *out_b) {
  *out_a = g->nb[2 * k];
  *out_b = g->nb[2 * k + 1];
}

int ampel_geoset_bbox(const ampel_geoset *g, double out[4]) {
  int any = 0;
  for (size_t i = 0; g && i < g->n; i++) {
    const double *b = g->items[i].shape.bbox;
    if (g->items[i].shape.n_points == 0)
      continue;
    if (!any) {
      memcpy(out, b, 4 * sizeof(double));
      any = 1;
      continue;
    }
    out[0] = fmin(out[0], b[0]);
    out[1] = fmin(out[1], b[1]);
    out[2] = fmax(out[2], b[2]);
    out[3] = fmax(out[3], b[3]);
  }
  return any;
}
