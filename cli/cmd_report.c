/* ampel report: parse → analyse (ampel_analyse_report) → render (the A4
 * pages as PDF or HTML) → write (include/ampel/report.h,
 * docs/berichte.md). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/analysis/report.h"
#include "ampel/report.h"
#include "cli.h"

static int ends_with(const char *s, const char *ext) {
  size_t n = strlen(s), k = strlen(ext);
  return n > k && strcasecmp(s + n - k, ext) == 0;
}

static int write_report(const char *out, const ampel_report *r) {
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  int rc = EXIT_OK;
  if (ends_with(out, ".pdf")) {
    ampel_status s = ampel_report_write_pdf(r, cli_now(), &b, &d);
    if (s != AMPEL_OK)
      rc = cli_fail(s, &d);
  } else {
    ampel_report_write_html(r, &b);
  }
  if (rc == EXIT_OK)
    rc = cli_write_table(out, &b);
  if (rc == EXIT_OK)
    printf("report: %zu Seiten → %s\n", ampel_report_n_pages(r), out);
  ampel_diags_release(&d);
  ampel_buf_release(&b);
  return rc;
}

static int render(const cli_call *call, const ampel_report_answer *a) {
  ampel_report_opts o = {cli_now(), CLI_OPT(call, AMPEL_OPT_TITLE)};
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_report *r = NULL;
  ampel_status s = ampel_report_build(a, &o, &r, &d);
  int rc = s == AMPEL_OK ? write_report(CLI_OPT(call, AMPEL_OPT_OUTPUT), r)
                         : cli_fail(s, &d);
  ampel_report_free(r);
  ampel_diags_release(&d);
  return rc;
}

static int output_ok(const cli_call *call) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  return ends_with(out, ".pdf") || ends_with(out, ".html") ||
         ends_with(out, ".htm");
}

static int show(const cli_call *call, const void *answer) {
  return render(call, (const ampel_report_answer *)answer);
}

int cmd_report(const cli_call *call) {
  static const cli_question qd = {&ampel_question_report, ".pdf oder .html",
                                  output_ok, AMPEL_CTX_GEOMETRY, show};
  return cli_ask(call, &qd, NULL);
}
