/* Needs-based allocation (index.h, METHODS.md §6): proportional parts,
 * floor and cap by one scale factor, largest-remainder rounding. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/index.h"

AMPEL_PRINTF(3, 4)
static ampel_status fail(ampel_diags *d, ampel_status code, const char *fmt,
                         ...) {
  if (d) {
    va_list ap;
    va_start(ap, fmt);
    ampel_diags_vadd(d, AMPEL_SEV_ERROR, code, NULL, 0, 0, NULL, 0, fmt, ap);
    va_end(ap);
  }
  return code;
}

static const char *area_name(const char *const *keys, size_t a, char *buf,
                             size_t len) {
  if (keys && keys[a])
    return keys[a];
  snprintf(buf, len, "Nr. %zu", a + 1);
  return buf;
}

void ampel_allocation_input_init(ampel_allocation_input *in) {
  memset(in, 0, sizeof *in);
  in->unit = 1.0;
  in->floor = 0.0;
  in->cap = INFINITY;
  in->need_mode = AMPEL_NEED_AS_IS;
}

void ampel_allocation_result_release(ampel_allocation_result *r) {
  if (!r)
    return;
  ampel_free(r->areas);
  memset(r, 0, sizeof *r);
}

/* x / unit as an integer count of units, or -1 when it is not (within a
 * relative 1e-9) a whole number. */
static long long whole_units(double x, double unit) {
  long double q = (long double)x / unit;
  long double r = roundl(q);
  if (fabsl(q - r) > 1e-9L * (r > 1.0L ? r : 1.0L))
    return -1;
  return (long long)r;
}

/* Options (not data): budget, unit, base share, floor, cap. Sets the budget
 * in units, the floor in units and the cap in units (-1: no cap). */
static ampel_status check_opts(const ampel_allocation_input *in,
                               long long *T, long long *fu, long long *cu,
                               ampel_diags *d) {
  if (in->n_areas == 0 || !in->need)
    return fail(d, AMPEL_E_USAGE, "Verteilung: keine Gebiete oder kein Bedarf");
  if (!isfinite(in->unit) || !(in->unit > 0))
    return fail(d, AMPEL_E_USAGE,
                "Einheit (--unit) muss eine Zahl > 0 sein, nicht %g",
                in->unit);
  if (!isfinite(in->budget) || !(in->budget > 0))
    return fail(d, AMPEL_E_USAGE,
                "Budget muss eine Zahl > 0 sein, nicht %g", in->budget);
  if ((long double)in->budget / in->unit > AMPEL_ALLOCATION_MAX_UNITS)
    return fail(d, AMPEL_E_TOO_LARGE,
                "Budget %g ist zu groß: höchstens 2^53 Einheiten (%g)",
                in->budget, in->unit);
  *T = whole_units(in->budget, in->unit);
  if (*T < 1)
    return fail(d, AMPEL_E_USAGE,
                "Budget %g ist kein Vielfaches der Einheit %g", in->budget,
                in->unit);
  if (!(in->base_share >= 0.0 && in->base_share <= 1.0))
    return fail(d, AMPEL_E_USAGE,
                "Sockelanteil (--base-share) muss zwischen 0 und 1 liegen, "
                "nicht %g",
                in->base_share);
  *fu = isfinite(in->floor) && in->floor >= 0
            ? whole_units(in->floor, in->unit)
            : -1;
  if (*fu < 0)
    return fail(d, AMPEL_E_USAGE,
                "Untergrenze (--floor) muss ein Vielfaches >= 0 der Einheit "
                "%g sein, nicht %g",
                in->unit, in->floor);
  *cu = -1;
  if (isinf(in->cap) && in->cap > 0)
    return AMPEL_OK;
  long long c = isfinite(in->cap) && in->cap > 0
                    ? whole_units(in->cap, in->unit)
                    : -1;
  if (c < 1)
    return fail(d, AMPEL_E_USAGE,
                "Obergrenze (--cap) muss ein Vielfaches > 0 der Einheit %g "
                "sein, nicht %g",
                in->unit, in->cap);
  if (in->floor > in->cap)
    return fail(d, AMPEL_E_USAGE,
                "Untergrenze %g ist größer als die Obergrenze %g", in->floor,
                in->cap);
  *cu = c;
  return AMPEL_OK;
}

/* n*floor <= B <= n*cap, in whole units (no overflow: divisions). */
static ampel_status check_feasible(const ampel_allocation_input *in,
                                   long long T, long long fu, long long cu,
                                   ampel_diags *d) {
  long long n = (long long)in->n_areas;
  if (fu > T / n)
    return fail(d, AMPEL_E_USAGE,
                "Untergrenze nicht erfüllbar: %zu Gebiete × %g = %.17Lg ist "
                "mehr als das Budget %g",
                in->n_areas, in->floor, (long double)n * in->floor,
                in->budget);
  if (cu >= 0 && cu < (T + n - 1) / n)
    return fail(d, AMPEL_E_USAGE,
                "Obergrenze nicht erfüllbar: %zu Gebiete × %g = %.17Lg ist "
                "weniger als das Budget %g",
                in->n_areas, in->cap, (long double)n * in->cap, in->budget);
  return AMPEL_OK;
}

/* Weights and needs as used; sums W = sum w, WN = sum w*n. */
static ampel_status take_data(const ampel_allocation_input *in,
                              ampel_allocation_area *ar, long double *W,
                              long double *WN, ampel_diags *d) {
  char buf[32];
  double lo = INFINITY;
  *W = *WN = 0.0L;
  for (size_t a = 0; a < in->n_areas; a++) {
    double w = in->weight ? in->weight[a] : 1.0, nd = in->need[a];
    const char *name = area_name(in->area_keys, a, buf, sizeof buf);
    if (!isfinite(w) || w < 0)
      return fail(d, AMPEL_E_DATA,
                  "Gebiet '%s': Gewicht %g ist keine Zahl >= 0", name, w);
    if (!isfinite(nd))
      return fail(d, AMPEL_E_DATA, "Gebiet '%s': kein Bedarfswert", name);
    if (in->need_mode == AMPEL_NEED_AS_IS && nd < 0)
      return fail(d, AMPEL_E_DATA,
                  "Gebiet '%s': Bedarf %g ist negativ (mit --need score "
                  "wird der Index verschoben)",
                  name, nd);
    ar[a].weight = w;
    ar[a].need = nd;
    if (nd < lo)
      lo = nd;
    *W += w;
  }
  if (!(*W > 0.0L))
    return fail(d, AMPEL_E_DATA,
                "Alle Gebiete haben das Gewicht 0; nichts zu verteilen");
  for (size_t a = 0; a < in->n_areas; a++) {
    if (in->need_mode == AMPEL_NEED_SHIFT_MIN)
      ar[a].need = (double)((long double)ar[a].need - lo);
    *WN += (long double)ar[a].weight * ar[a].need;
  }
  return AMPEL_OK;
}

/* Unconstrained amounts u_a = base part + need part (long double). */
static void proportional(const ampel_allocation_input *in,
                         ampel_allocation_area *ar, long double W,
                         long double WN, long double *u) {
  long double B = in->budget, beta = in->base_share;
  for (size_t a = 0; a < in->n_areas; a++) {
    long double w = ar[a].weight;
    long double base = B * beta * w / W;
    long double need = WN > 0.0L ? B * (1.0L - beta) * w * ar[a].need / WN
                                 : B * (1.0L - beta) * w / W;
    ar[a].base_part = (double)base;
    ar[a].need_part = (double)need;
    u[a] = base + need;
  }
}

typedef struct event {
  long double lam; /* scale factor at which the area changes state */
  size_t a;
  int to_cap; /* 0: leaves the floor, 1: reaches the cap */
} event;

static int cmp_event(const void *pa, const void *pb) {
  const event *x = pa, *y = pb;
  if (x->lam != y->lam)
    return x->lam < y->lam ? -1 : 1;
  if (x->to_cap != y->to_cap)
    return x->to_cap - y->to_cap;
  return x->a < y->a ? -1 : (x->a > y->a);
}

/* Finds lambda with sum_a clamp(lambda*u_a, f, c) = B. g(lambda) is
 * continuous, piecewise linear and non-decreasing; walk its breakpoints
 * f/u_a (area leaves the floor) and c/u_a (area reaches the cap) in
 * ascending order. Returns 0 when B cannot be reached (caps too small
 * because areas with u_a = 0 stay at the floor). */
static int solve_lambda(size_t n, const long double *u, long double B,
                        long double f, long double c, int has_cap,
                        event *ev, long double *out_lam) {
  size_t ne = 0, n_floor = 0, n_cap = 0;
  long double fixed = 0.0L, free_u = 0.0L; /* areas with u == 0 */
  for (size_t a = 0; a < n; a++) {
    if (!(u[a] > 0.0L)) {
      fixed += f;
      continue;
    }
    n_floor++;
    ev[ne++] = (event){f / u[a], a, 0};
    if (has_cap)
      ev[ne++] = (event){c / u[a], a, 1};
  }
  qsort(ev, ne, sizeof *ev, cmp_event);
  for (size_t i = 0; i < ne; i++) {
    long double held = fixed + n_floor * f + n_cap * c;
    if (held + ev[i].lam * free_u >= B) {
      *out_lam = free_u > 0.0L ? (B - held) / free_u : ev[i].lam;
      return 1;
    }
    if (ev[i].to_cap) {
      free_u -= u[ev[i].a];
      n_cap++;
    } else {
      free_u += u[ev[i].a];
      n_floor--;
    }
  }
  long double held = fixed + n_floor * f + n_cap * c;
  if (free_u > 0.0L) {
    *out_lam = (B - held) / free_u;
    return 1;
  }
  *out_lam = INFINITY;
  return held >= B;
}

/* Applies floor and cap; x[a] becomes the adjusted amount. */
static ampel_status bound(const ampel_allocation_input *in, long long cu,
                          ampel_allocation_area *ar, long double *x,
                          ampel_diags *d) {
  size_t n = in->n_areas;
  int has_cap = cu >= 0;
  if (in->floor == 0.0 && !has_cap)
    return AMPEL_OK;
  event *ev = ampel_calloc(2 * n, sizeof *ev);
  if (!ev)
    return AMPEL_E_NOMEM;
  long double lam, f = in->floor, c = has_cap ? in->cap : 0.0L;
  int ok = solve_lambda(n, x, in->budget, f, c, has_cap, ev, &lam);
  ampel_free(ev);
  if (!ok)
    return fail(d, AMPEL_E_USAGE,
                "Obergrenze nicht erfüllbar: Gebiete mit Anteil 0 bleiben "
                "bei der Untergrenze, die übrigen erreichen mit %g nicht das "
                "Budget %g",
                in->cap, in->budget);
  for (size_t a = 0; a < n; a++) {
    long double v = x[a] > 0.0L ? lam * x[a] : 0.0L;
    ar[a].bound = 0;
    if (v < f) {
      v = f;
      ar[a].bound = -1;
    } else if (has_cap && v > c) {
      v = c;
      ar[a].bound = 1;
    }
    x[a] = v;
  }
  return AMPEL_OK;
}

typedef struct rem_item {
  long double rem;
  double need;
  size_t a;
} rem_item;

/* Largest remainder first; ties: larger need, then lower area index. */
static int cmp_rem(const void *pa, const void *pb) {
  const rem_item *x = pa, *y = pb;
  if (x->rem != y->rem)
    return x->rem > y->rem ? -1 : 1;
  if (x->need != y->need)
    return x->need > y->need ? -1 : 1;
  return x->a < y->a ? -1 : (x->a > y->a);
}

/* Cuts the quotas x_a/U to whole units and hands the rest of the T units
 * to the largest remainders. Quotas within a few ulps of the budget's
 * magnitude below an integer count as that integer (they are exact
 * shares computed with rounding error). Should rounding error ever leave
 * too many or too few units, whole passes over the sorted list fix it,
 * taking units only from areas above the floor. */
static ampel_status round_units(const ampel_allocation_input *in,
                                long long T, long long fu,
                                const long double *x,
                                ampel_allocation_area *ar) {
  size_t n = in->n_areas;
  rem_item *it = ampel_calloc(n, sizeof *it);
  if (!it)
    return AMPEL_E_NOMEM;
  long double tol = (long double)T * 64.0L * LDBL_EPSILON;
  long long left = T;
  for (size_t a = 0; a < n; a++) {
    long double q = x[a] / in->unit;
    long double fl = floorl(q);
    if (q - fl > 1.0L - tol)
      fl += 1.0L;
    ar[a].units = (long long)fl;
    left -= ar[a].units;
    it[a] = (rem_item){q - fl > 0.0L ? q - fl : 0.0L, ar[a].need, a};
  }
  qsort(it, n, sizeof *it, cmp_rem);
  for (size_t i = 0; left > 0; i = (i + 1) % n, left--)
    ar[it[i].a].units++;
  for (size_t i = n - 1, guard = 0; left < 0 && guard < 2 * n + 2;
       i = (i + n - 1) % n, guard++)
    if (ar[it[i].a].units > fu) {
      ar[it[i].a].units--;
      left++;
    }
  ampel_free(it);
  return left == 0 ? AMPEL_OK : AMPEL_E_INTERNAL;
}

ampel_status ampel_allocation_compute(const ampel_allocation_input *in,
                                      ampel_allocation_result *out,
                                      ampel_diags *d) {
  memset(out, 0, sizeof *out);
  long long T = 0, fu = 0, cu = -1;
  long double W, WN;
  ampel_status st = check_opts(in, &T, &fu, &cu, d);
  if (st == AMPEL_OK)
    st = check_feasible(in, T, fu, cu, d);
  if (st != AMPEL_OK)
    return st;
  size_t n = in->n_areas;
  long double *x = ampel_calloc(n, sizeof *x);
  out->areas = ampel_calloc(n, sizeof *out->areas);
  if (!x || !out->areas) {
    st = AMPEL_E_NOMEM;
    goto done;
  }
  out->n_areas = n;
  out->budget = in->budget;
  out->unit = in->unit;
  out->total_units = T;
  st = take_data(in, out->areas, &W, &WN, d);
  if (st != AMPEL_OK)
    goto done;
  proportional(in, out->areas, W, WN, x);
  st = bound(in, cu, out->areas, x, d);
  if (st != AMPEL_OK)
    goto done;
  for (size_t a = 0; a < n; a++)
    out->areas[a].adjusted = (double)x[a];
  st = round_units(in, T, fu, x, out->areas);
  if (st != AMPEL_OK) {
    st = fail(d, st, "Verteilung: Rundung ergibt nicht das Budget (Fehler "
                     "im Programm)");
    goto done;
  }
  for (size_t a = 0; a < n; a++) {
    out->areas[a].allocation = (double)out->areas[a].units * in->unit;
    out->areas[a].share = (double)out->areas[a].units / (double)T;
  }
done:
  ampel_free(x);
  if (st != AMPEL_OK)
    ampel_allocation_result_release(out);
  return st;
}
