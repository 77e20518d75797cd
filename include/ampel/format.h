/* ampel/format.h - numbers written for people (src/util/format.c).
 *
 * Pure functions on plain values: no allocation, no state, safe from
 * several threads. Renderers and German messages of the library use the
 * same rules, so a number reads the same in a picture, a page and a note.
 */
#ifndef AMPEL_FORMAT_H
#define AMPEL_FORMAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* German number: decimal comma, '.' between thousands (from 1.000 on),
 * `decimals` digits after the comma (-1: as many as needed, at most 3).
 * NaN gives "–". out needs at least 48 bytes. */
void ampel_format_de(double v, int decimals, char *out, size_t size);

/* An amount in German: '.' between thousands, ',' before 2 decimals, or
 * no decimals when v is whole (1.000.000, 1.234,50). */
void ampel_format_amount_de(double v, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
