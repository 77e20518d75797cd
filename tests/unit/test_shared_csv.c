/* Reads every *.csv under ../shared/data (the real public data next to the
 * repository) with ampel's CSV reader, with automatic detection. Every file
 * must open and read to the end without an error.
 *
 * With AMPEL_SHARED_CSV_OUT set, writes one line per file
 *   <path relative to the data dir> TAB <encoding> TAB <separator>
 *   TAB <records> TAB <cells> TAB <checksum>
 * where the checksum is FNV-1a 64 over every cell's UTF-8 text, each cell
 * followed by 0x1F and each record by 0x1E. tests/run_shared_csv.sh runs
 * this program and compares the lines with Python's csv module
 * (tests/shared_csv_check.py). Skipped when the data directory is absent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ampel/read.h"

typedef struct paths {
  char **p;
  size_t n, cap;
} paths;

static int ends_with_csv(const char *name) {
  size_t n = strlen(name);
  return n > 4 && strcmp(name + n - 4, ".csv") == 0;
}

/* Collects *.csv below dir (recursively); rel is the path below the root. */
static void walk(const char *root, const char *rel, paths *out) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char sub[4096], full[8192];
    snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    snprintf(full, sizeof full, "%s/%s", root, sub);
    struct stat sb;
    if (stat(full, &sb) != 0)
      continue;
    if (S_ISDIR(sb.st_mode)) {
      walk(root, sub, out);
    } else if (S_ISREG(sb.st_mode) && ends_with_csv(e->d_name)) {
      if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 64;
        out->p = realloc(out->p, out->cap * sizeof *out->p);
        assert_non_null(out->p);
      }
      out->p[out->n++] = strdup(sub);
    }
  }
  closedir(d);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long n = ftell(f);
  assert_true(n >= 0);
  rewind(f);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 1099511628211ull;
  }
  return h;
}

static const char *sep_name(char c) {
  return c == ';' ? "semicolon" : c == ',' ? "comma" : c == '\t' ? "tab"
                                                                   : "other";
}

typedef struct counts {
  long records, cells;
  uint64_t sum;
} counts;

/* Reads one file; fails the test with the first message on an error. */
static void read_one(const char *root, const char *rel, FILE *out,
                     counts *total) {
  char full[8192];
  snprintf(full, sizeof full, "%s/%s", root, rel);
  size_t len;
  char *data = read_file(full, &len);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st;
  ampel_csv_reader *r = ampel_csv_open_mem(data, len, rel, NULL, &dg, &st);
  if (!r)
    fail_msg("%s: cannot open: %s", rel, dg.n ? dg.items[0].message : "?");
  counts c = {0, 0, 1469598103934665603ull};
  ampel_row row;
  int rc;
  while ((rc = ampel_csv_next(r, &row, &dg)) > 0) {
    c.records++;
    c.cells += (long)row.n_cells;
    for (size_t i = 0; i < row.n_cells; i++) {
      c.sum = fnv(c.sum, row.cells[i].text, row.cells[i].len);
      c.sum = fnv(c.sum, "\x1f", 1);
    }
    c.sum = fnv(c.sum, "\x1e", 1);
  }
  if (rc < 0 || dg.n_errors > 0)
    fail_msg("%s:%ld:%ld: %s", rel, dg.n ? dg.items[0].line : 0,
             dg.n ? dg.items[0].column : 0, dg.n ? dg.items[0].message : "?");
  if (out)
    fprintf(out, "%s\t%s\t%s\t%ld\t%ld\t%016llx\n", rel,
            ampel_csv_encoding(r) == AMPEL_ENC_CP1252 ? "cp1252" : "utf-8",
            sep_name(ampel_csv_sep(r)), c.records, c.cells,
            (unsigned long long)c.sum);
  total->records += c.records;
  total->cells += c.cells;
  ampel_csv_free(r);
  ampel_diags_release(&dg);
  free(data);
}

static void test_every_shared_csv(void **state) {
  (void)state;
  const char *src = getenv("AMPEL_SOURCE_DIR");
  char root[4096];
  snprintf(root, sizeof root, "%s/../shared/data", src ? src : ".");
  struct stat sb;
  if (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    print_message("skipped: %s is absent\n", root);
    skip();
  }
  paths ps = {0};
  walk(root, "", &ps);
  qsort(ps.p, ps.n, sizeof *ps.p, cmp_str);
  const char *out_path = getenv("AMPEL_SHARED_CSV_OUT");
  FILE *out = out_path ? fopen(out_path, "w") : NULL;
  if (out_path)
    assert_non_null(out);
  counts total = {0, 0, 0};
  for (size_t i = 0; i < ps.n; i++) {
    read_one(root, ps.p[i], out, &total);
    free(ps.p[i]);
  }
  free(ps.p);
  if (out)
    assert_int_equal(fclose(out), 0);
  print_message("shared data: %zu CSV files, %ld records, %ld cells\n", ps.n,
                total.records, total.cells);
  assert_true(ps.n > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_shared_csv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
