/* read/xlsx_internal.h - shared pieces of the XLSX reader (not installed).
 *
 * The reader is split into three files:
 *   xlsx_xml.c  growing buffers, text helpers (_xHHHH_ escapes, trimming)
 *               and the driver that streams one zip entry through expat;
 *   xlsx.c      the workbook: zip archive, workbook.xml, its relations and
 *               the shared strings;
 *   xlsx_sheet.c  one worksheet, handed out row by row.
 */
#ifndef AMPEL_READ_XLSX_INTERNAL_H
#define AMPEL_READ_XLSX_INTERNAL_H

#include <expat.h>
#include <stdint.h>
#include <zip.h>

#include "ampel/read.h"

/* Caps for untrusted workbooks (STYLE.md §3). */
#define XLSX_ENTRY_CAP ((uint64_t)256 << 20) /* one unpacked zip entry */
#define XLSX_MAX_SHEETS 1000u
#define XLSX_MAX_RELS 10000u
#define XLSX_MAX_SST (1u << 24) /* shared strings */
#define XLSX_MAX_NAME 1024u     /* sheet name, relation target */
#define XLSX_MAX_COL 16384L     /* column XFD */
#define XLSX_MAX_ROW 1048576L   /* last spreadsheet row */
/* Work one sheet may cause, gaps and repeated shared strings included:
 * a small sheet must not make the caller walk billions of cells. */
#define XLSX_MAX_SHEET_CELLS ((uint64_t)1 << 27)
#define XLSX_MAX_SHEET_TEXT ((uint64_t)1 << 30)
#define XLSX_CHUNK ((size_t)1 << 16) /* bytes fed to expat at a time */

/* A growing byte buffer with a hard cap (0 = no cap beyond size_t). */
typedef struct xlsx_buf {
  char *p;
  size_t len;
  size_t cap;
} xlsx_buf;

/* Appends n bytes; keeps a NUL after the content. Returns AMPEL_OK,
 * AMPEL_E_TOO_LARGE when len would exceed `limit`, or AMPEL_E_NOMEM. */
ampel_status ampel_xlsx_buf_put(xlsx_buf *b, const char *s, size_t n,
                                size_t limit);
void ampel_xlsx_buf_free(xlsx_buf *b);

/* Removes leading and trailing XML white space from b->p[from..len). */
void ampel_xlsx_trim_from(xlsx_buf *b, size_t from);

/* Decodes Excel's _xHHHH_ escapes in place (_x000D_ -> CR, _x005F_ -> '_');
 * escapes that would give NUL, a surrogate or a non-character stay as they
 * are. Returns the new length. */
size_t ampel_xlsx_unescape(char *s, size_t len);

/* Bytes of s to show in a message: at most max, never cutting a UTF-8
 * sequence (for "%.*s"). */
int ampel_xlsx_clip(const char *s, int max);

/* Local part of an expat name "uri|local" (or the name itself). */
const char *ampel_xlsx_lname(const XML_Char *name);
/* Value of attribute `local`; with want_ns the attribute must carry a
 * namespace (r:id, xml:space), without it it must carry none. */
const char *ampel_xlsx_attr(const XML_Char **atts, const char *local,
                            int want_ns);

struct ampel_xlsx {
  zip_t *za;
  char *path;         /* for messages */
  uint64_t entry_cap; /* XLSX_ENTRY_CAP; lowered by tests */
  size_t n_sheets;
  char **names;    /* sheet names, UTF-8 */
  char **parts;    /* zip entry of each sheet */
  xlsx_buf sst;    /* shared strings, each followed by NUL */
  size_t *sst_off; /* n_sst + 1 offsets into sst.p */
  size_t n_sst;
  size_t sst_off_cap;
};

/* Streams one zip entry through an expat parser. Handlers report errors
 * with ampel_xlsx_xml_fail(), which stops the parser. */
typedef struct xlsx_xml {
  ampel_xlsx *x;
  ampel_diags *diags;
  const char *part;   /* zip entry name (borrowed) */
  const char *prefix; /* message prefix, e.g. "Tabellenblatt 'A': " */
  XML_Parser p;
  zip_file_t *zf;
  uint64_t declared; /* size from the central directory */
  uint64_t total;    /* bytes unpacked so far */
  char *chunk;
  int final_fed;   /* the last chunk was passed as final */
  int done;        /* the whole entry has been parsed */
  ampel_status st; /* first error seen by a handler */
} xlsx_xml;

/* Opens entry `part` of x and an expat parser with `ud` as user data.
 * A missing entry gives AMPEL_E_NOT_FOUND without a message when
 * `optional`, else an error "Eintrag ... fehlt". */
ampel_status ampel_xlsx_xml_begin(xlsx_xml *m, ampel_xlsx *x, const char *part,
                                  const char *prefix, void *ud, int optional,
                                  ampel_diags *diags);
/* Feeds the next chunk (or resumes a suspended parser). */
ampel_status ampel_xlsx_xml_step(xlsx_xml *m);
/* Steps until the whole entry is parsed. */
ampel_status ampel_xlsx_xml_run(xlsx_xml *m);
void ampel_xlsx_xml_end(xlsx_xml *m);
/* From a handler: records an error at (line, column) and aborts parsing. */
void ampel_xlsx_xml_fail(xlsx_xml *m, ampel_status st, long line, long col,
                         const char *fmt, ...) AMPEL_PRINTF(5, 6);

/* Tests: lower the unpacked-size cap for entries read from now on. */
void ampel_xlsx_set_entry_cap(ampel_xlsx *x, uint64_t cap);

#endif
