/* failalloc.h - a test allocator for ampel_set_allocator() (alloc.h).
 *
 * Counts every allocation request (alloc and realloc), can make the Nth
 * request fail, and counts the blocks that are outstanding, so a test can
 * check that an error path frees everything (STYLE.md §3, §5:
 * "allocation-failure runs").
 *
 * Usage:
 *   failalloc_install(0);          count only
 *   ... run the scenario ...
 *   long n = failalloc_uninstall();  returns the number of requests
 *   for (long k = 1; k <= n; k++) {
 *     failalloc_install(k);        request k returns NULL
 *     ... run, expect an error status ...
 *     failalloc_uninstall();
 *     assert_int_equal(failalloc_outstanding(), 0);
 *   }
 *
 * The state is a static of the including test program (one allocator per
 * process, like the library's hook). Blocks get a small header that holds
 * a tag, so a free of a block this allocator did not hand out is caught.
 * Install only while no library object allocated by another allocator is
 * alive, and uninstall only after all of them are freed.
 */
#ifndef AMPEL_TEST_FAILALLOC_H
#define AMPEL_TEST_FAILALLOC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ampel/alloc.h"

typedef struct failalloc_state {
  long n_requests;  /* alloc + realloc requests since install */
  long fail_at;     /* 1-based request that fails; 0: none */
  int sticky;       /* 1: every request from fail_at on fails */
  long outstanding; /* blocks handed out and not freed */
  long n_failed;    /* requests answered with NULL */
  long bad_frees;   /* frees of pointers without our tag */
  int paused;       /* 1: requests are neither counted nor failed */
} failalloc_state;

static failalloc_state failalloc_st;

#define FAILALLOC_TAG 0xA11C0C8Eu

/* Header in front of each block (padded to max_align_t, so the block
 * keeps malloc's alignment). Live blocks form a list, so that a test can
 * look at what leaked and release it (failalloc_release_leaks). */
typedef union failalloc_hdr {
  struct {
    uint32_t tag;
    size_t size;
    long seq; /* request number that allocated it */
    union failalloc_hdr *prev, *next;
  } h;
  max_align_t align;
} failalloc_hdr;

static failalloc_hdr *failalloc_live;

static inline void failalloc_link(failalloc_hdr *h) {
  h->h.prev = NULL;
  h->h.next = failalloc_live;
  if (failalloc_live)
    failalloc_live->h.prev = h;
  failalloc_live = h;
}

static inline void failalloc_unlink(failalloc_hdr *h) {
  if (h->h.prev)
    h->h.prev->h.next = h->h.next;
  else
    failalloc_live = h->h.next;
  if (h->h.next)
    h->h.next->h.prev = h->h.prev;
}

static inline int failalloc_should_fail(void) {
  if (failalloc_st.paused)
    return 0;
  failalloc_st.n_requests++;
  long n = failalloc_st.n_requests, at = failalloc_st.fail_at;
  int fail = at > 0 && (n == at || (failalloc_st.sticky && n > at));
  if (fail)
    failalloc_st.n_failed++;
  return fail;
}

static inline void *failalloc_alloc(size_t size, void *ud) {
  (void)ud;
  if (failalloc_should_fail() || size > SIZE_MAX - sizeof(failalloc_hdr))
    return NULL;
  failalloc_hdr *h = malloc(sizeof *h + size);
  if (!h)
    return NULL;
  h->h.tag = FAILALLOC_TAG;
  h->h.size = size;
  h->h.seq = failalloc_st.n_requests;
  failalloc_link(h);
  failalloc_st.outstanding++;
  return h + 1;
}

static inline void *failalloc_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  if (!ptr)
    return failalloc_alloc(size, ud);
  failalloc_hdr *h = (failalloc_hdr *)ptr - 1;
  if (h->h.tag != FAILALLOC_TAG) {
    failalloc_st.bad_frees++;
    return NULL;
  }
  if (failalloc_should_fail() || size > SIZE_MAX - sizeof(failalloc_hdr))
    return NULL;
  failalloc_unlink(h);
  failalloc_hdr *nh = realloc(h, sizeof *nh + size);
  if (!nh) {
    failalloc_link(h);
    return NULL;
  }
  nh->h.size = size;
  failalloc_link(nh);
  return nh + 1;
}

static inline void failalloc_free(void *ptr, void *ud) {
  (void)ud;
  if (!ptr)
    return;
  failalloc_hdr *h = (failalloc_hdr *)ptr - 1;
  if (h->h.tag != FAILALLOC_TAG) {
    failalloc_st.bad_frees++;
    return;
  }
  h->h.tag = 0;
  failalloc_unlink(h);
  failalloc_st.outstanding--;
  free(h);
}

/* Installs the allocator; request `fail_at` (1-based) fails, 0: none. */
static inline void failalloc_install_mode(long fail_at, int sticky) {
  static const ampel_allocator a = {failalloc_alloc, failalloc_realloc,
                                    failalloc_free, NULL};
  failalloc_st.n_requests = 0;
  failalloc_st.fail_at = fail_at;
  failalloc_st.sticky = sticky;
  failalloc_st.outstanding = 0;
  failalloc_st.n_failed = 0;
  failalloc_st.bad_frees = 0;
  failalloc_st.paused = 0;
  ampel_set_allocator(&a);
}

static inline void failalloc_install(long fail_at) {
  failalloc_install_mode(fail_at, 0);
}

/* Restores malloc/free; returns the number of requests seen. */
static inline long failalloc_uninstall(void) {
  ampel_set_allocator(NULL);
  return failalloc_st.n_requests;
}

/* Pause (1) or resume (0) counting and failing: for a stretch of code
 * whose failure paths are tested elsewhere. Blocks are still tracked. */
static inline void failalloc_pause(int on) { failalloc_st.paused = on; }

/* Frees every block still outstanding (call after failalloc_uninstall).
 * `known(p, size, seq, ud)` may recognise a leak that is a known bug;
 * returns the number of leaked blocks it did not recognise. */
typedef int (*failalloc_known_fn)(const void *p, size_t size, long seq,
                                  void *ud);
static inline long failalloc_release_leaks(failalloc_known_fn known,
                                           void *ud) {
  long unknown = 0;
  while (failalloc_live) {
    failalloc_hdr *h = failalloc_live;
    if (!known || !known(h + 1, h->h.size, h->h.seq, ud))
      unknown++;
    failalloc_free(h + 1, NULL);
  }
  return unknown;
}

static inline long failalloc_outstanding(void) {
  return failalloc_st.outstanding;
}
static inline long failalloc_failed(void) { return failalloc_st.n_failed; }
static inline long failalloc_bad_frees(void) {
  return failalloc_st.bad_frees;
}

#endif
