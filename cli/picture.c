/* Writing pictures: every command that draws SVG calls cli_write_picture,
 * which writes .svg as is and turns .png/.pdf into raster/vector output
 * through librsvg + cairo (include/ampel/raster.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/raster.h"
#include "cli.h"

#ifndef AMPEL_VERSION
#define AMPEL_VERSION "0"
#endif

static int ends_with(const char *path, const char *ext) {
  size_t n = strlen(path), e = strlen(ext);
  return n >= e && strcasecmp(path + n - e, ext) == 0;
}

int cli_picture_ext(const char *path) {
  return path && (ends_with(path, ".svg") || ends_with(path, ".png") ||
                  ends_with(path, ".pdf"));
}

/* The <title> of an SVG (for the PDF's document title), or NULL. */
static const char *svg_title(const char *svg, char *out, size_t size) {
  const char *p = strstr(svg, "<title");
  p = p ? strchr(p, '>') : NULL;
  const char *e = p ? strstr(p, "</title>") : NULL;
  if (!e)
    return NULL;
  static const char *const ent[][2] = {{"&amp;", "&"},
                                       {"&lt;", "<"},
                                       {"&gt;", ">"},
                                       {"&quot;", "\""},
                                       {"&#39;", "'"}};
  size_t o = 0;
  for (const char *q = p + 1; q < e && o + 1 < size;) {
    size_t k = 0;
    while (k < 5 && strncmp(q, ent[k][0], strlen(ent[k][0])) != 0)
      k++;
    if (k < 5) { /* the title is escaped for SVG; PDF metadata is plain */
      out[o++] = ent[k][1][0];
      q += strlen(ent[k][0]);
    } else {
      out[o++] = *q++;
    }
  }
  out[o] = '\0';
  return out;
}

int cli_write_picture(const char *path, const ampel_buf *svg, double dpi) {
  if (svg->failed) {
    cli_error("zu wenig Speicher für '%s'", path);
    return EXIT_SYSTEM;
  }
  const char *data = svg->data ? svg->data : "";
  int png = ends_with(path, ".png"), pdf = ends_with(path, ".pdf");
  if (!png && !pdf)
    return cli_write_output(path, data, svg->len);
  ampel_buf out;
  ampel_buf_init(&out);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  if (png) {
    st = ampel_raster_png(data, svg->len, dpi, &out, &d);
  } else {
    char title[256];
    ampel_raster_meta m = {svg_title(data, title, sizeof title), NULL,
                           "ampel " AMPEL_VERSION, cli_now()};
    st = ampel_raster_pdf(&data, &svg->len, 1, &m, &out, &d);
  }
  int rc = EXIT_OK;
  if (st != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    rc = ampel_status_exit_code(st);
  } else {
    rc = cli_write_output(path, out.data ? out.data : "", out.len);
  }
  ampel_diags_release(&d);
  ampel_buf_release(&out);
  return rc;
}

int cli_write_buf(const char *path, const ampel_buf *b, double dpi) {
  if (b->failed) {
    cli_error("zu wenig Speicher für '%s'", path);
    return EXIT_SYSTEM;
  }
  if (cli_picture_ext(path))
    return cli_write_picture(path, b, dpi);
  return cli_write_output(path, b->data ? b->data : "", b->len);
}

int cli_write_table(const char *path, const ampel_buf *b) {
  if (b->failed) {
    cli_error("zu wenig Speicher für '%s'", path);
    return EXIT_SYSTEM;
  }
  return cli_write_output(path, b->data ? b->data : "", b->len);
}

