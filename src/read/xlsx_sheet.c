/* XLSX reader: one worksheet, row by row (read.h).
 *
 * The worksheet entry is unpacked and parsed in chunks; the end-of-row
 * handler suspends expat, so each ampel_xlsx_sheet_next() call parses
 * just far enough for one row. The parse state is a flat set of element
 * depths (sheetData > row > c > v | is > t | r > t, rPh skipped), so
 * nesting in the input never drives recursion here.
 *
 * Cell values:
 *   t="s"          the shared string, is_number = 0
 *   t="inlineStr"  the text of <is> (rich text runs joined), is_number = 0
 *   t="str"        a formula's cached text result, is_number = 0
 *   t="n" or none  the stored C-locale number text ("1234.5", "1E-3"),
 *                  is_number = 1; dates are numbers too (serial days,
 *                  styles are not read); text that is no number comes
 *                  back with is_number = 0 for the caller to report
 *   t="b"          "1" or "0" with is_number = 1
 *   t="e"          the error text ("#DIV/0!"), is_number = 0
 *   t="d"          the ISO 8601 text, is_number = 0
 * A formula without a cached value is an empty cell. Text is unescaped
 * (_x000D_ -> CR); <t> without xml:space="preserve" is trimmed.
 *
 * Rows: cells without an r attribute follow the previous one; gaps are
 * filled with empty cells so cell i has column i + 1; empty cells at the
 * end of a row are dropped (a row may be shorter than its header: treat
 * missing cells as empty); rows without a non-empty cell are skipped.
 */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "read/xlsx_internal.h"

struct ampel_xlsx_sheet {
  xlsx_xml m;
  char *prefix;
  int depth; /* current element depth; *_depth = 0: not inside */
  int data_depth, row_depth, cell_depth, v_depth, is_depth, t_depth;
  int rph_depth, preserve;
  size_t t_start;
  long row_num;  /* spreadsheet row of the current or last row */
  long last_col; /* column of the last <c> in the current row */
  long cell_col;
  char cell_type;
  xlsx_buf cell; /* raw text of the current cell */
  xlsx_buf pool; /* texts of the current row */
  ampel_cell *cells;
  size_t *offs;
  size_t n_cells, cells_cap;
  uint64_t sheet_cells, sheet_text; /* handed out so far */
  xlsx_buf src;
  int row_ready, failed;
};

static void col_name(long col, char out[8]) {
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

/* "B3" -> 2. The row digits must be there but are not used: the row's
 * number counts. Returns 0, or -1 for a malformed or too large ref. */
static int parse_ref(const char *r, long *out_col) {
  long col = 0;
  size_t i = 0;
  for (; (r[i] >= 'A' && r[i] <= 'Z') || (r[i] >= 'a' && r[i] <= 'z'); i++) {
    if (i >= 3)
      return -1;
    col = col * 26 + ((r[i] & ~0x20) - 'A' + 1);
  }
  size_t d = i;
  while (r[d] >= '0' && r[d] <= '9' && d - i < 8)
    d++;
  if (i == 0 || d == i || r[d] != '\0' || col > XLSX_MAX_COL)
    return -1;
  *out_col = col;
  return 0;
}

/* Decimal 1..XLSX_MAX_ROW, or -1. */
static long parse_row_num(const char *s) {
  long v = 0;
  size_t i = 0;
  for (; s[i] >= '0' && s[i] <= '9'; i++) {
    v = v * 10 + (s[i] - '0');
    if (v > XLSX_MAX_ROW)
      return -1;
  }
  return (i == 0 || s[i] != '\0' || v == 0) ? -1 : v;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* A C-locale decimal number: [+-]digits[.digits][(e|E)[+-]digits]. */
static int is_c_number(const char *s, size_t n) {
  size_t i = 0, digits = 0;
  if (i < n && (s[i] == '-' || s[i] == '+'))
    i++;
  for (; i < n && is_digit(s[i]); i++)
    digits++;
  if (i < n && s[i] == '.')
    for (i++; i < n && is_digit(s[i]); i++)
      digits++;
  if (digits == 0)
    return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
      i++;
    if (i >= n || !is_digit(s[i]))
      return 0;
    while (i < n && is_digit(s[i]))
      i++;
  }
  return i == n;
}

static void fail(ampel_xlsx_sheet *s, ampel_status st, const char *what) {
  char ref[24];
  col_name(s->cell_col, ref);
  snprintf(ref + strlen(ref), sizeof ref - strlen(ref), "%ld", s->row_num);
  ampel_xlsx_xml_fail(&s->m, st, s->row_num, s->cell_col, "Zelle %s: %s", ref,
                      what);
}

/* Appends one cell record; its text is pool[off, off + len). */
static int push_cell(ampel_xlsx_sheet *s, size_t off, size_t len, long col,
                     int is_number) {
  if (++s->sheet_cells > XLSX_MAX_SHEET_CELLS) {
    fail(s, AMPEL_E_TOO_LARGE, "mehr als 2^27 Zellen im Tabellenblatt");
    return -1;
  }
  if (s->n_cells == s->cells_cap) {
    size_t cap = s->cells_cap ? s->cells_cap * 2 : 32;
    ampel_cell *c = ampel_reallocarray(s->cells, cap, sizeof *c);
    if (c)
      s->cells = c;
    size_t *o = c ? ampel_reallocarray(s->offs, cap, sizeof *o) : NULL;
    if (!o) {
      fail(s, AMPEL_E_NOMEM, "Speicher erschöpft");
      return -1;
    }
    s->offs = o;
    s->cells_cap = cap;
  }
  ampel_cell *c = &s->cells[s->n_cells];
  c->text = NULL;
  c->len = len;
  c->line = s->row_num;
  c->column = col;
  c->is_number = is_number;
  s->offs[s->n_cells++] = off;
  return 0;
}

static int pool_put(ampel_xlsx_sheet *s, const char *text, size_t len) {
  s->sheet_text += len;
  if (s->sheet_text > XLSX_MAX_SHEET_TEXT) {
    fail(s, AMPEL_E_TOO_LARGE, "mehr als 1 GiB Text im Tabellenblatt");
    return -1;
  }
  ampel_status st =
      ampel_xlsx_buf_put(&s->pool, text, len, AMPEL_MAX_LINE_BYTES);
  if (st == AMPEL_OK)
    return 0;
  fail(s, st,
       st == AMPEL_E_NOMEM ? "Speicher erschöpft"
                           : "Zeile ist länger als 16 MiB");
  return -1;
}

/* Shared string for the text in s->cell; 0 or -1 (reported). */
static int shared_string(ampel_xlsx_sheet *s, const char **out_text,
                         size_t *out_len) {
  const ampel_xlsx *x = s->m.x;
  const char *v = s->cell.p;
  size_t n = s->cell.len, idx = 0, i = 0;
  for (; i < n && is_digit(v[i]) && idx <= x->n_sst; i++)
    idx = idx * 10 + (size_t)(v[i] - '0');
  if (i == 0 || i != n || idx >= x->n_sst) {
    char msg[160];
    snprintf(msg, sizeof msg,
             "Verweis auf gemeinsamen Text '%.*s' ungültig (es gibt %zu)",
             n ? ampel_xlsx_clip(v, 20) : 0, n ? v : "", x->n_sst);
    fail(s, AMPEL_E_DATA, msg);
    return -1;
  }
  *out_text = x->sst.p + x->sst_off[idx];
  *out_len = x->sst_off[idx + 1] - x->sst_off[idx] - 1;
  return 0;
}

/* Turns the raw cell text into its value per type (see the top). */
static int cell_value(ampel_xlsx_sheet *s, const char **out_text,
                      size_t *out_len, int *out_num) {
  xlsx_buf *b = &s->cell;
  *out_num = 0;
  if (s->cell_type == 's' || s->cell_type == 'n' || s->cell_type == 'b')
    ampel_xlsx_trim_from(b, 0);
  else if (b->len)
    b->len = ampel_xlsx_unescape(b->p, b->len);
  *out_text = b->p ? b->p : "";
  *out_len = b->len;
  if (b->len == 0)
    return 0;
  if (s->cell_type == 's')
    return shared_string(s, out_text, out_len);
  if (s->cell_type == 'n')
    *out_num = is_c_number(b->p, b->len);
  else if (s->cell_type == 'b')
    *out_num = b->len == 1 && (b->p[0] == '0' || b->p[0] == '1');
  return 0;
}

static void cell_end(ampel_xlsx_sheet *s) {
  const char *text;
  size_t len;
  int num;
  if (cell_value(s, &text, &len, &num) != 0 || len == 0)
    return;
  for (long c = (long)s->n_cells + 1; c < s->cell_col; c++)
    if (push_cell(s, s->pool.len, 0, c, 0) != 0)
      return;
  size_t off = s->pool.len;
  if (pool_put(s, text, len) == 0)
    push_cell(s, off, len, s->cell_col, num);
}

static void cell_begin(ampel_xlsx_sheet *s, const XML_Char **atts) {
  const char *r = ampel_xlsx_attr(atts, "r", 0);
  const char *t = ampel_xlsx_attr(atts, "t", 0);
  long col = s->last_col + 1;
  s->cell_col = col;
  if (r && parse_ref(r, &col) != 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "ungültiger Zellbezug '%.*s' (A1 bis XFD%ld)",
             ampel_xlsx_clip(r, 20), r, XLSX_MAX_ROW);
    fail(s, AMPEL_E_DATA, msg);
    return;
  }
  s->cell_col = col;
  if (col <= s->last_col || col > XLSX_MAX_COL) {
    fail(s, col > XLSX_MAX_COL ? AMPEL_E_TOO_LARGE : AMPEL_E_DATA,
         col > XLSX_MAX_COL ? "Spalte liegt hinter XFD"
                            : "Spalten müssen in der Zeile aufsteigen");
    return;
  }
  s->last_col = col;
  s->cell_type = 'n';
  if (t && strcmp(t, "s") == 0)
    s->cell_type = 's';
  else if (t && strcmp(t, "b") == 0)
    s->cell_type = 'b';
  else if (t && strcmp(t, "n") != 0)
    s->cell_type = 't'; /* str, inlineStr, e, d and unknown: text */
  s->cell.len = 0;
  s->cell_depth = s->depth;
}

static void row_begin(ampel_xlsx_sheet *s, const XML_Char **atts) {
  const char *r = ampel_xlsx_attr(atts, "r", 0);
  long n = r ? parse_row_num(r) : s->row_num + 1;
  s->cell_col = 0;
  if (n < 0 || n > XLSX_MAX_ROW) {
    ampel_xlsx_xml_fail(&s->m, AMPEL_E_DATA, s->row_num, 0,
                        "ungültige Zeilennummer '%.*s' nach Zeile %ld",
                        r ? ampel_xlsx_clip(r, 20) : 0, r ? r : "", s->row_num);
    return;
  }
  if (n <= s->row_num) {
    ampel_xlsx_xml_fail(&s->m, AMPEL_E_DATA, n, 0,
                        "Zeile %ld folgt auf Zeile %ld (Zeilen müssen "
                        "aufsteigen)",
                        n, s->row_num);
    return;
  }
  s->row_num = n;
  s->last_col = 0;
  s->n_cells = 0;
  s->pool.len = 0;
  s->row_depth = s->depth;
}

/* A finished row with a value is handed out: suspend the parser. */
static void row_end(ampel_xlsx_sheet *s) {
  if (s->n_cells == 0)
    return;
  s->src.len = 0;
  for (size_t i = 0; i < s->n_cells; i++) {
    ampel_cell *c = &s->cells[i];
    c->text = s->pool.p + s->offs[i];
    ampel_status st = ampel_xlsx_buf_put(&s->src, ";", i > 0, 0);
    if (st == AMPEL_OK)
      st = ampel_xlsx_buf_put(&s->src, c->text, c->len, 0);
    if (st != AMPEL_OK) {
      fail(s, st, "Speicher erschöpft");
      return;
    }
  }
  s->row_ready = 1;
  XML_StopParser(s->m.p, XML_TRUE);
}

static void inner_start(ampel_xlsx_sheet *s, const char *ln,
                        const XML_Char **atts) {
  if (s->depth == s->cell_depth + 1) {
    if (strcmp(ln, "v") == 0)
      s->v_depth = s->depth;
    else if (strcmp(ln, "is") == 0)
      s->is_depth = s->depth;
    return;
  }
  if (!s->is_depth || s->rph_depth || s->t_depth)
    return;
  if (strcmp(ln, "rPh") == 0) {
    s->rph_depth = s->depth;
  } else if (strcmp(ln, "t") == 0) {
    const char *sp = ampel_xlsx_attr(atts, "space", 1);
    s->t_depth = s->depth;
    s->preserve = sp && strcmp(sp, "preserve") == 0;
    s->t_start = s->cell.len;
  }
}

static void XMLCALL on_start(void *ud, const XML_Char *el,
                             const XML_Char **atts) {
  ampel_xlsx_sheet *s = ud;
  if (s->m.st != AMPEL_OK)
    return;
  const char *ln = ampel_xlsx_lname(el);
  s->depth++;
  if (!s->data_depth) {
    if (strcmp(ln, "sheetData") == 0)
      s->data_depth = s->depth;
  } else if (!s->row_depth) {
    if (s->depth == s->data_depth + 1 && strcmp(ln, "row") == 0)
      row_begin(s, atts);
  } else if (!s->cell_depth) {
    if (s->depth == s->row_depth + 1 && strcmp(ln, "c") == 0)
      cell_begin(s, atts);
  } else {
    inner_start(s, ln, atts);
  }
}

static void XMLCALL on_end(void *ud, const XML_Char *el) {
  ampel_xlsx_sheet *s = ud;
  if (s->m.st != AMPEL_OK)
    return;
  int d = s->depth--;
  if (d == s->t_depth) {
    s->t_depth = 0;
    if (!s->preserve)
      ampel_xlsx_trim_from(&s->cell, s->t_start);
  } else if (d == s->rph_depth) {
    s->rph_depth = 0;
  } else if (d == s->v_depth) {
    s->v_depth = 0;
  } else if (d == s->is_depth) {
    s->is_depth = 0;
  } else if (d == s->cell_depth) {
    s->cell_depth = 0;
    cell_end(s);
  } else if (d == s->row_depth) {
    s->row_depth = 0;
    row_end(s);
  } else if (d == s->data_depth) {
    s->data_depth = 0;
  }
}

static void XMLCALL on_text(void *ud, const XML_Char *text, int len) {
  ampel_xlsx_sheet *s = ud;
  if (s->m.st != AMPEL_OK || !s->cell_depth)
    return;
  if (!(s->v_depth && !s->is_depth) && !(s->t_depth && !s->rph_depth))
    return;
  ampel_status st =
      ampel_xlsx_buf_put(&s->cell, text, (size_t)len, AMPEL_MAX_FIELD_BYTES);
  if (st != AMPEL_OK)
    fail(s, st,
         st == AMPEL_E_NOMEM ? "Speicher erschöpft"
                             : "Text ist länger als 1 MiB");
}

ampel_xlsx_sheet *ampel_xlsx_sheet_open(ampel_xlsx *x, size_t i,
                                        ampel_diags *diags,
                                        ampel_status *out_status) {
  ampel_status st = AMPEL_E_NOMEM;
  ampel_xlsx_sheet *s = NULL;
  if (!x || i >= x->n_sheets) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_NOT_FOUND,
                    x ? x->path : NULL, 0, 0, NULL, 0,
                    "Tabellenblatt Nr. %zu gibt es nicht", i + 1);
    st = AMPEL_E_NOT_FOUND;
    goto done;
  }
  s = ampel_calloc(1, sizeof *s);
  size_t plen = strlen(x->names[i]) + 24;
  if (s)
    s->prefix = ampel_alloc(plen);
  if (!s || !s->prefix) {
    ampel_diags_error(diags, st, "%s: Speicher erschöpft", x->path);
    goto done;
  }
  snprintf(s->prefix, plen, "Tabellenblatt '%s': ", x->names[i]);
  st = ampel_xlsx_xml_begin(&s->m, x, x->parts[i], s->prefix, s, 0, diags);
  if (st != AMPEL_OK)
    goto done;
  XML_SetElementHandler(s->m.p, on_start, on_end);
  XML_SetCharacterDataHandler(s->m.p, on_text);
done:
  if (out_status)
    *out_status = st;
  if (st == AMPEL_OK)
    return s;
  ampel_xlsx_sheet_free(s);
  return NULL;
}

int ampel_xlsx_sheet_next(ampel_xlsx_sheet *s, ampel_row *row,
                          ampel_diags *diags) {
  if (!s || s->failed)
    return -1;
  s->m.diags = diags;
  s->row_ready = 0;
  while (!s->row_ready) {
    if (s->m.done)
      return 0;
    if (ampel_xlsx_xml_step(&s->m) != AMPEL_OK) {
      s->failed = 1;
      return -1;
    }
  }
  row->cells = s->cells;
  row->n_cells = s->n_cells;
  row->line = s->row_num;
  row->source = s->src.p;
  row->source_len = s->src.len;
  return 1;
}

void ampel_xlsx_sheet_free(ampel_xlsx_sheet *s) {
  if (!s)
    return;
  ampel_xlsx_xml_end(&s->m);
  ampel_free(s->prefix);
  ampel_xlsx_buf_free(&s->cell);
  ampel_xlsx_buf_free(&s->pool);
  ampel_xlsx_buf_free(&s->src);
  ampel_free(s->cells);
  ampel_free(s->offs);
  ampel_free(s);
}
