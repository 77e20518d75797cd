/* Period labels (dataset.h: ampel_period_parse).
 *
 * Accepted forms and their start dates:
 *   2023            → 2023-01-01
 *   2023/24, 2023/2024 (school or financial year; the second year must
 *                      follow the first) → 2023-08-01 (school year start)
 *   2023-12-31      → that day
 *   2023-12         → 2023-12-01
 *   31.12.2023      → that day; the label is normalised to 2023-12-31 so
 *                     that both spellings name one period
 * Years must lie in 1800..2200. */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return d[m - 1];
}

static int valid_date(int y, int m, int d) {
  return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
         d <= days_in_month(y, m);
}

/* Trims ASCII blanks. */
static void trim(const char **s, size_t *len) {
  while (*len && (**s == ' ' || **s == '\t')) {
    (*s)++;
    (*len)--;
  }
  while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
    (*len)--;
}

int ampel_period_parse(const char *s, size_t len, int32_t *out_sort_key,
                       char **out_label) {
  int y = 0, m = 1, d = 1, y2 = 0;
  char norm[32] = {0};
  trim(&s, &len);
  if (len == 4 && digits(s, 4, &y) == 0 && valid_date(y, 1, 1)) {
    snprintf(norm, sizeof norm, "%04d", y);
  } else if ((len == 7 || len == 9) && s[4] == '/' && digits(s, 4, &y) == 0 &&
             digits(s + 5, len - 5, &y2) == 0) {
    int expect = len == 7 ? (y + 1) % 100 : y + 1;
    if (y2 != expect || !valid_date(y, 8, 1))
      return -1;
    m = 8;
    memcpy(norm, s, len);
  } else if (len == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) == 0 &&
             digits(s + 5, 2, &m) == 0 && digits(s + 8, 2, &d) == 0) {
    if (!valid_date(y, m, d))
      return -1;
    memcpy(norm, s, len);
  } else if (len == 7 && s[4] == '-' && digits(s, 4, &y) == 0 &&
             digits(s + 5, 2, &m) == 0) {
    if (!valid_date(y, m, 1))
      return -1;
    memcpy(norm, s, len);
  } else if (len == 10 && s[2] == '.' && s[5] == '.' && digits(s, 2, &d) == 0 &&
             digits(s + 3, 2, &m) == 0 && digits(s + 6, 4, &y) == 0) {
    if (!valid_date(y, m, d))
      return -1;
    snprintf(norm, sizeof norm, "%04d-%02d-%02d", y, m, d);
  } else {
    return -1;
  }
  if (out_sort_key)
    *out_sort_key = y * 10000 + m * 100 + d;
  if (out_label) {
    *out_label = ampel_strdup(norm);
    if (!*out_label)
      return -1;
  }
  return 0;
}
