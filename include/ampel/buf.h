/* ampel/buf.h - a growable output buffer with an optional sink.
 *
 * Renderers append text to an ampel_buf. With a sink, the buffer flushes
 * whenever it holds more than 64 KiB, so large outputs (a CSV export of
 * 10 million rows) stream instead of piling up in memory. Without a sink the
 * buffer keeps everything (for the server and the tests).
 *
 * Errors are sticky: after a failed allocation or sink write, `failed` is
 * set and further appends do nothing; check it once at the end.
 */
#ifndef AMPEL_BUF_H
#define AMPEL_BUF_H

#include <stddef.h>

#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*ampel_sink_fn)(void *ud, const char *data, size_t len);

typedef struct ampel_buf {
  char *data; /* NUL-terminated when not NULL */
  size_t len;
  size_t cap;
  size_t limit; /* hard cap on len without a sink; 0 = 1 GiB */
  ampel_sink_fn sink;
  void *sink_ud;
  int failed;
} ampel_buf;

void ampel_buf_init(ampel_buf *b);
void ampel_buf_init_sink(ampel_buf *b, ampel_sink_fn fn, void *ud);
void ampel_buf_release(ampel_buf *b);

void ampel_buf_append(ampel_buf *b, const char *s, size_t n);
void ampel_buf_puts(ampel_buf *b, const char *s);
void ampel_buf_putc(ampel_buf *b, char c);
void ampel_buf_printf(ampel_buf *b, const char *fmt, ...) AMPEL_PRINTF(2, 3);
/* Shortest text that reads back as the same double ("0.1", "1675",
 * "-2.5e-07"); NaN appends nothing. */
void ampel_buf_double(ampel_buf *b, double v);
/* A CSV field (RFC 4180): quoted when it holds ',', '"', CR or LF. */
void ampel_buf_csv_field(ampel_buf *b, const char *s);
/* Text escaped for HTML/SVG content and attribute values: & < > " '. */
void ampel_buf_html(ampel_buf *b, const char *s);
void ampel_buf_html_n(ampel_buf *b, const char *s, size_t n);
/* A JSON string literal with quotes; invalid UTF-8 bytes become U+FFFD. */
void ampel_buf_json_string(ampel_buf *b, const char *s);

/* Pass everything buffered to the sink. Returns AMPEL_OK or AMPEL_E_IO /
 * AMPEL_E_NOMEM when the buffer has failed at any point. */
ampel_status ampel_buf_flush(ampel_buf *b) AMPEL_WUR;

/* Writes the shortest round-trip text of v into out (at least 32 bytes). */
void ampel_format_double(double v, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
