/* ampel user | token | audit: the accounts of the dashboard (issue 12,
 * store.h "Accounts"; docs/betrieb.md "Benutzer und Rollen"). Passwords
 * come from standard input only (twice and without echo at a terminal),
 * never from the command line; they are wiped from memory after use.
 * Every change is written to the audit log (user NULL: the command line). */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define PW_BUF (AMPEL_PASSWORD_MAX + 2)

static void wipe(char *s, size_t n) {
  volatile char *p = s;
  while (n--)
    *p++ = 0;
}

/* One line from stdin without its line end; 0, or -1 at EOF / too long. */
static int read_line(char *buf, size_t size) {
  if (!fgets(buf, (int)size, stdin))
    return -1;
  size_t n = strcspn(buf, "\r\n");
  if (buf[n] == '\0' && n == size - 1 && !feof(stdin))
    return -1; /* longer than the buffer */
  buf[n] = '\0';
  return 0;
}

/* Reads a line with echo off (stdin a terminal); the prompt to stderr. */
static int read_hidden(const char *prompt, char *buf, size_t size) {
  struct termios old, quiet;
  fputs(prompt, stderr);
  fflush(stderr);
  int tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  int rc = read_line(buf, size);
  if (tty)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  fputc('\n', stderr);
  return rc;
}

/* The new password into pw (PW_BUF bytes): twice at a terminal, else the
 * first line of stdin. EXIT_OK or an exit code after a message. */
static int get_password(const char *cmd, const char *name, char *pw) {
  if (isatty(STDIN_FILENO)) {
    char again[PW_BUF];
    char prompt[128];
    snprintf(prompt, sizeof prompt, "Neues Kennwort für %s: ", name);
    int rc = read_hidden(prompt, pw, PW_BUF);
    if (rc == 0)
      rc = read_hidden("Kennwort wiederholen: ", again, sizeof again);
    int same = rc == 0 && strcmp(pw, again) == 0;
    wipe(again, sizeof again);
    if (rc != 0)
      return cli_usage(cmd, "kein Kennwort gelesen");
    if (!same) {
      wipe(pw, PW_BUF);
      cli_error("%s: die beiden Kennwörter sind verschieden; nichts "
                "geändert",
                cmd);
      return EXIT_DATA;
    }
  } else if (read_line(pw, PW_BUF) != 0) {
    wipe(pw, PW_BUF);
    return cli_usage(cmd,
                     "kein Kennwort auf der Standardeingabe (eine Zeile, "
                     "höchstens %d Zeichen)",
                     AMPEL_PASSWORD_MAX);
  }
  size_t n = strlen(pw);
  if (n > 0 && n < AMPEL_PASSWORD_MIN) {
    wipe(pw, PW_BUF);
    cli_error("%s: das Kennwort ist zu kurz (mindestens %d Zeichen); nichts "
              "geändert",
              cmd, AMPEL_PASSWORD_MIN);
    return EXIT_DATA;
  }
  return EXIT_OK;
}

static void audit(ampel_store *st, const char *action, const char *detail) {
  if (ampel_store_audit_add(st, cli_now(), NULL, NULL, action, detail) !=
      AMPEL_OK)
    cli_warn("der Protokolleintrag '%s' konnte nicht geschrieben werden",
             action);
}

/* The message of a failed account call; returns the exit code. */
static int account_fail(ampel_store *st, ampel_status s, const char *what,
                        const char *name) {
  switch (s) {
  case AMPEL_E_NOT_FOUND:
    cli_error("%s: '%s' gibt es nicht", what, name);
    return EXIT_DATA;
  case AMPEL_E_DATA:
    cli_error("%s: '%s' gibt es schon", what, name);
    return EXIT_DATA;
  case AMPEL_E_USAGE:
    cli_error("%s: die Datenbank hat noch keine Benutzer-Tabellen (ältere "
              "Schema-Version, nur lesbar geöffnet?)",
              what);
    return EXIT_DATA;
  default: {
    const char *why = ampel_store_last_error(st);
    cli_error("%s: '%s': %s", what, name, why ? why : "Datenbankfehler");
    return EXIT_SYSTEM;
  }
  }
}

static void when_text(int64_t t, char *buf, size_t size) {
  if (t <= 0) {
    snprintf(buf, size, "-");
    return;
  }
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static int print_user(void *ud, const ampel_user_info *u) {
  (void)ud;
  char when[32];
  when_text(u->created, when, sizeof when);
  printf("%-24s %-11s angelegt %s UTC%s%s\n", u->name,
         *ampel_role_name(u->role) ? ampel_role_name(u->role) : "?", when,
         strcmp(u->pwhash, "!") == 0 ? ", ohne Kennwort (nur Proxy)" : "",
         u->disabled ? ", gesperrt" : "");
  return 0;
}

static int user_role_arg(const cli_call *call, ampel_role *out) {
  const char *r = CLI_OPT(call, AMPEL_OPT_ROLE);
  if (!r || !*r || ampel_role_parse(r, out) != 0)
    return cli_usage("user", "--role fehlt (leser, redaktion oder "
                             "verwaltung)");
  return EXIT_OK;
}

int cmd_user(const cli_call *call) {
  const char *sub = call->pos[0];
  const char *name = call->n_pos > 1 ? call->pos[1] : NULL;
  int list = strcmp(sub, "list") == 0;
  if (!list && strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0 &&
      strcmp(sub, "passwd") != 0 && strcmp(sub, "role") != 0)
    return cli_usage("user",
                     "unbekannter Unterbefehl '%s' (add, list, remove, "
                     "passwd oder role)",
                     sub);
  if (list ? name != NULL : name == NULL)
    return cli_usage("user",
                     list ? "'list' erwartet keinen Namen"
                          : "'%s' braucht einen Benutzernamen",
                     sub);
  if (name && !ampel_account_name_ok(name))
    return cli_usage("user",
                     "ungültiger Benutzername '%s' (1 bis 63 Zeichen: "
                     "Buchstaben A-Z, Ziffern, . _ @ -)",
                     name);
  ampel_role role = AMPEL_ROLE_NONE;
  int need_role = strcmp(sub, "add") == 0 || strcmp(sub, "role") == 0;
  if (need_role && user_role_arg(call, &role) != EXIT_OK)
    return EXIT_USAGE;
  if (!need_role && ampel_query_has(&call->q, AMPEL_OPT_ROLE))
    return cli_usage("user", "--role gilt nur für 'add' und 'role'");
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(
      call->common, list ? AMPEL_STORE_READONLY : AMPEL_STORE_WRITE, &rc);
  if (!st)
    return rc;
  ampel_status s = AMPEL_OK;
  char detail[160];
  if (list) {
    s = ampel_store_user_list(st, print_user, NULL);
    if (s != AMPEL_OK)
      rc = account_fail(st, s, "Benutzer auflisten", "");
  } else if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
    int add = strcmp(sub, "add") == 0;
    ampel_role have;
    s = ampel_store_user_get(st, name, &have);
    if (add && s == AMPEL_OK) {
      rc = account_fail(st, AMPEL_E_DATA, "Benutzer anlegen", name);
    } else if (!add && s != AMPEL_OK) {
      rc = account_fail(st, s, "Kennwort ändern", name);
    } else {
      char pw[PW_BUF];
      rc = get_password("user", name, pw);
      if (rc == EXIT_OK) {
        s = add ? ampel_store_user_add(st, name, role, pw, cli_now())
                : ampel_store_user_set_password(st, name, pw);
        int none = pw[0] == '\0';
        wipe(pw, sizeof pw);
        if (s != AMPEL_OK) {
          rc = account_fail(st, s, add ? "Benutzer anlegen" : "Kennwort ändern",
                            name);
        } else {
          snprintf(detail, sizeof detail, "%s%s%s", name, add ? " als " : "",
                   add ? ampel_role_name(role) : "");
          audit(st, add ? "benutzer_anlegen" : "kennwort_aendern", detail);
          printf("%s: %s%s\n", name,
                 add ? "angelegt, Rolle " : "Kennwort geändert",
                 add ? ampel_role_name(role) : "");
          if (none)
            printf("%s hat kein Kennwort: Anmeldung nur über den Proxy "
                   "(--trusted-header)\n",
                   name);
        }
      }
    }
  } else if (strcmp(sub, "remove") == 0) {
    s = ampel_store_user_remove(st, name);
    if (s != AMPEL_OK) {
      rc = account_fail(st, s, "Benutzer entfernen", name);
    } else {
      audit(st, "benutzer_entfernen", name);
      printf("%s: entfernt (mit Sitzungen und API-Schlüsseln)\n", name);
    }
  } else { /* role */
    s = ampel_store_user_set_role(st, name, role);
    if (s != AMPEL_OK) {
      rc = account_fail(st, s, "Rolle ändern", name);
    } else {
      snprintf(detail, sizeof detail, "%s: %s", name, ampel_role_name(role));
      audit(st, "rolle_aendern", detail);
      printf("%s: Rolle %s\n", name, ampel_role_name(role));
    }
  }
  ampel_store_close(st);
  return rc;
}

/* ---- ampel token --------------------------------------------------------- */

static int print_token(void *ud, const ampel_token_info *t) {
  (void)ud;
  char made[32], used[32];
  when_text(t->created, made, sizeof made);
  when_text(t->last_used, used, sizeof used);
  printf("%-24s Benutzer %-20s angelegt %s UTC, zuletzt benutzt %s%s\n",
         t->name, t->user, made, used, t->last_used > 0 ? " UTC" : "");
  return 0;
}

int cmd_token(const cli_call *call) {
  const char *sub = call->pos[0];
  const char *name = call->n_pos > 1 ? call->pos[1] : NULL;
  int list = strcmp(sub, "list") == 0, add = strcmp(sub, "add") == 0;
  if (!list && !add && strcmp(sub, "remove") != 0)
    return cli_usage(
        "token", "unbekannter Unterbefehl '%s' (add, list oder remove)", sub);
  if (list ? name != NULL : name == NULL)
    return cli_usage("token",
                     list ? "'list' erwartet keinen Namen"
                          : "'%s' braucht den Namen des Schlüssels",
                     sub);
  if (name && !ampel_account_name_ok(name))
    return cli_usage("token",
                     "ungültiger Name '%s' (1 bis 63 Zeichen: Buchstaben "
                     "A-Z, Ziffern, . _ @ -)",
                     name);
  const char *user = CLI_OPT(call, AMPEL_OPT_USER);
  if (user && *user && !add)
    return cli_usage("token", "--user gilt nur für 'add'");
  if (!user || !*user)
    user = name;
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(
      call->common, list ? AMPEL_STORE_READONLY : AMPEL_STORE_WRITE, &rc);
  if (!st)
    return rc;
  ampel_status s;
  char detail[160];
  if (list) {
    s = ampel_store_token_list(st, print_token, NULL);
    if (s != AMPEL_OK)
      rc = account_fail(st, s, "Schlüssel auflisten", "");
  } else if (add) {
    char tok[AMPEL_TOKEN_SIZE];
    s = ampel_store_token_add(st, name, user, cli_now(), tok);
    if (s != AMPEL_OK) {
      rc = s == AMPEL_E_NOT_FOUND
               ? account_fail(st, s, "Schlüssel anlegen: Benutzer", user)
               : account_fail(st, s, "Schlüssel anlegen", name);
    } else {
      snprintf(detail, sizeof detail, "%s für %s", name, user);
      audit(st, "schluessel_anlegen", detail);
      printf("%s\n", tok);
      fprintf(stderr,
              "API-Schlüssel '%s' für %s angelegt. Er wird nur dieses eine "
              "Mal gezeigt: 'Authorization: Bearer SCHLÜSSEL'.\n",
              name, user);
    }
    wipe(tok, sizeof tok);
  } else {
    s = ampel_store_token_remove(st, name);
    if (s != AMPEL_OK) {
      rc = account_fail(st, s, "Schlüssel entfernen", name);
    } else {
      audit(st, "schluessel_entfernen", name);
      printf("%s: entfernt\n", name);
    }
  }
  ampel_store_close(st);
  return rc;
}

/* ---- ampel audit --------------------------------------------------------- */

static int print_audit(void *ud, const ampel_audit_info *a) {
  (void)ud;
  char when[32];
  when_text(a->time, when, sizeof when);
  printf("%s UTC  %-20s %-15s %-26s %s\n", when,
         a->user ? a->user : "(Befehlszeile)", a->address ? a->address : "-",
         a->action, a->detail ? a->detail : "");
  return 0;
}

int cmd_audit(const cli_call *call) {
  long limit = (long)ampel_query_num(&call->q, AMPEL_OPT_LIMIT);
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(call->common, AMPEL_STORE_READONLY, &rc);
  if (!st)
    return rc;
  ampel_status s = ampel_store_audit_list(st, limit, print_audit, NULL);
  if (s != AMPEL_OK)
    rc = account_fail(st, s, "Protokoll lesen", "");
  ampel_store_close(st);
  return rc;
}
