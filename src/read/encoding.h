/* read/encoding.h - internal: UTF-8 validation and Windows-1252 → UTF-8.
 *
 * Used by the CSV reader (csv.c). Pure functions, no allocation.
 */
#ifndef AMPEL_READ_ENCODING_H
#define AMPEL_READ_ENCODING_H

#include <stddef.h>

/* Checks that `s` (`len` bytes) is well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF). Returns 1 when valid; otherwise
 * 0 and *out_bad_off receives the offset of the first byte that cannot
 * start or continue a character. */
int ampel_utf8_valid(const char *s, size_t len, size_t *out_bad_off);

/* Scans `s` for the first NUL byte or malformed UTF-8, whichever comes
 * first, in one pass. Returns its offset (len when there is none); sets
 * *out_is_nul to 1 when it is a NUL byte. */
size_t ampel_utf8_scan(const char *s, size_t len, int *out_is_nul);

/* Number of bytes `s` (`len` bytes, Windows-1252) takes as UTF-8. */
size_t ampel_cp1252_utf8_len(const char *s, size_t len);

/* Converts Windows-1252 `s` to UTF-8 in `out`, which must hold
 * ampel_cp1252_utf8_len(s, len) bytes. Returns the bytes written. The
 * five bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) map
 * to the C1 controls of the same number, as in the WHATWG Encoding
 * Standard. */
size_t ampel_cp1252_to_utf8(const char *s, size_t len, char *out);

/* Number of characters (not continuation bytes) in UTF-8 `s`. */
size_t ampel_utf8_count_chars(const char *s, size_t len);

#endif
