/* questions.c - the descriptors of include/ampel/analysis/questions.h:
 * typed answers behind one generic interface (the casts live here, once). */
#include "ampel/analysis/questions.h"
#include "ampel/analysis/correlate.h"
#include "ampel/analysis/heatmap.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/lisa.h"
#include "ampel/analysis/map.h"
#include "ampel/analysis/need.h"
#include "ampel/analysis/overview.h"
#include "ampel/analysis/report.h"

#define QUESTION(NAME, TYPE, ANALYSE, RELEASE, FAIL)                           \
  static ampel_status NAME##_analyse(const ampel_context *ctx,                 \
                                     const ampel_query *q, const void *ud,     \
                                     void *answer, ampel_diags *d) {           \
    (void)ud;                                                                  \
    return ANALYSE(ctx, q, (TYPE *)answer, d);                                 \
  }                                                                            \
  static void NAME##_release(void *answer) {                                   \
    RELEASE((TYPE *)answer);                                                   \
  }                                                                            \
  const ampel_question ampel_question_##NAME = {                               \
      #NAME, sizeof(TYPE), NAME##_analyse, NAME##_release, FAIL}

QUESTION(lights, ampel_lights_answer, ampel_analyse_lights,
         ampel_lights_answer_release, "Auswahl nicht möglich.");
QUESTION(heatmap, ampel_heatmap_answer, ampel_analyse_heatmap,
         ampel_heatmap_answer_release, "Heatmap nicht möglich.");
QUESTION(index, ampel_index_answer, ampel_analyse_index,
         ampel_index_answer_release, "Index nicht berechenbar.");
QUESTION(correlation, ampel_correlation_answer, ampel_analyse_correlation,
         ampel_correlation_answer_release, "Korrelation nicht möglich.");
QUESTION(map, ampel_map_answer, ampel_analyse_map, ampel_map_answer_release,
         "Karte nicht möglich.");
QUESTION(overview, ampel_overview_answer, ampel_analyse_overview,
         ampel_overview_answer_release, "Auswahl nicht möglich.");
QUESTION(report, ampel_report_answer, ampel_analyse_report,
         ampel_report_answer_release, "Bericht nicht möglich.");
QUESTION(lisa, ampel_lisa_answer, ampel_analyse_lisa,
         ampel_lisa_answer_release, "Räumliche Muster nicht berechenbar.");

/* Allocation takes the --index file as its extra input. */
static ampel_status allocation_analyse(const ampel_context *ctx,
                                       const ampel_query *q, const void *ud,
                                       void *answer, ampel_diags *d) {
  return ampel_analyse_allocation(
      ctx, q, ud, ampel_query_text(q, AMPEL_OPT_INDEX_FILE), answer, d);
}

static void allocation_release(void *answer) {
  ampel_allocation_answer_release(answer);
}

const ampel_question ampel_question_allocation = {
    "allocation", sizeof(ampel_allocation_answer), allocation_analyse,
    allocation_release, "Verteilung nicht möglich."};
