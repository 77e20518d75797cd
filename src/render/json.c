/* json.c - building blocks of the JSON renderers (include/ampel/json.h). */
#include <math.h>

#include "ampel/json.h"

void ampel_json_str(ampel_buf *b, const char *s) {
  if (s)
    ampel_buf_json_string(b, s);
  else
    ampel_buf_puts(b, "null");
}

void ampel_json_num(ampel_buf *b, double v) {
  if (isfinite(v))
    ampel_buf_double(b, v);
  else
    ampel_buf_puts(b, "null");
}
