/* util/format.c - German number formatting (format.h). Used by every layer
 * that writes numbers for people: renderers, and compute's German
 * messages (disclosure notes). */
#include "ampel/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void ampel_format_de(double v, int decimals, char *out, size_t size) {
  char tmp[64];
  if (!isfinite(v)) {
    snprintf(out, size, "–");
    return;
  }
  if (decimals < 0) { /* as many as needed, at most 3 */
    decimals = 0;
    while (decimals < 3 &&
           fabs(v * pow(10, decimals) - round(v * pow(10, decimals))) > 1e-9)
      decimals++;
  }
  if (decimals > 6)
    decimals = 6;
  snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(v));
  char *dot = strchr(tmp, '.');
  size_t int_len = dot ? (size_t)(dot - tmp) : strlen(tmp);
  size_t o = 0;
  int negative = v < 0 && strspn(tmp, "0.") != strlen(tmp);
  if (negative && o + 1 < size)
    out[o++] = '-';
  for (size_t i = 0; i < int_len && o + 2 < size; i++) {
    if (i > 0 && (int_len - i) % 3 == 0 && int_len > 3)
      out[o++] = '.';
    out[o++] = tmp[i];
  }
  if (dot && o + 1 < size) {
    out[o++] = ',';
    for (const char *p = dot + 1; *p && o + 1 < size; p++)
      out[o++] = *p;
  }
  out[o < size ? o : size - 1] = '\0';
}

void ampel_format_amount_de(double v, char *out, size_t size) {
  char raw[64];
  int dec = fabs(v - round(v)) > 1e-9 * fmax(1.0, fabs(v));
  snprintf(raw, sizeof raw, dec ? "%.2f" : "%.0f", fabs(v));
  char *dot = strchr(raw, '.');
  size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
  if (v < 0 && o + 1 < size)
    out[o++] = '-';
  for (size_t i = 0; i < int_len && o + 2 < size; i++) {
    if (i > 0 && (int_len - i) % 3 == 0)
      out[o++] = '.';
    out[o++] = raw[i];
  }
  for (const char *p = dot; p && *p && o + 1 < size; p++)
    out[o++] = *p == '.' ? ',' : *p;
  out[o] = '\0';
}
