/* XLS reader: the walk over the file before libfreexl opens it
 * (xls_internal.h).
 *
 * An .xls file is a Compound File (MS-CFB): 512- or 4096-byte sectors, a
 * FAT of sector chains (listed by the header's DIFAT and DIFAT sectors), a
 * directory of streams. The stream "Workbook" (Excel 97-2003) holds BIFF8
 * records (MS-XLS): the workbook globals, then one substream per sheet,
 * each from BOF to EOF. Streams under 4096 bytes live in the mini stream.
 *
 * The scan reads the bytes as libfreexl 1.0.6 reads them (freexl.c:
 * get_workbook_stream, read_biff_next_record, parse_biff_record,
 * parse_SST, common_open), so that what it checks is what libfreexl
 * parses. Every chain is walked at most once per sector of the file,
 * every record is bounds-checked, nothing recurses. The scan refuses
 *   - anything but a BIFF8 Workbook stream (Excel 5.0/95, other OLE files,
 *     a password-protected .xlsx, which is a container with an
 *     "EncryptedPackage" stream),
 *   - a directory entry (of those libfreexl reads: the first directory
 *     sector up to the Workbook entry) whose name length exceeds its
 *     64-byte field (libfreexl converts that many bytes from its stack),
 *     a Workbook entry that is no stream, a stream chain longer than its
 *     stream (libfreexl reads a chain to its end marker) and a stream in
 *     the mini stream larger than the mini stream (libfreexl reads it
 *     from the mini stream's start, whatever its start sector says),
 *   - FILEPASS (the workbook is encrypted: its records are unreadable),
 *   - records over 8224 bytes, cut short, or shorter than the fixed part
 *     libfreexl reads (it would read the previous record's bytes),
 *   - texts longer than their record (FORMAT, BOUNDSHEET, LABEL wherever
 *     it stands), a shared string table libfreexl would read past a
 *     record (a string continued over more than one CONTINUE record,
 *     headers split between records, skipped bytes beyond the next
 *     string's header), a second SST, more than 2^20 shared strings or
 *     8192 XF records (libfreexl's tables),
 *   - workbook records (BOUNDSHEET, SST, FORMAT, XF, DATEMODE) outside
 *     the globals substream, cells of no sheet, anything but a BOF after
 *     an EOF,
 *   - sheets over 65536 rows or 256 columns, more than
 *     XLS_MAX_DECLARED_CELLS cells declared by the DIMENSIONS records
 *     together (libfreexl allocates them all), a cell outside its sheet's
 *     DIMENSIONS, a DIMENSIONS record after cells or twice in a sheet, a
 *     sheet without DIMENSIONS unless it is the sheet active at the end,
 *     and two cell records for one cell (in each case libfreexl loses
 *     memory and cells),
 *   - date-formatted numbers after 9999-12-31 and more than
 *     XLS_MAX_DATE_STEPS days over all date cells (libfreexl counts dates
 *     day by day),
 * and collects the cached results of FORMULA records and the error values
 * of BOOLERR records, which libfreexl leaves empty or reads as 1, and the
 * rows that hold a value (a cell record or such a result), each with its
 * last column, so that the reader asks libfreexl for no empty row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "read/xls_internal.h"

#define FREESECT 0xFFFFFFFFu
#define ENDOFCHAIN 0xFFFFFFFEu
#define MAX_RECORD 8224u
#define MAX_DATE_SERIAL 2958465.0 /* 9999-12-31 in Excel's 1900 system */
#define XLS_MAX_XF 8192u          /* libfreexl's XF table */
#define XLS_MAX_SST (1u << 20)    /* libfreexl's limit on shared strings */

enum {
  R_FORMULA = 0x0006,
  R_EOF = 0x000A,
  R_DATEMODE = 0x0022,
  R_FILEPASS = 0x002F,
  R_CONTINUE = 0x003C,
  R_BOUNDSHEET = 0x0085,
  R_MULRK = 0x00BD,
  R_XF = 0x00E0,
  R_SST = 0x00FC,
  R_LABELSST = 0x00FD,
  R_DIMENSIONS = 0x0200,
  R_NUMBER = 0x0203,
  R_BOOLERR = 0x0205,
  R_LABEL = 0x0204,
  R_STRING = 0x0207,
  R_RK = 0x027E,
  R_FORMAT = 0x041E,
  R_BOF = 0x0809
};

static uint16_t rd16(const unsigned char *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

/* ---- the compound file ---------------------------------------------------
 */

typedef struct cfb {
  const unsigned char *d;
  size_t len;
  uint32_t ss;        /* sector size */
  uint32_t n_sectors; /* whole sectors after the header */
  uint32_t *fat;
  size_t n_fat;
} cfb;

static const unsigned char *sector(const cfb *c, uint32_t s) {
  return s < c->n_sectors ? c->d + ((size_t)s + 1) * c->ss : NULL;
}

/* Reads the FAT: the header's 109 DIFAT entries, then the DIFAT chain.
 * Returns NULL on success or what is wrong. */
static const char *read_fat(cfb *c) {
  const unsigned char *h = c->d;
  uint32_t n_fat_sect = rd32(h + 0x2C), difat = rd32(h + 0x44);
  if (n_fat_sect == 0 || n_fat_sect > c->n_sectors)
    return "die Zuordnungstabelle (FAT) fehlt oder ist zu groß";
  uint32_t per = c->ss / 4;
  c->fat = ampel_reallocarray(NULL, (size_t)n_fat_sect * per, sizeof *c->fat);
  if (!c->fat)
    return "";
  c->n_fat = 0;
  uint32_t listed = 0, steps = 0;
  const unsigned char *list = h + 0x4C;
  uint32_t in_list = 109;
  while (listed < n_fat_sect) {
    if (in_list == 0) { /* next DIFAT sector */
      const unsigned char *ds = sector(c, difat);
      if (!ds || ++steps > c->n_sectors)
        return "die Liste der FAT-Sektoren (DIFAT) ist beschädigt";
      list = ds;
      in_list = per - 1;
      difat = rd32(ds + (per - 1) * 4);
      continue;
    }
    const unsigned char *fs = sector(c, rd32(list));
    if (!fs)
      return "ein FAT-Sektor liegt hinter dem Dateiende (abgeschnitten?)";
    for (uint32_t i = 0; i < per; i++)
      c->fat[c->n_fat++] = rd32(fs + 4 * i);
    list += 4;
    in_list--;
    listed++;
  }
  return NULL;
}

/* Copies a stream of `size` bytes from its chain in the FAT into a new
 * buffer. The chain must end right after the stream's last sector, as
 * MS-CFB has it: libfreexl reads a stream's chain up to its end marker,
 * whatever the size says. */
static const char *read_chain(const cfb *c, uint32_t start, uint64_t size,
                              unsigned char **out) {
  *out = NULL;
  if (size > (uint64_t)c->n_sectors * c->ss)
    return "ein Datenstrom ist größer als die Datei (abgeschnitten?)";
  unsigned char *buf = ampel_alloc(size ? (size_t)size : 1);
  if (!buf)
    return "";
  uint64_t got = 0, steps = 0;
  uint32_t s = start;
  while (got < size) {
    const unsigned char *src = sector(c, s);
    if (!src || s >= c->n_fat || ++steps > c->n_sectors) {
      ampel_free(buf);
      return "eine Sektorkette ist beschädigt oder abgeschnitten";
    }
    uint64_t n = size - got < c->ss ? size - got : c->ss;
    memcpy(buf + got, src, (size_t)n);
    got += n;
    s = c->fat[s];
  }
  if (s != ENDOFCHAIN) {
    ampel_free(buf);
    return "eine Sektorkette ist länger als ihr Datenstrom";
  }
  *out = buf;
  return NULL;
}

/* Whether a directory entry is named `ascii` as libfreexl compares names:
 * the UTF-16 characters up to the first NUL, within the entry's name
 * length (at most 64 bytes: checked before). */
static int dir_name_is(const unsigned char *e, const char *ascii) {
  size_t units = rd16(e + 0x40) / 2, n = strlen(ascii), i = 0;
  for (; i < units && rd16(e + 2 * i) != 0; i++)
    if (i >= n || rd16(e + 2 * i) != (unsigned char)ascii[i])
      return 0;
  return i == n;
}

/* Finds and copies the Workbook stream as libfreexl finds it
 * (get_workbook_stream, read_mini_stream): only the first directory
 * sector, entry by entry, each entry's name converted with the length its
 * own header gives, up to the first entry named "Workbook" or "Book"; the
 * last entry named "Root Entry" before it holds the mini stream. A stream
 * up to the mini-stream cutoff (when the header lists a mini FAT) is read
 * from the start of the mini stream, whatever its start sector says.
 * *out_len is the stream's size; *out may hold more (the mini stream). */
static const char *workbook_stream(cfb *c, unsigned char **out,
                                   size_t *out_len) {
  const unsigned char *dir = sector(c, rd32(c->d + 0x30));
  *out = NULL;
  *out_len = 0;
  if (!dir)
    return "das Inhaltsverzeichnis liegt hinter dem Dateiende (abgeschnitten?)";
  const unsigned char *wb = NULL, *root = NULL;
  for (uint32_t i = 0; i < c->ss / 128 && !wb; i++) {
    const unsigned char *e = dir + (size_t)i * 128;
    if (rd16(e + 0x40) > 64) /* libfreexl would read past the entry */
      return "ein Eintrag des Inhaltsverzeichnisses gibt einen Namen über 64 "
             "Bytes an";
    if (dir_name_is(e, "Root Entry"))
      root = e;
    else if (dir_name_is(e, "Workbook") || dir_name_is(e, "Book"))
      wb = e;
  }
  if (!wb)
    return "kein Datenstrom \"Workbook\" (keine Excel-Arbeitsmappe; "
           "kennwortgeschützte .xlsx-Dateien haben ebenfalls dieses Format: "
           "bitte ohne Kennwort speichern)";
  if (wb[0x42] != 2)
    return "der Eintrag \"Workbook\" im Inhaltsverzeichnis ist kein Datenstrom";
  uint32_t start = rd32(wb + 0x74), size = rd32(wb + 0x78);
  uint32_t cutoff = rd32(c->d + 0x40) > 0 ? rd32(c->d + 0x38) : 0;
  *out_len = size;
  if (size > cutoff)
    return read_chain(c, start, size, out);
  if (!root)
    return "das Inhaltsverzeichnis hat keinen Wurzeleintrag";
  if (size > rd32(root + 0x78))
    return "der Datenstrom \"Workbook\" ist größer als der Mini-Stream";
  return read_chain(c, rd32(root + 0x74), rd32(root + 0x78), out);
}

/* ---- text ------------------------------------------------------------------
 */

/* BIFF8 characters (compressed Latin-1 or UTF-16LE) as UTF-8 in a new
 * string; lone surrogates become U+FFFD. `avail` bytes may be read. */
static char *biff_text(const unsigned char *p, size_t avail, size_t cch,
                       int wide) {
  if (cch > avail / (wide ? 2 : 1))
    cch = avail / (wide ? 2 : 1); /* the rest would be in CONTINUE */
  char *out = ampel_alloc(cch * 3 + 1), *w = out;
  if (!out)
    return NULL;
  for (size_t i = 0; i < cch; i++) {
    uint32_t u = wide ? rd16(p + 2 * i) : p[i];
    if (wide && u >= 0xD800 && u <= 0xDBFF && i + 1 < cch &&
        rd16(p + 2 * i + 2) >= 0xDC00 && rd16(p + 2 * i + 2) <= 0xDFFF) {
      u = 0x10000 + ((u - 0xD800) << 10) + (rd16(p + 2 * i + 2) - 0xDC00);
      i++;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = 0xFFFD;
    }
    if (u < 0x80) {
      *w++ = (char)u;
    } else if (u < 0x800) {
      *w++ = (char)(0xC0 | (u >> 6));
      *w++ = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
      *w++ = (char)(0xE0 | (u >> 12));
      *w++ = (char)(0x80 | ((u >> 6) & 0x3F));
      *w++ = (char)(0x80 | (u & 0x3F));
    } else { /* 4 bytes from a pair of 2-byte units: fits in cch * 3 */
      *w++ = (char)(0xF0 | (u >> 18));
      *w++ = (char)(0x80 | ((u >> 12) & 0x3F));
      *w++ = (char)(0x80 | ((u >> 6) & 0x3F));
      *w++ = (char)(0x80 | (u & 0x3F));
    }
  }
  *w = '\0';
  return out;
}

void ampel_xls_format_number(double v, char out[32]) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(out, 32, "%.*g", prec, v);
    if (strtod(out, NULL) == v)
      return;
  }
}

static const char *error_text(unsigned code) {
  switch (code) {
  case 0x00: return "#NULL!";
  case 0x07: return "#DIV/0!";
  case 0x0F: return "#VALUE!";
  case 0x17: return "#REF!";
  case 0x1D: return "#NAME?";
  case 0x24: return "#NUM!";
  case 0x2A: return "#N/A";
  default: return "#ERROR!";
  }
}

/* ---- the BIFF8 records
 * -------------------------------------------------------
 */

/* The scan's replay of libfreexl's reading of the shared string table
 * (parse_SST). */
typedef struct sst_replay {
  int seen, open;            /* an SST came; the last record was SST/CONTINUE */
  uint32_t count, index;     /* strings declared, strings done */
  uint32_t cur_len, cur_off; /* a string continued in the next record */
  uint64_t cur_skip, next_skip; /* rich-text and phonetic bytes to skip */
} sst_replay;

typedef struct walk {
  const char *path;
  ampel_diags *diags;
  xls_scan *out;
  uint32_t *sheet_pos; /* lbPlyPos of each BOUNDSHEET */
  char **sheet_name;
  unsigned char *sheet_dim; /* DIMENSIONS seen while the sheet was active */
  size_t n_sheets;
  uint16_t *xf_fmt; /* number format of each XF (grows; at most 8192) */
  size_t n_xf, cap_xf;
  unsigned char date_fmt[65536 / 8]; /* custom formats that may be dates */
  uint64_t cells, date_steps;
  /* libfreexl's state: ok_bof -1 before the first BOF, 1 inside a
   * substream, 0 after an EOF; the active sheet (-1: none) */
  int ok_bof, in_globals;
  long sheet;
  uint16_t prev_type;
  int pending_string;
  uint32_t pend_row, pend_col;
  sst_replay sst;
  /* the active sheet: its DIMENSIONS, and the cells seen without one */
  int dim_set;
  uint32_t dim_rows, dim_cols, max_row, max_col;
  int any_cell;
  uint64_t *keys; /* sheet << 32 | row << 8 | col of every cell */
  size_t n_keys, cap_keys;
  ampel_status st;
} walk;

static void file_error(walk *w, ampel_status st, const char *fmt, ...)
    AMPEL_PRINTF(3, 4);
static void file_error(walk *w, ampel_status st, const char *fmt, ...) {
  if (w->st != AMPEL_OK)
    return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  w->st = st;
  ampel_diags_add(w->diags, AMPEL_SEV_ERROR, st, w->path, 1, 1, NULL, 0,
                  "keine gültige Excel-Datei (.xls): %s", msg);
}

/* A string without rich-text or phonetic parts whose flags byte is p[0]
 * and whose cch characters must fit in the `avail` bytes from p. libfreexl
 * copies cch characters whatever the record's size. */
static int plain_string_fits(const unsigned char *p, size_t avail, size_t cch) {
  if (avail < 1 || (p[0] & ~0x01u))
    return 0;
  return cch * ((p[0] & 1) ? 2 : 1) <= avail - 1;
}

/* One SST or CONTINUE record as libfreexl 1.0.6 parses it (parse_SST),
 * replayed with the bounds libfreexl does not check: a string header
 * (length, flags, run count, phonetic size) must lie inside the record;
 * a string's characters may go on in the next record only (libfreexl
 * copies the rest from that one record, with a new flags byte, and must
 * find its rich-text and phonetic bytes there too); the bytes skipped
 * after a string may reach into the next record only up to the next
 * string's header. Strings of odd byte counts split in a UTF-16 character
 * are refused too. Returns NULL, or why the table is refused. */
static const char *sst_record(sst_replay *r, const unsigned char *b, size_t n,
                              int first) {
  static const char damaged[] =
      "die Tabelle der gemeinsamen Texte (SST) ist beschädigt";
  size_t p = 0;
  if (first) {
    if (n < 8)
      return damaged;
    r->count = rd32(b + 4);
    p = 8;
  } else if (r->cur_len > 0) {
    if (n < 1 || (b[0] & ~0x01u))
      return damaged;
    size_t w = (b[0] & 1) ? 2 : 1;
    uint64_t end = 1 + (uint64_t)(r->cur_len - r->cur_off) * w;
    if (end > n)
      return "ein gemeinsamer Text (SST) reicht über mehr als zwei Sätze "
             "(etwa 4000 bis 8000 Zeichen und mehr), was libfreexl nicht "
             "sicher liest; bitte den Text kürzen oder die Datei als .xlsx "
             "speichern";
    end += r->cur_skip;
    if (end > n)
      return damaged;
    p = (size_t)end;
    r->cur_len = 0;
    r->next_skip = 0;
    r->index++;
  }
  while (r->index < r->count) {
    if (p >= n)
      return NULL; /* the next string starts in the next record */
    uint64_t at = (uint64_t)p + r->next_skip;
    r->next_skip = 0;
    if (at + 3 > n)
      return damaged;
    p = (size_t)at;
    size_t cch = rd16(b + p), flags = b[p + 2], head = 3;
    uint64_t tail = 0;
    if (flags & ~0x0Du)
      return damaged;
    if (flags & 8) {
      if (p + head + 2 > n)
        return damaged;
      tail += 4u * (uint64_t)rd16(b + p + head);
      head += 2;
    }
    if (flags & 4) {
      if (p + head + 4 > n)
        return damaged;
      tail += rd32(b + p + head);
      head += 4;
    }
    p += head;
    size_t w = (flags & 1) ? 2 : 1, avail = n - p;
    if (cch * w > avail) { /* continued in the next record */
      if (avail % w)
        return damaged;
      r->cur_len = (uint32_t)cch;
      r->cur_off = (uint32_t)(avail / w);
      r->cur_skip = tail;
      return NULL;
    }
    uint64_t end = (uint64_t)p + cch * w + tail;
    r->next_skip = end > n ? end - n : 0;
    p = end > n ? n : (size_t)end;
    r->index++;
  }
  return NULL;
}

/* The end of the SST and its CONTINUE records: every declared string
 * read and none left open. */
static void sst_close(walk *w) {
  if (!w->sst.open)
    return;
  w->sst.open = 0;
  if (w->sst.index != w->sst.count || w->sst.cur_len > 0)
    file_error(w, AMPEL_E_DATA,
               "die Tabelle der gemeinsamen Texte (SST) ist beschädigt");
}

static void col_name(uint32_t col, char out[8]) {
  char tmp[8];
  int n = 0;
  for (uint32_t c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
    tmp[n++] = (char)('A' + (c - 1) % 26);
  for (int i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

static void cell_error(walk *w, uint32_t row, uint32_t col, const char *fmt,
                       ...) AMPEL_PRINTF(4, 5);
static void cell_error(walk *w, uint32_t row, uint32_t col, const char *fmt,
                       ...) {
  if (w->st != AMPEL_OK)
    return;
  char msg[512], letters[8];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  col_name(col, letters);
  w->st = AMPEL_E_DATA;
  ampel_diags_add(w->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, w->path,
                  (long)row + 1, (long)col + 1, NULL, 0,
                  "Tabellenblatt '%s': Zelle %s%lu: %s",
                  w->sheet >= 0 ? w->sheet_name[w->sheet] : "?", letters,
                  (unsigned long)row + 1, msg);
}

static int is_date_xf(const walk *w, uint16_t xf) {
  if (xf >= w->n_xf)
    return 0;
  uint16_t f = w->xf_fmt[xf];
  return (f >= 14 && f <= 22) || (f >= 45 && f <= 47) ||
         (w->date_fmt[f / 8] & (1u << (f % 8)));
}

/* A number cell: libfreexl steps through the days of a date. */
static void number_cell(walk *w, uint32_t row, uint32_t col, uint16_t xf,
                        double v) {
  if (!is_date_xf(w, xf) || !(v >= 1.0))
    return;
  if (v > MAX_DATE_SERIAL) {
    cell_error(w, row, col,
               "Datumszelle mit dem Wert %.0f liegt nach dem 31.12.9999", v);
    return;
  }
  w->date_steps += (uint64_t)v;
  if (w->date_steps > XLS_MAX_DATE_STEPS)
    file_error(w, AMPEL_E_TOO_LARGE,
               "zu viele Datumszellen (zusammen mehr als 2^31 Tage seit "
               "1900); bitte Datumsspalten als Text oder Zahl formatieren");
}

static double rk_value(uint32_t rk) {
  double v;
  if (rk & 2) {
    v = (double)((int32_t)rk >> 2);
  } else {
    uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
    memcpy(&v, &bits, sizeof v);
  }
  return (rk & 1) ? v / 100 : v;
}

static void add_override(walk *w, uint32_t row, uint32_t col, int is_number,
                         char *text) {
  xls_scan *s = w->out;
  if (!text) {
    file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
    return;
  }
  if (w->sheet < 0) {
    ampel_free(text);
    return;
  }
  if (s->n_ov >= XLS_MAX_OVERRIDES) {
    ampel_free(text);
    file_error(w, AMPEL_E_TOO_LARGE, "mehr als %u Formel- und Fehlerzellen",
               XLS_MAX_OVERRIDES);
    return;
  }
  if (s->n_ov == s->cap_ov) {
    size_t cap = s->cap_ov ? s->cap_ov * 2 : 64;
    xls_override *p = ampel_reallocarray(s->ov, cap, sizeof *p);
    if (!p) {
      ampel_free(text);
      file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
      return;
    }
    s->ov = p;
    s->cap_ov = cap;
  }
  xls_override *o = &s->ov[s->n_ov++];
  o->sheet = (uint32_t)w->sheet;
  o->row = row;
  o->col = col;
  o->is_number = is_number;
  o->text = text;
}

static void formula(walk *w, const unsigned char *b, size_t n) {
  if (n < 20)
    return;
  uint32_t row = rd16(b), col = rd16(b + 2);
  if (rd16(b + 12) != 0xFFFF) {
    double v;
    char num[32];
    memcpy(&v, b + 6, sizeof v);
    if (!isfinite(v))
      return;
    ampel_xls_format_number(v, num);
    add_override(w, row, col, 1, ampel_strdup(num));
    return;
  }
  switch (b[6]) {
  case 0: /* text in the following STRING record */
    w->pending_string = 1;
    w->pend_row = row;
    w->pend_col = col;
    break;
  case 1: add_override(w, row, col, 1, ampel_strdup(b[8] ? "1" : "0")); break;
  case 2: add_override(w, row, col, 0, ampel_strdup(error_text(b[8]))); break;
  default: break; /* empty text: an empty cell */
  }
}

static void add_cells(walk *w, uint64_t n) {
  w->cells += n;
  if (w->cells > XLS_MAX_DECLARED_CELLS)
    file_error(w, AMPEL_E_TOO_LARGE,
               "die Tabellenblätter geben zusammen mehr als %llu Zellen an",
               (unsigned long long)XLS_MAX_DECLARED_CELLS);
}

/* The active sheet's end: without DIMENSIONS libfreexl sizes it by its
 * cells. */
static void sheet_end(walk *w) {
  if (!w->dim_set && w->any_cell)
    add_cells(w, ((uint64_t)w->max_row + 1) * ((uint64_t)w->max_col + 1));
  w->dim_set = w->any_cell = 0;
  w->max_row = w->max_col = 0;
}

/* A cell record at row, columns col..last of the active sheet: inside
 * the declared range? libfreexl drops the whole workbook (and leaks its
 * memory) otherwise. Every cell is noted for the test on cells stored
 * twice. */
static int cell_inside(walk *w, uint32_t row, uint32_t col, uint32_t last) {
  if (w->dim_set && (row >= w->dim_rows || last >= w->dim_cols)) {
    cell_error(w, row, last >= w->dim_cols ? last : col,
               "die Zelle liegt außerhalb des Bereichs, den das Blatt angibt "
               "(DIMENSIONS, %lu Zeilen, %lu Spalten); bitte die Datei in "
               "Excel öffnen und neu speichern",
               (unsigned long)w->dim_rows, (unsigned long)w->dim_cols);
    return 0;
  }
  if (last >= XLS_MAX_COL) { /* a MULRK past column IV */
    cell_error(w, row, col, "die Zeile reicht über Spalte IV hinaus");
    return 0;
  }
  w->any_cell = 1;
  if (row > w->max_row)
    w->max_row = row;
  if (last > w->max_col)
    w->max_col = last;
  size_t k = last - col + 1;
  if (w->n_keys + k > w->cap_keys) {
    size_t cap = w->cap_keys ? w->cap_keys : 256;
    while (cap < w->n_keys + k)
      cap *= 2;
    uint64_t *p = ampel_reallocarray(w->keys, cap, sizeof *p);
    if (!p) {
      file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
      return 0;
    }
    w->keys = p;
    w->cap_keys = cap;
  }
  for (uint32_t c = col; c <= last; c++)
    w->keys[w->n_keys++] =
        ((uint64_t)w->sheet << 32) | ((uint64_t)row << 8) | c;
  return 1;
}

static int key_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Two cell records for one cell: libfreexl keeps the second and loses
 * the first (and its memory, if it was a text or a date). */
static void cells_once(walk *w) {
  if (w->n_keys > 1)
    qsort(w->keys, w->n_keys, sizeof *w->keys, key_cmp);
  for (size_t i = 1; i < w->n_keys && w->st == AMPEL_OK; i++)
    if (w->keys[i] == w->keys[i - 1]) {
      w->sheet = (long)(w->keys[i] >> 32);
      cell_error(w, (uint32_t)(w->keys[i] >> 8) & 0xFFFFu,
                 (uint32_t)w->keys[i] & 0xFFu,
                 "die Zelle ist zweimal gespeichert (Datei beschädigt)");
    }
}

/* The rows with a value, from the cells (sorted by cells_once) and the
 * overrides (sorted): one entry per (sheet, row), with the end of its
 * last value. */
static void used_rows(walk *w) {
  xls_scan *out = w->out;
  size_t i = 0, j = 0, n = 0;
  if (w->n_keys + out->n_ov == 0)
    return;
  out->rows =
      ampel_reallocarray(NULL, w->n_keys + out->n_ov, sizeof *out->rows);
  if (!out->rows) {
    file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
    return;
  }
  while (i < w->n_keys || j < out->n_ov) {
    /* sheet << 32 | row of the next cell and of the next override */
    uint64_t k = i < w->n_keys
                     ? (w->keys[i] >> 32 << 32) | ((w->keys[i] >> 8) & 0xFFFFu)
                     : UINT64_MAX;
    uint64_t o = j < out->n_ov
                     ? ((uint64_t)out->ov[j].sheet << 32) | out->ov[j].row
                     : UINT64_MAX;
    uint64_t cur = k < o ? k : o;
    uint32_t end = 0;
    for (; i < w->n_keys &&
           ((w->keys[i] >> 32 << 32) | ((w->keys[i] >> 8) & 0xFFFFu)) == cur;
         i++)
      if ((uint32_t)(w->keys[i] & 0xFFu) + 1 > end)
        end = (uint32_t)(w->keys[i] & 0xFFu) + 1;
    for (; j < out->n_ov &&
           (((uint64_t)out->ov[j].sheet << 32) | out->ov[j].row) == cur;
         j++)
      if (out->ov[j].col + 1 > end)
        end = out->ov[j].col + 1;
    out->rows[n].sheet = (uint32_t)(cur >> 32);
    out->rows[n].row = (uint32_t)cur;
    out->rows[n++].end_col = end;
  }
  out->n_rows = n;
}

/* libfreexl 1.0.6 reads every record at fixed offsets from a buffer that
 * still holds the previous record's bytes: a record shorter than its
 * fixed part would be read with stale bytes. */
static size_t min_size(uint16_t type) {
  switch (type) {
  case R_BOF: return 4;
  case R_DATEMODE: return 2;
  case R_BOUNDSHEET: return 8;
  case R_DIMENSIONS: return 14;
  case R_FORMAT: return 5;
  case R_XF: return 4;
  case R_NUMBER: return 14;
  case R_BOOLERR: return 8;
  case R_RK: return 10;
  case R_MULRK: return 4;
  case R_LABEL: return 9;
  case R_LABELSST: return 10;
  case R_SST: return 8;
  default: return 0;
  }
}

/* A record of the workbook globals (the first substream); libfreexl
 * would also take them inside a sheet, where the scan refuses them. */
static void globals_record(walk *w, uint16_t type, const unsigned char *b,
                           size_t n) {
  if (!w->in_globals) {
    file_error(w, AMPEL_E_DATA,
               "ein Satz der Arbeitsmappe (0x%04X) steht in einem "
               "Tabellenblatt",
               type);
    return;
  }
  if (type == R_DATEMODE) {
    w->out->date1904 = rd16(b) != 0;
  } else if (type == R_XF) {
    if (w->n_xf >= XLS_MAX_XF) { /* libfreexl's table: 8192 entries */
      file_error(w, AMPEL_E_TOO_LARGE, "mehr als %u Zellformate (XF)",
                 XLS_MAX_XF);
      return;
    }
    if (w->n_xf == w->cap_xf) {
      /* grown as XF records come (a workbook has dozens): a fixed
       * table cost a zeroed block per file */
      size_t cap = w->cap_xf ? 2 * w->cap_xf : 64;
      uint16_t *x = ampel_realloc(w->xf_fmt, cap * sizeof *x);
      if (!x) {
        file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
        return;
      }
      w->xf_fmt = x;
      w->cap_xf = cap;
    }
    w->xf_fmt[w->n_xf++] = rd16(b + 2);
  } else if (type == R_FORMAT) {
    if (!plain_string_fits(b + 4, n - 4, rd16(b + 2))) {
      file_error(w, AMPEL_E_DATA, "ein Zahlenformat (FORMAT) ist beschädigt");
      return;
    }
    uint16_t f = rd16(b);
    char *t = biff_text(b + 5, n - 5, rd16(b + 2), b[4] & 1);
    if (!t) {
      file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
      return;
    }
    if (strpbrk(t, "dDmMyYhHsSjJtT")) /* over-approximates libfreexl */
      w->date_fmt[f / 8] |= (unsigned char)(1u << (f % 8));
    ampel_free(t);
  } else if (type == R_SST) {
    if (w->sst.seen) { /* libfreexl would read it as a CONTINUE */
      file_error(w, AMPEL_E_DATA,
                 "die Arbeitsmappe hat mehr als eine Tabelle der gemeinsamen "
                 "Texte (SST)");
      return;
    }
    w->sst.seen = w->sst.open = 1;
    const char *why = rd32(b + 4) > XLS_MAX_SST
                          ? "mehr als 1048576 gemeinsame Texte (SST)"
                          : sst_record(&w->sst, b, n, 1);
    if (why)
      file_error(w, AMPEL_E_DATA, "%s", why);
  } else if (type == R_BOUNDSHEET) {
    if (w->n_sheets >= XLS_MAX_SHEETS) {
      file_error(w, AMPEL_E_TOO_LARGE, "mehr als %u Tabellenblätter",
                 XLS_MAX_SHEETS);
      return;
    }
    if (b[6] == 0 || !plain_string_fits(b + 7, n - 7, b[6])) {
      file_error(w, AMPEL_E_DATA, "ein Blattname (BOUNDSHEET) ist beschädigt");
      return;
    }
    char *name = biff_text(b + 8, n - 8, b[6], b[7] & 1);
    uint32_t *p = ampel_reallocarray(w->sheet_pos, w->n_sheets + 1, sizeof *p);
    if (p)
      w->sheet_pos = p;
    char **q = p ? ampel_reallocarray(w->sheet_name, w->n_sheets + 1, sizeof *q)
                 : NULL;
    if (q)
      w->sheet_name = q;
    unsigned char *d = q ? ampel_realloc(w->sheet_dim, w->n_sheets + 1) : NULL;
    if (d)
      w->sheet_dim = d;
    if (!name || !p || !q || !d) {
      ampel_free(name);
      file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
      return;
    }
    w->sheet_pos[w->n_sheets] = rd32(b);
    w->sheet_dim[w->n_sheets] = 0;
    w->sheet_name[w->n_sheets++] = name;
  }
}

/* DIMENSIONS of the active sheet: allocated by libfreexl at once, so
 * one per sheet and before the sheet's first cell (libfreexl would
 * allocate again and lose the first block, or skip the earlier cells). */
static void dimensions(walk *w, const unsigned char *b) {
  if (w->sheet < 0)
    return; /* libfreexl ignores it */
  const char *name = w->sheet_name[w->sheet];
  if (w->sheet_dim[w->sheet] || w->any_cell) {
    file_error(w, AMPEL_E_DATA,
               "Tabellenblatt '%s' gibt seine Größe (DIMENSIONS) %s an; "
               "bitte die Datei in Excel öffnen und neu speichern",
               name, w->any_cell ? "erst nach Zellen" : "mehrmals");
    return;
  }
  uint32_t rows = rd32(b + 4), cols = rd16(b + 10);
  if (rows > XLS_MAX_ROW || cols > XLS_MAX_COL) {
    file_error(w, AMPEL_E_TOO_LARGE,
               "Tabellenblatt '%s' gibt %lu Zeilen und %lu Spalten an "
               "(höchstens 65536 und 256)",
               name, (unsigned long)rows, (unsigned long)cols);
    return;
  }
  w->sheet_dim[w->sheet] = 1;
  w->dim_set = 1;
  w->dim_rows = rows;
  w->dim_cols = cols;
  add_cells(w, (uint64_t)rows * cols);
}

/* A record inside a substream (ok_bof 1), wherever libfreexl takes it. */
static void record(walk *w, uint16_t type, const unsigned char *b, size_t n) {
  int cell = type == R_NUMBER || type == R_RK || type == R_LABEL ||
             type == R_BOOLERR || type == R_LABELSST || type == R_MULRK;
  if (type == R_LABEL && !plain_string_fits(b + 8, n - 8, rd16(b + 6))) {
    file_error(w, AMPEL_E_DATA,
               "eine Textzelle (LABEL) ist beschädigt: Text "
               "länger als ihr Satz");
    return;
  }
  if (cell && w->sheet < 0) { /* libfreexl fails on it */
    file_error(w, AMPEL_E_DATA,
               "eine Zelle (Satz 0x%04X) gehört zu keinem Tabellenblatt", type);
    return;
  }
  if (cell && type != R_MULRK &&
      !cell_inside(w, rd16(b), rd16(b + 2), rd16(b + 2)))
    return;
  if (type == R_MULRK) {
    size_t k = n > 10 ? (n - 5) / 6 : 0; /* entries read: off + 6 < n */
    if (k > 0 &&
        !cell_inside(w, rd16(b), rd16(b + 2), rd16(b + 2) + (uint32_t)k - 1))
      return;
  }
  /* STRING follows its FORMULA, maybe after SHRFMLA, ARRAY or TABLE */
  if (type != R_STRING && type != 0x04BC && type != 0x0221 && type != 0x0236)
    w->pending_string = 0;
  switch (type) {
  case R_DATEMODE:
  case R_XF:
  case R_FORMAT:
  case R_SST:
  case R_BOUNDSHEET: globals_record(w, type, b, n); break;
  case R_DIMENSIONS: dimensions(w, b); break;
  case R_NUMBER: {
    double v;
    memcpy(&v, b + 6, sizeof v);
    number_cell(w, rd16(b), rd16(b + 2), rd16(b + 4), v);
    break;
  }
  case R_RK:
    number_cell(w, rd16(b), rd16(b + 2), rd16(b + 4), rk_value(rd32(b + 6)));
    break;
  case R_MULRK: { /* the entries libfreexl reads: off + 6 < size */
    uint32_t col = rd16(b + 2);
    for (size_t off = 4; off + 6 < n && w->st == AMPEL_OK; off += 6, col++)
      number_cell(w, rd16(b), col, rd16(b + off), rk_value(rd32(b + off + 2)));
    break;
  }
  case R_FORMULA:
    if (w->sheet >= 0)
      formula(w, b, n);
    break;
  case R_STRING:
    if (w->pending_string && n >= 3) {
      w->pending_string = 0;
      add_override(w, w->pend_row, w->pend_col, 0,
                   biff_text(b + 3, n - 3, rd16(b), b[2] & 1));
    }
    break;
  case R_BOOLERR:
    if (b[7])
      add_override(w, rd16(b), rd16(b + 2), 0, ampel_strdup(error_text(b[6])));
    break;
  default: break;
  }
}

static int ov_cmp(const void *a, const void *b) {
  const xls_override *x = a, *y = b;
  if (x->sheet != y->sheet)
    return x->sheet < y->sheet ? -1 : 1;
  if (x->row != y->row)
    return x->row < y->row ? -1 : 1;
  return x->col < y->col ? -1 : x->col > y->col;
}

/* The records in libfreexl's order and state (parse_biff_record): a BOF
 * after an EOF makes the sheet whose BOUNDSHEET names its position the
 * active one; a BOF inside a substream is ignored; records go to the
 * active sheet whatever substream they are in. */
static void walk_records(walk *w, const unsigned char *s, size_t n) {
  size_t pos = 0;
  w->ok_bof = -1;
  while (w->st == AMPEL_OK && pos + 4 <= n) {
    uint16_t type = rd16(s + pos), size = rd16(s + pos + 2);
    if (type == 0 && size == 0)
      break; /* padding: the end for libfreexl too */
    if (size > MAX_RECORD || pos + 4 + size > n) {
      file_error(w, AMPEL_E_DATA,
                 "Satz 0x%04X an Byte %zu ist %s (Datei beschädigt oder "
                 "abgeschnitten)",
                 type, pos,
                 size > MAX_RECORD ? "länger als 8224 Bytes" : "abgeschnitten");
      return;
    }
    const unsigned char *b = s + pos + 4;
    pos += 4 + (size_t)size;
    if (type == R_CONTINUE) { /* libfreexl looks at nothing else */
      const char *why = w->prev_type == R_SST && w->sst.open
                            ? sst_record(&w->sst, b, size, 0)
                            : NULL;
      if (why)
        file_error(w, AMPEL_E_DATA, "%s", why);
      continue;
    }
    w->prev_type = type;
    sst_close(w);
    if (w->st != AMPEL_OK)
      return;
    if (size < min_size(type)) {
      file_error(w, AMPEL_E_DATA,
                 "Satz 0x%04X an Byte %zu ist zu kurz (%u Bytes; Datei "
                 "beschädigt)",
                 type, pos - 4 - size, (unsigned)size);
      return;
    }
    if (w->ok_bof == -1) {
      uint16_t vers = rd16(b);
      if (type != R_BOF || vers != 0x0600) {
        file_error(w, AMPEL_E_DATA, "%s",
                   type == R_BOF && vers == 0x0500
                       ? "Excel 5.0/95 wird nicht gelesen; bitte als .xlsx "
                         "oder als Excel 97-2003 speichern"
                       : "der Datenstrom \"Workbook\" beginnt nicht mit einem "
                         "BIFF8-Kopf (BOF)");
        return;
      }
      w->ok_bof = 1;
      w->in_globals = 1;
    } else if (w->ok_bof == 0) {
      if (type != R_BOF) {
        file_error(w, AMPEL_E_DATA,
                   "auf das Ende eines Teils (EOF) folgt an Byte %zu kein "
                   "neuer Teil (BOF)",
                   pos - 4 - size);
        return;
      }
      sheet_end(w);
      w->sheet = -1;
      for (size_t i = 0; i < w->n_sheets && w->sheet < 0; i++)
        if (w->sheet_pos[i] == pos - 4 - size)
          w->sheet = (long)i;
      w->ok_bof = 1;
      w->pending_string = 0;
    } else if (type == R_FILEPASS) {
      file_error(w, AMPEL_E_DATA,
                 "die Arbeitsmappe ist mit einem Kennwort geschützt "
                 "(verschlüsselt); bitte in Excel ohne Kennwort speichern");
      return;
    } else if (type == R_EOF) {
      w->ok_bof = 0;
      w->in_globals = 0;
    } else if (type == R_BOF) {
      w->pending_string = 0; /* ignored by libfreexl */
    } else {
      record(w, type, b, size);
    }
  }
  w->prev_type = 0;
  sst_close(w);
  if (w->st != AMPEL_OK)
    return;
  sheet_end(w);
  /* libfreexl 1.0.6 gives the cells of a sheet without DIMENSIONS to the
   * sheet active at the end (common_open calls allocate_cells for it):
   * right only when that is the one such sheet; otherwise it loses a
   * block of cells and empties a sheet. */
  for (size_t i = 0; i < w->n_sheets && w->st == AMPEL_OK; i++)
    if (!w->sheet_dim[i] && (long)i != w->sheet)
      file_error(w, AMPEL_E_DATA,
                 "Tabellenblatt '%s' gibt seine Größe nicht an (kein "
                 "DIMENSIONS-Satz, etwa ein Diagrammblatt); so ist die Mappe "
                 "nicht sicher lesbar: bitte das Blatt entfernen oder die "
                 "Datei als .xlsx speichern",
                 w->sheet_name[i]);
  if (w->st == AMPEL_OK)
    cells_once(w);
}

ampel_status ampel_xls_scan(const char *data, size_t len, const char *path,
                            xls_scan *out, ampel_diags *diags) {
  static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                         0xA1, 0xB1, 0x1A, 0xE1};
  memset(out, 0, sizeof *out);
  walk *w = ampel_calloc(1, sizeof *w);
  cfb c = {(const unsigned char *)data, len, 0, 0, NULL, 0};
  unsigned char *stream = NULL;
  size_t stream_len = 0;
  if (!w) {
    ampel_diags_error(diags, AMPEL_E_NOMEM, "%s: Speicher erschöpft", path);
    return AMPEL_E_NOMEM;
  }
  w->path = path;
  w->diags = diags;
  w->out = out;
  w->sheet = -1;
  const char *why = NULL;
  if (len < 8 || memcmp(data, magic, 8) != 0)
    why = len == 0 ? "die Datei ist leer"
                   : "kein Excel-97-2003-Format (die Datei beginnt nicht "
                     "mit der Kennung einer Verbunddatei); ist es eine "
                     "Textdatei, bitte als .csv einlesen";
  else if (len < 512)
    why = "die Datei ist kürzer als der Kopf einer Verbunddatei (512 Bytes; "
          "abgeschnitten?)";
  if (!why) {
    uint16_t shift = rd16(c.d + 0x1E);
    if (shift != 9 && shift != 12)
      why = "Sektorgröße im Dateikopf ist ungültig";
    else {
      c.ss = 1u << shift;
      c.n_sectors = (uint32_t)(len / c.ss > 0 ? len / c.ss - 1 : 0);
      if (len / c.ss - 1 > 0xFFFFFFF0u)
        why = "die Datei ist zu groß";
    }
  }
  if (!why)
    why = read_fat(&c);
  if (!why)
    why = workbook_stream(&c, &stream, &stream_len);
  if (why && !*why)
    file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
  else if (why)
    file_error(w, AMPEL_E_DATA, "%s", why);
  if (w->st == AMPEL_OK)
    walk_records(w, stream, stream_len);
  if (w->st == AMPEL_OK && w->n_sheets == 0)
    file_error(w, AMPEL_E_DATA, "die Arbeitsmappe nennt kein Tabellenblatt");
  if (out->n_ov > 1)
    qsort(out->ov, out->n_ov, sizeof *out->ov, ov_cmp);
  if (w->st == AMPEL_OK)
    used_rows(w);
  ampel_status st = w->st;
  for (size_t i = 0; i < w->n_sheets; i++)
    ampel_free(w->sheet_name[i]);
  ampel_free(w->sheet_name);
  ampel_free(w->sheet_pos);
  ampel_free(w->sheet_dim);
  ampel_free(w->xf_fmt);
  ampel_free(w->keys);
  ampel_free(w);
  ampel_free(stream);
  ampel_free(c.fat);
  if (st != AMPEL_OK)
    ampel_xls_scan_release(out);
  return st;
}

void ampel_xls_scan_release(xls_scan *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n_ov; i++)
    ampel_free(s->ov[i].text);
  ampel_free(s->ov);
  ampel_free(s->rows);
  memset(s, 0, sizeof *s);
}
