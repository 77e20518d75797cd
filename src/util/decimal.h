/* util/decimal.h - internal: the exact fast path of decimal-to-double
 * conversion (Clinger 1990), shared by the number reader (read/number.c)
 * and the shortest-text check of the number writer (util/buf.c). */
#ifndef AMPEL_UTIL_DECIMAL_H
#define AMPEL_UTIL_DECIMAL_H

#include <stddef.h>

/* s[0..n) is an optional '-', digits with at most one '.', and an
 * optional exponent e/E with sign; nothing else. When its digits form an
 * integer m <= 2^53 and its decimal exponent e is within 22, the value is
 * m * 10^e computed with one correctly rounded IEEE operation on exact
 * operands: exactly what strtod returns. Then *out gets it and the result
 * is 1; otherwise (other texts, or a platform with excess precision) 0,
 * and the caller uses strtod. */
int ampel_decimal_fast(const char *s, size_t n, double *out);

/* 10^0 .. 10^22, the powers of ten that are exact doubles (also for the
 * number writer's fast path, util/buf.c). */
extern const double ampel_exact_pow10[23];

/* The common cell of a table: s[0..n) is an optional '-', digits and at
 * most one decimal `mark` followed by at least one digit; nothing else.
 * Read in one pass by the same fast path (a negative zero reads as 0).
 * 1 and *out, or 0 for any other text or one beyond the fast path. */
int ampel_decimal_simple(const char *s, size_t n, char mark, double *out);

#endif
