/* ampel/error.h - status codes, located errors and diagnostics lists.
 *
 * Every library call that can fail returns an ampel_status (AMPEL_OK == 0).
 * Calls that read user data also append located messages to an
 * ampel_diags list, so that one run can report every problem in a file
 * (up to a limit) instead of stopping at the first one.
 *
 * Messages are German: they are shown to the users of the program.
 */
#ifndef AMPEL_ERROR_H
#define AMPEL_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AMPEL_WUR __attribute__((warn_unused_result))
#define AMPEL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define AMPEL_WUR
#define AMPEL_PRINTF(a, b)
#endif

typedef enum ampel_status {
  AMPEL_OK = 0,
  AMPEL_E_DATA = 1,      /* bad input data (exit code 1) */
  AMPEL_E_USAGE = 2,     /* bad options or arguments (exit code 2) */
  AMPEL_E_IO = 3,        /* I/O or system error (exit code 3) */
  AMPEL_E_NOMEM = 4,     /* allocation failed (exit code 3) */
  AMPEL_E_TOO_LARGE = 5, /* a hard cap was exceeded (exit code 1) */
  AMPEL_E_NOT_FOUND = 6, /* a key does not exist (exit code 1) */
  AMPEL_E_INTERNAL = 7,  /* a bug (exit code 3) */
  AMPEL_E_CANCELLED = 8  /* stopped on request (ampel_stop; exit code 3) */
} ampel_status;

/* A stop request for a long computation (the server's deadline, a
 * client that left, shutdown). The caller owns it and sets it from any
 * thread with ampel_stop_request(); the library polls it in its long
 * loops (clustering, sensitivity runs) and between the phases of a
 * question, and then returns AMPEL_E_CANCELLED. A NULL stop never
 * fires. It lives in the caller's per-call state (ampel_query, the
 * options of the compute functions), never in a global. */
typedef struct ampel_stop {
  int flag; /* 0 = go on; read and written atomically */
} ampel_stop;

static inline void ampel_stop_request(ampel_stop *s) {
  __atomic_store_n(&s->flag, 1, __ATOMIC_RELEASE);
}
static inline int ampel_stop_requested(const ampel_stop *s) {
  return s && __atomic_load_n(&s->flag, __ATOMIC_ACQUIRE);
}

/* Short English name of a status, e.g. "AMPEL_E_DATA". Static string. */
const char *ampel_status_name(ampel_status st);

/* The process exit code documented for a status: 0, 1, 2 or 3. */
int ampel_status_exit_code(ampel_status st);

typedef enum ampel_severity {
  AMPEL_SEV_ERROR = 0,
  AMPEL_SEV_WARNING = 1,
  AMPEL_SEV_NOTE = 2
} ampel_severity;

/* One located message. Strings are owned by the diags list. `line` and
 * `column` are 1-based; 0 means "unknown". `source` is the offending line
 * of the input (UTF-8, no line break) or NULL. */
typedef struct ampel_diag {
  ampel_severity severity;
  ampel_status code;
  char *path;
  long line;
  long column;
  char *message;
  char *source;
} ampel_diag;

/* A list of diagnostics. Initialise with ampel_diags_init(), release with
 * ampel_diags_release(). Keeps at most `limit` errors (further errors are
 * counted in n_dropped); warnings and notes count against the same limit. */
typedef struct ampel_diags {
  ampel_diag *items;
  size_t n;
  size_t cap;
  size_t limit;
  size_t n_errors;   /* all errors, also the dropped ones */
  size_t n_warnings; /* all warnings, also the dropped ones */
  size_t n_dropped;
  int out_of_memory; /* 1 when an item could not be stored */
} ampel_diags;

#define AMPEL_DIAGS_DEFAULT_LIMIT 50

void ampel_diags_init(ampel_diags *d, size_t limit);
void ampel_diags_release(ampel_diags *d);

/* Append a diagnostic. `path`, `source` may be NULL; `source_len` is the
 * length of `source` (the text is cut at the first line break). Never fails
 * visibly: on allocation failure sets out_of_memory and counts the item. */
void ampel_diags_add(ampel_diags *d, ampel_severity sev, ampel_status code,
                     const char *path, long line, long column,
                     const char *source, size_t source_len, const char *fmt,
                     ...) AMPEL_PRINTF(9, 10);
void ampel_diags_vadd(ampel_diags *d, ampel_severity sev, ampel_status code,
                      const char *path, long line, long column,
                      const char *source, size_t source_len, const char *fmt,
                      va_list ap) AMPEL_PRINTF(9, 0);

/* Shorthand for an error without location. */
void ampel_diags_error(ampel_diags *d, ampel_status code, const char *fmt, ...)
    AMPEL_PRINTF(3, 4);

/* Status of the worst error recorded (AMPEL_OK when there is none). */
ampel_status ampel_diags_status(const ampel_diags *d);

#ifdef __cplusplus
}
#endif
#endif
