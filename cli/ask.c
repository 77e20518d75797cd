/* ask.c - the one orchestration of every command that asks the analysis
 * layer: check -o, open the context, analyse, render, write, release
 * (parse → analyse → render → write, issue 10). Each command only names
 * its question (cli_question). */
#include <stdio.h>
#include <stdlib.h>

#include "ampel/alloc.h"
#include "cli.h"

int cli_write_kind(const cli_call *call, const ampel_buf *b) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  if (cli_table_kind(call) == CLI_KIND_PICTURE)
    return cli_write_buf(out, b, ampel_query_num(&call->q, AMPEL_OPT_DPI));
  return cli_write_table(out, b);
}

static int check_output(const cli_call *call, const cli_question *qd) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  const char *name = call->cmd->name;
  if (!out)
    return cli_usage(name, "-o DATEI fehlt (%s)", qd->outputs);
  int ok = qd->output_ok ? qd->output_ok(call)
                         : cli_table_kind(call) != CLI_KIND_UNKNOWN;
  if (!ok)
    return cli_usage(name, "-o: Endung %s erwartet, gefunden: '%s'",
                     qd->outputs, out);
  return EXIT_OK;
}

int cli_ask(const cli_call *call, const cli_question *qd, const void *ud) {
  int rc = check_output(call, qd);
  if (rc != EXIT_OK)
    return rc;
  ampel_store *s = cli_open_store(call->common, AMPEL_STORE_READONLY, &rc);
  if (!s)
    return rc;
  void *answer = ampel_calloc(1, qd->question->answer_size);
  if (!answer) {
    ampel_store_close(s);
    cli_error("zu wenig Speicher");
    return EXIT_SYSTEM;
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_context *ctx = NULL;
  ampel_status st = ampel_question_ask(s, qd->ctx_flags, qd->question, &call->q,
                                       ud, answer, &ctx, &d);
  ampel_store_close(s);
  rc = st == AMPEL_OK ? qd->render(call, answer) : cli_fail(st, &d);
  if (ctx)
    qd->question->release(answer);
  ampel_free(answer);
  ampel_diags_release(&d);
  ampel_context_free(ctx);
  return fflush(stdout) == 0 || rc != EXIT_OK ? rc : EXIT_SYSTEM;
}
