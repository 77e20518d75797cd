/* ampel/analysis/questions.h - every question of the analysis layer as a
 * descriptor, so that the command line (cli/ask.c) and the server
 * (server/api.c) ask through one generic path instead of each writing its
 * own "open, analyse, render, release" sequence.
 *
 * The answer is caller-provided memory of answer_size bytes, zeroed;
 * analyse() fills it (and releases it on error), release() frees what it
 * holds. `ud` is the question's extra input: NULL for all but allocation,
 * where it is the parsed --index file (const ampel_index_file *, or NULL).
 */
#ifndef AMPEL_ANALYSIS_QUESTIONS_H
#define AMPEL_ANALYSIS_QUESTIONS_H

#include "ampel/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_question {
  const char *name;   /* "lights", "heatmap", ... */
  size_t answer_size; /* sizeof the answer struct */
  ampel_status (*analyse)(const ampel_context *ctx, const ampel_query *q,
                          const void *ud, void *answer, ampel_diags *diags);
  void (*release)(void *answer);
  const char *fail_de; /* German fallback message, "Auswahl nicht möglich." */
} ampel_question;

extern const ampel_question ampel_question_lights;
extern const ampel_question ampel_question_heatmap;
extern const ampel_question ampel_question_index;
extern const ampel_question ampel_question_allocation;
extern const ampel_question ampel_question_correlation;
extern const ampel_question ampel_question_map;
extern const ampel_question ampel_question_report;
extern const ampel_question ampel_question_overview;
extern const ampel_question ampel_question_lisa;

/* Opens a context on `st` (flags: AMPEL_CTX_*) and asks `qd` on it:
 * *out_ctx is the context the answer borrows from (free it after
 * releasing the answer; NULL when opening failed). Reads only what the
 * question needs where the question can say so (issue 15: the lights
 * predict their periods from a sample of the store, load those, and check
 * the answer; src/analysis/lazy.c), otherwise everything; the answer is
 * the same either way. Errors: those of ampel_context_open and of the
 * question, with messages in diags. */
AMPEL_WUR ampel_status ampel_question_ask(ampel_store *st, unsigned flags,
                                          const ampel_question *qd,
                                          const ampel_query *q, const void *ud,
                                          void *answer, ampel_context **out_ctx,
                                          ampel_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
