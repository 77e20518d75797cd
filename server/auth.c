/* auth.c - who asks, and may they (issue 12). Today: the admin token of
 * --admin-token-file (role verwaltung, no CSRF: a bearer token is never
 * sent by a browser on its own). Sessions, API tokens and the trusted
 * proxy header come with the accounts (docs/betrieb.md). */
#include <stdio.h>
#include <string.h>

#include "server.h"

const char *srv_role_name(srv_role role) {
  switch (role) {
  case SRV_ROLE_LESER: return "leser";
  case SRV_ROLE_REDAKTION: return "redaktion";
  case SRV_ROLE_VERWALTUNG: return "verwaltung";
  default: return "";
  }
}

void srv_auth_identify(srv_req *q) {
  memset(&q->user, 0, sizeof q->user);
  if (q->auth && srv_admin_enabled() && srv_token_ok(q->auth)) {
    snprintf(q->user.name, sizeof q->user.name, "%s", "admin");
    q->user.role = SRV_ROLE_VERWALTUNG;
    q->user.via = SRV_VIA_ADMIN_TOKEN;
  }
}

/* Constant-time comparison of two NUL-terminated tokens. */
static int same_token(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  unsigned char diff = na != nb;
  for (size_t i = 0; i < na && i < nb; i++)
    diff |= (unsigned char)(a[i] ^ b[i]);
  return diff == 0;
}

int srv_auth_require(srv_req *q, srv_resp *r, srv_role need,
                     const char *form_csrf) {
  if (q->user.role == SRV_ROLE_NONE)
    return srv_error(q, r, 401, "Bitte zuerst anmelden.");
  if (q->user.role < need)
    return srv_error(q, r, 403,
                     "Dafür fehlt die Berechtigung (nötig: Rolle %s).",
                     srv_role_name(need));
  if (q->user.via == SRV_VIA_SESSION) {
    const char *t = form_csrf ? form_csrf : srv_header(q, "X-CSRF-Token");
    if (!t || !q->user.csrf[0] || !same_token(t, q->user.csrf))
      return srv_error(q, r, 403,
                       "Das Formular ist abgelaufen oder unvollständig "
                       "(CSRF-Token fehlt oder stimmt nicht). Bitte die "
                       "Seite neu laden und erneut senden.");
  }
  return 0;
}
