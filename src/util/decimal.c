/* Clinger's fast path (decimal.h). Written by hand because strtod was a
 * fifth of the time of writing a large CSV and of reading one (10 M
 * values), and no library offers only the exact fast path. */
#include "util/decimal.h"

#include <float.h>
#include <stdint.h>

/* the powers of ten that are exact doubles (decimal.h) */
const double ampel_exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                      1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                      1e18, 1e19, 1e20, 1e21, 1e22};

int ampel_decimal_simple(const char *s, size_t n, char mark, double *out) {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
  size_t i = 0;
  int neg = n > 0 && s[0] == '-';
  i += (size_t)neg;
  uint64_t m = 0;
  int nd = 0, frac = 0, dot = 0, any = 0;
  for (; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d <= 9) {
      any = 1;
      if (m == 0 && d == 0) { /* leading zeros carry no digit */
        frac += dot;
        continue;
      }
      if (++nd > 17) /* m stays below 10^17 < 2^64 */
        return 0;
      m = m * 10 + d;
      frac += dot;
    } else if (s[i] == mark && !dot && i + 1 < n) {
      dot = 1;
    } else {
      return 0;
    }
  }
  if (!any || m > (UINT64_C(1) << 53) || frac > 22)
    return 0;
  double r = (double)m / ampel_exact_pow10[frac];
  *out = neg && r != 0 ? -r : r; /* -0 reads as 0 */
  return 1;
#else
  (void)s;
  (void)n;
  (void)mark;
  (void)out;
  return 0;
#endif
}

int ampel_decimal_fast(const char *s, size_t n, double *out) {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
  size_t i = 0;
  int neg = i < n && s[i] == '-';
  i += (size_t)neg;
  uint64_t m = 0;
  int nd = 0, frac = 0, dot = 0, any = 0;
  for (; i < n; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = 1;
      if (m == 0 && c == '0') { /* leading zeros carry no digit */
        frac += dot;
        continue;
      }
      if (++nd > 17) /* m stays below 10^17 < 2^64 */
        return 0;
      m = m * 10 + (uint64_t)(c - '0');
      frac += dot;
    } else if (c == '.' && !dot) {
      dot = 1;
    } else {
      break;
    }
  }
  if (!any)
    return 0;
  int e = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    int eneg = i < n && (s[i] == '-' || s[i] == '+') ? s[i++] == '-' : 0;
    int ed = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
      if (++ed > 3)
        return 0;
      e = e * 10 + (s[i] - '0');
    }
    if (ed == 0)
      return 0;
    e = eneg ? -e : e;
  }
  if (i != n)
    return 0;
  e -= frac;
  if (m > (UINT64_C(1) << 53) || e < -22 || e > 22)
    return 0;
  double r = e >= 0 ? (double)m * ampel_exact_pow10[e] : (double)m / ampel_exact_pow10[-e];
  *out = neg ? -r : r;
  return 1;
#else
  (void)s;
  (void)n;
  (void)out;
  return 0;
#endif
}
