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
