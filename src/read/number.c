/* Number parser for statistical cells (read.h: ampel_number_parse).
 *
 * Grammar, after trimming blanks, tabs, CR, LF, U+00A0 and U+202F at both
 * ends:
 *
 *   cell    = ""                                  → EMPTY
 *           | symbol                              → SYMBOL
 *           | "(" blanks number blanks ")"        → VALUE, flag LIMITED
 *           | number                              → VALUE, flag NONE
 *   symbol  = "." SECRET | "-" "–" "−" ZERO (value 0) | "x" "X"
 *             NOT_MEANINGFUL | "..." "…" NOT_YET | "/" UNRELIABLE
 *           | "*" ANONYMISED
 *   number  = [sign blanks] int [mark digits] [exp]
 *           | [sign blanks] mark digits [exp]     (",5" = 0.5)
 *   sign    = "+" | "-" | "−" (U+2212)
 *   int     = digits | d{1,3} (gsep ddd)+   (one kind of gsep throughout)
 *   gsep    = the other mark ('.' when mark is ',', ',' when mark is '.')
 *           | one blank: space, U+00A0 or U+202F
 *   exp     = ("e"|"E") ["+"|"-"] digits      (only when mark is '.')
 *
 * Everything else is BAD: "12,", "1.2.3", "12,5 %", "nan", "inf", "()",
 * a second sign, two blanks between groups, numbers whose cleaned form is
 * longer than NUM_MAX_CHARS, and values outside the range of double.
 * The cleaned C-locale text is converted with strtod (the program never
 * changes LC_NUMERIC). -0 is returned as 0.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/read.h"
#include "util/decimal.h"

#define NUM_MAX_CHARS 400

typedef struct scan {
  const unsigned char *s;
  size_t i, n;
  char buf[NUM_MAX_CHARS + 1];
  size_t k;
} scan;

static int put(scan *sc, char c) {
  if (sc->k >= NUM_MAX_CHARS)
    return -1;
  sc->buf[sc->k++] = c;
  return 0;
}

/* Length of a blank at s[i]: space, tab, CR, LF, U+00A0, U+202F. */
static size_t blank_len(const unsigned char *s, size_t i, size_t n) {
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
    return 1;
  if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
    return 2;
  if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0xAF)
    return 3;
  return 0;
}

/* Length of a blank ending at s[n-1], or 0. */
static size_t blank_len_back(const unsigned char *s, size_t from, size_t n) {
  if (n - from >= 1 && blank_len(s, n - 1, n) == 1)
    return 1;
  if (n - from >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0)
    return 2;
  if (n - from >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 &&
      s[n - 1] == 0xAF)
    return 3;
  return 0;
}

static void trim(const unsigned char *s, size_t *io_i, size_t *io_n) {
  size_t i = *io_i, n = *io_n, b;
  while (i < n && (b = blank_len(s, i, n)) > 0)
    i += b;
  while (n > i && (b = blank_len_back(s, i, n)) > 0)
    n -= b;
  *io_i = i;
  *io_n = n;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static size_t digits_at(const scan *sc, size_t i) {
  size_t k = i;
  while (k < sc->n && is_digit(sc->s[k]))
    k++;
  return k - i;
}

static int copy_digits(scan *sc, size_t nd) {
  for (size_t k = 0; k < nd; k++)
    if (put(sc, (char)sc->s[sc->i + k]) != 0)
      return -1;
  sc->i += nd;
  return 0;
}

/* Kind of group separator at sc->i: 1 the thousands mark, 2 a blank
 * (space, U+00A0, U+202F); 0 none. *out_len gets its byte length. */
static int gsep_at(const scan *sc, char tsep, size_t *out_len) {
  const unsigned char *s = sc->s;
  size_t i = sc->i;
  if (i >= sc->n)
    return 0;
  *out_len = 1;
  if (s[i] == (unsigned char)tsep)
    return 1;
  if (s[i] == ' ')
    return 2;
  size_t b = blank_len(s, i, sc->n);
  if (b >= 2) {
    *out_len = b;
    return 2;
  }
  return 0;
}

/* The integer part with optional thousands groups. Sets *out_nd to the
 * number of digits read (0 allowed: ",5"). */
static int scan_int(scan *sc, char tsep, size_t *out_nd) {
  size_t lead = digits_at(sc, sc->i), glen = 0, nd = lead;
  int kind = 0;
  if (copy_digits(sc, lead) != 0)
    return -1;
  for (;;) {
    int k = gsep_at(sc, tsep, &glen);
    if (k == 0)
      break;
    size_t after = sc->i + glen;
    size_t nd3 = after < sc->n ? digits_at(sc, after) : 0;
    if (lead == 0 || lead > 3 || nd3 != 3 || (kind != 0 && k != kind))
      return -1;
    kind = k;
    sc->i = after;
    if (copy_digits(sc, 3) != 0)
      return -1;
    nd += 3;
  }
  *out_nd = nd;
  return 0;
}

static int scan_exp(scan *sc) {
  if (put(sc, 'e') != 0)
    return -1;
  sc->i++;
  if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-')) {
    if (put(sc, (char)sc->s[sc->i]) != 0)
      return -1;
    sc->i++;
  }
  size_t nd = digits_at(sc, sc->i);
  if (nd == 0)
    return -1;
  return copy_digits(sc, nd);
}

/* Optional sign and blanks after it. */
static int scan_sign(scan *sc) {
  const unsigned char *s = sc->s;
  size_t i = sc->i, n = sc->n, b;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-' && put(sc, '-') != 0)
      return -1;
    i++;
  } else if (n - i >= 3 && s[i] == 0xE2 && s[i + 1] == 0x88 &&
             s[i + 2] == 0x92) {
    if (put(sc, '-') != 0)
      return -1;
    i += 3;
  } else {
    return 0;
  }
  while (i < n && (b = blank_len(s, i, n)) > 0)
    i += b;
  sc->i = i;
  return 0;
}

/* A plain number in s[i..n) (already trimmed). Returns 0 and *out. */
static int parse_plain(const unsigned char *s, size_t i, size_t n,
                       char decimal, double *out) {
  scan sc;
  sc.s = s;
  sc.i = i;
  sc.n = n;
  sc.k = 0;
  size_t nd_int = 0, nd_frac = 0;
  char tsep = decimal == ',' ? '.' : ',';
  if (scan_sign(&sc) != 0 || scan_int(&sc, tsep, &nd_int) != 0)
    return -1;
  if (sc.i < n && s[sc.i] == (unsigned char)decimal) {
    sc.i++;
    nd_frac = digits_at(&sc, sc.i);
    if (nd_frac == 0 || put(&sc, '.') != 0 || copy_digits(&sc, nd_frac) != 0)
      return -1;
  }
  if (nd_int + nd_frac == 0)
    return -1;
  if (decimal == '.' && sc.i < n && (s[sc.i] == 'e' || s[sc.i] == 'E') &&
      scan_exp(&sc) != 0)
    return -1;
  if (sc.i != n)
    return -1;
  sc.buf[sc.k] = '\0';
  double v;
  if (!ampel_decimal_fast(sc.buf, sc.k, &v)) {
    char *end = NULL;
    errno = 0;
    v = strtod(sc.buf, &end);
    if (end != sc.buf + sc.k || !isfinite(v))
      return -1;
  }
  *out = v == 0 ? 0.0 : v;
  return 0;
}

static int symbol_flag(const char *s, size_t n, ampel_flag *out) {
  if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
    return -1; /* a number: no symbol starts with a digit */
  static const struct {
    const char *text;
    ampel_flag flag;
  } symbols[] = {
      {".", AMPEL_FLAG_SECRET},       {"-", AMPEL_FLAG_ZERO},
      {"\xE2\x80\x93", AMPEL_FLAG_ZERO}, /* – en dash */
      {"\xE2\x88\x92", AMPEL_FLAG_ZERO}, /* − minus sign */
      {"x", AMPEL_FLAG_NOT_MEANINGFUL}, {"X", AMPEL_FLAG_NOT_MEANINGFUL},
      {"...", AMPEL_FLAG_NOT_YET},
      {"\xE2\x80\xA6", AMPEL_FLAG_NOT_YET}, /* … */
      {"/", AMPEL_FLAG_UNRELIABLE},   {"*", AMPEL_FLAG_ANONYMISED},
  };
  for (size_t k = 0; k < sizeof symbols / sizeof symbols[0]; k++) {
    if (strlen(symbols[k].text) == n && memcmp(symbols[k].text, s, n) == 0) {
      *out = symbols[k].flag;
      return 0;
    }
  }
  return -1;
}

ampel_num_kind ampel_number_parse(const char *s, size_t len, char decimal,
                                  double *out_value, ampel_flag *out_flag) {
  /* the common cell first (util/decimal.h), the same result as below */
  double fast;
  if (s && (decimal == ',' || decimal == '.') &&
      ampel_decimal_simple(s, len, decimal, &fast)) {
    if (out_value)
      *out_value = fast;
    if (out_flag)
      *out_flag = AMPEL_FLAG_NONE;
    return AMPEL_NUM_VALUE;
  }
  double v = NAN, parsed = 0;
  ampel_flag f = AMPEL_FLAG_NONE;
  ampel_num_kind kind = AMPEL_NUM_BAD;
  const unsigned char *u = (const unsigned char *)(s ? s : "");
  size_t i = 0, n = s ? len : 0;
  trim(u, &i, &n);
  if (decimal != ',' && decimal != '.') {
    kind = AMPEL_NUM_BAD;
  } else if (i == n) {
    kind = AMPEL_NUM_EMPTY;
  } else if (symbol_flag((const char *)u + i, n - i, &f) == 0) {
    kind = AMPEL_NUM_SYMBOL;
    v = f == AMPEL_FLAG_ZERO ? 0.0 : NAN;
  } else if (n - i >= 2 && u[i] == '(' && u[n - 1] == ')') {
    size_t a = i + 1, b = n - 1;
    trim(u, &a, &b);
    if (a < b && parse_plain(u, a, b, decimal, &parsed) == 0) {
      kind = AMPEL_NUM_VALUE;
      f = AMPEL_FLAG_LIMITED;
      v = parsed;
    }
  } else if (parse_plain(u, i, n, decimal, &parsed) == 0) {
    kind = AMPEL_NUM_VALUE;
    v = parsed;
  }
  if (kind == AMPEL_NUM_BAD)
    f = AMPEL_FLAG_NONE;
  if (out_value)
    *out_value = v;
  if (out_flag)
    *out_flag = f;
  return kind;
}
