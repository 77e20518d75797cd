/* Importing files into a store (import.h).
 *
 * Phases:
 *  1. open every file (CSV, XLSX or XLS), read each table's header and
 *     recognise its kind;
 *  2. areas tables: rows into the dataset of known keys, then parents and
 *     cycles are checked with the location of each parent cell;
 *  3. indicators tables;
 *  4. values tables (long and wide), streamed into the store.
 * Everything happens inside one store transaction. Parsing goes on after
 * the first error so that one run reports every problem (up to the diags
 * limit); as soon as there is an error nothing more is written and the
 * transaction is rolled back at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/formula.h"
#include "ampel/import.h"
#include "import/fields.h"
#include "util/sha256.h"
#include "util/strmap.h"

typedef enum kind {
  K_UNKNOWN = 0,
  K_AREAS,
  K_INDICATORS,
  K_LONG,
  K_WIDE,
  K_CONVERSION /* umschluessel.csv: Alt;Neu;Anteil (METHODS.md §11) */
} kind;

static const char *const kind_names[] = {"unknown", "areas",  "indicators",
                                         "values",  "values", "conversion"};

typedef struct table {
  const char *path; /* name in messages */
  const char *sheet;
  size_t file;
  kind k;
  ampel_csv_reader *csv;
  ampel_xlsx_sheet *xs;
  ampel_xls_sheet *ls; /* a sheet of an .xls workbook */
  char decimal;
  size_t n_cols;
  int col[F_COUNT_];
  long *wide_ind;  /* per column: indicator id or -1 */
  ampel_cell *hdr; /* wide tables: a copy of the header row's cells */
  char *hdr_source;
  long header_line;
  long rows;
  /* a CSV file mapped read-only (ampel_import_files): the part already
   * read is given back to the kernel as the rows go by (drop_behind) */
  const char *map;
  size_t map_len, map_dropped;
} table;

/* An area row of this import whose parent must be checked later. */
typedef struct pending_parent {
  size_t area; /* dataset id */
  const char *path;
  long line, column;
  char *source;
  int has_source;
} pending_parent;

/* A row of a conversion key, kept until every row is read: the shares of
 * one old area are checked together. */
typedef struct conv_row {
  char *old_key, *new_key;
  double share;
  pending_parent at; /* the Alt cell, for messages */
} conv_row;

/* How many period cells period_of remembers, by hash of the text (more
 * than most tables have periods). */
#define PERIOD_SEEN 64

typedef struct ctx {
  ampel_store *st;
  ampel_dataset *ds; /* stored areas/indicators/periods + this import's */
  ampel_diags *diags;
  const ampel_import_options *opt;
  ampel_import_summary sum;
  int writing; /* 0 after the first error: parse on, write nothing */
  /* the period cells seen last and their ids: rows repeat a few periods
   * (often cycling through all of them), and parsing each is costly */
  struct {
    char text[64];
    long id;
  } period_seen[PERIOD_SEEN];
  char last_area[64]; /* area_of: the last area cell and its id (rows */
  long last_area_id;  /* of one area often come together) */
  char last_ind[64];  /* value_row: the same for the indicator */
  long last_ind_id;
  int mapped; /* the buffers are file mappings (import_buffers) */
  ampel_strmap seen_areas, seen_inds; /* key → line, this import */
  char **seen_keys;
  size_t n_seen_keys, cap_seen_keys;
  pending_parent *pend;
  size_t n_pend, cap_pend;
  pending_parent *fpend; /* formula rows: .area is the indicator id */
  size_t n_fpend, cap_fpend;
  size_t *new_areas; /* dataset ids of areas in this import, in order */
  size_t n_new_areas, cap_new_areas;
  conv_row *conv; /* rows of conversion keys */
  size_t n_conv, cap_conv;
} ctx;

/* ---- messages ---------------------------------------------------------
 */

/* A sheet of a workbook (.xlsx or .xls), not a CSV file. */
static int is_book(const table *t) {
  return t->xs != NULL || t->ls != NULL;
}

static void col_letters(long col, char out[8]) {
  char tmp[8];
  int n = 0;
  while (col > 0 && n < 7) {
    tmp[n++] = (char)('A' + (col - 1) % 26);
    col = (col - 1) / 26;
  }
  for (int i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

/* Located error at a cell (or at the row when cell is NULL). */
static void cell_error(ctx *c, const table *t, const ampel_row *row,
                       const ampel_cell *cell, const char *fmt, ...)
    AMPEL_PRINTF(5, 6);
static void cell_error(ctx *c, const table *t, const ampel_row *row,
                       const ampel_cell *cell, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  long line = cell ? cell->line : row->line;
  long column = cell ? cell->column : 1;
  c->writing = 0;
  if (is_book(t)) {
    char letters[8];
    col_letters(column, letters);
    ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, t->path, line,
                    column, NULL, 0, "Blatt '%s', Zelle %s%ld: %s", t->sheet,
                    letters, line, msg);
  } else {
    ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, t->path, line,
                    column, row->source, row->source_len, "%s", msg);
  }
}

static void table_note(ctx *c, const table *t, ampel_severity sev,
                       const char *fmt, ...) AMPEL_PRINTF(4, 5);
static void table_note(ctx *c, const table *t, ampel_severity sev,
                       const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (sev == AMPEL_SEV_ERROR)
    c->writing = 0;
  if (t->sheet)
    ampel_diags_add(c->diags, sev, AMPEL_E_DATA, t->path, t->header_line, 1,
                    NULL, 0, "Blatt '%s': %s", t->sheet, msg);
  else
    ampel_diags_add(c->diags, sev, AMPEL_E_DATA, t->path, t->header_line, 1,
                    NULL, 0, "%s", msg);
}

/* ---- rows and cells ---------------------------------------------------
 */

static int next_row(ctx *c, table *t, ampel_row *row) {
  int r = t->csv  ? ampel_csv_next(t->csv, row, c->diags)
          : t->xs ? ampel_xlsx_sheet_next(t->xs, row, c->diags)
                  : ampel_xls_sheet_next(t->ls, row, c->diags);
  if (r < 0)
    c->writing = 0;
  return r;
}

/* Cell text trimmed of blanks and no-break spaces, as a NUL-terminated
 * copy in buf (cut at size-1; callers check lengths against caps). */
static size_t cell_text(const ampel_row *row, int idx, char *buf, size_t size) {
  buf[0] = '\0';
  if (idx < 0 || (size_t)idx >= row->n_cells)
    return 0;
  const char *s = row->cells[idx].text;
  size_t n = row->cells[idx].len;
  for (;;) {
    if (n && (*s == ' ' || *s == '\t')) {
      s++;
      n--;
    } else if (n >= 2 && (unsigned char)s[0] == 0xC2 &&
               (unsigned char)s[1] == 0xA0) {
      s += 2;
      n -= 2;
    } else {
      break;
    }
  }
  for (;;) {
    if (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
      n--;
    } else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
               (unsigned char)s[n - 1] == 0xA0) {
      n -= 2;
    } else {
      break;
    }
  }
  if (n >= size)
    n = size - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return n;
}

static const ampel_cell *cell_at(const ampel_row *row, int idx) {
  return idx >= 0 && (size_t)idx < row->n_cells ? &row->cells[idx] : NULL;
}

/* Parses a value cell with the table's decimal mark. */
static ampel_num_kind parse_num(const table *t, const ampel_cell *cell,
                                double *v, ampel_flag *flag) {
  *v = NAN;
  *flag = AMPEL_FLAG_NONE;
  if (!cell)
    return AMPEL_NUM_EMPTY;
  if (cell->is_number)
    return ampel_number_parse(cell->text, cell->len, '.', v, flag);
  if (is_book(t)) { /* text in a workbook: German first, then English */
    ampel_num_kind k = ampel_number_parse(cell->text, cell->len, ',', v, flag);
    return k != AMPEL_NUM_BAD
               ? k
               : ampel_number_parse(cell->text, cell->len, '.', v, flag);
  }
  return ampel_number_parse(cell->text, cell->len, t->decimal, v, flag);
}

static void shown(const ampel_cell *cell, char *buf, size_t size) {
  size_t n = cell ? cell->len : 0;
  if (n > size - 4) {
    memcpy(buf, cell->text, size - 4);
    memcpy(buf + size - 4, "...", 4);
    return;
  }
  if (n)
    memcpy(buf, cell->text, n);
  buf[n] = '\0';
}

/* An optional number column: returns 0 and *out (NaN when empty), or -1
 * after reporting what was found. */
static int optional_number(ctx *c, const table *t, const ampel_row *row,
                           int field, const char *what, double *out) {
  const ampel_cell *cell = cell_at(row, t->col[field]);
  ampel_flag flag;
  ampel_num_kind k = parse_num(t, cell, out, &flag);
  if (k == AMPEL_NUM_EMPTY || (k == AMPEL_NUM_SYMBOL && isnan(*out)))
    return *out = NAN, 0;
  if (k == AMPEL_NUM_BAD) {
    char s[64];
    shown(cell, s, sizeof s);
    cell_error(c, t, row, cell, "%s: Zahl erwartet, gefunden: '%s'", what, s);
    return -1;
  }
  return 0;
}

/* Keeps a copy of the header row: a wide table's indicator columns are
 * resolved only in the values phase, after this import's indicators. */
static ampel_status save_header(table *t, const ampel_row *row) {
  t->hdr = ampel_calloc(row->n_cells + 1, sizeof *t->hdr);
  t->hdr_source = ampel_strndup(row->source, row->source_len);
  if (!t->hdr || !t->hdr_source)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < row->n_cells; i++) {
    t->hdr[i] = row->cells[i];
    t->hdr[i].text = ampel_strndup(row->cells[i].text, row->cells[i].len);
    if (!t->hdr[i].text)
      return AMPEL_E_NOMEM;
  }
  return AMPEL_OK;
}

/* ---- header and kind --------------------------------------------------
 */

static ampel_status read_header(ctx *c, table *t) {
  ampel_row row;
  int r = next_row(c, t, &row);
  if (r <= 0) {
    if (r == 0)
      table_note(c, t, AMPEL_SEV_ERROR,
                 "keine Kopfzeile gefunden (leere Tabelle)");
    return AMPEL_E_DATA;
  }
  t->header_line = row.line;
  t->n_cols = row.n_cells;
  for (int f = 0; f < F_COUNT_; f++)
    t->col[f] = -1;
  for (size_t i = 0; i < row.n_cells; i++) {
    char norm[128];
    ampel_header_normalize(row.cells[i].text, row.cells[i].len, norm,
                           sizeof norm);
    int f = ampel_field_lookup(norm);
    if (f < 0)
      continue;
    if (t->col[f] >= 0) {
      cell_error(c, t, &row, &row.cells[i],
                 "Spalte '%s' kommt doppelt vor (zuerst in Spalte %d)", norm,
                 t->col[f] + 1);
      return AMPEL_E_DATA;
    }
    t->col[f] = (int)i;
  }
#define HAS(f) (t->col[f] >= 0)
  if (HAS(F_AREA) && (HAS(F_PERIOD) || HAS(F_INDICATOR) || HAS(F_VALUE)))
    t->k = HAS(F_INDICATOR) || HAS(F_VALUE) ? K_LONG : K_WIDE;
  else if (HAS(F_KEY) && HAS(F_LEVEL))
    t->k = K_AREAS;
  else if (HAS(F_KEY) && HAS(F_POLARITY))
    t->k = K_INDICATORS;
  else if (HAS(F_OLD) && HAS(F_NEW))
    t->k = K_CONVERSION;
#undef HAS
  if (t->k == K_UNKNOWN) {
    char found[256];
    size_t off = 0;
    found[0] = '\0';
    for (size_t i = 0; i < row.n_cells && off < sizeof found - 8; i++) {
      int n = snprintf(found + off, sizeof found - off, "%s%.*s", i ? ", " : "",
                       (int)(row.cells[i].len > 40 ? 40 : row.cells[i].len),
                       row.cells[i].text);
      off += n > 0 ? (size_t)n : 0;
    }
    if (off >= sizeof found)
      off = sizeof found - 1;
    cell_error(c, t, &row, row.n_cells ? &row.cells[0] : NULL,
               "Dateiart nicht erkannt: erwartet eine Kopfzeile für Gebiete "
               "(Schlüssel, Name, Ebene), Kennzahlen (Schlüssel, Name, "
               "Richtung), Werte (Gebiet, Kennzahl, Zeitraum, Wert bzw. "
               "Gebiet, Zeitraum, Kennzahl-Spalten) oder einen "
               "Umschlüssel (Alt, Neu, Anteil); gefunden: %s",
               found);
    return AMPEL_E_DATA;
  }
  if (t->k == K_WIDE)
    return save_header(t, &row);
  return AMPEL_OK;
}

/* Required columns per kind; reports the first missing one. */
static ampel_status check_required(ctx *c, table *t) {
  static const int areas[] = {F_KEY, F_NAME, F_LEVEL, -1};
  static const int inds[] = {F_KEY, F_NAME, F_POLARITY, -1};
  static const int longf[] = {F_AREA, F_INDICATOR, F_PERIOD, F_VALUE, -1};
  static const int widef[] = {F_AREA, F_PERIOD, -1};
  static const int convf[] = {F_OLD, F_NEW, F_SHARE, -1};
  const int *req = t->k == K_AREAS        ? areas
                   : t->k == K_INDICATORS ? inds
                   : t->k == K_LONG       ? longf
                   : t->k == K_CONVERSION ? convf
                                          : widef;
  ampel_status st = AMPEL_OK;
  for (int i = 0; req && req[i] >= 0; i++) {
    if (t->col[req[i]] >= 0)
      continue;
    table_note(c, t, AMPEL_SEV_ERROR,
               "Spalte '%s' fehlt (nötig in einer Datei mit %s)",
               ampel_field_name_de(req[i]),
               t->k == K_AREAS        ? "Gebieten"
               : t->k == K_INDICATORS ? "Kennzahlen"
               : t->k == K_CONVERSION ? "Umschlüsseln"
                                      : "Werten");
    st = AMPEL_E_DATA;
  }
  return st;
}

/* A row must have as many cells as the header; extra empty cells at the
 * end (Excel's trailing separators) are tolerated. */
static int check_width(ctx *c, const table *t, const ampel_row *row) {
  if (row->n_cells == t->n_cols)
    return 0;
  if (row->n_cells > t->n_cols) {
    size_t i = t->n_cols;
    while (i < row->n_cells && row->cells[i].len == 0)
      i++;
    if (i == row->n_cells)
      return 0;
  } else if (is_book(t)) {
    return 0; /* a workbook row simply ends at its last filled cell */
  }
  cell_error(c, t, row,
             row->n_cells > t->n_cols ? &row->cells[t->n_cols] : NULL,
             "die Zeile hat %zu Zellen, erwartet %zu (wie die Kopfzeile)",
             row->n_cells, t->n_cols);
  return -1;
}

/* ---- wide header --------------------------------------------------------
 */

/* Finds an indicator by key: exact, then case-insensitive. */
static long find_indicator_ci(const ampel_dataset *ds, const char *key,
                              size_t n) {
  long id = ampel_dataset_find_indicator_n(ds, key, n);
  for (size_t i = 0; id < 0 && i < ampel_dataset_n_indicators(ds); i++)
    if (strcasecmp(ampel_dataset_indicator(ds, i)->key, key) == 0)
      id = (long)i;
  return id;
}

/* Wide format: every column but Gebiet and Zeitraum names an indicator. */
static ampel_status wide_header(ctx *c, table *t) {
  ampel_row hrow = {t->hdr, t->n_cols, t->header_line, t->hdr_source,
                    strlen(t->hdr_source)};
  const ampel_row *row = &hrow;
  t->wide_ind = ampel_calloc(row->n_cells + 1, sizeof *t->wide_ind);
  if (!t->wide_ind)
    return AMPEL_E_NOMEM;
  ampel_status st = AMPEL_OK;
  for (size_t i = 0; i < row->n_cells; i++) {
    t->wide_ind[i] = -1;
    if ((int)i == t->col[F_AREA] || (int)i == t->col[F_PERIOD])
      continue;
    char key[256];
    size_t n = cell_text(row, (int)i, key, sizeof key);
    if (n == 0)
      continue; /* an empty trailing header cell */
    t->wide_ind[i] = find_indicator_ci(c->ds, key, n);
    if (t->wide_ind[i] < 0) {
      cell_error(c, t, row, &row->cells[i],
                 "unbekannte Kennzahl '%s' in der Kopfzeile (im Breitformat "
                 "muss jede weitere Spalte eine Kennzahl sein; zuerst die "
                 "Kennzahlen einlesen)",
                 key);
      st = AMPEL_E_DATA;
    }
  }
  return st;
}

/* ---- areas -------------------------------------------------------------
 */

static ampel_status remember_key(ctx *c, ampel_strmap *m, const char *key,
                                 long line, long *out_first_line) {
  long prev = ampel_strmap_get(m, key, strlen(key));
  if (prev >= 0) {
    *out_first_line = prev;
    return AMPEL_E_DATA;
  }
  if (c->n_seen_keys == c->cap_seen_keys) {
    size_t cap = c->cap_seen_keys ? c->cap_seen_keys * 2 : 64;
    char **p = ampel_reallocarray(c->seen_keys, cap, sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    c->seen_keys = p;
    c->cap_seen_keys = cap;
  }
  char *k = ampel_strdup(key);
  if (!k)
    return AMPEL_E_NOMEM;
  c->seen_keys[c->n_seen_keys++] = k;
  return ampel_strmap_put(m, k, strlen(k), (size_t)line);
}

static ampel_status fill_at(pending_parent *p, const table *t,
                            const ampel_row *row, int field, size_t id);

/* Remembers the cell of `field` in row for a check at the end of the
 * file (into the list pend with its count and capacity). */
static ampel_status add_pending_at(pending_parent **pend, size_t *n,
                                   size_t *cap_io, const table *t,
                                   const ampel_row *row, int field, size_t id) {
  if (*n == *cap_io) {
    size_t cap = *cap_io ? *cap_io * 2 : 64;
    pending_parent *p = ampel_reallocarray(*pend, cap, sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    *pend = p;
    *cap_io = cap;
  }
  return fill_at(&(*pend)[(*n)++], t, row, field, id);
}

/* Records the location of the cell of `field` in row. */
static ampel_status fill_at(pending_parent *p, const table *t,
                            const ampel_row *row, int field, size_t id) {
  const ampel_cell *cell = cell_at(row, t->col[field]);
  p->area = id;
  p->path = t->path;
  p->line = cell ? cell->line : row->line;
  p->column = cell ? cell->column : 1;
  p->has_source = !is_book(t);
  p->source = p->has_source
                  ? ampel_strndup(row->source,
                                  row->source_len > 400 ? 400 : row->source_len)
                  : NULL;
  return p->has_source && !p->source ? AMPEL_E_NOMEM : AMPEL_OK;
}

static ampel_status add_pending(ctx *c, const table *t, const ampel_row *row,
                                size_t area) {
  return add_pending_at(&c->pend, &c->n_pend, &c->cap_pend, t, row, F_PARENT,
                        area);
}

static ampel_status add_new_area(ctx *c, size_t id) {
  if (c->n_new_areas == c->cap_new_areas) {
    size_t cap = c->cap_new_areas ? c->cap_new_areas * 2 : 64;
    size_t *p = ampel_reallocarray(c->new_areas, cap, sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    c->new_areas = p;
    c->cap_new_areas = cap;
  }
  c->new_areas[c->n_new_areas++] = id;
  return AMPEL_OK;
}

/* Tile position: a whole number >= 0, or empty. */
static int tile_number(ctx *c, const table *t, const ampel_row *row, int field,
                       int32_t *out) {
  double v;
  *out = AMPEL_NO_TILE;
  if (optional_number(c, t, row, field, ampel_field_name_de(field), &v))
    return -1;
  if (isnan(v))
    return 0;
  if (v < 0 || v > 10000 || v != floor(v)) {
    cell_error(c, t, row, cell_at(row, t->col[field]),
               "%s: ganze Zahl ab 0 erwartet, gefunden: %g",
               ampel_field_name_de(field), v);
    return -1;
  }
  *out = (int32_t)v;
  return 0;
}

static int area_numbers(ctx *c, const table *t, const ampel_row *row,
                        ampel_area *a) {
  int bad = 0;
  bad |= optional_number(c, t, row, F_POPULATION, "Einwohner", &a->population);
  if (!bad && a->population < 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_POPULATION]),
               "Einwohner: Zahl ab 0 erwartet, gefunden: %g", a->population);
    bad = 1;
  }
  bad |= tile_number(c, t, row, F_TILE_ROW, &a->tile_row);
  bad |= tile_number(c, t, row, F_TILE_COL, &a->tile_col);
  if (!bad &&
      (a->tile_row == AMPEL_NO_TILE) != (a->tile_col == AMPEL_NO_TILE)) {
    cell_error(c, t, row, NULL,
               "Kachel_Zeile und Kachel_Spalte nur zusammen angeben");
    bad = 1;
  }
  bad |= optional_number(c, t, row, F_LAT, "Breite", &a->lat);
  bad |= optional_number(c, t, row, F_LON, "Länge", &a->lon);
  if (!bad && (fabs(a->lat) > 90 || fabs(a->lon) > 180)) {
    cell_error(c, t, row, cell_at(row, t->col[F_LAT]),
               "Breite/Länge: Grad in WGS84 erwartet (Breite -90..90, Länge "
               "-180..180), gefunden: %g / %g",
               a->lat, a->lon);
    bad = 1;
  }
  if (!bad && isnan(a->lat) != isnan(a->lon)) {
    cell_error(c, t, row, NULL, "Breite und Länge nur zusammen angeben");
    bad = 1;
  }
  return bad ? -1 : 0;
}

/* Gültig_ab / Gültig_bis: a period label or a year, or empty (open).
 * *out gets the normalised label (ampel_free). Returns 1 after an error. */
static int area_validity(ctx *c, const table *t, const ampel_row *row,
                         int field, char **out) {
  char text[64];
  *out = NULL;
  size_t n = cell_text(row, t->col[field], text, sizeof text);
  if (n == 0)
    return 0;
  int32_t key;
  if (ampel_period_parse(text, n, &key, out) != 0) {
    cell_error(c, t, row, cell_at(row, t->col[field]),
               "%s: Zeitraum oder Jahr erwartet (z. B. 2021, 2021/22, "
               "31.12.2021), gefunden: '%s'",
               ampel_field_name_de(field), text);
    return 1;
  }
  return 0;
}

static ampel_status area_row(ctx *c, table *t, const ampel_row *row) {
  char key[512], name[1024], parent[512], level[256];
  size_t nk = cell_text(row, t->col[F_KEY], key, sizeof key);
  cell_text(row, t->col[F_NAME], name, sizeof name);
  size_t np = cell_text(row, t->col[F_PARENT], parent, sizeof parent);
  cell_text(row, t->col[F_LEVEL], level, sizeof level);
  if (nk == 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_KEY]),
               "Schlüssel fehlt (jedes Gebiet braucht einen eindeutigen "
               "Schlüssel)");
    return AMPEL_OK;
  }
  long first = 0;
  ampel_status st = remember_key(c, &c->seen_areas, key, row->line, &first);
  if (st == AMPEL_E_DATA) {
    cell_error(c, t, row, cell_at(row, t->col[F_KEY]),
               "doppelter Schlüssel '%s' (zuerst in Zeile %ld)", key, first);
    return AMPEL_OK;
  }
  if (st != AMPEL_OK)
    return st;
  if (!*name)
    cell_error(c, t, row, cell_at(row, t->col[F_NAME]),
               "Name fehlt für Gebiet '%s'", key);
  if (!*level)
    cell_error(c, t, row, cell_at(row, t->col[F_LEVEL]),
               "Ebene fehlt für Gebiet '%s' (z. B. Stadt, Stadtbezirk, "
               "Stadtteil)",
               key);
  if (np && strcmp(parent, key) == 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_PARENT]),
               "Gebiet '%s' ist sich selbst übergeordnet", key);
    return AMPEL_OK;
  }
  char *from = NULL, *to = NULL;
  int bad_valid = area_validity(c, t, row, F_VALID_FROM, &from) |
                  area_validity(c, t, row, F_VALID_TO, &to);
  if (!bad_valid && from && to) {
    int32_t kf = 0, kt = 0;
    ampel_period_parse(from, strlen(from), &kf, NULL);
    ampel_period_parse(to, strlen(to), &kt, NULL);
    if (kf > kt) {
      cell_error(c, t, row, cell_at(row, t->col[F_VALID_TO]),
                 "Gültig_bis '%s' liegt vor Gültig_ab '%s'", to, from);
      bad_valid = 1;
    }
  }
  ampel_area a = {key,           name, np ? parent : NULL,
                  level,         NAN,  AMPEL_NO_TILE,
                  AMPEL_NO_TILE, NAN,  NAN,
                  from,          to};
  if (bad_valid || area_numbers(c, t, row, &a) != 0 || !*name || !*level) {
    ampel_free(from);
    ampel_free(to);
    return AMPEL_OK;
  }
  size_t id;
  st = ampel_dataset_put_area(c->ds, &a, &id);
  ampel_free(from);
  ampel_free(to);
  if (st == AMPEL_OK)
    st = add_new_area(c, id);
  if (st == AMPEL_OK && np)
    st = add_pending(c, t, row, id);
  c->sum.n_areas++;
  return st;
}

typedef ampel_status (*row_fn)(ctx *c, table *t, const ampel_row *row);

/* Reads the table's rows, counts them and hands every row of the right
 * width to fn; stops at the first status other than AMPEL_OK. */
static ampel_status each_row(ctx *c, table *t, row_fn fn) {
  ampel_row row;
  int r;
  ampel_status st = AMPEL_OK;
  while (st == AMPEL_OK && (r = next_row(c, t, &row)) > 0) {
    t->rows++;
    if (check_width(c, t, &row) == 0)
      st = fn(c, t, &row);
  }
  return st;
}

static ampel_status import_areas(ctx *c, table *t) {
  return each_row(c, t, area_row);
}

static void pending_error(ctx *c, const pending_parent *p, const char *fmt, ...)
    AMPEL_PRINTF(3, 4);
static void pending_error(ctx *c, const pending_parent *p, const char *fmt,
                          ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->writing = 0;
  ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, p->path, p->line,
                  p->column, p->source, p->source ? strlen(p->source) : 0, "%s",
                  msg);
}

/* Parents exist and there is no cycle; then the areas go to the store. */
static ampel_status finish_areas(ctx *c) {
  size_t n = ampel_dataset_n_areas(c->ds);
  for (size_t i = 0; i < c->n_pend; i++) {
    const pending_parent *p = &c->pend[i];
    const ampel_area *a = ampel_dataset_area(c->ds, p->area);
    if (ampel_dataset_find_area(c->ds, a->parent) < 0) {
      pending_error(c, p,
                    "übergeordnetes Gebiet '%s' von '%s' ist unbekannt (weder "
                    "in dieser Einfuhr noch in der Datenbank)",
                    a->parent, a->key);
      continue;
    }
    long cur = ampel_dataset_find_area(c->ds, a->parent);
    size_t steps = 0;
    while (cur >= 0 && cur != (long)p->area && steps++ < n) {
      const char *up = ampel_dataset_area(c->ds, (size_t)cur)->parent;
      cur = up ? ampel_dataset_find_area(c->ds, up) : -1;
    }
    if (cur == (long)p->area)
      pending_error(c, p, "Zyklus: '%s' ist über '%s' sich selbst übergeordnet",
                    a->key, a->parent);
  }
  if (!c->writing)
    return AMPEL_OK;
  for (size_t i = 0; i < c->n_new_areas; i++) {
    ampel_status st =
        ampel_store_put_area(c->st, ampel_dataset_area(c->ds, c->new_areas[i]));
    if (st != AMPEL_OK)
      return st;
  }
  return AMPEL_OK;
}

/* ---- conversion keys (METHODS.md §11) ----------------------------------
 */

static ampel_status conversion_row(ctx *c, table *t, const ampel_row *row) {
  char old_key[512], new_key[512];
  size_t no = cell_text(row, t->col[F_OLD], old_key, sizeof old_key);
  size_t nn = cell_text(row, t->col[F_NEW], new_key, sizeof new_key);
  if (no == 0 || nn == 0) {
    cell_error(c, t, row, cell_at(row, t->col[no == 0 ? F_OLD : F_NEW]),
               "%s fehlt (jede Zeile nennt ein altes und ein neues Gebiet)",
               no == 0 ? "Alt" : "Neu");
    return AMPEL_OK;
  }
  double share;
  if (optional_number(c, t, row, F_SHARE, "Anteil", &share))
    return AMPEL_OK;
  if (isnan(share)) {
    cell_error(c, t, row, cell_at(row, t->col[F_SHARE]),
               "Anteil fehlt (eine Zahl über 0 bis 1)");
    return AMPEL_OK;
  }
  if (!(share > 0 && share <= 1)) {
    cell_error(c, t, row, cell_at(row, t->col[F_SHARE]),
               "Anteil: Zahl über 0 bis 1 erwartet, gefunden: %g", share);
    return AMPEL_OK;
  }
  for (int k = 0; k < 2; k++) {
    const char *key = k ? new_key : old_key;
    if (ampel_dataset_find_area(c->ds, key) < 0)
      cell_error(c, t, row, cell_at(row, t->col[k ? F_NEW : F_OLD]),
                 "unbekanntes Gebiet '%s' (weder in dieser Einfuhr noch in "
                 "der Datenbank)",
                 key);
  }
  for (size_t i = 0; i < c->n_conv; i++)
    if (strcmp(c->conv[i].old_key, old_key) == 0 &&
        strcmp(c->conv[i].new_key, new_key) == 0) {
      cell_error(c, t, row, cell_at(row, t->col[F_NEW]),
                 "'%s' → '%s' kommt doppelt vor (zuerst in Zeile %ld)", old_key,
                 new_key, c->conv[i].at.line);
      return AMPEL_OK;
    }
  if (c->n_conv == c->cap_conv) {
    size_t cap = c->cap_conv ? c->cap_conv * 2 : 64;
    conv_row *p = ampel_reallocarray(c->conv, cap, sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    c->conv = p;
    c->cap_conv = cap;
  }
  conv_row *r = &c->conv[c->n_conv];
  memset(r, 0, sizeof *r);
  ampel_status st = fill_at(&r->at, t, row, F_OLD, 0);
  r->old_key = ampel_strdup(old_key);
  r->new_key = ampel_strdup(new_key);
  r->share = share;
  c->n_conv++;
  if (st == AMPEL_OK && (!r->old_key || !r->new_key))
    st = AMPEL_E_NOMEM;
  return st;
}

static ampel_status import_conversions(ctx *c, table *t) {
  return each_row(c, t, conversion_row);
}

/* The shares of every old area add up to 1 (within 0.001); then each old
 * area's key goes to the store as one group. */
static ampel_status finish_conversions(ctx *c) {
  ampel_status st = AMPEL_OK;
  const char **news = NULL;
  double *shares = NULL;
  if (c->n_conv) {
    news = ampel_calloc(c->n_conv, sizeof *news);
    shares = ampel_calloc(c->n_conv, sizeof *shares);
    if (!news || !shares)
      st = AMPEL_E_NOMEM;
  }
  for (size_t i = 0; st == AMPEL_OK && i < c->n_conv; i++) {
    const conv_row *r = &c->conv[i];
    int first = 1;
    for (size_t j = 0; j < i && first; j++)
      first = strcmp(c->conv[j].old_key, r->old_key) != 0;
    if (!first)
      continue;
    size_t n = 0;
    double sum = 0.0;
    for (size_t j = i; j < c->n_conv; j++)
      if (strcmp(c->conv[j].old_key, r->old_key) == 0) {
        news[n] = c->conv[j].new_key;
        shares[n++] = c->conv[j].share;
        sum += c->conv[j].share;
      }
    if (fabs(sum - 1.0) > 0.001) {
      char shown_sum[32]; /* with the German decimal comma */
      snprintf(shown_sum, sizeof shown_sum, "%.4g", sum);
      char *dot = strchr(shown_sum, '.');
      if (dot)
        *dot = ',';
      pending_error(c, &r->at,
                    "die Anteile von '%s' ergeben zusammen %s, nicht 1 (jedes "
                    "alte Gebiet geht ganz in neue Gebiete auf; Abweichung "
                    "bis 0,001 erlaubt)",
                    r->old_key, shown_sum);
      continue;
    }
    if (c->writing)
      st = ampel_store_put_conversion(c->st, r->old_key, news, shares, n);
  }
  ampel_free(news);
  ampel_free(shares);
  return st;
}

/* ---- indicators --------------------------------------------------------
 */

static ampel_status indicator_row(ctx *c, table *t, const ampel_row *row) {
  char key[512], name[1024], unit[256], pol[64], domain[512], def[8192],
      src[4096], refdate[256], secret[64], kindtxt[64], formula[2048], agg[64];
  size_t nk = cell_text(row, t->col[F_KEY], key, sizeof key);
  cell_text(row, t->col[F_NAME], name, sizeof name);
  cell_text(row, t->col[F_UNIT], unit, sizeof unit);
  size_t npol = cell_text(row, t->col[F_POLARITY], pol, sizeof pol);
  cell_text(row, t->col[F_DOMAIN], domain, sizeof domain);
  cell_text(row, t->col[F_DEFINITION], def, sizeof def);
  cell_text(row, t->col[F_SOURCE], src, sizeof src);
  cell_text(row, t->col[F_REFDATE], refdate, sizeof refdate);
  size_t nsec = cell_text(row, t->col[F_SECRECY], secret, sizeof secret);
  size_t nkind = cell_text(row, t->col[F_KIND], kindtxt, sizeof kindtxt);
  cell_text(row, t->col[F_FORMULA], formula, sizeof formula);
  size_t nagg = cell_text(row, t->col[F_AGGREGATION], agg, sizeof agg);
  if (nk == 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_KEY]), "Schlüssel fehlt");
    return AMPEL_OK;
  }
  long first = 0;
  ampel_status st = remember_key(c, &c->seen_inds, key, row->line, &first);
  if (st == AMPEL_E_DATA) {
    cell_error(c, t, row, cell_at(row, t->col[F_KEY]),
               "doppelter Schlüssel '%s' (zuerst in Zeile %ld)", key, first);
    return AMPEL_OK;
  }
  if (st != AMPEL_OK)
    return st;
  ampel_indicator ind = {key,
                         name,
                         unit[0] ? unit : NULL,
                         domain[0] ? domain : NULL,
                         def[0] ? def : NULL,
                         src[0] ? src : NULL,
                         refdate[0] ? refdate : NULL,
                         AMPEL_POL_NEUTRAL,
                         -1,
                         AMPEL_SECRECY_UNSET,
                         AMPEL_KIND_UNSET,
                         formula[0] ? formula : NULL,
                         AMPEL_AGG_UNSET,
                         AMPEL_SHOWN_UNSET};
  int bad = 0;
  if (!*name) {
    cell_error(c, t, row, cell_at(row, t->col[F_NAME]),
               "Name fehlt für Kennzahl '%s'", key);
    bad = 1;
  }
  if (ampel_polarity_parse(pol, npol, &ind.polarity) != 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_POLARITY]),
               "Richtung: erwartet hoch_ist_gut, hoch_ist_schlecht oder "
               "neutral (englisch: higher_is_better, higher_is_worse, "
               "neutral), gefunden: '%s'",
               pol);
    bad = 1;
  }
  if (ampel_secrecy_parse(secret, nsec, &ind.secrecy) != 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_SECRECY]),
               "Geheimhaltung: ja oder nein erwartet, gefunden: '%s'", secret);
    bad = 1;
  }
  if (ampel_ind_kind_parse(kindtxt, nkind, &ind.kind) != 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_KIND]),
               "Art: erwartet Quote, Anzahl oder Index, gefunden: '%s'",
               kindtxt);
    bad = 1;
  }
  if (ampel_aggregation_parse(agg, nagg, &ind.aggregation) != 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_AGGREGATION]),
               "Aggregation: erwartet Summe, Formel oder keine, gefunden: "
               "'%s'",
               agg);
    bad = 1;
  }
  double dec = NAN;
  if (optional_number(c, t, row, F_DECIMALS, "Nachkommastellen", &dec))
    bad = 1;
  else if (!isnan(dec) && (dec < 0 || dec > 10 || dec != floor(dec))) {
    cell_error(c, t, row, cell_at(row, t->col[F_DECIMALS]),
               "Nachkommastellen: ganze Zahl von 0 bis 10 erwartet, "
               "gefunden: %g",
               dec);
    bad = 1;
  }
  if (ind.formula) {
    ampel_formula *f = NULL;
    char fm[200];
    size_t fpos = 0;
    ampel_status fs =
        ampel_formula_parse(ind.formula, &f, fm, sizeof fm, &fpos);
    ampel_formula_free(f);
    if (fs == AMPEL_E_NOMEM)
      return fs;
    if (fs != AMPEL_OK) {
      const ampel_cell *fc = cell_at(row, t->col[F_FORMULA]);
      ampel_cell at;
      if (fc) { /* the caret under the problem inside the cell */
        at = *fc;
        at.column += (long)fpos;
      }
      cell_error(c, t, row, fc ? &at : NULL, "Formel: %s", fm);
      bad = 1;
    }
  }
  if (bad)
    return AMPEL_OK;
  ind.decimals = isnan(dec) ? -1 : (int)dec;
  c->sum.n_indicators++;
  size_t ind_id = 0;
  st = ampel_dataset_put_indicator(c->ds, &ind, &ind_id);
  /* the inputs are checked at the end of the file: they may come later */
  if (st == AMPEL_OK && ind.formula)
    st = add_pending_at(&c->fpend, &c->n_fpend, &c->cap_fpend, t, row,
                        F_FORMULA, ind_id);
  if (st == AMPEL_OK && c->writing)
    st = ampel_store_put_indicator(c->st, &ind);
  return st;
}

/* Every input of the file's formulas is a known indicator that is not
 * itself a formula (METHODS.md §10: one step from counts to a rate). */
static ampel_status check_formulas(ctx *c) {
  for (size_t i = 0; i < c->n_fpend; i++) {
    const pending_parent *p = &c->fpend[i];
    const ampel_indicator *ind = ampel_dataset_indicator(c->ds, p->area);
    ampel_formula *f = NULL;
    char fm[200];
    size_t fpos = 0;
    ampel_status st =
        ampel_formula_parse(ind->formula, &f, fm, sizeof fm, &fpos);
    if (st != AMPEL_OK) {
      ampel_formula_free(f);
      if (st == AMPEL_E_NOMEM)
        return st;
      continue; /* reported at the row */
    }
    for (size_t k = 0; k < ampel_formula_n_inputs(f); k++) {
      const char *key = ampel_formula_input(f, k);
      long j = ampel_dataset_find_indicator(c->ds, key);
      if (j == (long)p->area)
        pending_error(c, p, "Formel von '%s' liest sich selbst", ind->key);
      else if (j < 0)
        pending_error(c, p,
                      "Formel von '%s': unbekannte Kennzahl '%s' (weder in "
                      "dieser Einfuhr noch in der Datenbank)",
                      ind->key, key);
      else if (ampel_dataset_indicator(c->ds, (size_t)j)->formula)
        pending_error(c, p,
                      "Formel von '%s': '%s' ist selbst eine Formel-Kennzahl; "
                      "bitte ihre Eingaben einsetzen",
                      ind->key, key);
    }
    ampel_formula_free(f);
  }
  for (size_t i = 0; i < c->n_fpend; i++)
    ampel_free(c->fpend[i].source);
  c->n_fpend = 0;
  return AMPEL_OK;
}

static ampel_status import_indicators(ctx *c, table *t) {
  ampel_status st = each_row(c, t, indicator_row);
  if (st == AMPEL_OK)
    st = check_formulas(c);
  return st;
}

/* ---- values ------------------------------------------------------------
 */

/* 1 when the NUL-terminated a and b are equal. A plain loop: the cells
 * compared per row are a few bytes, and libc's vector strcmp/memcmp cost
 * several times more per call here (measured: a sixth of an import). */
static int same_text(const char *a, const char *b) {
  while (*a && *a == *b)
    a++, b++;
  return *a == *b;
}

/* Resolves the period cell; returns the dataset period id or -1. */
static long period_of(ctx *c, const table *t, const ampel_row *row) {
  const ampel_cell *cell = cell_at(row, t->col[F_PERIOD]);
  char text[64], *label = NULL;
  int32_t key;
  size_t n = cell_text(row, t->col[F_PERIOD], text, sizeof text);
  if (cell && cell->is_number && n == 4 + 2 && strcmp(text + 4, ".0") == 0)
    text[4] = '\0', n = 4; /* a year typed as a number in Excel */
  size_t slot = (size_t)(ampel_hash_bytes(text, n) % PERIOD_SEEN);
  if (c->period_seen[slot].text[0] &&
      same_text(text, c->period_seen[slot].text))
    return c->period_seen[slot].id;
  if (n == 0 || ampel_period_parse(text, n, &key, &label) != 0) {
    char s[64];
    shown(cell, s, sizeof s);
    cell_error(c, t, row, cell,
               "Zeitraum nicht lesbar: erwartet z. B. 2023, 2023/24, "
               "2023-12-31 oder 31.12.2023, gefunden: '%s'",
               s);
    return -1;
  }
  long id = ampel_dataset_find_period(c->ds, label);
  if (id < 0) {
    size_t nid;
    if (ampel_dataset_put_period(c->ds, label, key, &nid) != AMPEL_OK ||
        ampel_store_put_period(c->st, label, key) != AMPEL_OK) {
      ampel_free(label);
      return -2;
    }
    c->sum.n_periods_new++;
    id = (long)nid;
  }
  ampel_free(label);
  memcpy(c->period_seen[slot].text, text, sizeof text);
  c->period_seen[slot].id = id;
  return id;
}

/* An area whose key or name matches `s` case-insensitively, or -1: a hint
 * for users who typed a name where the key belongs. */
static long similar_area(const ampel_dataset *ds, const char *s) {
  for (size_t i = 0; i < ampel_dataset_n_areas(ds); i++) {
    const ampel_area *a = ampel_dataset_area(ds, i);
    if (strcasecmp(a->key, s) == 0 || (a->name && strcasecmp(a->name, s) == 0))
      return (long)i;
  }
  return -1;
}

static long area_of(ctx *c, const table *t, const ampel_row *row) {
  char key[512];
  size_t n = cell_text(row, t->col[F_AREA], key, sizeof key);
  if (n && n < sizeof c->last_area && c->last_area_id >= 0 &&
      same_text(key, c->last_area))
    return c->last_area_id;
  long id = n ? ampel_dataset_find_area_n(c->ds, key, n) : -1;
  if (id >= 0) {
    if (n < sizeof c->last_area) {
      memcpy(c->last_area, key, n + 1);
      c->last_area_id = id;
    }
    return id;
  }
  const ampel_cell *cell = cell_at(row, t->col[F_AREA]);
  long hint = n ? similar_area(c->ds, key) : -1;
  if (!n)
    cell_error(c, t, row, cell, "Gebiet fehlt");
  else if (hint >= 0)
    cell_error(c, t, row, cell,
               "unbekanntes Gebiet '%s'; gemeint ist wohl der Schlüssel "
               "'%s' (%s)",
               key, ampel_dataset_area(c->ds, (size_t)hint)->key,
               ampel_dataset_area(c->ds, (size_t)hint)->name);
  else
    cell_error(c, t, row, cell,
               "unbekanntes Gebiet '%s' (nicht in den Gebieten dieser "
               "Einfuhr oder der Datenbank)",
               key);
  return -1;
}

/* A value cell plus optional numerator, denominator and flag columns. */
static ampel_status put_value(ctx *c, const table *t, const ampel_row *row,
                              int value_col, long area, long ind, long per,
                              int with_extras) {
  const ampel_cell *vc = cell_at(row, value_col);
  double v, num = NAN, den = NAN;
  ampel_flag flag;
  ampel_num_kind k = parse_num(t, vc, &v, &flag);
  if (k == AMPEL_NUM_BAD) {
    char s[64];
    shown(vc, s, sizeof s);
    cell_error(c, t, row, vc,
               "Wert: Zahl oder Zeichen der amtlichen Statistik (. - x ... / "
               "* ()) erwartet, gefunden: '%s'",
               s);
    return AMPEL_OK;
  }
  if (with_extras && t->col[F_CONVERTED] >= 0) {
    /* A value ampel exported as converted from a boundary reform's old
     * areas (column converted/Umgerechnet): derived, not data. It is not
     * stored, so that it is converted again from the old areas (and stays
     * marked) instead of turning into an imported value. */
    char cs[8];
    size_t nc = cell_text(row, t->col[F_CONVERTED], cs, sizeof cs);
    if (nc && (strcmp(cs, "1") == 0 || strcasecmp(cs, "ja") == 0 ||
               strcasecmp(cs, "true") == 0)) {
      c->sum.n_converted++;
      return AMPEL_OK;
    }
    if (nc && strcmp(cs, "0") != 0 && strcasecmp(cs, "nein") != 0 &&
        strcasecmp(cs, "false") != 0) {
      cell_error(c, t, row, cell_at(row, t->col[F_CONVERTED]),
                 "Umgerechnet: erwartet ja, nein, 1, 0 oder leer, gefunden: "
                 "'%s'",
                 cs);
      return AMPEL_OK;
    }
  }
  if (with_extras) {
    if (optional_number(c, t, row, F_NUMERATOR, "Zähler", &num) ||
        optional_number(c, t, row, F_DENOMINATOR, "Nenner", &den))
      return AMPEL_OK;
    char fs[16];
    size_t nf = cell_text(row, t->col[F_FLAG], fs, sizeof fs);
    ampel_flag f2;
    if (nf) {
      if (ampel_flag_parse(fs, nf, &f2) != 0) {
        cell_error(c, t, row, cell_at(row, t->col[F_FLAG]),
                   "Kennzeichen: erwartet . - x ... / * oder (), gefunden: "
                   "'%s'",
                   fs);
        return AMPEL_OK;
      }
      if (k == AMPEL_NUM_SYMBOL && f2 != flag) {
        cell_error(c, t, row, cell_at(row, t->col[F_FLAG]),
                   "Kennzeichen '%s' passt nicht zum Zeichen im Wert", fs);
        return AMPEL_OK;
      }
      if (k == AMPEL_NUM_VALUE && !ampel_flag_has_value(f2)) {
        cell_error(c, t, row, vc,
                   "Kennzeichen '%s' bedeutet 'kein Wert', die Zelle Wert "
                   "enthält aber eine Zahl",
                   fs);
        return AMPEL_OK;
      }
      if (f2 == AMPEL_FLAG_ZERO)
        v = 0, k = AMPEL_NUM_SYMBOL;
      if (k == AMPEL_NUM_EMPTY && f2 == AMPEL_FLAG_LIMITED) {
        cell_error(c, t, row, vc, "Kennzeichen () braucht einen Wert");
        return AMPEL_OK;
      }
      flag = f2;
      if (k == AMPEL_NUM_EMPTY)
        k = AMPEL_NUM_SYMBOL;
    }
  }
  if (k == AMPEL_NUM_EMPTY && isnan(num) && isnan(den))
    return AMPEL_OK; /* an empty cell is a missing value */
  c->sum.n_values++;
  /* Values go to the store even after an error (the transaction is rolled
   * back at the end anyway), so that duplicates are still found; keys the
   * store does not know then (areas of a failed areas file) are skipped. */
  const ampel_dataset *ds = c->ds;
  ampel_status st = ampel_store_put_observation(
      c->st, ampel_dataset_area(ds, (size_t)area)->key,
      ampel_dataset_indicator(ds, (size_t)ind)->key,
      ampel_dataset_period(ds, (size_t)per)->label, v, num, den, flag);
  if (st == AMPEL_E_NOT_FOUND && !c->writing)
    return AMPEL_OK;
  if (st == AMPEL_E_DATA) {
    cell_error(c, t, row, vc,
               "doppelter Wert: Gebiet '%s', Kennzahl '%s', Zeitraum '%s' "
               "kommt in dieser Einfuhr mehr als einmal vor",
               ampel_dataset_area(ds, (size_t)area)->key,
               ampel_dataset_indicator(ds, (size_t)ind)->key,
               ampel_dataset_period(ds, (size_t)per)->label);
    return AMPEL_OK;
  }
  return st;
}

static ampel_status value_row(ctx *c, table *t, const ampel_row *row) {
  long area = area_of(c, t, row);
  long per = period_of(c, t, row);
  if (per == -2)
    return AMPEL_E_NOMEM;
  if (t->k == K_WIDE) {
    for (size_t i = 0; i < row->n_cells && i < t->n_cols; i++) {
      if (t->wide_ind[i] < 0 || area < 0 || per < 0)
        continue;
      ampel_status st =
          put_value(c, t, row, (int)i, area, t->wide_ind[i], per, 0);
      if (st != AMPEL_OK)
        return st;
    }
    return AMPEL_OK;
  }
  char key[512];
  size_t n = cell_text(row, t->col[F_INDICATOR], key, sizeof key);
  long ind;
  if (n && n < sizeof c->last_ind && c->last_ind_id >= 0 &&
      same_text(key, c->last_ind)) {
    ind = c->last_ind_id;
  } else {
    ind = n ? find_indicator_ci(c->ds, key, n) : -1;
    if (ind >= 0 && n < sizeof c->last_ind) {
      memcpy(c->last_ind, key, n + 1);
      c->last_ind_id = ind;
    }
  }
  if (ind < 0) {
    cell_error(c, t, row, cell_at(row, t->col[F_INDICATOR]),
               n ? "unbekannte Kennzahl '%s' (nicht in den Kennzahlen "
                   "dieser Einfuhr oder der Datenbank)"
                 : "Kennzahl fehlt%s",
               key);
    return AMPEL_OK;
  }
  if (area < 0 || per < 0)
    return AMPEL_OK;
  return put_value(c, t, row, t->col[F_VALUE], area, ind, per, 1);
}

/* A mapped file's pages before the row just read: every 32 MiB they are
 * dropped from this process (MADV_DONTNEED), so that reading a large file
 * does not hold all of it in memory (issue 15: peak memory not above
 * DuckDB's). Safe for a private read-only file mapping only, which is why
 * ampel_import_buffers (given heap buffers) never sets t->map: a page
 * touched again, say for a message, is read from the file again. */
static void drop_behind(table *t, const ampel_row *row) {
  if (!t->map || !row->source || row->source < t->map ||
      row->source >= t->map + t->map_len)
    return;
  size_t off = (size_t)(row->source - t->map);
  if (off < t->map_dropped + ((size_t)32 << 20))
    return;
  size_t page = (size_t)sysconf(_SC_PAGESIZE), to = off / page * page;
  if (to > t->map_dropped &&
      madvise((void *)(t->map + t->map_dropped), to - t->map_dropped,
              MADV_DONTNEED) == 0)
    t->map_dropped = to;
}

static ampel_status import_values(ctx *c, table *t) {
  ampel_row row;
  int r;
  ampel_status st = AMPEL_OK;
  if (t->k == K_WIDE) {
    st = wide_header(c, t);
    if (st != AMPEL_OK)
      return st == AMPEL_E_NOMEM ? st : AMPEL_OK;
  }
  while (st == AMPEL_OK && (r = next_row(c, t, &row)) > 0) {
    t->rows++;
    if (check_width(c, t, &row) == 0)
      st = value_row(c, t, &row);
    drop_behind(t, &row);
    if (c->diags->n_errors > c->diags->limit * 4)
      break; /* enough said; stop early on a hopeless file */
  }
  return st;
}

/* ---- files ------------------------------------------------------------
 */

static int has_suffix_ci(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int is_zip(const char *data, size_t len) {
  return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* The Compound File signature of .xls (and of password-protected .xlsx). */
static int is_ole2(const char *data, size_t len) {
  return len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
}

/* Order of workbook sheets: Gebiete, Kennzahlen, Werte; others skipped. */
static int sheet_wanted(const char *name) {
  char norm[64];
  ampel_header_normalize(name, strlen(name), norm, sizeof norm);
  return strcmp(norm, "gebiete") == 0 || strcmp(norm, "areas") == 0 ||
         strcmp(norm, "kennzahlen") == 0 || strcmp(norm, "indicators") == 0 ||
         strcmp(norm, "werte") == 0 || strcmp(norm, "values") == 0;
}

typedef struct tables {
  table *t;
  size_t n, cap;
  ampel_xlsx **books;
  size_t n_books;
  ampel_xls **old_books; /* .xls workbooks */
  size_t n_old_books;
} tables;

static table *add_table(tables *ts) {
  if (ts->n == ts->cap) {
    size_t cap = ts->cap ? ts->cap * 2 : 8;
    table *p = ampel_reallocarray(ts->t, cap, sizeof *p);
    if (!p)
      return NULL;
    ts->t = p;
    ts->cap = cap;
  }
  table *t = &ts->t[ts->n++];
  memset(t, 0, sizeof *t);
  return t;
}

/* An .xlsx workbook, or with `old` an .xls workbook. */
static ampel_status open_workbook(ctx *c, tables *ts, size_t file,
                                  const char *name, const char *data,
                                  size_t len, int old) {
  ampel_status st = AMPEL_OK;
  ampel_xlsx *x = NULL;
  ampel_xls *ox = NULL;
  if (old) {
    ox = ampel_xls_open_mem(data, len, name, c->diags, &st);
    if (!ox)
      return st ? st : AMPEL_E_DATA;
    ts->old_books[ts->n_old_books++] = ox;
  } else {
    x = ampel_xlsx_open_mem(data, len, name, c->diags, &st);
    if (!x)
      return st ? st : AMPEL_E_DATA;
    ts->books[ts->n_books++] = x;
  }
  size_t used = 0,
         n_sheets = old ? ampel_xls_n_sheets(ox) : ampel_xlsx_n_sheets(x);
  for (size_t i = 0; i < n_sheets; i++) {
    const char *sn =
        old ? ampel_xls_sheet_name(ox, i) : ampel_xlsx_sheet_name(x, i);
    if (!sheet_wanted(sn)) {
      ampel_diags_add(c->diags, AMPEL_SEV_NOTE, AMPEL_OK, name, 0, 0, NULL, 0,
                      "Blatt '%s' wird nicht eingelesen (erwartet: Gebiete, "
                      "Kennzahlen, Werte)",
                      sn);
      continue;
    }
    table *t = add_table(ts);
    if (!t)
      return AMPEL_E_NOMEM;
    t->path = name;
    t->sheet = sn;
    t->file = file;
    if (old)
      t->ls = ampel_xls_sheet_open(ox, i, c->diags, &st);
    else
      t->xs = ampel_xlsx_sheet_open(x, i, c->diags, &st);
    if (!t->xs && !t->ls) {
      ts->n--;
      return st ? st : AMPEL_E_DATA;
    }
    t->decimal = '.';
    used++;
  }
  if (used == 0) {
    ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, name, 0, 0, NULL,
                    0,
                    "die Arbeitsmappe hat keines der Blätter Gebiete, "
                    "Kennzahlen, Werte");
    return AMPEL_E_DATA;
  }
  return AMPEL_OK;
}

static ampel_status open_csv(ctx *c, tables *ts, size_t file, const char *name,
                             const char *data, size_t len) {
  ampel_status st = AMPEL_OK;
  table *t = add_table(ts);
  if (!t)
    return AMPEL_E_NOMEM;
  t->path = name;
  t->file = file;
  t->csv = ampel_csv_open_mem(data, len, name, &c->opt->csv, c->diags, &st);
  if (c->mapped && t->csv) {
    /* opening read the whole file once (encoding check): its pages go
     * back, and the rows fault them in again one by one (drop_behind) */
    t->map = data;
    t->map_len = len;
    madvise((void *)data, len, MADV_DONTNEED);
  }
  if (!t->csv) {
    ts->n--;
    return st ? st : AMPEL_E_DATA;
  }
  t->decimal = ampel_csv_decimal(t->csv);
  return AMPEL_OK;
}

static void tables_release(tables *ts) {
  for (size_t i = 0; i < ts->n; i++) {
    ampel_csv_free(ts->t[i].csv);
    ampel_xlsx_sheet_free(ts->t[i].xs);
    ampel_xls_sheet_free(ts->t[i].ls);
    ampel_free(ts->t[i].wide_ind);
    for (size_t k = 0; ts->t[i].hdr && k < ts->t[i].n_cols; k++)
      ampel_free((char *)ts->t[i].hdr[k].text);
    ampel_free(ts->t[i].hdr);
    ampel_free(ts->t[i].hdr_source);
  }
  for (size_t i = 0; i < ts->n_books; i++)
    ampel_xlsx_free(ts->books[i]);
  ampel_free(ts->books);
  for (size_t i = 0; i < ts->n_old_books; i++)
    ampel_xls_free(ts->old_books[i]);
  ampel_free(ts->old_books);
  ampel_free(ts->t);
}

static void ctx_release(ctx *c) {
  for (size_t i = 0; i < c->n_pend; i++)
    ampel_free(c->pend[i].source);
  ampel_free(c->pend);
  for (size_t i = 0; i < c->n_fpend; i++)
    ampel_free(c->fpend[i].source);
  ampel_free(c->fpend);
  for (size_t i = 0; i < c->n_seen_keys; i++)
    ampel_free(c->seen_keys[i]);
  ampel_free(c->seen_keys);
  ampel_free(c->new_areas);
  for (size_t i = 0; i < c->n_conv; i++) {
    ampel_free(c->conv[i].old_key);
    ampel_free(c->conv[i].new_key);
    ampel_free(c->conv[i].at.source);
  }
  ampel_free(c->conv);
  ampel_strmap_release(&c->seen_areas);
  ampel_strmap_release(&c->seen_inds);
  ampel_dataset_free(c->ds);
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Runs the phases over the opened tables; returns the first hard error. */
static ampel_status run_tables(ctx *c, tables *ts) {
  ampel_status st = AMPEL_OK;
  for (size_t i = 0; i < ts->n; i++) {
    if (read_header(c, &ts->t[i]) != AMPEL_OK ||
        check_required(c, &ts->t[i]) != AMPEL_OK)
      ts->t[i].k = K_UNKNOWN;
  }
  for (int phase = K_AREAS; phase <= K_LONG && st == AMPEL_OK; phase++) {
    for (size_t i = 0; i < ts->n && st == AMPEL_OK; i++) {
      table *t = &ts->t[i];
      if ((int)t->k != phase && !(phase == K_LONG && t->k == K_WIDE))
        continue;
      st = t->k == K_AREAS        ? import_areas(c, t)
           : t->k == K_INDICATORS ? import_indicators(c, t)
                                  : import_values(c, t);
    }
    if (phase == K_AREAS && st == AMPEL_OK)
      st = finish_areas(c);
  }
  /* conversion keys last: their areas may come from this import */
  for (size_t i = 0; i < ts->n && st == AMPEL_OK; i++)
    if (ts->t[i].k == K_CONVERSION)
      st = import_conversions(c, &ts->t[i]);
  if (st == AMPEL_OK)
    st = finish_conversions(c);
  return st;
}

/* The SHA-256 of every file (the Datenstand's record), computed on a
 * thread of its own beside the import when the files are mappings: a
 * tenth of a large import, and it needs nothing but the bytes. */
typedef struct hash_job {
  const char *const *data;
  const size_t *lens;
  size_t n;
  ampel_import_file *files;
  ampel_status st;
} hash_job;

static void *hash_files(void *arg) {
  hash_job *j = arg;
  j->st = AMPEL_OK;
  for (size_t i = 0; j->st == AMPEL_OK && i < j->n; i++)
    if (ampel_sha256_hex_mapped(j->data[i], j->lens[i], j->files[i].sha256) !=
        AMPEL_OK)
      j->st = AMPEL_E_INTERNAL;
  return NULL;
}

/* mapped: the buffers are read-only private file mappings (drop_behind) */
static ampel_status import_buffers(ampel_store *store,
                                   const char *const *names,
                                   const char *const *data, const size_t *lens,
                                   size_t n, const ampel_import_options *opt,
                                   ampel_import_summary *out_summary,
                                   ampel_diags *diags, int mapped) {
  ctx c;
  memset(&c, 0, sizeof c);
  c.mapped = mapped;
  c.last_area_id = -1;
  c.last_ind_id = -1;
  c.st = store;
  c.diags = diags;
  c.opt = opt;
  c.writing = 1;
  tables ts = {0};
  ampel_import_file *files = ampel_calloc(n + 1, sizeof *files);
  ts.books = ampel_calloc(n + 1, sizeof *ts.books);
  ts.old_books = ampel_calloc(n + 1, sizeof *ts.old_books);
  ampel_status st =
      files && ts.books && ts.old_books ? AMPEL_OK : AMPEL_E_NOMEM;
  if (st == AMPEL_OK)
    st = ampel_store_load(store, AMPEL_LOAD_META_ONLY, &c.ds, diags);
  if (st == AMPEL_OK)
    st = ampel_store_begin(store);
  int in_tx = st == AMPEL_OK;
  /* --pruefen: the state before, read inside the transaction (the
   * writers' lock held), so that nothing comes between it and `after` */
  ampel_dataset *before = NULL;
  int want_diff = opt->dry_run && opt->diff;
  if (want_diff)
    memset(opt->diff, 0, sizeof *opt->diff);
  if (st == AMPEL_OK && want_diff)
    st = ampel_store_load(store, AMPEL_LOAD_ALL, &before, diags);
  hash_job hj = {data, lens, n, files, AMPEL_OK};
  pthread_t hasher;
  int hashing = st == AMPEL_OK && c.mapped &&
                pthread_create(&hasher, NULL, hash_files, &hj) == 0;
  for (size_t i = 0; st == AMPEL_OK && i < n; i++) {
    files[i].name = base_name(names[i]);
    if (!hashing && ampel_sha256_hex(data[i], lens[i], files[i].sha256) !=
                        AMPEL_OK)
      st = AMPEL_E_INTERNAL;
    /* the content decides; the name only when the content is neither */
    int zip = is_zip(data[i], lens[i]), ole2 = is_ole2(data[i], lens[i]);
    int xlsx = zip || (!ole2 && has_suffix_ci(names[i], ".xlsx"));
    int xls = !xlsx && (ole2 || has_suffix_ci(names[i], ".xls"));
    files[i].kind = xlsx || xls ? "workbook" : "table";
    ampel_status fs =
        xlsx || xls ? open_workbook(&c, &ts, i, names[i], data[i], lens[i], xls)
                    : open_csv(&c, &ts, i, names[i], data[i], lens[i]);
    if (fs == AMPEL_E_NOMEM)
      st = fs;
    else if (fs != AMPEL_OK)
      c.writing = 0;
  }
  if (st == AMPEL_OK)
    st = run_tables(&c, &ts);
  if (hashing) {
    pthread_join(hasher, NULL);
    if (st == AMPEL_OK)
      st = hj.st;
  }
  for (size_t i = 0; i < ts.n; i++) {
    files[ts.t[i].file].rows += ts.t[i].rows;
    if (!is_book(&ts.t[i]) && ts.t[i].k != K_UNKNOWN)
      files[ts.t[i].file].kind = kind_names[ts.t[i].k];
  }
  c.sum.n_files = n;
  if (st == AMPEL_OK && diags->n_errors > 0)
    st = ampel_diags_status(diags) == AMPEL_OK ? AMPEL_E_DATA
                                               : ampel_diags_status(diags);
  if (st == AMPEL_OK && want_diff) {
    /* the import as it would be committed: loading inside the
     * transaction merges the staged values first */
    ampel_dataset *after = NULL;
    st = ampel_store_load(store, AMPEL_LOAD_ALL, &after, diags);
    if (st == AMPEL_OK)
      st = ampel_import_diff_compute(before, after, opt->diff);
    ampel_dataset_free(after);
  }
  ampel_dataset_free(before);
  if (st == AMPEL_OK && !opt->dry_run)
    st = ampel_store_log_import(store, files, n, opt->when);
  if (st == AMPEL_OK && !opt->dry_run && opt->user_name)
    st = ampel_store_annotate_datenstand(store, NULL, 0, opt->user_name, NULL);
  if (in_tx) {
    if (st == AMPEL_OK && !opt->dry_run) {
      st = ampel_store_commit(store);
      ampel_data_version v;
      if (st == AMPEL_OK && ampel_store_data_version(store, &v) == AMPEL_OK)
        c.sum.import_id = v.id;
    } else {
      ampel_store_rollback(store);
    }
  }
  if ((st == AMPEL_E_IO || st == AMPEL_E_NOMEM) && diags->n_errors == 0) {
    const char *why = ampel_store_last_error(store);
    if (why)
      ampel_diags_error(diags, st, "Datenbank: Schreiben fehlgeschlagen: %s",
                        why);
    else
      ampel_diags_error(diags, st, "Datenbank: Schreiben fehlgeschlagen%s",
                        st == AMPEL_E_NOMEM ? ": zu wenig Arbeitsspeicher"
                                            : "");
  }
  if (out_summary)
    *out_summary = c.sum;
  tables_release(&ts);
  ampel_free(files);
  ctx_release(&c);
  return st;
}

/* Maps a file read-only; a zero-length file gives an empty buffer. */
static ampel_status map_file(const char *path, const char **out, size_t *len,
                             ampel_diags *diags) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) != 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_IO, path, 0, 0, NULL, 0,
                    "Datei kann nicht geöffnet werden: %s", strerror(errno));
    if (fd >= 0)
      close(fd);
    return AMPEL_E_IO;
  }
  if (!S_ISREG(sb.st_mode)) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_IO, path, 0, 0, NULL, 0,
                    "keine gewöhnliche Datei");
    close(fd);
    return AMPEL_E_IO;
  }
  *len = (size_t)sb.st_size;
  *out = "";
  if (*len > 0) {
    void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_IO, path, 0, 0, NULL, 0,
                      "Datei kann nicht gelesen werden: %s", strerror(errno));
      close(fd);
      return AMPEL_E_IO;
    }
    madvise(p, *len, MADV_SEQUENTIAL);
    *out = p;
  }
  close(fd);
  return AMPEL_OK;
}

ampel_status ampel_import_buffers(ampel_store *store, const char *const *names,
                                  const char *const *data, const size_t *lens,
                                  size_t n, const ampel_import_options *opt,
                                  ampel_import_summary *out_summary,
                                  ampel_diags *diags) {
  return import_buffers(store, names, data, lens, n, opt, out_summary, diags,
                        0);
}

ampel_status ampel_import_files(ampel_store *st, const char *const *paths,
                                size_t n, const ampel_import_options *opt,
                                ampel_import_summary *out_summary,
                                ampel_diags *diags) {
  const char **data = ampel_calloc(n + 1, sizeof *data);
  size_t *lens = ampel_calloc(n + 1, sizeof *lens);
  ampel_status rc = data && lens ? AMPEL_OK : AMPEL_E_NOMEM;
  size_t mapped = 0;
  while (rc == AMPEL_OK && mapped < n) {
    rc = map_file(paths[mapped], &data[mapped], &lens[mapped], diags);
    if (rc == AMPEL_OK)
      mapped++;
  }
  if (rc == AMPEL_OK)
    rc = import_buffers(st, paths, data, lens, n, opt, out_summary, diags, 1);
  for (size_t i = 0; i < mapped && data; i++)
    if (lens[i] > 0)
      munmap((void *)data[i], lens[i]);
  ampel_free(data);
  ampel_free(lens);
  return rc;
}
