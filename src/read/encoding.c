/* UTF-8 validation and Windows-1252 conversion (encoding.h). */
#include "read/encoding.h"

#include <stdint.h>
#include <string.h>

/* Unicode code points of Windows-1252 bytes 0x80..0x9F. Bytes 0xA0..0xFF
 * are the Latin-1 code points of the same value. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

static uint32_t cp1252_cp(unsigned char b) {
  if (b >= 0x80 && b < 0xA0)
    return cp1252_high[b - 0x80];
  return b;
}

/* Length of the well-formed UTF-8 sequence at s[i] (1..4), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t i, size_t len) {
  unsigned char b = s[i];
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
  if (b < 0x80)
    return 1;
  if (b < 0xC2)
    return 0;
  if (b < 0xE0) {
    n = 2;
  } else if (b < 0xF0) {
    n = 3;
    if (b == 0xE0)
      lo = 0xA0;
    else if (b == 0xED)
      hi = 0x9F;
  } else if (b < 0xF5) {
    n = 4;
    if (b == 0xF0)
      lo = 0x90;
    else if (b == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
    return 0;
  for (size_t k = 2; k < n; k++)
    if ((s[i + k] & 0xC0) != 0x80)
      return 0;
  return n;
}

int ampel_utf8_valid(const char *s, size_t len, size_t *out_bad_off) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    /* ASCII fast path: eight bytes at a time. */
    while (len - i >= 8) {
      uint64_t w;
      memcpy(&w, u + i, 8);
      if (w & UINT64_C(0x8080808080808080))
        break;
      i += 8;
    }
    if (i >= len)
      break;
    size_t n = utf8_seq_len(u, i, len);
    if (n == 0) {
      if (out_bad_off)
        *out_bad_off = i;
      return 0;
    }
    i += n;
  }
  return 1;
}

/* Nonzero when one of the eight bytes of w is 0 (Hacker's Delight). */
static uint64_t has_zero_byte(uint64_t w) {
  return (w - UINT64_C(0x0101010101010101)) & ~w &
         UINT64_C(0x8080808080808080);
}

/* Offset (0..7) of the lowest flagged byte of a nonzero mask m. The
 * lowest flag of has_zero_byte() is exact (borrows only run upwards). */
static size_t first_flagged(uint64_t m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                          \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return (size_t)__builtin_ctzll(m) / 8;
#else
  (void)m;
  return 0; /* the caller then steps byte by byte */
#endif
}

size_t ampel_utf8_scan(const char *s, size_t len, int *out_is_nul) {
  const unsigned char *u = (const unsigned char *)s;
  const uint64_t high = UINT64_C(0x8080808080808080);
  size_t i = 0;
  *out_is_nul = 0;
  while (i < len) {
    /* fast path: skip ASCII without NUL eight bytes at a time */
    while (len - i >= 8) {
      uint64_t w;
      memcpy(&w, u + i, 8);
      uint64_t m = (w & high) | has_zero_byte(w);
      if (m) {
        i += first_flagged(m);
        break;
      }
      i += 8;
    }
    if (i >= len)
      break;
    if (u[i] == 0) {
      *out_is_nul = 1;
      return i;
    }
    size_t n = utf8_seq_len(u, i, len);
    if (n == 0)
      return i;
    i += n;
  }
  return len;
}

static size_t cp_utf8_len(uint32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

size_t ampel_cp1252_utf8_len(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += cp_utf8_len(cp1252_cp((unsigned char)s[i]));
  return n;
}

size_t ampel_cp1252_to_utf8(const char *s, size_t len, char *out) {
  unsigned char *o = (unsigned char *)out;
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    uint32_t cp = cp1252_cp((unsigned char)s[i]);
    if (cp < 0x80) {
      o[k++] = (unsigned char)cp;
    } else if (cp < 0x800) {
      o[k++] = (unsigned char)(0xC0 | (cp >> 6));
      o[k++] = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
      o[k++] = (unsigned char)(0xE0 | (cp >> 12));
      o[k++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
      o[k++] = (unsigned char)(0x80 | (cp & 0x3F));
    }
  }
  return k;
}

size_t ampel_utf8_count_chars(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += (u[i] & 0xC0) != 0x80;
  return n;
}
