/* CSV reader (read.h).
 *
 * Detection rules (docs/formats.md, "CSV"):
 *
 * Encoding. A UTF-16 byte order mark is refused. A UTF-8 byte order mark
 * (EF BB BF) is skipped. AUTO: BOM, or the whole file is well-formed
 * UTF-8 (pure ASCII included) → UTF-8; otherwise Windows-1252. With a BOM
 * or a forced UTF-8, malformed UTF-8 is an error at its line:column.
 * Windows-1252 input is converted to UTF-8 once, when the file is opened
 * (all 256 bytes: 0x80-0x9F by the Windows table, e.g. 0x80 → €, 0x84 →
 * „, 0x93 → “, 0x96 → –; the five undefined bytes become C1 controls as in
 * the WHATWG standard). Before that the raw bytes are checked: an empty
 * file (or only a BOM) is refused, so is a file with a NUL byte anywhere or
 * with at least 4 other ASCII control bytes (0x01-0x08, 0x0E-0x1F) making
 * up more than 2 % of the first 4 KiB ("Binärdatei").
 *
 * Separator (unless forced): candidates ';' '\t' ','. The first 20
 * non-blank records are split at line breaks outside double quotes (a '"'
 * anywhere toggles the quote state). For every candidate count its
 * occurrences outside quotes per record and take the most frequent count
 * greater than 0; its score is the number of records having exactly that
 * count (all records when the count is consistent). The highest score
 * wins; ties go to ';', then '\t', then ',' (German Excel writes ';').
 * A file in which no candidate occurs gets ';'.
 *
 * Decimal mark (unless forced): the first 10,000 records are parsed with
 * the detected separator. Every cell (trimmed of blanks, tabs, U+00A0,
 * U+202F; optional sign '+' '-' U+2212 and blanks after it) votes:
 *   ','  for I,F  where F is 1+ digits and I is digits or a group number
 *        with '.' thousands (1-3 digits then groups ".ddd"),
 *   '.'  for I.F  where F is 1+ digits and I is digits or a group number
 *        with ',' thousands,
 * except that "ddd,ddd" / "ddd.ddd" with a 1-3 digit integer part not
 * starting with 0, exactly three fraction digits and no other separator
 * ("1.234", "12,500") is ambiguous (could be a thousands group) and does
 * not vote. With separator ',' the mark is '.' unless the ',' votes
 * (necessarily from quoted cells) outnumber the '.' votes; with any other
 * separator the mark is ',' unless the '.' votes outnumber the ',' votes.
 *
 * Records (RFC 4180 with the usual leniency): a field starting with '"'
 * is quoted; inside, "" is a quote and separators and line breaks are
 * text; after the closing quote only a separator, a line break or the end
 * may follow. A '"' inside an unquoted field is kept as text. Line breaks
 * are LF, CRLF and lone CR. Lines that are empty or hold only spaces and
 * tabs (other than the separator) are skipped; a line of separators is a
 * record of empty cells. Cells are returned raw
 * (not trimmed); quoted cells without the quotes and with "" undoubled;
 * line breaks inside quoted cells are kept as they were. A cell's column
 * counts characters of the UTF-8 text from 1 (a tab is one character);
 * after a quoted line break columns restart on the new physical line.
 *
 * Caps (read.h): a cell over AMPEL_MAX_FIELD_BYTES, a record with more
 * than AMPEL_MAX_COLUMNS cells or over AMPEL_MAX_LINE_BYTES stops reading
 * with AMPEL_E_TOO_LARGE at the cell (record) start.
 *
 * Memory: UTF-8 input is not copied; unquoted cells point into it, quoted
 * cells into one buffer reused for every record. Windows-1252 input is
 * converted once into a UTF-8 copy (at most 3x the input; usually ~1.01x).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/read.h"
#include "read/encoding.h"

#define SEP_SAMPLE_RECORDS 20
#define DECIMAL_SAMPLE_RECORDS 10000
#define BINARY_PROBE_BYTES 4096
#define NO_OFF SIZE_MAX
#define CLS_STOP 1
#define CLS_CONT 2

struct ampel_csv_reader {
  const char *d; /* UTF-8 text after the BOM: the input or `conv` */
  size_t n;
  size_t pos;
  char *conv; /* owned UTF-8 copy of Windows-1252 input, or NULL */
  char *path;
  ampel_encoding enc;
  char sep;
  char decimal;
  int failed;
  long line;         /* physical line number at pos */
  size_t line_start; /* offset where that line starts */
  size_t cont; /* UTF-8 continuation bytes in [line_start, pos) */
  /* Byte classes for the scanning loops: STOP ends the field, CONT is a
   * UTF-8 continuation byte (for columns in characters). */
  unsigned char cls[256];  /* unquoted field: sep, CR, LF stop */
  unsigned char qcls[256]; /* quoted field: '"', CR, LF stop */
  ampel_cell *cells;
  size_t *qoff; /* per cell: offset of quoted text in buf, or NO_OFF */
  size_t cells_cap;
  char *buf; /* text of quoted cells of the current record */
  size_t buf_len;
  size_t buf_cap;
};

/* ---- small helpers ---------------------------------------------------- */

static int is_break(char c) { return c == '\n' || c == '\r'; }

/* Length of the line starting at `start` (up to, not including, a break). */
static size_t line_len(const char *d, size_t n, size_t start) {
  size_t e = start;
  while (e < n && !is_break(d[e]))
    e++;
  return e - start;
}

/* Offset after the line break at `p` (CRLF counts as one). */
static size_t skip_break(const char *d, size_t n, size_t p) {
  if (d[p] == '\r' && p + 1 < n && d[p + 1] == '\n')
    return p + 2;
  return p + 1;
}

static void new_line(ampel_csv_reader *r, size_t start) {
  r->line++;
  r->line_start = start;
  r->cont = 0;
}

/* Column (in characters, 1-based) of r->pos. Every loop that moves pos
 * over non-ASCII bytes adds their continuation bytes to r->cont. */
static long column_here(const ampel_csv_reader *r) {
  return (long)(r->pos - r->line_start - r->cont) + 1;
}

/* Appends an error located at (line, col) whose source line starts at
 * src_start in the text; marks the reader as failed. Returns -1. */
static int fail(ampel_csv_reader *r, ampel_diags *dg, ampel_status code,
                long line, long col, size_t src_start, const char *fmt, ...)
    AMPEL_PRINTF(7, 8);

static int fail(ampel_csv_reader *r, ampel_diags *dg, ampel_status code,
                long line, long col, size_t src_start, const char *fmt, ...) {
  va_list ap;
  r->failed = 1;
  va_start(ap, fmt);
  ampel_diags_vadd(dg, AMPEL_SEV_ERROR, code, r->path, line, col,
                   r->d + src_start, line_len(r->d, r->n, src_start), fmt,
                   ap);
  va_end(ap);
  return -1;
}

static int nomem(ampel_csv_reader *r, ampel_diags *dg) {
  r->failed = 1;
  ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_NOMEM, r->path, r->line, 0,
                  NULL, 0, "Speicher erschöpft beim Lesen der CSV-Datei");
  return -1;
}

/* ---- buffers ---------------------------------------------------------- */

static int buf_append(ampel_csv_reader *r, const char *s, size_t len) {
  if (len == 0)
    return 0;
  if (r->buf_cap - r->buf_len < len) {
    size_t cap = r->buf_cap ? r->buf_cap : 4096;
    while (cap - r->buf_len < len)
      cap *= 2;
    char *nb = ampel_realloc(r->buf, cap);
    if (!nb)
      return -1;
    r->buf = nb;
    r->buf_cap = cap;
  }
  memcpy(r->buf + r->buf_len, s, len);
  r->buf_len += len;
  return 0;
}

static int grow_cells(ampel_csv_reader *r) {
  size_t cap = r->cells_cap ? r->cells_cap * 2 : 64;
  if (cap > AMPEL_MAX_COLUMNS)
    cap = AMPEL_MAX_COLUMNS;
  ampel_cell *c = ampel_reallocarray(r->cells, cap, sizeof *c);
  if (!c)
    return -1;
  r->cells = c;
  size_t *q = ampel_reallocarray(r->qoff, cap, sizeof *q);
  if (!q)
    return -1;
  r->qoff = q;
  r->cells_cap = cap;
  return 0;
}

/* ---- records ---------------------------------------------------------- */

/* Skips blank lines. Returns 0 when the end of the text is reached. */
static int skip_blank_lines(ampel_csv_reader *r) {
  const char *d = r->d;
  for (;;) {
    size_t j = r->pos;
    while (j < r->n && (d[j] == ' ' || d[j] == '\t') && d[j] != r->sep)
      j++;
    if (j >= r->n) {
      r->pos = r->n;
      return 0;
    }
    if (!is_break(d[j]))
      return 1;
    r->pos = skip_break(d, r->n, j);
    new_line(r, r->pos);
  }
}

/* The character after a closing quote is not a separator: report it. */
static int bad_after_quote(ampel_csv_reader *r, ampel_diags *dg, size_t q) {
  unsigned char b = (unsigned char)r->d[q];
  size_t clen = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  if (clen > r->n - q)
    clen = r->n - q;
  return fail(r, dg, AMPEL_E_DATA, r->line, column_here(r), r->line_start,
              "nach dem schließenden Anführungszeichen wird ein "
              "Trennzeichen erwartet, gefunden: '%.*s'",
              (int)clen, r->d + q);
}

/* Parses the quoted field opening at r->pos into buf; cell ci gets its
 * length and buf offset. *src_end is set at the first line break. */
static int parse_quoted(ampel_csv_reader *r, size_t ci, size_t *src_end,
                        ampel_diags *dg) {
  const char *d = r->d;
  size_t n = r->n, q = r->pos + 1, off = r->buf_len;
  long oline = r->line, ocol = r->cells[ci].column;
  size_t oline_start = r->line_start;
  const unsigned char *u = (const unsigned char *)d;
  for (;;) {
    size_t s = q, cont = 0;
    while (q < n) {
      unsigned k = r->qcls[u[q]];
      if (k == CLS_STOP)
        break;
      cont += k >> 1;
      q++;
    }
    r->cont += cont;
    if (r->buf_len - off + (q - s) > AMPEL_MAX_FIELD_BYTES)
      return fail(r, dg, AMPEL_E_TOO_LARGE, oline, ocol, oline_start,
                  "Zelle größer als %u Bytes (Anführungszeichen in Zeile "
                  "%ld, Spalte %ld nicht geschlossen?)",
                  AMPEL_MAX_FIELD_BYTES, oline, ocol);
    if (buf_append(r, d + s, q - s) != 0)
      return nomem(r, dg);
    if (q >= n)
      return fail(r, dg, AMPEL_E_DATA, oline, ocol, oline_start,
                  "Anführungszeichen nicht geschlossen (geöffnet in Zeile "
                  "%ld, Spalte %ld)",
                  oline, ocol);
    if (d[q] == '"') {
      if (q + 1 < n && d[q + 1] == '"') {
        if (buf_append(r, "\"", 1) != 0)
          return nomem(r, dg);
        q += 2;
        continue;
      }
      q++;
      break;
    }
    if (*src_end == NO_OFF)
      *src_end = q;
    size_t after = skip_break(d, n, q);
    if (buf_append(r, d + q, after - q) != 0)
      return nomem(r, dg);
    q = after;
    new_line(r, q);
  }
  r->cells[ci].len = r->buf_len - off;
  r->qoff[ci] = off;
  r->pos = q;
  if (q < n && d[q] != r->sep && !is_break(d[q]))
    return bad_after_quote(r, dg, q);
  return 0;
}

/* Reads one field starting at r->pos into cell ci. */
static int parse_field(ampel_csv_reader *r, size_t ci, size_t *src_end,
                       ampel_diags *dg) {
  ampel_cell *c = &r->cells[ci];
  size_t p = r->pos;
  c->line = r->line;
  c->column = column_here(r);
  c->is_number = 0;
  if (p < r->n && r->d[p] == '"') {
    c->text = NULL;
    return parse_quoted(r, ci, src_end, dg);
  }
  const unsigned char *u = (const unsigned char *)r->d;
  size_t q = p, n = r->n, cont = 0;
  while (q < n) {
    unsigned k = r->cls[u[q]];
    if (k == CLS_STOP)
      break;
    cont += k >> 1;
    q++;
  }
  r->cont += cont;
  if (q - p > AMPEL_MAX_FIELD_BYTES)
    return fail(r, dg, AMPEL_E_TOO_LARGE, c->line, c->column, r->line_start,
                "Zelle größer als %u Bytes", AMPEL_MAX_FIELD_BYTES);
  c->text = r->d + p;
  c->len = q - p;
  r->qoff[ci] = NO_OFF;
  r->pos = q;
  return 0;
}

/* Reads the fields of one record (r->pos is at its first character). */
static int parse_fields(ampel_csv_reader *r, size_t rec_start,
                        size_t *out_nc, size_t *src_end, ampel_diags *dg) {
  size_t nc = 0;
  for (;;) {
    if (nc == r->cells_cap) {
      if (nc >= AMPEL_MAX_COLUMNS)
        return fail(r, dg, AMPEL_E_TOO_LARGE, r->line,
                    column_here(r), r->line_start,
                    "mehr als %u Spalten in einem Datensatz",
                    AMPEL_MAX_COLUMNS);
      if (grow_cells(r) != 0)
        return nomem(r, dg);
    }
    if (parse_field(r, nc, src_end, dg) != 0)
      return -1;
    nc++;
    if (r->pos - rec_start > AMPEL_MAX_LINE_BYTES)
      return fail(r, dg, AMPEL_E_TOO_LARGE, r->cells[0].line,
                  r->cells[0].column, rec_start,
                  "Datensatz größer als %u Bytes", AMPEL_MAX_LINE_BYTES);
    if (r->pos >= r->n || r->d[r->pos] != r->sep)
      break;
    r->pos++;
  }
  *out_nc = nc;
  return 0;
}

/* Reads the next record; returns 1, 0 at the end, -1 on error. */
static int read_record(ampel_csv_reader *r, ampel_row *row,
                       ampel_diags *dg) {
  if (r->failed)
    return -1;
  if (!skip_blank_lines(r))
    return 0;
  size_t rec_start = r->pos, src_end = NO_OFF, nc = 0;
  long rec_line = r->line;
  r->buf_len = 0;
  if (parse_fields(r, rec_start, &nc, &src_end, dg) != 0)
    return -1;
  if (src_end == NO_OFF)
    src_end = r->pos;
  if (r->pos < r->n) { /* at a line break */
    r->pos = skip_break(r->d, r->n, r->pos);
    new_line(r, r->pos);
  }
  for (size_t i = 0; i < nc; i++)
    if (r->qoff[i] != NO_OFF)
      r->cells[i].text = r->buf + r->qoff[i];
  row->cells = r->cells;
  row->n_cells = nc;
  row->line = rec_line;
  row->source = r->d + rec_start;
  row->source_len = src_end - rec_start;
  return 1;
}

static void rewind_reader(ampel_csv_reader *r) {
  r->pos = 0;
  r->line = 1;
  r->line_start = 0;
  r->cont = 0;
  r->failed = 0;
}

static void set_sep(ampel_csv_reader *r, char sep) {
  r->sep = sep;
  for (int b = 0; b < 256; b++)
    r->cls[b] = r->qcls[b] = (b & 0xC0) == 0x80 ? CLS_CONT : 0;
  r->cls[(unsigned char)sep] = CLS_STOP;
  r->cls['\r'] = r->cls['\n'] = CLS_STOP;
  r->qcls['"'] = r->qcls['\r'] = r->qcls['\n'] = CLS_STOP;
}

/* ---- separator detection ---------------------------------------------- */

static const char sep_candidates[3] = {';', '\t', ','};

/* Counts the candidates outside quotes in the first records. Returns the
 * number of records sampled; counts[k][i] is candidate i in record k. */
static size_t sample_sep_counts(const char *d, size_t n,
                                unsigned counts[SEP_SAMPLE_RECORDS][3]) {
  size_t k = 0, p = 0;
  while (p < n && k < SEP_SAMPLE_RECORDS) {
    unsigned c[3] = {0, 0, 0};
    int inq = 0, blank = 1;
    for (; p < n; p++) {
      char ch = d[p];
      if (ch == '"')
        inq = !inq;
      else if (!inq && is_break(ch))
        break;
      for (int i = 0; i < 3; i++)
        c[i] += (!inq && ch == sep_candidates[i]);
      blank &= (ch == ' ' || ch == '\t');
    }
    if (p < n)
      p = skip_break(d, n, p);
    if (blank && c[1] == 0)
      continue;
    memcpy(counts[k++], c, sizeof c);
  }
  return k;
}

/* Score of candidate i: records having its most frequent count > 0. */
static size_t sep_score(unsigned counts[SEP_SAMPLE_RECORDS][3], size_t k,
                        int i) {
  size_t best = 0;
  for (size_t a = 0; a < k; a++) {
    if (counts[a][i] == 0)
      continue;
    size_t same = 0;
    for (size_t b = 0; b < k; b++)
      same += counts[b][i] == counts[a][i];
    if (same > best)
      best = same;
  }
  return best;
}

static char detect_sep(const char *d, size_t n) {
  unsigned counts[SEP_SAMPLE_RECORDS][3];
  size_t k = sample_sep_counts(d, n, counts);
  char best = ';';
  size_t best_score = 0;
  for (int i = 0; i < 3; i++) {
    size_t s = sep_score(counts, k, i);
    if (s > best_score) {
      best_score = s;
      best = sep_candidates[i];
    }
  }
  return best;
}

/* ---- decimal detection ------------------------------------------------ */

/* Length of a trimmable blank at s[i] (space, tab, U+00A0, U+202F). */
static size_t blank_at(const unsigned char *s, size_t i, size_t n) {
  if (s[i] == ' ' || s[i] == '\t')
    return 1;
  if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
    return 2;
  if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0xAF)
    return 3;
  return 0;
}

static size_t count_digits(const unsigned char *s, size_t i, size_t n) {
  size_t k = i;
  while (k < n && s[k] >= '0' && s[k] <= '9')
    k++;
  return k - i;
}

/* Vote of one cell for the decimal mark: ',', '.' or 0 (see top). */
static char decimal_vote(const char *text, size_t len) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0, n = len, b;
  while (i < n && (b = blank_at(s, i, n)) > 0)
    i += b;
  while (n > i) { /* trim the end: look back for a blank */
    if (s[n - 1] == ' ' || s[n - 1] == '\t')
      n--;
    else if (n - i >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0)
      n -= 2;
    else if (n - i >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 &&
             s[n - 1] == 0xAF)
      n -= 3;
    else
      break;
  }
  if (i < n && (s[i] == '+' || s[i] == '-'))
    i++;
  else if (n - i >= 3 && s[i] == 0xE2 && s[i + 1] == 0x88 && s[i + 2] == 0x92)
    i += 3;
  while (i < n && (b = blank_at(s, i, n)) > 0)
    i += b;
  size_t lead = count_digits(s, i, n);
  if (lead == 0)
    return 0;
  size_t p = i + lead, groups = 0;
  char gsep = 0;
  /* thousands groups: ".ddd" (or ",ddd") followed by another mark */
  while (p + 4 < n && (s[p] == '.' || s[p] == ',') && lead <= 3 &&
         (gsep == 0 || gsep == (char)s[p]) &&
         count_digits(s, p + 1, n) == 3 &&
         (s[p + 4] == '.' || s[p + 4] == ',')) {
    gsep = (char)s[p];
    groups++;
    p += 4;
  }
  if (p >= n || (s[p] != '.' && s[p] != ','))
    return 0;
  char mark = (char)s[p];
  if (mark == gsep)
    return 0; /* "1.234.567": only groups */
  size_t frac = count_digits(s, p + 1, n);
  if (frac == 0 || p + 1 + frac != n)
    return 0;
  if (groups == 0 && frac == 3 && lead <= 3 && s[i] != '0')
    return 0; /* "1.234" or "12,500": may be a thousands group */
  return mark;
}

static char detect_decimal(ampel_csv_reader *r) {
  size_t votes_comma = 0, votes_point = 0;
  ampel_row row;
  for (size_t k = 0; k < DECIMAL_SAMPLE_RECORDS; k++) {
    if (read_record(r, &row, NULL) != 1)
      break;
    for (size_t i = 0; i < row.n_cells; i++) {
      char v = decimal_vote(row.cells[i].text, row.cells[i].len);
      votes_comma += v == ',';
      votes_point += v == '.';
    }
  }
  rewind_reader(r);
  if (r->sep == ',')
    return votes_comma > votes_point ? ',' : '.';
  return votes_point > votes_comma ? '.' : ',';
}

/* ---- opening: raw checks and encoding --------------------------------- */

/* Line and byte column of offset `off` in raw bytes (for early errors). */
static void raw_position(const char *d, size_t off, long *out_line,
                         long *out_col, size_t *out_line_start) {
  long line = 1;
  size_t ls = 0;
  for (size_t i = 0; i < off; i++) {
    if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= off || d[i + 1] != '\n'))) {
      line++;
      ls = i + 1;
    }
  }
  *out_line = line;
  *out_col = (long)(off - ls) + 1;
  *out_line_start = ls;
}

static ampel_status raw_error(ampel_diags *dg, const char *path,
                             const char *d, size_t off, const char *msg,
                             unsigned long long byte_no) {
  long line, col;
  size_t ls;
  raw_position(d, off, &line, &col, &ls);
  ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, line, col, NULL,
                  0, "Binärdatei, keine CSV-Datei (%s bei Byte %llu)", msg,
                  byte_no);
  return AMPEL_E_DATA;
}

/* Offset of the first ASCII control byte when the first 4 KiB hold many
 * of them (see top), else SIZE_MAX. */
static size_t control_bytes(const char *d, size_t n) {
  size_t probe = n < BINARY_PROBE_BYTES ? n : BINARY_PROBE_BYTES, ctl = 0;
  size_t first = SIZE_MAX;
  for (size_t i = 0; i < probe; i++) {
    unsigned char b = (unsigned char)d[i];
    if (b < 0x20 && (b < 0x09 || b > 0x0D)) {
      ctl++;
      if (first == SIZE_MAX)
        first = i;
    }
  }
  return ctl >= 4 && ctl * 50 > probe ? first : SIZE_MAX;
}

/* Empty, UTF-16 and binary input; for UTF-8 candidates also finds the
 * first malformed byte (*out_bad, n when valid) in the same pass. `d`/`n`
 * exclude a UTF-8 BOM. */
static ampel_status check_raw(const char *data, size_t len, const char *d,
                              size_t n, ampel_encoding enc, const char *path,
                              ampel_diags *dg, size_t *out_bad) {
  const unsigned char *u = (const unsigned char *)data;
  size_t skip = (size_t)(d - data), off = n;
  int is_nul = 0;
  if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                   (u[0] == 0xFE && u[1] == 0xFF))) {
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 1, 1, NULL, 0,
                    "UTF-16-Datei wird nicht unterstützt: bitte als UTF-8 "
                    "oder Windows-1252 speichern");
    return AMPEL_E_DATA;
  }
  if (n == 0) {
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 1, 1, NULL, 0,
                    "leere Datei");
    return AMPEL_E_DATA;
  }
  *out_bad = n;
  if (enc != AMPEL_ENC_CP1252) {
    off = ampel_utf8_scan(d, n, &is_nul);
    if (!is_nul)
      *out_bad = off;
  }
  if (!is_nul && off < n) { /* not UTF-8: look on for NUL bytes */
    const char *nul = memchr(d + off, 0, n - off);
    is_nul = nul != NULL;
    off = nul ? (size_t)(nul - d) : n;
  }
  if (is_nul)
    return raw_error(dg, path, d, off, "NUL-Byte",
                     (unsigned long long)(off + skip + 1));
  size_t first = control_bytes(d, n);
  if (first != SIZE_MAX)
    return raw_error(dg, path, d, first, "Steuerzeichen",
                     (unsigned long long)(first + skip + 1));
  return AMPEL_OK;
}

/* Offset of the end of the line that holds offset `at` (d has n bytes). */
static size_t line_end(const char *d, size_t n, size_t at) {
  while (at < n && d[at] != '\n' && d[at] != '\r')
    at++;
  return at;
}

/* Malformed UTF-8 at raw offset `bad` of d. */
static ampel_status utf8_error(const char *d, size_t n, size_t bad,
                               const char *path, ampel_diags *dg) {
  long line, col;
  size_t ls;
  raw_position(d, bad, &line, &col, &ls);
  /* the prefix is valid UTF-8: count characters, not bytes */
  col = (long)ampel_utf8_count_chars(d + ls, bad - ls) + 1;
  /* Show the whole line, each malformed byte as U+FFFD, so the caret
   * points at a visible character. */
  char shown[1024];
  size_t k = 0, i = ls;
  while (i < bad && k + 4 < sizeof shown) /* the valid prefix */
    shown[k++] = d[i++];
  size_t end = line_end(d, n, bad);
  while (i < end && k + 4 < sizeof shown) {
    size_t off = 0, step;
    if (ampel_utf8_valid(d + i, 1, &off) && (unsigned char)d[i] < 0x80) {
      shown[k++] = d[i++];
      continue;
    }
    step = 2;
    while (step <= 4 && i + step <= end &&
           !ampel_utf8_valid(d + i, step, &off))
      step++;
    if (step <= 4 && i + step <= end) {
      memcpy(shown + k, d + i, step);
      k += step;
      i += step;
    } else {
      memcpy(shown + k, "\xEF\xBF\xBD", 3);
      k += 3;
      i++;
    }
  }
  ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, line, col, shown,
                  k,
                  "ungültiges UTF-8 (Byte 0x%02X); die Datei ist vermutlich "
                  "Windows-1252: --encoding windows-1252 angeben",
                  (unsigned)(unsigned char)d[bad]);
  return AMPEL_E_DATA;
}

/* Decides the encoding and sets r->d/r->n (converting Windows-1252).
 * `bad` is the offset of the first malformed UTF-8 byte (n: none). */
static ampel_status set_text(ampel_csv_reader *r, const char *d, size_t n,
                             int bom, ampel_encoding enc, size_t bad,
                             ampel_diags *dg) {
  int valid = bad >= n;
  if (!valid && (enc == AMPEL_ENC_UTF8 || (bom && enc == AMPEL_ENC_AUTO)))
    return utf8_error(d, n, bad, r->path, dg);
  if (enc == AMPEL_ENC_AUTO)
    enc = valid ? AMPEL_ENC_UTF8 : AMPEL_ENC_CP1252;
  r->enc = enc;
  if (enc == AMPEL_ENC_UTF8) {
    r->d = d;
    r->n = n;
    return AMPEL_OK;
  }
  if (bom)
    ampel_diags_add(dg, AMPEL_SEV_WARNING, AMPEL_E_DATA, r->path, 1, 1, NULL,
                    0, "die Datei beginnt mit einer UTF-8-Kennung (BOM), "
                       "wird aber wie angegeben als Windows-1252 gelesen");
  size_t un = ampel_cp1252_utf8_len(d, n);
  r->conv = ampel_alloc(un + 1);
  if (!r->conv)
    return AMPEL_E_NOMEM;
  ampel_cp1252_to_utf8(d, n, r->conv);
  r->d = r->conv;
  r->n = un;
  return AMPEL_OK;
}

static ampel_status check_options(const ampel_csv_options *o,
                                  const char *path, ampel_diags *dg) {
  unsigned char s = (unsigned char)o->sep;
  if (o->sep != 0 && (s >= 0x80 || s == '"' || s == '\r' || s == '\n' ||
                      (s < 0x20 && s != '\t') || s == 0x7F)) {
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_USAGE, path, 0, 0, NULL, 0,
                    "ungültiges Trennzeichen (Byte 0x%02X)", (unsigned)s);
    return AMPEL_E_USAGE;
  }
  if (o->decimal != 0 && o->decimal != ',' && o->decimal != '.') {
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_USAGE, path, 0, 0, NULL, 0,
                    "ungültiges Dezimalzeichen '%c': ',' oder '.' angeben",
                    o->decimal);
    return AMPEL_E_USAGE;
  }
  if (o->encoding != AMPEL_ENC_AUTO && o->encoding != AMPEL_ENC_UTF8 &&
      o->encoding != AMPEL_ENC_CP1252) {
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_USAGE, path, 0, 0, NULL, 0,
                    "unbekannte Zeichenkodierung (%d)", (int)o->encoding);
    return AMPEL_E_USAGE;
  }
  return AMPEL_OK;
}

/* Separator, decimal mark and the "only blank lines" check. */
static ampel_status detect(ampel_csv_reader *r, const ampel_csv_options *o,
                           ampel_diags *dg) {
  set_sep(r, o->sep ? o->sep : detect_sep(r->d, r->n));
  rewind_reader(r);
  if (!skip_blank_lines(r)) {
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_DATA, r->path, 1, 1, NULL,
                    0, "leere Datei (nur Leerzeilen)");
    return AMPEL_E_DATA;
  }
  rewind_reader(r);
  r->decimal = o->decimal ? o->decimal : detect_decimal(r);
  rewind_reader(r);
  return AMPEL_OK;
}

static ampel_status open_reader(ampel_csv_reader *r, const char *data,
                                size_t len, const ampel_csv_options *o,
                                ampel_diags *dg) {
  ampel_status st = check_options(o, r->path, dg);
  if (st != AMPEL_OK)
    return st;
  int bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
  const char *d = bom ? data + 3 : data;
  size_t n = bom ? len - 3 : len;
  size_t bad = n;
  st = check_raw(data, len, d, n, o->encoding, r->path, dg, &bad);
  if (st == AMPEL_OK)
    st = set_text(r, d, n, bom, o->encoding, bad, dg);
  if (st == AMPEL_OK && grow_cells(r) != 0)
    st = AMPEL_E_NOMEM;
  if (st == AMPEL_OK) {
    r->buf_cap = 4096; /* never NULL: empty quoted cells point into it */
    r->buf = ampel_alloc(r->buf_cap);
    if (!r->buf)
      st = AMPEL_E_NOMEM;
  }
  if (st == AMPEL_OK)
    st = detect(r, o, dg);
  if (st == AMPEL_E_NOMEM)
    ampel_diags_add(dg, AMPEL_SEV_ERROR, AMPEL_E_NOMEM, r->path, 0, 0, NULL,
                    0, "Speicher erschöpft beim Öffnen der CSV-Datei");
  return st;
}

/* ---- public API ------------------------------------------------------- */

ampel_csv_reader *ampel_csv_open_mem(const char *data, size_t len,
                                     const char *path,
                                     const ampel_csv_options *opt,
                                     ampel_diags *diags,
                                     ampel_status *out_status) {
  ampel_csv_options o = {AMPEL_ENC_AUTO, 0, 0};
  ampel_status st = AMPEL_E_NOMEM;
  if (opt)
    o = *opt;
  if (!data)
    len = 0;
  ampel_csv_reader *r = ampel_calloc(1, sizeof *r);
  if (r && path) {
    r->path = ampel_strdup(path);
    if (!r->path) {
      ampel_free(r);
      r = NULL;
    }
  }
  if (r) {
    rewind_reader(r);
    st = open_reader(r, data ? data : "", len, &o, diags);
  } else {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_NOMEM, path, 0, 0, NULL,
                    0, "Speicher erschöpft beim Öffnen der CSV-Datei");
  }
  if (st != AMPEL_OK) {
    ampel_csv_free(r);
    r = NULL;
  }
  if (out_status)
    *out_status = st;
  return r;
}

int ampel_csv_next(ampel_csv_reader *r, ampel_row *row, ampel_diags *diags) {
  if (!r || !row)
    return -1;
  return read_record(r, row, diags);
}

ampel_encoding ampel_csv_encoding(const ampel_csv_reader *r) {
  return r->enc;
}

char ampel_csv_sep(const ampel_csv_reader *r) { return r->sep; }

char ampel_csv_decimal(const ampel_csv_reader *r) { return r->decimal; }

void ampel_csv_free(ampel_csv_reader *r) {
  if (!r)
    return;
  ampel_free(r->conv);
  ampel_free(r->path);
  ampel_free(r->cells);
  ampel_free(r->qoff);
  ampel_free(r->buf);
  ampel_free(r);
}
