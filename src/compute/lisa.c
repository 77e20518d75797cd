/* lisa.c - global Moran's I and the local indicators of spatial
 * association with permutation inference (include/ampel/lisa.h,
 * METHODS.md §12). Pure: no I/O, no globals.
 *
 * Random numbers: xoshiro256** seeded by splitmix64 (src/util/rng.h), the
 * generator the weight sensitivity already uses. Written from its
 * published description rather than taken from a library so that a seed
 * gives the same p-values on every machine and in every release; integers
 * below a bound are drawn by rejection, without modulo bias. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/lisa.h"
#include "ksum.h"
#include "util/rng.h"

void ampel_lisa_graph_release(ampel_lisa_graph *g) {
  if (!g)
    return;
  ampel_free(g->off);
  ampel_free(g->nb);
  memset(g, 0, sizeof *g);
}

ampel_status ampel_lisa_graph_subset(const ampel_lisa_graph *g,
                                     const unsigned char *keep,
                                     ampel_lisa_graph *out) {
  memset(out, 0, sizeof *out);
  size_t *id = ampel_calloc(g->n + 1, sizeof *id), m = 0;
  if (!id)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < g->n; i++)
    id[i] = keep[i] ? m++ : (size_t)-1;
  out->n = m;
  out->off = ampel_calloc(m + 1, sizeof *out->off);
  out->nb = ampel_calloc(g->off[g->n] + 1, sizeof *out->nb);
  if (!out->off || !out->nb) {
    ampel_free(id);
    ampel_lisa_graph_release(out);
    return AMPEL_E_NOMEM;
  }
  size_t e = 0;
  for (size_t i = 0; i < g->n; i++) {
    if (!keep[i])
      continue;
    for (size_t k = g->off[i]; k < g->off[i + 1]; k++)
      if (keep[g->nb[k]])
        out->nb[e++] = id[g->nb[k]]; /* ids grow with i: rows stay sorted */
    out->off[id[i] + 1] = e;
  }
  ampel_free(id);
  return AMPEL_OK;
}

void ampel_lisa_result_release(ampel_lisa_result *r) {
  if (!r)
    return;
  ampel_free(r->z);
  ampel_free(r->lag);
  ampel_free(r->local_i);
  ampel_free(r->p);
  ampel_free(r->quadrant);
  memset(r, 0, sizeof *r);
}

/* ---- checks ------------------------------------------------------------- */

static int has_edge(const ampel_lisa_graph *g, size_t i, size_t j) {
  size_t lo = g->off[i], hi = g->off[i + 1];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (g->nb[mid] == j)
      return 1;
    if (g->nb[mid] < j)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

/* Every vertex has a neighbour, rows ascending without self-loops or
 * duplicates, every edge in both rows. */
static int graph_ok(const ampel_lisa_graph *g) {
  if (!g || !g->off || (g->n && !g->nb) || g->off[0] != 0)
    return 0;
  for (size_t i = 0; i < g->n; i++) {
    if (g->off[i + 1] <= g->off[i])
      return 0;
    for (size_t k = g->off[i]; k < g->off[i + 1]; k++) {
      size_t j = g->nb[k];
      if (j >= g->n || j == i || (k > g->off[i] && g->nb[k - 1] >= j) ||
          !has_edge(g, j, i))
        return 0;
    }
  }
  return 1;
}

/* ---- the statistics --------------------------------------------------- */

static size_t degree(const ampel_lisa_graph *g, size_t i) {
  return g->off[i + 1] - g->off[i];
}

/* lag_i = sum of the neighbours' z / k_i (row-standardised weights). */
static double lag_of(const ampel_lisa_graph *g, const double *z, size_t i) {
  double s = 0;
  for (size_t k = g->off[i]; k < g->off[i + 1]; k++)
    s += z[g->nb[k]];
  return s / (double)degree(g, i);
}

/* Global I of z (any order of the same values) with sum z^2 = ss. */
static double moran(const ampel_lisa_graph *g, const double *z, double ss) {
  ksum k;
  ksum_init(&k);
  for (size_t i = 0; i < g->n; i++)
    ksum_add(&k, z[i] * lag_of(g, z, i));
  return ksum_value(&k) / ss;
}

static unsigned char quadrant(double z, double lag) {
  if (z > 0)
    return lag > 0 ? AMPEL_LISA_HH : AMPEL_LISA_HL;
  return lag > 0 ? AMPEL_LISA_LH : AMPEL_LISA_LL;
}

/* esda's "directed" pseudo p from the count of simulated >= observed. */
static double pseudo_p(size_t larger, size_t perms) {
  if (perms - larger < larger)
    larger = perms - larger;
  return ((double)larger + 1.0) / ((double)perms + 1.0);
}

/* Var[I] under normality for row-standardised weights (S0 = n). */
static void analytic(const ampel_lisa_graph *g, ampel_lisa_result *r) {
  double n = (double)g->n, s1 = 0, s2 = 0;
  for (size_t i = 0; i < g->n; i++) {
    double wi = 1.0 / (double)degree(g, i), col = 0;
    for (size_t k = g->off[i]; k < g->off[i + 1]; k++) {
      double wj = 1.0 / (double)degree(g, g->nb[k]);
      s1 += (wi + wj) * (wi + wj);
      col += wj; /* w_ji: the column sum of i */
    }
    s2 += (1.0 + col) * (1.0 + col);
  }
  s1 /= 2;
  double v = (n * n * s1 - n * s2 + 3 * n * n) / ((n - 1) * (n + 1) * n * n) -
             r->expected_i * r->expected_i;
  r->z_norm = v > 0 ? (r->moran_i - r->expected_i) / sqrt(v) : NAN;
  r->p_norm = isfinite(r->z_norm) ? erfc(fabs(r->z_norm) / sqrt(2.0)) : NAN;
}

/* ---- permutations ------------------------------------------------------ */

/* Uniform integer in [0, bound), bound > 0, by rejection. */
static size_t below(ampel_rng *rng, size_t bound) {
  uint64_t b = (uint64_t)bound, limit = -b % b; /* 2^64 mod b */
  uint64_t x;
  do
    x = ampel_rng_next(rng);
  while (x < limit);
  return (size_t)(x % b);
}

/* Global: perms full permutations (Fisher-Yates) of a copy of z. */
static ampel_status global_sim(const ampel_lisa_graph *g,
                               const ampel_lisa_opts *o, ampel_lisa_result *r) {
  size_t n = g->n, perms = o->permutations, larger = 0;
  double *zp = ampel_calloc(n, sizeof *zp);
  double *sim = ampel_calloc(perms, sizeof *sim);
  if (!zp || !sim) {
    ampel_free(zp);
    ampel_free(sim);
    return AMPEL_E_NOMEM;
  }
  memcpy(zp, r->z, n * sizeof *zp);
  ampel_rng rng;
  ampel_rng_seed(&rng, o->seed);
  ksum sum;
  ksum_init(&sum);
  for (size_t p = 0; p < perms; p++) {
    for (size_t i = n - 1; i > 0; i--) {
      size_t j = below(&rng, i + 1);
      double t = zp[i];
      zp[i] = zp[j];
      zp[j] = t;
    }
    sim[p] = moran(g, zp, r->ss);
    larger += sim[p] >= r->moran_i;
    ksum_add(&sum, sim[p]);
  }
  r->sim_mean = ksum_value(&sum) / (double)perms;
  ksum sq;
  ksum_init(&sq);
  for (size_t p = 0; p < perms; p++)
    ksum_add(&sq, (sim[p] - r->sim_mean) * (sim[p] - r->sim_mean));
  r->sim_sd = sqrt(ksum_value(&sq) / (double)perms);
  r->z_sim = r->sim_sd > 0 ? (r->moran_i - r->sim_mean) / r->sim_sd : NAN;
  r->p_sim = pseudo_p(larger, perms);
  ampel_free(zp);
  ampel_free(sim);
  return AMPEL_OK;
}

/* Local, conditional: per permutation one ordered sample of max_k of the
 * indices 0..n-2 (partial Fisher-Yates on a running arrangement); area i
 * takes the first k_i, index u meaning area u < i ? u : u + 1. */
static ampel_status local_sim(const ampel_lisa_graph *g,
                              const ampel_lisa_opts *o, ampel_lisa_result *r) {
  size_t n = g->n, perms = o->permutations, max_k = 0;
  for (size_t i = 0; i < n; i++)
    max_k = degree(g, i) > max_k ? degree(g, i) : max_k;
  size_t *idx = ampel_calloc(n, sizeof *idx);
  size_t *larger = ampel_calloc(n, sizeof *larger);
  if (!idx || !larger) {
    ampel_free(idx);
    ampel_free(larger);
    return AMPEL_E_NOMEM;
  }
  for (size_t u = 0; u + 1 < n; u++)
    idx[u] = u;
  ampel_rng rng;
  ampel_rng_seed(&rng, o->seed ^ UINT64_C(0x4c495341)); /* "LISA" */
  double scale = (double)(n - 1) / r->ss;
  for (size_t p = 0; p < perms; p++) {
    for (size_t t = 0; t < max_k; t++) {
      size_t j = t + below(&rng, n - 1 - t);
      size_t tmp = idx[t];
      idx[t] = idx[j];
      idx[j] = tmp;
    }
    for (size_t i = 0; i < n; i++) {
      size_t k = degree(g, i);
      double s = 0;
      for (size_t t = 0; t < k; t++)
        s += r->z[idx[t] < i ? idx[t] : idx[t] + 1];
      larger[i] += scale * r->z[i] * (s / (double)k) >= r->local_i[i];
    }
  }
  for (size_t i = 0; i < n; i++)
    r->p[i] = pseudo_p(larger[i], perms);
  ampel_free(idx);
  ampel_free(larger);
  return AMPEL_OK;
}

/* ---- entry -------------------------------------------------------------- */

static ampel_status observe(const double *y, const ampel_lisa_graph *g,
                            ampel_lisa_result *r) {
  size_t n = g->n;
  ksum k;
  ksum_init(&k);
  for (size_t i = 0; i < n; i++)
    ksum_add(&k, y[i]);
  r->mean = ksum_value(&k) / (double)n;
  ksum_init(&k);
  for (size_t i = 0; i < n; i++) {
    r->z[i] = y[i] - r->mean;
    ksum_add(&k, r->z[i] * r->z[i]);
  }
  r->ss = ksum_value(&k);
  if (!(r->ss > 0))
    return AMPEL_E_DATA;
  /* the same expression as in local_sim, so that a permuted sample equal
   * to the observed one gives the same bits */
  double scale = (double)(n - 1) / r->ss;
  for (size_t i = 0; i < n; i++) {
    r->lag[i] = lag_of(g, r->z, i);
    r->local_i[i] = scale * r->z[i] * r->lag[i];
    r->quadrant[i] = quadrant(r->z[i], r->lag[i]);
    r->p[i] = NAN;
  }
  r->moran_i = moran(g, r->z, r->ss);
  r->expected_i = -1.0 / (double)(n - 1);
  r->sim_mean = r->sim_sd = r->z_sim = r->p_sim = NAN;
  analytic(g, r);
  return AMPEL_OK;
}

ampel_status ampel_lisa_compute(const double *y, const ampel_lisa_graph *g,
                                const ampel_lisa_opts *o,
                                ampel_lisa_result *out) {
  memset(out, 0, sizeof *out);
  if (!y || !o || !graph_ok(g))
    return AMPEL_E_USAGE;
  for (size_t i = 0; i < g->n; i++)
    if (!isfinite(y[i]))
      return AMPEL_E_USAGE;
  if (g->n < 3)
    return AMPEL_E_DATA;
  size_t n = g->n;
  out->n = n;
  out->permutations = o->permutations;
  out->z = ampel_calloc(n, sizeof *out->z);
  out->lag = ampel_calloc(n, sizeof *out->lag);
  out->local_i = ampel_calloc(n, sizeof *out->local_i);
  out->p = ampel_calloc(n, sizeof *out->p);
  out->quadrant = ampel_calloc(n, sizeof *out->quadrant);
  ampel_status s = out->z && out->lag && out->local_i && out->p && out->quadrant
                       ? observe(y, g, out)
                       : AMPEL_E_NOMEM;
  if (s == AMPEL_OK && o->permutations)
    s = global_sim(g, o, out);
  if (s == AMPEL_OK && o->permutations)
    s = local_sim(g, o, out);
  if (s != AMPEL_OK)
    ampel_lisa_result_release(out);
  return s;
}
