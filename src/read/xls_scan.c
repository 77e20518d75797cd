/* XLS reader: the walk over the file before libfreexl opens it
 * (xls_internal.h).
 *
 * An .xls file is a Compound File (MS-CFB): 512- or 4096-byte sectors, a
 * FAT of sector chains (listed by the header's DIFAT and DIFAT sectors), a
 * directory of streams. The stream "Workbook" (Excel 97-2003) holds BIFF8
 * records (MS-XLS): the workbook globals, then one substream per sheet,
 * each from BOF to EOF. Streams under 4096 bytes live in the mini stream.
 *
 * Every chain is walked at most once per sector of the file, every record
 * is bounds-checked, nothing recurses. The scan refuses
 *   - anything but a BIFF8 Workbook stream (Excel 5.0/95, other OLE files,
 *     a password-protected .xlsx, which is a container with an
 *     "EncryptedPackage" stream),
 *   - FILEPASS (the workbook is encrypted: its records are unreadable),
 *   - records over 8224 bytes or cut short, sheets over 65536 rows or 256
 *     columns, more than XLS_MAX_DECLARED_CELLS cells declared by the
 *     DIMENSIONS records together (libfreexl allocates them all),
 *   - date-formatted numbers after 9999-12-31 and more than
 *     XLS_MAX_DATE_STEPS days over all date cells (libfreexl counts dates
 *     day by day),
 * and collects the cached results of FORMULA records and the error values
 * of BOOLERR records, which libfreexl leaves empty or reads as 1.
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

/* Copies a stream of `size` bytes from its chain into a new buffer.
 * `mini`: the chain is in the mini FAT, sectors of 64 bytes in `ms`. */
static const char *read_chain(const cfb *c, uint32_t start, uint64_t size,
                              const uint32_t *fat, size_t n_fat,
                              const unsigned char *ms, size_t ms_len,
                              unsigned char **out) {
  uint32_t unit = ms ? 64 : c->ss;
  uint64_t limit = ms ? ms_len : (uint64_t)c->n_sectors * c->ss;
  *out = NULL;
  if (size > limit)
    return "ein Datenstrom ist größer als die Datei (abgeschnitten?)";
  unsigned char *buf = ampel_alloc(size ? (size_t)size : 1);
  if (!buf)
    return "";
  uint64_t got = 0, steps = 0;
  uint32_t s = start;
  while (got < size) {
    const unsigned char *src = NULL;
    if (ms)
      src = (uint64_t)s * 64 + 64 <= ms_len ? ms + (size_t)s * 64 : NULL;
    else
      src = sector(c, s);
    if (!src || s >= n_fat || ++steps > limit / unit + 1) {
      ampel_free(buf);
      return "eine Sektorkette ist beschädigt oder abgeschnitten";
    }
    uint64_t n = size - got < unit ? size - got : unit;
    memcpy(buf + got, src, (size_t)n);
    got += n;
    s = fat[s];
  }
  *out = buf;
  return NULL;
}

/* The whole directory chain as one buffer of 128-byte entries. */
static const char *read_directory(const cfb *c, unsigned char **out,
                                  size_t *out_n) {
  uint32_t s = rd32(c->d + 0x30);
  size_t n = 0;
  for (uint32_t t = s; t != ENDOFCHAIN; t = c->fat[t]) {
    if (!sector(c, t) || t >= c->n_fat || ++n > c->n_sectors)
      return "das Inhaltsverzeichnis ist beschädigt oder abgeschnitten";
  }
  const char *why =
      read_chain(c, s, (uint64_t)n * c->ss, c->fat, c->n_fat, NULL, 0, out);
  *out_n = n * c->ss / 128;
  return why;
}

static int name_is(const unsigned char *e, const char *ascii) {
  size_t n = strlen(ascii), bytes = rd16(e + 0x40);
  if (bytes != 2 * (n + 1))
    return 0;
  for (size_t i = 0; i < n; i++)
    if (e[2 * i] != (unsigned char)ascii[i] || e[2 * i + 1] != 0)
      return 0;
  return 1;
}

/* Finds and copies the Workbook stream. */
static const char *workbook_stream(cfb *c, unsigned char **out,
                                   size_t *out_len) {
  unsigned char *dir = NULL, *ms = NULL;
  uint32_t *mfat = NULL;
  size_t n_dir = 0;
  const char *why = read_directory(c, &dir, &n_dir);
  if (why)
    return why;
  const unsigned char *wb = NULL, *root = NULL;
  for (size_t i = 0; i < n_dir; i++) {
    const unsigned char *e = dir + i * 128;
    if (e[0x42] == 5 && !root)
      root = e;
    else if (e[0x42] == 2 && !wb &&
             (name_is(e, "Workbook") || name_is(e, "Book")))
      wb = e;
  }
  if (!wb) {
    ampel_free(dir);
    return "kein Datenstrom \"Workbook\" (keine Excel-Arbeitsmappe; "
           "kennwortgeschützte .xlsx-Dateien haben ebenfalls dieses Format: "
           "bitte ohne Kennwort speichern)";
  }
  uint32_t start = rd32(wb + 0x74), size = rd32(wb + 0x78);
  uint32_t cutoff = rd32(c->d + 0x38);
  if (size >= cutoff) {
    why = read_chain(c, start, size, c->fat, c->n_fat, NULL, 0, out);
  } else if (!root) {
    why = "das Inhaltsverzeichnis hat keinen Wurzeleintrag";
  } else {
    /* the mini stream (the root's stream) and the mini FAT */
    uint32_t mf_start = rd32(c->d + 0x3C), mf_n = rd32(c->d + 0x40);
    if (mf_n > c->n_sectors)
      why = "die Mini-FAT ist zu groß";
    if (!why)
      why = read_chain(c, mf_start, (uint64_t)mf_n * c->ss, c->fat, c->n_fat,
                       NULL, 0, (unsigned char **)&mfat);
    for (size_t i = 0; !why && i < (size_t)mf_n * c->ss / 4; i++)
      mfat[i] = rd32((const unsigned char *)&mfat[i]); /* to host order */
    if (!why)
      why = read_chain(c, rd32(root + 0x74), rd32(root + 0x78), c->fat,
                       c->n_fat, NULL, 0, &ms);
    if (!why)
      why = read_chain(c, start, size, mfat, (size_t)mf_n * c->ss / 4, ms,
                       rd32(root + 0x78), out);
  }
  *out_len = size;
  ampel_free(ms);
  ampel_free(mfat);
  ampel_free(dir);
  return why;
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

typedef struct seg {
  const unsigned char *p;
  size_t n;
} seg;

typedef struct walk {
  const char *path;
  ampel_diags *diags;
  xls_scan *out;
  uint32_t *sheet_pos; /* lbPlyPos of each BOUNDSHEET */
  char **sheet_name;
  size_t n_sheets;
  uint16_t *xf_fmt; /* number format of each XF (grows; at most 65,536) */
  size_t n_xf, cap_xf;
  unsigned char date_fmt[65536 / 8]; /* custom formats that may be dates */
  uint64_t cells, date_steps;
  long sheet; /* current sheet substream, -1 outside or unknown */
  int pending_string;
  uint32_t pend_row, pend_col;
  seg *sst; /* the SST record and its CONTINUE records */
  size_t n_sst, cap_sst;
  int in_sst;
  /* the current sheet: its DIMENSIONS, and the cells seen without one */
  int dim_set;
  uint32_t dim_rows, dim_cols, max_row, max_col;
  int any_cell;
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

/* The shared string table as BIFF8 lays it out over SST and CONTINUE
 * records (MS-XLS 2.4.265, 2.5.293): every string header inside one
 * record, characters continued with a new flags byte, rich-text runs and
 * phonetic data skipped across records. libfreexl's own parser trusts
 * the character counts, so anything that does not fit is refused. */
static int sst_valid(const walk *w) {
  if (w->n_sst == 0 || w->sst[0].n < 8)
    return 0;
  uint32_t unique = rd32(w->sst[0].p + 4);
  size_t si = 0, off = 8;
  for (uint32_t k = 0; k < unique; k++) {
    if (off == w->sst[si].n) { /* the next string starts a record */
      if (++si == w->n_sst)
        return 0;
      off = 0;
    }
    const unsigned char *p = w->sst[si].p + off;
    size_t left = w->sst[si].n - off;
    if (left < 3)
      return 0;
    size_t cch = rd16(p), flags = p[2], head = 3;
    if (flags & ~0x0Du)
      return 0;
    uint64_t tail = 0;
    if (flags & 8) {
      if (left < head + 2)
        return 0;
      tail += 4u * rd16(p + head);
      head += 2;
    }
    if (flags & 4) {
      if (left < head + 4)
        return 0;
      tail += rd32(p + head);
      head += 4;
    }
    off += head;
    int wide = flags & 1;
    while (cch > 0) {
      size_t avail = (w->sst[si].n - off) / (wide ? 2 : 1);
      if (avail == 0) { /* continued: a new flags byte */
        if (off + (wide ? 1 : 0) < w->sst[si].n || ++si == w->n_sst ||
            w->sst[si].n < 1 || (w->sst[si].p[0] & ~0x01u))
          return 0;
        wide = w->sst[si].p[0] & 1;
        off = 1;
        continue;
      }
      size_t take = avail < cch ? avail : cch;
      off += take * (wide ? 2 : 1);
      cch -= take;
    }
    while (tail > 0) { /* rich text and phonetic data, no flags bytes */
      if (off == w->sst[si].n) {
        if (++si == w->n_sst)
          return 0;
        off = 0;
      }
      size_t take =
          w->sst[si].n - off < tail ? w->sst[si].n - off : (size_t)tail;
      off += take;
      tail -= take;
    }
  }
  return 1;
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

static void globals_record(walk *w, uint16_t type, const unsigned char *b,
                           size_t n) {
  if (type == R_DATEMODE && n >= 2) {
    w->out->date1904 = rd16(b) != 0;
  } else if (type == R_XF && n >= 4) {
    if (w->n_xf == w->cap_xf && w->cap_xf < 65536) {
      /* grown as XF records come (a workbook has dozens): a fixed
       * 65,536-entry table cost a 128 KiB zeroed block per file */
      size_t cap = w->cap_xf ? 2 * w->cap_xf : 64;
      uint16_t *x = ampel_realloc(w->xf_fmt, cap * sizeof *x);
      if (!x) {
        file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
        return;
      }
      w->xf_fmt = x;
      w->cap_xf = cap;
    }
    if (w->n_xf < w->cap_xf)
      w->xf_fmt[w->n_xf++] = rd16(b + 2);
  } else if (type == R_FORMAT) {
    if (n < 5 || !plain_string_fits(b + 4, n - 4, rd16(b + 2))) {
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
    w->in_sst = 1;
    w->n_sst = 0;
  } else if (type == R_BOUNDSHEET && n >= 8) {
    if (w->n_sheets >= XLS_MAX_SHEETS) {
      file_error(w, AMPEL_E_TOO_LARGE, "mehr als %u Tabellenblätter",
                 XLS_MAX_SHEETS);
      return;
    }
    if (!plain_string_fits(b + 7, n - 7, b[6])) {
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
    if (!name || !p || !q) {
      ampel_free(name);
      file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
      return;
    }
    w->sheet_pos[w->n_sheets] = rd32(b);
    w->sheet_name[w->n_sheets++] = name;
  }
}

static void add_cells(walk *w, uint64_t n) {
  w->cells += n;
  if (w->cells > XLS_MAX_DECLARED_CELLS)
    file_error(w, AMPEL_E_TOO_LARGE,
               "die Tabellenblätter geben zusammen mehr als %llu Zellen an",
               (unsigned long long)XLS_MAX_DECLARED_CELLS);
}

/* A sheet's end: without DIMENSIONS libfreexl sizes it by its cells. */
static void sheet_end(walk *w) {
  if (!w->dim_set && w->any_cell)
    add_cells(w, ((uint64_t)w->max_row + 1) * ((uint64_t)w->max_col + 1));
  w->dim_set = w->any_cell = 0;
  w->max_row = w->max_col = 0;
}

/* A cell record at row, columns col..last: inside the declared range?
 * libfreexl drops the whole workbook (and leaks its memory) otherwise. */
static int cell_inside(walk *w, uint32_t row, uint32_t col, uint32_t last) {
  if (w->dim_set && (row >= w->dim_rows || last >= w->dim_cols)) {
    cell_error(w, row, last >= w->dim_cols ? last : col,
               "die Zelle liegt außerhalb des Bereichs, den das Blatt angibt "
               "(DIMENSIONS, %lu Zeilen, %lu Spalten); bitte die Datei in "
               "Excel öffnen und neu speichern",
               (unsigned long)w->dim_rows, (unsigned long)w->dim_cols);
    return 0;
  }
  w->any_cell = 1;
  if (row > w->max_row)
    w->max_row = row;
  if (last > w->max_col)
    w->max_col = last;
  return 1;
}

static void sheet_record(walk *w, uint16_t type, const unsigned char *b,
                         size_t n) {
  if ((type == R_NUMBER || type == R_RK || type == R_LABEL ||
       type == R_BOOLERR || type == 0x00FD /* LABELSST */) &&
      n >= 4 && !cell_inside(w, rd16(b), rd16(b + 2), rd16(b + 2)))
    return;
  if (type == R_MULRK && n >= 4) {
    size_t k = n > 10 ? (n - 5) / 6 : 0; /* entries read: off + 6 < n */
    if (k > 0 &&
        !cell_inside(w, rd16(b), rd16(b + 2), rd16(b + 2) + (uint32_t)k - 1))
      return;
  }
  /* STRING follows its FORMULA, maybe after SHRFMLA, ARRAY or TABLE */
  if (type != R_STRING && type != 0x04BC && type != 0x0221 && type != 0x0236)
    w->pending_string = 0;
  switch (type) {
  case R_DIMENSIONS:
    if (n >= 14) {
      uint32_t rows = rd32(b + 4), cols = rd16(b + 10);
      if (rows > XLS_MAX_ROW || cols > XLS_MAX_COL) {
        file_error(w, AMPEL_E_TOO_LARGE,
                   "Tabellenblatt '%s' gibt %lu Zeilen und %lu Spalten an "
                   "(höchstens 65536 und 256)",
                   w->sheet >= 0 ? w->sheet_name[w->sheet] : "?",
                   (unsigned long)rows, (unsigned long)cols);
        return;
      }
      w->dim_set = 1;
      w->dim_rows = rows;
      w->dim_cols = cols;
      add_cells(w, (uint64_t)rows * cols);
    }
    break;
  case R_NUMBER:
    if (n >= 14) {
      double v;
      memcpy(&v, b + 6, sizeof v);
      number_cell(w, rd16(b), rd16(b + 2), rd16(b + 4), v);
    }
    break;
  case R_RK:
    if (n >= 10)
      number_cell(w, rd16(b), rd16(b + 2), rd16(b + 4), rk_value(rd32(b + 6)));
    break;
  case R_MULRK: { /* the entries libfreexl reads: off + 6 < size */
    uint32_t col = rd16(b + 2);
    for (size_t off = 4; n >= 4 && off + 6 < n && w->st == AMPEL_OK;
         off += 6, col++)
      number_cell(w, rd16(b), col, rd16(b + off), rk_value(rd32(b + off + 2)));
    break;
  }
  case R_FORMULA: formula(w, b, n); break;
  case R_LABEL:
    if (n < 9 || !plain_string_fits(b + 8, n - 8, rd16(b + 6)))
      file_error(w, AMPEL_E_DATA,
                 "eine Textzelle (LABEL) ist beschädigt: Text länger als "
                 "ihr Satz");
    break;
  case R_STRING:
    if (w->pending_string && n >= 3) {
      w->pending_string = 0;
      add_override(w, w->pend_row, w->pend_col, 0,
                   biff_text(b + 3, n - 3, rd16(b), b[2] & 1));
    }
    break;
  case R_BOOLERR:
    if (n >= 8 && b[7])
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

static int add_seg(walk *w, const unsigned char *p, size_t n) {
  if (w->n_sst == w->cap_sst) {
    size_t cap = w->cap_sst ? w->cap_sst * 2 : 16;
    seg *q = ampel_reallocarray(w->sst, cap, sizeof *q);
    if (!q) {
      file_error(w, AMPEL_E_NOMEM, "Speicher erschöpft");
      return 0;
    }
    w->sst = q;
    w->cap_sst = cap;
  }
  w->sst[w->n_sst].p = p;
  w->sst[w->n_sst++].n = n;
  return 1;
}

static int end_sst(walk *w) {
  w->in_sst = 0;
  if (sst_valid(w))
    return 1;
  file_error(w, AMPEL_E_DATA,
             "die Tabelle der gemeinsamen Texte (SST) ist beschädigt");
  return 0;
}

static void walk_records(walk *w, const unsigned char *s, size_t n) {
  size_t pos = 0;
  int depth = 0, first = 1; /* inside a substream; no BOF seen yet */
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
    if (w->in_sst && type == R_CONTINUE) {
      if (!add_seg(w, b, size))
        return;
      pos += 4 + (size_t)size;
      continue;
    }
    if (w->in_sst && !end_sst(w))
      return;
    if (first) {
      first = 0;
      uint16_t vers = size >= 4 ? rd16(b) : 0;
      if (type != R_BOF || vers != 0x0600) {
        file_error(w, AMPEL_E_DATA, "%s",
                   type == R_BOF && vers == 0x0500
                       ? "Excel 5.0/95 wird nicht gelesen; bitte als .xlsx "
                         "oder als Excel 97-2003 speichern"
                       : "der Datenstrom \"Workbook\" beginnt nicht mit einem "
                         "BIFF8-Kopf (BOF)");
        return;
      }
      depth = 1;
      w->sheet = -1;
    } else if (type == R_FILEPASS) {
      file_error(w, AMPEL_E_DATA,
                 "die Arbeitsmappe ist mit einem Kennwort geschützt "
                 "(verschlüsselt); bitte in Excel ohne Kennwort speichern");
      return;
    } else if (type == R_BOF) {
      if (depth == 2)
        sheet_end(w);
      w->sheet = -1;
      for (size_t i = 0; i < w->n_sheets; i++)
        if (w->sheet_pos[i] == pos)
          w->sheet = (long)i;
      depth = 2;
      w->pending_string = 0;
    } else if (type == R_EOF) {
      if (depth == 2)
        sheet_end(w);
      depth = 0;
      w->sheet = -1;
    } else if (depth == 1 && w->sheet < 0) {
      globals_record(w, type, b, size);
      if (type == R_SST && w->st == AMPEL_OK && !add_seg(w, b, size))
        return;
    } else if (depth == 2) {
      sheet_record(w, type, b, size);
    }
    pos += 4 + (size_t)size;
  }
  if (w->st == AMPEL_OK && w->in_sst)
    end_sst(w);
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
  ampel_status st = w->st;
  for (size_t i = 0; i < w->n_sheets; i++)
    ampel_free(w->sheet_name[i]);
  ampel_free(w->sheet_name);
  ampel_free(w->sheet_pos);
  ampel_free(w->xf_fmt);
  ampel_free(w->sst);
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
  memset(s, 0, sizeof *s);
}
