/* multipart.h - a strict multipart/form-data parser (RFC 7578, RFC 2046
 * §5.1) for the uploads of /daten/pruefen and /api/v1/imports (issue 12).
 *
 * The server has its own HTTP engine (docs/dev/architecture.md), so there
 * is no libmicrohttpd post processor: the engine reads the whole body (up
 * to --max-upload, only with credentials) and this parser splits it in
 * place. Parts point into the body; nothing is copied but the names.
 * Everything that is not exactly as the RFCs say is refused with a German
 * reason; limits are checked while parsing, before anything is kept.
 */
#ifndef AMPEL_SERVER_MULTIPART_H
#define AMPEL_SERVER_MULTIPART_H

#include <stddef.h>

#define SRV_MP_MAX_PARTS 32          /* parts in one body (files and fields) */
#define SRV_MP_MAX_FILES 8           /* parts with a filename */
#define SRV_MP_MAX_FIELD (64u << 10) /* bytes of a part without a filename */
#define SRV_MP_MAX_LINE 1024         /* bytes of one part header line */
#define SRV_MP_MAX_HEADERS 8         /* header lines of one part */
#define SRV_MP_MAX_BOUNDARY 70       /* RFC 2046 */

typedef struct srv_part {
  char name[64];      /* the form field (Content-Disposition name) */
  char filename[256]; /* the file's base name; "" for a plain field */
  int is_file;        /* a filename parameter was given */
  const char *data;   /* into the body */
  size_t len;
} srv_part;

typedef struct srv_multipart {
  srv_part parts[SRV_MP_MAX_PARTS];
  size_t n_parts;
  size_t n_files;
} srv_multipart;

/* The boundary of a Content-Type "multipart/form-data; boundary=…"
 * (quoted or not) into out (at least SRV_MP_MAX_BOUNDARY + 1 bytes).
 * 0, or -1 with a German reason in *why: another media type, no or an
 * invalid boundary (1 to 70 characters of RFC 2046's bchars). */
int srv_mp_boundary(const char *content_type, char *out, const char **why);

/* Splits body[0..len) at the boundary into out. `max_files` caps the
 * parts with a filename (at most SRV_MP_MAX_FILES). Returns 0, or an HTTP
 * status with a German reason in *why: 400 for a malformed body (missing
 * or broken delimiter, header line without ':' or too long, too many
 * header lines, no or a broken Content-Disposition, a part without a
 * name, an unterminated quoted string, a filename with a NUL or control
 * character, no final delimiter), 413 for too many parts or files or a
 * plain field over SRV_MP_MAX_FIELD. A filename is reduced to its base
 * name (after the last '/' or '\'). */
int srv_mp_parse(const char *body, size_t len, const char *boundary,
                 size_t max_files, srv_multipart *out, const char **why);

/* The first plain field `name` as a NUL-free string copied into buf
 * (size bytes incl. NUL); NULL when absent, too long or holding a NUL. */
const char *srv_mp_field(const srv_multipart *m, const char *name, char *buf,
                         size_t size);

#endif
