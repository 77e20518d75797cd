/* Status names and the diagnostics list (error.h). */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/error.h"

const char *ampel_status_name(ampel_status st) {
  switch (st) {
  case AMPEL_OK: return "AMPEL_OK";
  case AMPEL_E_DATA: return "AMPEL_E_DATA";
  case AMPEL_E_USAGE: return "AMPEL_E_USAGE";
  case AMPEL_E_IO: return "AMPEL_E_IO";
  case AMPEL_E_NOMEM: return "AMPEL_E_NOMEM";
  case AMPEL_E_TOO_LARGE: return "AMPEL_E_TOO_LARGE";
  case AMPEL_E_NOT_FOUND: return "AMPEL_E_NOT_FOUND";
  case AMPEL_E_INTERNAL: return "AMPEL_E_INTERNAL";
  case AMPEL_E_CANCELLED: return "AMPEL_E_CANCELLED";
  }
  return "AMPEL_E_?";
}

int ampel_status_exit_code(ampel_status st) {
  switch (st) {
  case AMPEL_OK: return 0;
  case AMPEL_E_DATA:
  case AMPEL_E_TOO_LARGE:
  case AMPEL_E_NOT_FOUND: return 1;
  case AMPEL_E_USAGE: return 2;
  default: return 3;
  }
}

void ampel_diags_init(ampel_diags *d, size_t limit) {
  memset(d, 0, sizeof *d);
  d->limit = limit ? limit : AMPEL_DIAGS_DEFAULT_LIMIT;
}

void ampel_diags_release(ampel_diags *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->n; i++) {
    ampel_free(d->items[i].path);
    ampel_free(d->items[i].message);
    ampel_free(d->items[i].source);
  }
  ampel_free(d->items);
  size_t limit = d->limit;
  ampel_diags_init(d, limit);
}

/* Formats into a fresh heap string; NULL on failure. */
static char *vformat(const char *fmt, va_list ap) AMPEL_PRINTF(1, 0);
static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return NULL;
  char *s = ampel_alloc((size_t)n + 1);
  if (s)
    vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

void ampel_diags_vadd(ampel_diags *d, ampel_severity sev, ampel_status code,
                      const char *path, long line, long column,
                      const char *source, size_t source_len, const char *fmt,
                      va_list ap) {
  if (!d)
    return;
  if (sev == AMPEL_SEV_ERROR)
    d->n_errors++;
  else if (sev == AMPEL_SEV_WARNING)
    d->n_warnings++;
  if (d->n >= d->limit) {
    d->n_dropped++;
    return;
  }
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 8;
    ampel_diag *items = ampel_reallocarray(d->items, cap, sizeof *items);
    if (!items) {
      d->out_of_memory = 1;
      return;
    }
    d->items = items;
    d->cap = cap;
  }
  ampel_diag *it = &d->items[d->n];
  memset(it, 0, sizeof *it);
  it->severity = sev;
  it->code = code;
  it->line = line;
  it->column = column;
  it->path = ampel_strdup(path);
  it->message = vformat(fmt, ap);
  if (source) {
    size_t n = 0;
    while (n < source_len && source[n] != '\n' && source[n] != '\r')
      n++;
    if (n > 400) /* keep carets readable; the column still points right */
      n = 400;
    it->source = ampel_strndup(source, n);
  }
  if (!it->message || (path && !it->path)) {
    d->out_of_memory = 1;
    ampel_free(it->path);
    ampel_free(it->message);
    ampel_free(it->source);
    return;
  }
  d->n++;
}

void ampel_diags_add(ampel_diags *d, ampel_severity sev, ampel_status code,
                     const char *path, long line, long column,
                     const char *source, size_t source_len, const char *fmt,
                     ...) {
  va_list ap;
  va_start(ap, fmt);
  ampel_diags_vadd(d, sev, code, path, line, column, source, source_len, fmt,
                   ap);
  va_end(ap);
}

void ampel_diags_error(ampel_diags *d, ampel_status code, const char *fmt,
                       ...) {
  va_list ap;
  va_start(ap, fmt);
  ampel_diags_vadd(d, AMPEL_SEV_ERROR, code, NULL, 0, 0, NULL, 0, fmt, ap);
  va_end(ap);
}

ampel_status ampel_diags_status(const ampel_diags *d) {
  if (!d || d->n_errors == 0)
    return d && d->out_of_memory ? AMPEL_E_NOMEM : AMPEL_OK;
  ampel_status worst = AMPEL_E_DATA;
  for (size_t i = 0; i < d->n; i++) {
    if (d->items[i].severity != AMPEL_SEV_ERROR)
      continue;
    if (ampel_status_exit_code(d->items[i].code) >
        ampel_status_exit_code(worst))
      worst = d->items[i].code;
  }
  return worst;
}
