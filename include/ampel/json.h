/* ampel/json.h - JSON renderers: one answer of the analysis layer as the
 * JSON document that /api/v1/... sends and `ampel COMMAND --format json`
 * writes (docs/api.md). Missing numbers are null; all strings escaped.
 * Each renderer appends to out. */
#ifndef AMPEL_JSON_H
#define AMPEL_JSON_H

#include "ampel/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- building blocks (src/render/json.c) --------------------------------- */

/* A JSON string, or null for NULL. */
void ampel_json_str(ampel_buf *b, const char *s);
/* A number, or null when not finite. */
void ampel_json_num(ampel_buf *b, double v);

/* ---- answers ------------------------------------------------------------- */

struct ampel_lights_answer;
/* /api/v1/lights (src/render/lights_json.c). */
void ampel_lights_json(const struct ampel_lights_answer *a, ampel_buf *out);

struct ampel_correlation_answer;
/* `ampel correlate --format json`: level, period, method, the areas used
 * and left out, the indicators in matrix order and every pair with r, n,
 * p (src/render/correlate_out.c). */
void ampel_correlation_json(const struct ampel_correlation_answer *a,
                            ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
