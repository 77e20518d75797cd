/* read/index_file.c - reads back a CSV written by `ampel index` (need.h:
 * ampel_index_file_parse) for `ampel allocate --index FILE.csv`. Parsing a
 * file is reading, so it lives here and not beside the index computation. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/need.h"
#include "ampel/read.h"
#include "util/strmap.h"

void ampel_index_file_release(ampel_index_file *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->n; i++)
    ampel_free(f->areas[i]);
  ampel_free(f->areas);
  ampel_free(f->level);
  ampel_free(f->score);
  memset(f, 0, sizeof *f);
}

typedef struct idx_cols {
  long area, level, score;
} idx_cols;

static int cell_is(const ampel_cell *c, const char *name) {
  size_t n = strlen(name);
  return c->len == n && memcmp(c->text, name, n) == 0;
}

static ampel_status header_cols(const ampel_row *h, const char *path,
                                idx_cols *c, int *is_mss, ampel_diags *d) {
  c->area = c->level = c->score = -1;
  long lv = -1, sc = -1, cl = -1, si = -1;
  for (size_t i = 0; i < h->n_cells; i++) {
    const ampel_cell *x = &h->cells[i];
    if (cell_is(x, "area")) c->area = (long)i;
    else if (cell_is(x, "level")) lv = (long)i;
    else if (cell_is(x, "score")) sc = (long)i;
    else if (cell_is(x, "status_class")) cl = (long)i;
    else if (cell_is(x, "status_index")) si = (long)i;
  }
  *is_mss = lv < 0 && sc < 0 && cl >= 0 && si >= 0;
  c->level = *is_mss ? cl : lv;
  c->score = *is_mss ? si : sc;
  if (c->area < 0 || c->level < 0 || c->score < 0) {
    ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, h->line, 1,
                    h->source, h->source_len,
                    "keine Index-Datei von 'ampel index': erwartet die "
                    "Spalten area,score,rank,level (oder area,...,"
                    "status_index,status_class,...)");
    return AMPEL_E_DATA;
  }
  return AMPEL_OK;
}

static ampel_status cell_number(const ampel_row *r, long col,
                                const char *path, double *out,
                                ampel_diags *d) {
  *out = NAN;
  if (col >= (long)r->n_cells)
    return AMPEL_OK;
  const ampel_cell *c = &r->cells[col];
  ampel_flag fl;
  ampel_num_kind k = ampel_number_parse(c->text, c->len, '.', out, &fl);
  if (k == AMPEL_NUM_EMPTY || (k == AMPEL_NUM_VALUE && isfinite(*out)))
    return AMPEL_OK;
  ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, c->line, c->column,
                  r->source, r->source_len, "Zahl erwartet, gefunden: '%.*s'",
                  (int)(c->len > 40 ? 40 : c->len), c->text);
  *out = NAN;
  return AMPEL_E_DATA;
}

static ampel_status index_grow(ampel_index_file *f, size_t *cap) {
  if (f->n < *cap)
    return AMPEL_OK;
  size_t nc = *cap ? *cap * 2 : 64;
  char **a = ampel_reallocarray(f->areas, nc, sizeof *a);
  if (!a)
    return AMPEL_E_NOMEM;
  f->areas = a;
  double *l = ampel_reallocarray(f->level, nc, sizeof *l);
  if (!l)
    return AMPEL_E_NOMEM;
  f->level = l;
  double *s = ampel_reallocarray(f->score, nc, sizeof *s);
  if (!s)
    return AMPEL_E_NOMEM;
  f->score = s;
  *cap = nc;
  return AMPEL_OK;
}

static ampel_status index_row(ampel_index_file *f, const ampel_row *r,
                              const idx_cols *c, const char *path,
                              ampel_strmap *seen, ampel_diags *d) {
  if (c->area >= (long)r->n_cells || r->cells[c->area].len == 0) {
    ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, r->line, 1,
                    r->source, r->source_len, "Gebietsschlüssel fehlt");
    return AMPEL_E_DATA;
  }
  const ampel_cell *a = &r->cells[c->area];
  if (ampel_strmap_get(seen, a->text, a->len) >= 0) {
    ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, a->line,
                    a->column, r->source, r->source_len,
                    "Gebiet '%.*s' steht zweimal in der Datei", (int)a->len,
                    a->text);
    return AMPEL_E_DATA;
  }
  double lv, sc;
  ampel_status st = cell_number(r, c->level, path, &lv, d);
  ampel_status st2 = cell_number(r, c->score, path, &sc, d);
  if (st != AMPEL_OK || st2 != AMPEL_OK)
    return AMPEL_E_DATA;
  char *key = ampel_strndup(a->text, a->len);
  if (!key)
    return AMPEL_E_NOMEM;
  f->areas[f->n] = key;
  f->level[f->n] = lv;
  f->score[f->n] = sc;
  f->n++;
  return ampel_strmap_put(seen, key, a->len, f->n - 1);
}

ampel_status ampel_index_file_parse(const char *data, size_t len,
                                    const char *path, ampel_index_file *out,
                                    ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  ampel_csv_options opt = {AMPEL_ENC_AUTO, ',', '.'};
  ampel_status st = AMPEL_OK;
  ampel_csv_reader *r = ampel_csv_open_mem(data, len, path, &opt, diags, &st);
  if (!r)
    return st ? st : AMPEL_E_DATA;
  ampel_row row;
  idx_cols c;
  ampel_strmap seen;
  ampel_strmap_init(&seen);
  int got = ampel_csv_next(r, &row, diags);
  if (got == 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL,
                    0, "Datei ist leer");
    st = AMPEL_E_DATA;
  } else if (got < 0) {
    st = AMPEL_E_DATA;
  } else {
    st = header_cols(&row, path, &c, &out->is_mss, diags);
  }
  size_t cap = 0;
  while (st == AMPEL_OK && (got = ampel_csv_next(r, &row, diags)) > 0) {
    st = index_grow(out, &cap);
    if (st == AMPEL_OK)
      st = index_row(out, &row, &c, path, &seen, diags);
  }
  if (st == AMPEL_OK && got < 0)
    st = AMPEL_E_DATA;
  ampel_strmap_release(&seen);
  ampel_csv_free(r);
  if (st != AMPEL_OK)
    ampel_index_file_release(out);
  return st;
}
