/* Fuzz target: the request head parser and the strict decoder of the
 * request target (server/http1.c, server/url.c), as the connection engine
 * uses them: the input arrives in pieces (the first byte says where it
 * is cut), so the resumed search for the end of the head is exercised
 * too. A crash, a sanitizer report, a head longer than the input or a
 * parsed head that disagrees with a parse in one piece is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > SRV_MAX_HEAD + 64)
    return 0;
  size_t step = 1 + data[0] % 97;
  data++;
  size--;
  char *a = malloc(size + 1), *b = malloc(size + 1);
  if (!a || !b)
    abort();
  memcpy(a, data, size);
  memcpy(b, data, size);
  /* in pieces, as it arrives on a socket */
  srv_scan sc;
  memset(&sc, 0, sizeof sc);
  srv_head h;
  const char *why = NULL;
  int st = 0;
  for (size_t n = 0; n < size && st == 0;) {
    n = n + step < size ? n + step : size;
    st = srv_head_parse(a, n, &sc, &h, &why);
  }
  /* in one piece */
  srv_scan sc1;
  memset(&sc1, 0, sizeof sc1);
  srv_head h1;
  const char *why1 = NULL;
  int st1 = srv_head_parse(b, size, &sc1, &h1, &why1);
  if (st == 1 && (st1 != 1 || h.len != h1.len))
    abort(); /* a complete head must not depend on how it arrived */
  if (st == 1) {
    if (h.len > size || h.target_len > SRV_MAX_URL || !h.method)
      abort();
    size_t store_size = 2 * h.target_len + 2;
    char *store = malloc(store_size);
    srv_req q;
    memset(&q, 0, sizeof q);
    if (!store)
      abort();
    if (srv_url_parse(h.target, h.target_len, &q, store, store_size, &why) ==
        0) {
      if (strlen(q.path) > h.target_len || q.n_params > SRV_MAX_PARAMS)
        abort();
    } else if (!why) {
      abort(); /* every refusal has a reason */
    }
    free(store);
  } else if (st > 1 && !why) {
    abort();
  }
  free(a);
  free(b);
  return 0;
}
