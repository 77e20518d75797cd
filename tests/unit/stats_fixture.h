/* stats_fixture.h - reads the number files of tests/fixtures/stats/ (made
 * by tests/fixtures/gen_stats_fixtures.py) for the stats unit tests.
 *
 * Format: '#' lines are comments; every other line is one case of
 * whitespace-separated numbers ("nan" for missing), parsed with strtod.
 * Test-only code: plain malloc, and a failure ends the test via cmocka.
 */
#ifndef AMPEL_TESTS_STATS_FIXTURE_H
#define AMPEL_TESTS_STATS_FIXTURE_H

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx_line {
  double *v;
  size_t n;
} fx_line;

typedef struct fx_file {
  fx_line *lines;
  size_t n;
} fx_file;

/* Parses one line into *out; returns 0, or -1 on a bad token. */
static inline int fx_parse_line(const char *s, fx_line *out) {
  size_t cap = 16;
  out->n = 0;
  out->v = malloc(cap * sizeof *out->v);
  if (!out->v)
    return -1;
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
      s++;
    if (*s == '\0')
      return 0;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || errno == EINVAL)
      return -1;
    if (out->n == cap) {
      double *nv = realloc(out->v, 2 * cap * sizeof *nv);
      if (!nv)
        return -1;
      out->v = nv;
      cap *= 2;
    }
    out->v[out->n++] = d;
    s = end;
  }
}

static inline void fx_free(fx_file *f) {
  for (size_t i = 0; i < f->n; i++)
    free(f->lines[i].v);
  free(f->lines);
  f->lines = NULL;
  f->n = 0;
}

/* Loads $AMPEL_SOURCE_DIR/tests/fixtures/stats/<name>. Fails the test
 * (cmocka fail_msg) when the file is missing or malformed. */
static inline void fx_load(const char *name, fx_file *out) {
  const char *src = getenv("AMPEL_SOURCE_DIR");
  char path[4096];
  if (!src)
    fail_msg("%s", "AMPEL_SOURCE_DIR is not set (run through ctest)");
  snprintf(path, sizeof path, "%s/tests/fixtures/stats/%s", src, name);
  FILE *fp = fopen(path, "r");
  if (!fp)
    fail_msg("cannot open fixture %s", path);
  out->lines = NULL;
  out->n = 0;
  char *buf = NULL;
  size_t bufcap = 0, cap = 0;
  while (getline(&buf, &bufcap, fp) >= 0) {
    if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0')
      continue;
    if (out->n == cap) {
      cap = cap ? 2 * cap : 64;
      out->lines = realloc(out->lines, cap * sizeof *out->lines);
      assert_non_null(out->lines);
    }
    if (fx_parse_line(buf, &out->lines[out->n]) != 0)
      fail_msg("%s: bad number in case %zu", path, out->n + 1);
    out->n++;
  }
  free(buf);
  fclose(fp);
  if (out->n == 0)
    fail_msg("fixture %s has no cases", path);
}

/* |got - want| <= rel * |want| (+ abs_tol); NaN equals NaN. */
static inline int fx_close(double got, double want, double rel,
                           double abs_tol) {
  if (isnan(want) || isnan(got))
    return isnan(want) && isnan(got);
  return fabs(got - want) <= rel * fabs(want) + abs_tol;
}

#define fx_assert_close(got, want, rel, abs_tol)                               \
  do {                                                                         \
    double fx_g_ = (got), fx_w_ = (want);                                      \
    if (!fx_close(fx_g_, fx_w_, (rel), (abs_tol)))                             \
      fail_msg("%s = %.17g, expected %.17g (rel %g, abs %g)", #got, fx_g_,     \
               fx_w_, (double)(rel), (double)(abs_tol));                       \
  } while (0)

/* An allocator that fails every allocation after the first `budget`
 * ones (budget < 0: never fails), and counts live blocks, to run the error
 * paths of the allocating functions. */
#include "ampel/alloc.h"

static long fx_budget = -1;
static long fx_live = 0;

static inline void *fx_alloc(size_t size, void *ud) {
  (void)ud;
  if (fx_budget == 0)
    return NULL;
  if (fx_budget > 0)
    fx_budget--;
  void *p = malloc(size ? size : 1);
  if (p)
    fx_live++;
  return p;
}

static inline void *fx_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  if (fx_budget == 0)
    return NULL;
  if (fx_budget > 0)
    fx_budget--;
  return realloc(ptr, size ? size : 1);
}

static inline void fx_freefn(void *ptr, void *ud) {
  (void)ud;
  if (ptr)
    fx_live--;
  free(ptr);
}

/* Installs the counting allocator with the given budget. */
static inline void fx_fail_after(long budget) {
  static const ampel_allocator a = {fx_alloc, fx_realloc, fx_freefn, NULL};
  fx_budget = budget;
  fx_live = 0;
  ampel_set_allocator(&a);
}

static inline void fx_restore_alloc(void) { ampel_set_allocator(NULL); }

#endif
