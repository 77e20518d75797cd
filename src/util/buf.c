/* The output buffer (buf.h). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/buf.h"
#include "util/decimal.h"

#define FLUSH_AT (64u * 1024u)
#define DEFAULT_LIMIT ((size_t)1 << 30)

void ampel_buf_init(ampel_buf *b) {
  memset(b, 0, sizeof *b);
}

void ampel_buf_init_sink(ampel_buf *b, ampel_sink_fn fn, void *ud) {
  ampel_buf_init(b);
  b->sink = fn;
  b->sink_ud = ud;
}

void ampel_buf_release(ampel_buf *b) {
  if (!b)
    return;
  ampel_free(b->data);
  ampel_buf_init(b);
}

static int sink_out(ampel_buf *b) {
  if (b->len && b->sink(b->sink_ud, b->data, b->len) != 0) {
    b->failed = AMPEL_E_IO;
    return -1;
  }
  b->len = 0;
  b->data[0] = '\0';
  return 0;
}

static int reserve(ampel_buf *b, size_t extra) {
  if (b->failed)
    return -1;
  if (b->sink && b->len + extra > FLUSH_AT && b->len > 0 && sink_out(b))
    return -1;
  size_t limit = b->limit ? b->limit : DEFAULT_LIMIT;
  if (!b->sink && b->len + extra > limit) {
    b->failed = AMPEL_E_TOO_LARGE;
    return -1;
  }
  if (b->len + extra + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1)
    cap *= 2;
  char *p = ampel_realloc(b->data, cap);
  if (!p) {
    b->failed = AMPEL_E_NOMEM;
    return -1;
  }
  b->data = p;
  b->cap = cap;
  return 0;
}

void ampel_buf_append(ampel_buf *b, const char *s, size_t n) {
  if (reserve(b, n))
    return;
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void ampel_buf_puts(ampel_buf *b, const char *s) {
  if (s)
    ampel_buf_append(b, s, strlen(s));
}

void ampel_buf_putc(ampel_buf *b, char c) {
  ampel_buf_append(b, &c, 1);
}

void ampel_buf_printf(ampel_buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n < sizeof small) {
    ampel_buf_append(b, small, (size_t)n);
    return;
  }
  if (reserve(b, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

/* %.{prec}g of the value whose %.16e text (17 significant digits,
 * correctly rounded) is `e17`, for prec <= 17. Returns 0 when that is not
 * certain: the dropped digits are exactly half a unit (the exact value may
 * lie on either side, or be the tie printf breaks to even). */
static int g_from_digits(const char *e17, int prec, char *out, size_t size) {
  int neg = e17[0] == '-';
  const char *p = e17 + neg;
  char dig[18];
  int nd = 0;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9')
      dig[nd++] = *p;
  if (nd != 17 || *p != 'e')
    return 0;
  int x = atoi(p + 1);
  if (prec < 17) { /* round at digit prec: compare the tail with half */
    int cmp = dig[prec] - '5';
    for (int k = prec + 1; cmp == 0 && k < 17; k++)
      cmp = dig[k] != '0';
    if (cmp == 0)
      return 0;
    if (cmp > 0) {
      int k = prec - 1;
      while (k >= 0 && dig[k] == '9')
        dig[k--] = '0';
      if (k >= 0) {
        dig[k]++;
      } else { /* 99..9 -> 100..0 */
        dig[0] = '1';
        x++;
      }
    }
  }
  int len = prec;
  while (len > 1 && dig[len - 1] == '0')
    len--;
  char buf[64];
  size_t o = 0;
  if (neg)
    buf[o++] = '-';
  if (x < -4 || x >= prec) { /* d.ddde+XX */
    buf[o++] = dig[0];
    if (len > 1) {
      buf[o++] = '.';
      for (int k = 1; k < len; k++)
        buf[o++] = dig[k];
    }
    o += (size_t)snprintf(buf + o, sizeof buf - o, "e%c%02d", x < 0 ? '-' : '+',
                          x < 0 ? -x : x);
  } else if (x < 0) { /* 0.000ddd */
    buf[o++] = '0';
    buf[o++] = '.';
    for (int k = 0; k < -x - 1; k++)
      buf[o++] = '0';
    for (int k = 0; k < len; k++)
      buf[o++] = dig[k];
  } else { /* ddd.ddd */
    for (int k = 0; k <= x; k++)
      buf[o++] = k < len ? dig[k] : '0';
    if (len > x + 1) {
      buf[o++] = '.';
      for (int k = x + 1; k < len; k++)
        buf[o++] = dig[k];
    }
  }
  if (o >= size)
    return 0;
  memcpy(out, buf, o);
  out[o] = '\0';
  return 1;
}

/* The %.16e text of v (17 correctly rounded significant digits, printf's
 * round-half-even on the exact binary value) with integer arithmetic, for
 * 1e-5 <= |v| < 2^53 (nearly every value a table shows); 0 otherwise.
 * v = m / 2^s exactly; N = round(v * 10^k) has 17 digits. m * 10^k stays
 * below 2^53 * 10^21 < 2^123. */
__extension__ typedef unsigned __int128 u128;

static int e17_fast(double v, char *out, size_t size) {
  double a = fabs(v);
  if (!(a >= 1e-5 && a < 9007199254740992.0) || size < 24)
    return 0;
  int e2 = 0;
  double fr = frexp(a, &e2); /* a = fr * 2^e2, fr in [0.5, 1) */
  uint64_t m = (uint64_t)ldexp(fr, 53);
  int s = 53 - e2; /* a = m / 2^s */
  if (s < 0 || s > 120)
    return 0;
  int x = (int)floor(log10(a));
  for (int attempt = 0; attempt < 2; attempt++) {
    int k = 16 - x;
    if (k < 0 || k > 22)
      return 0;
    u128 p10 = 1;
    for (int i = 0; i < k; i++)
      p10 *= 10;
    u128 prod = (u128)m * p10, q = s ? prod >> s : prod;
    if (s) {
      u128 rem = prod - (q << s), half = (u128)1 << (s - 1);
      if (rem > half || (rem == half && (q & 1)))
        q++;
    }
    const u128 lo = (u128)10000000000000000ull, hi = lo * 10;
    if (q < lo) {
      x--;
      continue;
    }
    if (q >= hi) {
      if (q == hi) { /* rounded up to 10^17: 1.000...e(x+1) */
        q = lo;
        x++;
      } else {
        x++;
        continue;
      }
    }
    char dig[17];
    uint64_t n = (uint64_t)q;
    for (int i = 16; i >= 0; i--) {
      dig[i] = (char)('0' + n % 10);
      n /= 10;
    }
    size_t o = 0;
    if (v < 0)
      out[o++] = '-';
    out[o++] = dig[0];
    out[o++] = '.';
    for (int i = 1; i < 17; i++)
      out[o++] = dig[i];
    out[o++] = 'e';
    out[o++] = x < 0 ? '-' : '+';
    int ax = x < 0 ? -x : x;
    out[o++] = (char)('0' + ax / 10);
    out[o++] = (char)('0' + ax % 10);
    out[o] = '\0';
    return 1;
  }
  return 0;
}


/* Whether the decimal text s (as %g writes it) reads back as v: the same
 * answer as strtod(s, NULL) == v, through the exact fast path of
 * util/decimal.h where it applies (most texts: strtod was a fifth of the
 * time of writing a large CSV, ampel lights with 2.5 M numbers). */
static int reads_back(const char *s, double v) {
  double r;
  if (ampel_decimal_fast(s, strlen(s), &r))
    return r == v;
  return strtod(s, NULL) == v;
}

/* The common case first: a value of at most 15 significant digits in
 * [1e-4, 1e15), such as 20.8396, is the integer r = round(|v| * 10^k) with
 * the fewest decimals k for which r / 10^k reads back as v (exact by the
 * argument of reads_back: r < 10^15 and k <= 19). Fewer decimals means
 * fewer significant digits here, and %g writes such a value without
 * exponent, so the text is %.{p}g's for the smallest p that reads back,
 * the definition below. Returns 0 (nothing written) otherwise. */
static int fixed_short(double v, char *out, size_t size) {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
  double a = fabs(v);
  if (!(a >= 1e-4 && a < 1e15) || size < 40)
    return 0;
  for (int k = 1; k <= 19; k++) {
    double t = a * ampel_exact_pow10[k];
    if (t >= 1e15)
      return 0; /* 16 or more significant digits */
    double r = nearbyint(t);
    if (r / ampel_exact_pow10[k] != a)
      continue;
    /* the digits of n, a point inserted k from the right; at least one
     * digit before the point */
    uint64_t n = (uint64_t)r;
    char dig[24];
    int nd = 0;
    for (; n || nd <= k; n /= 10)
      dig[nd++] = (char)('0' + n % 10);
    char *o = out;
    if (v < 0)
      *o++ = '-';
    for (int i = nd - 1; i >= 0; i--) {
      *o++ = dig[i];
      if (i == k)
        *o++ = '.';
    }
    *o = '\0';
    return 1;
  }
#else
  (void)v;
  (void)out;
  (void)size;
#endif
  return 0;
}

void ampel_format_double(double v, char *out, size_t size) {
  if (isnan(v)) {
    out[0] = '\0';
    return;
  }
  if (v == 0) {
    snprintf(out, size, "0");
    return;
  }
  if (fabs(v) < 1e15 && v == floor(v)) { /* whole numbers without exponent */
    snprintf(out, size, "%.0f", v);
    return;
  }
  if (fabs(v) < DBL_MIN) { /* subnormal: the argument below needs the
                              full precision of normal numbers */
    for (int prec = 1; prec < 17; prec++) {
      snprintf(out, size, "%.*g", prec, v);
      if (strtod(out, NULL) == v)
        return;
    }
    snprintf(out, size, "%.17g", v);
    return;
  }
  if (fixed_short(v, out, size))
    return;
  /* The fewest significant digits that read back as v, in at most three
   * tries. At most one decimal of 15 significant digits lies in v's
   * rounding interval (their spacing is wider than the interval), so when
   * any p <= 15 digits read back, %.15g gives that same number, and %g
   * drops the trailing zeros: the same text as %.{p}g. Otherwise 16 or 17
   * digits (17 always read back). The 15- and 16-digit texts are made from
   * the 17 correctly rounded digits of one snprintf (round_digits), which
   * is the same as printf's rounding except on an exact tie of the dropped
   * digits, where printf itself is asked. */
  char d17[40];
  if (!e17_fast(v, d17, sizeof d17))
    snprintf(d17, sizeof d17, "%.16e", v);
  for (int prec = 15; prec < 17; prec++) {
    if (!g_from_digits(d17, prec, out, size))
      snprintf(out, size, "%.*g", prec, v);
    if (reads_back(out, v))
      return;
  }
  if (!g_from_digits(d17, 17, out, size))
    snprintf(out, size, "%.17g", v);
}

void ampel_buf_double(ampel_buf *b, double v) {
  char tmp[40];
  ampel_format_double(v, tmp, sizeof tmp);
  ampel_buf_puts(b, tmp);
}

void ampel_buf_csv_field(ampel_buf *b, const char *s) {
  if (!s)
    return;
  if (!strpbrk(s, ",\"\r\n")) {
    ampel_buf_puts(b, s);
    return;
  }
  ampel_buf_putc(b, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      ampel_buf_putc(b, '"');
    ampel_buf_putc(b, *p);
  }
  ampel_buf_putc(b, '"');
}

void ampel_buf_html_n(ampel_buf *b, const char *s, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default:
      if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
        rep = " "; /* control characters are not allowed in XML */
    }
    if (rep) {
      ampel_buf_append(b, s + start, i - start);
      ampel_buf_puts(b, rep);
      start = i + 1;
    }
  }
  ampel_buf_append(b, s + start, n - start);
}

void ampel_buf_html(ampel_buf *b, const char *s) {
  if (s)
    ampel_buf_html_n(b, s, strlen(s));
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  if (s[0] < 0x80)
    return 1;
  size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (len == 0 || s[0] > 0xF4 || len > n)
    return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  if (len == 3 &&
      ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
    return 0;
  if (len == 4 &&
      ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
    return 0;
  return len;
}

void ampel_buf_json_string(ampel_buf *b, const char *s) {
  ampel_buf_putc(b, '"');
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t n = strlen((const char *)p);
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      ampel_buf_putc(b, '\\');
      ampel_buf_putc(b, (char)c);
      i++;
    } else if (c < 0x20) {
      ampel_buf_printf(b, "\\u%04x", c);
      i++;
    } else if (c == '<' || c == '>' || c == '&') {
      ampel_buf_printf(b, "\\u%04x", c); /* safe inside HTML too */
      i++;
    } else {
      size_t len = utf8_len(p + i, n - i);
      if (len == 0) {
        ampel_buf_puts(b, "\\ufffd");
        i++;
      } else {
        ampel_buf_append(b, (const char *)p + i, len);
        i += len;
      }
    }
  }
  ampel_buf_putc(b, '"');
}

ampel_status ampel_buf_flush(ampel_buf *b) {
  if (!b->failed && b->sink && b->data)
    sink_out(b);
  return (ampel_status)b->failed;
}
