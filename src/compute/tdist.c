/* compute/tdist.c - Student t two-sided p-values via the regularized
 * incomplete beta function.
 *
 * Written by hand from the mathematical definitions, not taken from a
 * library: GSL has these functions but is GPL, and Debian has no other
 * well-maintained, permissively licensed C library for them. What is used:
 *
 *   P(|T| >= |t|) = I_x(df/2, 1/2),  x = df / (df + t^2)
 *
 *   I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1 / (1 + d1 / (1 + d2 / ...))
 *   d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),  m >= 0
 *   d_{2m}   = m (b - m) x / ((a + 2m - 1)(a + 2m)),            m >= 1
 *
 * The continued fraction converges quickly for x < (a + 1) / (a + b + 2);
 * above that we use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a). It is
 * evaluated with the modified Lentz method (Lentz 1976; Thompson and
 * Barnett 1986). x and 1 - x, and their logarithms, are passed separately
 * so that neither 1 - x nor t^2 has to be formed where it would lose
 * digits or overflow.
 */
#include "ampel/stats.h"

#include <float.h>
#include <math.h>

#define CF_MAX_ITER 100000
#define CF_EPS (2.0 * DBL_EPSILON)
#define CF_TINY 1e-300

/* log Gamma(v) for v > 0, thread-safe where the C library has lgamma_r
 * (plain lgamma writes the global signgam). */
static double log_gamma(double v) {
#if defined(__GLIBC__)
  int sign;
  return lgamma_r(v, &sign);
#else
  return lgamma(v);
#endif
}

/* Coefficient d_j of the continued fraction (j >= 1). */
static double cf_coef(double a, double b, double x, int j) {
  double m = (double)(j / 2);
  if (j % 2 == 1)
    return -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
  return m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
}

/* Evaluates g = 1 + d1 / (1 + d2 / (1 + ...)) with modified Lentz.
 * Returns NaN when it does not converge. */
static double cf_eval(double a, double b, double x) {
  double f = 1.0, c = 1.0, d = 0.0;
  for (int j = 1; j <= CF_MAX_ITER; j++) {
    double dj = cf_coef(a, b, x, j);
    d = 1.0 + dj * d;
    if (fabs(d) < CF_TINY)
      d = CF_TINY;
    c = 1.0 + dj / c;
    if (fabs(c) < CF_TINY)
      c = CF_TINY;
    d = 1.0 / d;
    double delta = c * d;
    f *= delta;
    if (fabs(delta - 1.0) < CF_EPS)
      return f;
  }
  return NAN;
}

/* I_x(a, b) by the continued fraction alone (x below the switch point).
 * lx = log x, ly = log(1 - x). */
static double beta_cf(double a, double b, double x, double lx, double ly) {
  double lbeta = log_gamma(a) + log_gamma(b) - log_gamma(a + b);
  double front = exp(a * lx + b * ly - lbeta) / a;
  return front / cf_eval(a, b, x);
}

/* I_x(a, b) with y = 1 - x, lx = log x, ly = log y all given. x may have
 * underflowed to 0 while lx is still finite (huge t): the fraction is then
 * 1 and the result comes from lx alone. */
static double beta_inc_xy(double a, double b, double x, double y, double lx,
                          double ly) {
  if (lx == -INFINITY)
    return 0.0;
  if (ly == -INFINITY)
    return 1.0;
  if (x < (a + 1.0) / (a + b + 2.0))
    return beta_cf(a, b, x, lx, ly);
  return 1.0 - beta_cf(b, a, y, ly, lx);
}

double ampel_beta_inc(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0) || !isfinite(a) ||
      !isfinite(b))
    return NAN;
  double y = 1.0 - x;
  return beta_inc_xy(a, b, x, y, log(x), log1p(-x));
}

/* With u = |t| / sqrt(df): x = 1 / (1 + u^2), y = u^2 / (1 + u^2).
 * For u > 1 the same through w = 1 / u, so that huge t neither overflows
 * u^2 nor loses the tiny x (its logarithm stays exact). */
double ampel_tdist_p_two_sided(double t, double df) {
  if (isnan(t) || !(df > 0.0) || isinf(df))
    return NAN;
  if (t == 0.0)
    return 1.0;
  if (isinf(t))
    return 0.0;
  double a = df / 2.0, b = 0.5;
  double u = fabs(t) / sqrt(df);
  double x, y, lx, ly;
  if (u <= 1.0) {
    double u2 = u * u;
    x = 1.0 / (1.0 + u2);
    y = u2 / (1.0 + u2);
    lx = -log1p(u2);
    ly = 2.0 * log(u) - log1p(u2);
  } else {
    double w = 1.0 / u, w2 = w * w;
    x = w2 / (1.0 + w2);
    y = 1.0 / (1.0 + w2);
    lx = 2.0 * log(w) - log1p(w2);
    ly = -log1p(w2);
  }
  double p = beta_inc_xy(a, b, x, y, lx, ly);
  return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}
