/* datenstand.c - ?datenstand=N stays with the reader (issue 12): a page
 * answered from an earlier Datenstand has every local link (href, src)
 * and every GET form rewritten to carry datenstand=N, so that following
 * the navigation, a table row or a filter never jumps back to the current
 * Datenstand unnoticed. One rewrite after the handler, instead of a
 * parameter through every link helper of every page (decision:
 * docs/dev/store-schema.md, "Earlier Datenstände").
 *
 * The HTML comes from our own pages: attribute values are quoted with '"'
 * and their data escaped (ampel_buf_html), so a '"' ends a value. Links
 * to /static/, links that name a datenstand already, fragments ("#…"),
 * absolute URLs and POST forms are left as they are. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "server.h"

/* 1 when the local URL u[0..n) should carry the parameter. */
static int local_link(const char *u, size_t n) {
  if (n == 0 || u[0] != '/' || (n > 1 && u[1] == '/'))
    return 0;
  if (n >= 8 && memcmp(u, "/static/", 8) == 0)
    return 0;
  for (size_t i = 0; i + 11 <= n; i++)
    if (memcmp(u + i, "datenstand=", 11) == 0)
      return 0;
  return 1;
}

/* The tag from p (at '<') to its '>' names method="post". */
static int post_form(const char *p, const char *end) {
  for (; p + 13 <= end && *p != '>'; p++)
    if (strncasecmp(p, "method=\"post\"", 13) == 0)
      return 1;
  return 0;
}

void srv_keep_datenstand(srv_resp *r, long n) {
  if (!r->ctype || strncmp(r->ctype, "text/html", 9) != 0 || !r->body.data ||
      r->body.failed)
    return;
  const char *p = r->body.data, *end = p + r->body.len;
  ampel_buf out;
  ampel_buf_init(&out);
  char hidden[96];
  snprintf(hidden, sizeof hidden,
           "<input type=\"hidden\" name=\"datenstand\" value=\"%ld\">", n);
  while (p < end) {
    const char *attr = NULL;
    size_t skip = 0;
    if (*p == ' ' && end - p > 7 && memcmp(p, " href=\"", 7) == 0)
      attr = p, skip = 7;
    else if (*p == ' ' && end - p > 6 && memcmp(p, " src=\"", 6) == 0)
      attr = p, skip = 6;
    if (attr) {
      const char *u = p + skip;
      const char *q = memchr(u, '"', (size_t)(end - u));
      if (!q)
        break; /* not our HTML: copy the rest */
      ampel_buf_append(&out, p, skip);
      size_t len = (size_t)(q - u);
      if (local_link(u, len)) {
        const char *hash = memchr(u, '#', len);
        size_t head = hash ? (size_t)(hash - u) : len;
        ampel_buf_append(&out, u, head);
        ampel_buf_printf(&out, "%sdatenstand=%ld",
                         memchr(u, '?', head) ? "&amp;" : "?", n);
        ampel_buf_append(&out, u + head, len - head);
      } else {
        ampel_buf_append(&out, u, len);
      }
      p = q;
      continue;
    }
    if (*p == '<' && end - p > 5 && strncasecmp(p, "<form", 5) == 0 &&
        (p[5] == ' ' || p[5] == '>')) {
      const char *gt = memchr(p, '>', (size_t)(end - p));
      if (!gt)
        break;
      int post = post_form(p, gt + 1);
      ampel_buf_append(&out, p, (size_t)(gt + 1 - p));
      if (!post) /* a GET form drops the action's query: a hidden field */
        ampel_buf_puts(&out, hidden);
      p = gt + 1;
      continue;
    }
    ampel_buf_putc(&out, *p++);
  }
  if (p < end)
    ampel_buf_append(&out, p, (size_t)(end - p));
  if (out.failed) {
    ampel_buf_release(&out);
    r->nomem = 1;
    return;
  }
  ampel_buf_release(&r->body);
  r->body = out;
}
