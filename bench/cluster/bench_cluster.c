/* bench_cluster - time ampel's clustering core on a matrix file.
 *
 *   bench_cluster MATRIX.f64 ROWS COLS METHOD [Z_OUT.f64]
 *
 * MATRIX.f64 holds ROWS*COLS native doubles, row-major (numpy .tofile()).
 * Clusters the rows with ampel_cluster_linkage_matrix() (Euclidean
 * distances + linkage, like scipy linkage(X, method, metric='euclidean'))
 * and prints one line: "ampel METHOD ROWS COLS SECONDS". With Z_OUT, writes
 * the linkage matrix as (ROWS-1) x 4 doubles in SciPy's layout so that
 * compare.py can check it against SciPy's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ampel/cluster.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t parse_size(const char *s) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || end == s) {
    fprintf(stderr, "bench_cluster: not a count: %s\n", s);
    exit(2);
  }
  return (size_t)v;
}

static double *read_matrix(const char *path, size_t count) {
  FILE *f = fopen(path, "rb");
  double *x = malloc(count * sizeof *x);
  if (!f || !x || fread(x, sizeof *x, count, f) != count) {
    fprintf(stderr, "bench_cluster: cannot read %zu doubles from %s\n", count,
            path);
    exit(3);
  }
  fclose(f);
  return x;
}

static void write_z(const char *path, const ampel_cluster_merge *z, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(3);
  }
  for (size_t k = 0; k + 1 < n; k++) {
    double row[4] = {(double)z[k].left, (double)z[k].right, z[k].height,
                     (double)z[k].size};
    fwrite(row, sizeof row[0], 4, f);
  }
  if (fclose(f) != 0) {
    perror(path);
    exit(3);
  }
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: bench_cluster MATRIX.f64 ROWS COLS METHOD "
                    "[Z_OUT.f64]\n");
    return 2;
  }
  size_t rows = parse_size(argv[2]), cols = parse_size(argv[3]);
  ampel_linkage method;
  if (rows < 2 || ampel_linkage_parse(argv[4], &method) != AMPEL_OK) {
    fprintf(stderr, "bench_cluster: bad rows or method\n");
    return 2;
  }
  double *x = read_matrix(argv[1], rows * cols);
  ampel_cluster_merge *z = malloc((rows - 1) * sizeof *z);
  if (!z)
    return 3;
  double t0 = now();
  ampel_status st = ampel_cluster_linkage_matrix(
      x, rows, cols, AMPEL_CLUSTER_ROWS, method, z, NULL, NULL);
  double t1 = now();
  if (st != AMPEL_OK) {
    fprintf(stderr, "bench_cluster: %s\n", ampel_status_name(st));
    return 1;
  }
  printf("ampel %s %zu %zu %.3f\n", argv[4], rows, cols, t1 - t0);
  if (argc == 6)
    write_z(argv[5], z, rows);
  free(x);
  free(z);
  return 0;
}
