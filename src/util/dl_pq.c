/* libpq, loaded on first use (util/dynlib.h explains why and how).
 *
 * Each function below has the prototype of <libpq-fe.h> (the compiler
 * checks it against the header's declaration) and forwards to the real
 * one. Built only with libpq's header (AMPEL_HAVE_LIBPQ). */
#ifdef AMPEL_HAVE_LIBPQ

#include <pthread.h>

#include "util/dynlib.h"

/* Hidden: the stubs stay out of the dynamic symbol table (dl_cairo.c). */
#pragma GCC visibility push(hidden)

#include <libpq-fe.h>

#define FUNCS(X)                                                               \
  X(PQclear)                                                                   \
  X(PQcmdStatus)                                                               \
  X(PQcmdTuples)                                                               \
  X(PQconnectdb)                                                               \
  X(PQconninfoFree)                                                            \
  X(PQconninfoParse)                                                           \
  X(PQerrorMessage)                                                            \
  X(PQexec)                                                                    \
  X(PQexecParams)                                                              \
  X(PQfinish)                                                                  \
  X(PQfreemem)                                                                 \
  X(PQgetResult)                                                               \
  X(PQgetisnull)                                                               \
  X(PQgetvalue)                                                                \
  X(PQnfields)                                                                 \
  X(PQntuples)                                                                 \
  X(PQputCopyData)                                                             \
  X(PQputCopyEnd)                                                              \
  X(PQresultErrorField)                                                        \
  X(PQresultStatus)                                                            \
  X(PQsetNoticeProcessor)                                                      \
  X(PQstatus)                                                                  \
  X(PQunescapeBytea)

#define SLOT(f) static __typeof__(f) *p_##f;
FUNCS(SLOT)

static ampel_dynlib lib = {.soname = AMPEL_SONAME_PQ, .what = "PostgreSQL"};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  if (!ampel_dynlib_open(&lib))
    return;
#define LOOK(f) p_##f = (__typeof__(f) *)ampel_dynlib_sym(&lib, #f);
  FUNCS(LOOK)
}

static void need(void) {
  pthread_once(&once, load);
  if (lib.failed)
    ampel_dynlib_die(&lib);
}

ampel_status ampel_dl_pq_ready(ampel_diags *diags) {
  pthread_once(&once, load);
  return ampel_dynlib_status(&lib, diags);
}

void PQclear(PGresult *res) {
  need();
  p_PQclear(res);
}

char *PQcmdStatus(PGresult *res) {
  need();
  return p_PQcmdStatus(res);
}

char *PQcmdTuples(PGresult *res) {
  need();
  return p_PQcmdTuples(res);
}

PGconn *PQconnectdb(const char *conninfo) {
  need();
  return p_PQconnectdb(conninfo);
}

void PQconninfoFree(PQconninfoOption *connOptions) {
  need();
  p_PQconninfoFree(connOptions);
}

PQconninfoOption *PQconninfoParse(const char *conninfo, char **errmsg) {
  need();
  return p_PQconninfoParse(conninfo, errmsg);
}

char *PQerrorMessage(const PGconn *conn) {
  need();
  return p_PQerrorMessage(conn);
}

PGresult *PQexec(PGconn *conn, const char *query) {
  need();
  return p_PQexec(conn, query);
}

PGresult *PQexecParams(PGconn *conn, const char *command, int nParams,
                       const Oid *paramTypes, const char *const *paramValues,
                       const int *paramLengths, const int *paramFormats,
                       int resultFormat) {
  need();
  return p_PQexecParams(conn, command, nParams, paramTypes, paramValues,
                        paramLengths, paramFormats, resultFormat);
}

void PQfinish(PGconn *conn) {
  need();
  p_PQfinish(conn);
}

void PQfreemem(void *ptr) {
  need();
  p_PQfreemem(ptr);
}

PGresult *PQgetResult(PGconn *conn) {
  need();
  return p_PQgetResult(conn);
}

int PQgetisnull(const PGresult *res, int tup_num, int field_num) {
  need();
  return p_PQgetisnull(res, tup_num, field_num);
}

char *PQgetvalue(const PGresult *res, int tup_num, int field_num) {
  need();
  return p_PQgetvalue(res, tup_num, field_num);
}

int PQnfields(const PGresult *res) {
  need();
  return p_PQnfields(res);
}

int PQntuples(const PGresult *res) {
  need();
  return p_PQntuples(res);
}

int PQputCopyData(PGconn *conn, const char *buffer, int nbytes) {
  need();
  return p_PQputCopyData(conn, buffer, nbytes);
}

int PQputCopyEnd(PGconn *conn, const char *errormsg) {
  need();
  return p_PQputCopyEnd(conn, errormsg);
}

char *PQresultErrorField(const PGresult *res, int fieldcode) {
  need();
  return p_PQresultErrorField(res, fieldcode);
}

ExecStatusType PQresultStatus(const PGresult *res) {
  need();
  return p_PQresultStatus(res);
}

PQnoticeProcessor PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc,
                                       void *arg) {
  need();
  return p_PQsetNoticeProcessor(conn, proc, arg);
}

ConnStatusType PQstatus(const PGconn *conn) {
  need();
  return p_PQstatus(conn);
}

unsigned char *PQunescapeBytea(const unsigned char *strtext,
                               size_t *retbuflen) {
  need();
  return p_PQunescapeBytea(strtext, retbuflen);
}

#pragma GCC visibility pop

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int ampel_dl_pq_unused;
#endif
