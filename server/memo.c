/* Answers kept per snapshot (issue 15): an answer that took long to
 * compute, such as the heatmap tree of 11,000 areas, is kept with the
 * snapshot it was computed on, so that the next page of the same table,
 * another search or another heatmap group (options that only the page
 * uses) does not compute it again.
 *
 * Entries are never replaced: at most SRV_MEMO_MAX per snapshot, freed
 * with it (a new Datenstand is a new snapshot). An answer is immutable
 * once stored, so readers need the lock only to find it; the snapshot's
 * reference count keeps it alive while a request shows it. */
#include <pthread.h>
#include <string.h>

#include "ampel/alloc.h"
#include "server.h"

#define SRV_MEMO_MAX 16

typedef struct memo_entry {
  const ampel_question *qd;
  char *key;
  void *answer;
} memo_entry;

struct srv_memo {
  pthread_mutex_t lock;
  pthread_cond_t done; /* broadcast when the pending answer ends */
  memo_entry e[SRV_MEMO_MAX];
  size_t n;
  /* the answer being computed ahead (srv_precompute), or key NULL */
  const ampel_question *pending_qd;
  char *pending_key;
};

srv_memo *srv_memo_new(void) {
  srv_memo *m = ampel_calloc(1, sizeof *m);
  if (!m)
    return NULL;
  if (pthread_mutex_init(&m->lock, NULL) != 0) {
    ampel_free(m);
    return NULL;
  }
  if (pthread_cond_init(&m->done, NULL) != 0) {
    pthread_mutex_destroy(&m->lock);
    ampel_free(m);
    return NULL;
  }
  return m;
}

int srv_memo_pending(srv_memo *m, const ampel_question *qd, const char *key) {
  char *k = ampel_strdup(key);
  if (!k)
    return -1;
  pthread_mutex_lock(&m->lock);
  int free_slot = m->pending_key == NULL;
  for (size_t i = 0; i < m->n && free_slot; i++)
    if (m->e[i].qd == qd && strcmp(m->e[i].key, key) == 0)
      free_slot = 0; /* kept already */
  if (free_slot) {
    m->pending_qd = qd;
    m->pending_key = k;
  }
  pthread_mutex_unlock(&m->lock);
  if (!free_slot)
    ampel_free(k);
  return free_slot ? 0 : -1;
}

void srv_memo_pending_end(srv_memo *m) {
  pthread_mutex_lock(&m->lock);
  char *k = m->pending_key;
  m->pending_key = NULL;
  m->pending_qd = NULL;
  pthread_cond_broadcast(&m->done);
  pthread_mutex_unlock(&m->lock);
  ampel_free(k);
}

const void *srv_memo_wait(srv_memo *m, const ampel_question *qd,
                          const char *key, const ampel_stop *stop) {
  const void *found = NULL;
  if (!m || !key)
    return NULL;
  pthread_mutex_lock(&m->lock);
  while (m->pending_key && m->pending_qd == qd &&
         strcmp(m->pending_key, key) == 0 && !ampel_stop_requested(stop)) {
    /* wakes at the end of the computation, or after 50 ms to look at
     * the request's own stop (deadline, client gone) */
    struct timespec until = srv_realtime_in(50);
    pthread_cond_timedwait(&m->done, &m->lock, &until);
  }
  for (size_t i = 0; i < m->n && !found; i++)
    if (m->e[i].qd == qd && strcmp(m->e[i].key, key) == 0)
      found = m->e[i].answer;
  pthread_mutex_unlock(&m->lock);
  return found;
}

void srv_memo_free(srv_memo *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->n; i++) {
    m->e[i].qd->release(m->e[i].answer);
    ampel_free(m->e[i].answer);
    ampel_free(m->e[i].key);
  }
  ampel_free(m->pending_key);
  pthread_cond_destroy(&m->done);
  pthread_mutex_destroy(&m->lock);
  ampel_free(m);
}

/* The options a page uses to show an answer, never the analysis: the
 * table's page, search and order, the heatmap group and the palette. */
static int presentation_only(ampel_opt_id id) {
  return id == AMPEL_OPT_PAGE || id == AMPEL_OPT_SEARCH ||
         id == AMPEL_OPT_SORT || id == AMPEL_OPT_GROUP ||
         id == AMPEL_OPT_PALETTE;
}

void srv_memo_key(const ampel_query *qu, ampel_buf *out) {
  ampel_opt_id ids[AMPEL_OPT_COUNT];
  size_t n = 0;
  for (int i = 0; i < AMPEL_OPT_COUNT; i++)
    if (!presentation_only((ampel_opt_id)i))
      ids[n++] = (ampel_opt_id)i;
  ampel_query_canonical(qu, ids, n, out);
}

const void *srv_memo_get(srv_memo *m, const ampel_question *qd,
                         const char *key) {
  const void *found = NULL;
  if (!m || !key)
    return NULL;
  pthread_mutex_lock(&m->lock);
  for (size_t i = 0; i < m->n && !found; i++)
    if (m->e[i].qd == qd && strcmp(m->e[i].key, key) == 0)
      found = m->e[i].answer;
  pthread_mutex_unlock(&m->lock);
  return found;
}

int srv_memo_put(srv_memo *m, const ampel_question *qd, const char *key,
                 void *answer) {
  if (!m || !key)
    return -1;
  char *k = ampel_strdup(key);
  if (!k)
    return -1;
  int taken = 0;
  pthread_mutex_lock(&m->lock);
  int present = 0;
  for (size_t i = 0; i < m->n; i++)
    if (m->e[i].qd == qd && strcmp(m->e[i].key, key) == 0)
      present = 1; /* another request was faster: keep the first */
  if (!present && m->n < SRV_MEMO_MAX) {
    m->e[m->n++] = (memo_entry){qd, k, answer};
    taken = 1;
  }
  pthread_mutex_unlock(&m->lock);
  if (!taken)
    ampel_free(k);
  return taken ? 0 : -1;
}
