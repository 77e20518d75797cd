/* Benchmark: ampel's CSV reader against Debian libcsv (csv.h, -lcsv).
 *
 *   bench_csv gen FILE ROWS   write a German Excel-style CSV (';', decimal
 *                             comma, UTF-8 umlauts, some quoted cells)
 *   bench_csv run FILE [REPS] read FILE with both readers, REPS times each
 *                             (default 3), print the best rows/s
 *                             (process CPU time, not wall time)
 *
 * Both readers see the same bytes in memory (mmap) and count rows and
 * cells; a checksum over cell lengths makes sure neither skips work.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "ampel/error.h"
#include "ampel/read.h"

typedef struct counts {
  unsigned long long rows, cells, bytes;
} counts;

/* Process CPU time: the machine is shared, wall time is noisy. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int gen(const char *path, long rows) {
  static const char *names[] = {"Stülerstraße", "Großer Tiergarten",
                                "Lützowstraße", "Köln-Mülheim",
                                "\"Mitte; Nord\"", "\"sagt \"\"hallo\"\"\""};
  FILE *fp = fopen(path, "w");
  if (!fp)
    return 1;
  fputs("PLR-ID;PLR-Name;Einwohner;Anteil;z-Wert;Bemerkung\r\n", fp);
  unsigned long x = 12345;
  for (long i = 0; i < rows; i++) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    unsigned v = (unsigned)(x >> 33);
    fprintf(fp, "%08ld;%s;%u;%u,%u;-%u,%02u;%s\r\n", 1100101 + i % 500000,
            names[v % 6], v % 9000, v % 100, v % 10, v % 3, v % 100,
            (v % 7 == 0) ? "." : "");
  }
  return fclose(fp) != 0;
}

static int run_ampel(const char *d, size_t n, counts *c) {
  ampel_diags dg;
  ampel_status st;
  ampel_diags_init(&dg, 0);
  ampel_csv_reader *r = ampel_csv_open_mem(d, n, "bench.csv", NULL, &dg, &st);
  if (!r)
    return 1;
  ampel_row row;
  int rc;
  while ((rc = ampel_csv_next(r, &row, &dg)) == 1) {
    c->rows++;
    c->cells += row.n_cells;
    for (size_t i = 0; i < row.n_cells; i++)
      c->bytes += row.cells[i].len;
  }
  ampel_csv_free(r);
  ampel_diags_release(&dg);
  return rc != 0;
}

static void cb_field(void *s, size_t len, void *ud) {
  (void)s;
  counts *c = ud;
  c->cells++;
  c->bytes += len;
}

static void cb_row(int ch, void *ud) {
  (void)ch;
  ((counts *)ud)->rows++;
}

static int run_libcsv(const char *d, size_t n, counts *c) {
  struct csv_parser p;
  if (csv_init(&p, CSV_APPEND_NULL) != 0)
    return 1;
  csv_set_delim(&p, ';');
  size_t chunk = 1 << 20;
  for (size_t off = 0; off < n; off += chunk) {
    size_t len = n - off < chunk ? n - off : chunk;
    if (csv_parse(&p, d + off, len, cb_field, cb_row, c) != len)
      return 1;
  }
  csv_fini(&p, cb_field, cb_row, c);
  csv_free(&p);
  return 0;
}

typedef int (*runner)(const char *, size_t, counts *);

static int bench(const char *name, runner fn, const char *d, size_t n,
                 int reps) {
  double best = 1e30;
  counts c = {0, 0, 0};
  for (int k = 0; k < reps; k++) {
    memset(&c, 0, sizeof c);
    double t0 = now();
    if (fn(d, n, &c) != 0) {
      fprintf(stderr, "%s: read failed\n", name);
      return 1;
    }
    double t = now() - t0;
    if (t < best)
      best = t;
  }
  printf("%-7s rows %llu cells %llu cellbytes %llu  best %.3f s CPU  "
         "%.2f M rows/s  %.0f MB/s\n",
         name, c.rows, c.cells, c.bytes, best, (double)c.rows / best / 1e6,
         (double)n / best / 1e6);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "gen") == 0)
    return gen(argv[2], atol(argv[3]));
  if (argc < 3 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: bench_csv gen FILE ROWS | run FILE [REPS]\n");
    return 2;
  }
  int reps = argc > 3 ? atoi(argv[3]) : 3;
  int fd = open(argv[2], O_RDONLY);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) != 0) {
    perror(argv[2]);
    return 3;
  }
  size_t n = (size_t)sb.st_size;
  const char *d = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
  if (d == MAP_FAILED) {
    perror("mmap");
    return 3;
  }
  printf("file %s: %.1f MB\n", argv[2], (double)n / 1e6);
  int rc = bench("ampel", run_ampel, d, n, reps);
  rc |= bench("libcsv", run_libcsv, d, n, reps);
  munmap((void *)d, n);
  close(fd);
  return rc;
}
