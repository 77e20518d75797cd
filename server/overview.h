/* overview.h - the text parts of the Übersicht (ov_tables.c) over the
 * overview answer (include/ampel/analysis/overview.h), and the Ampel cell
 * that the area and indicator pages share. */
#ifndef AMPEL_SERVER_OVERVIEW_H
#define AMPEL_SERVER_OVERVIEW_H

#include "ampel/analysis/overview.h"
#include "server.h"

void ov_intro(ampel_buf *b, const ampel_overview_answer *o);
void ov_lights_table(ampel_buf *b, const ampel_lights_answer *a);
void ov_heatmap_table(ampel_buf *b, const ampel_heatmap_answer *a);
/* One Ampel cell: status badge (symbol + word) and trend. */
void ov_cell(ampel_buf *b, const ampel_lights_cell *c);

#endif
