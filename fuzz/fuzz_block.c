/* libFuzzer target for the block decoder (src/store/block.c): the values
 * of one indicator x period as the SQLite store keeps them. A damaged
 * database may hand it any bytes: it must refuse them or decode cells
 * with strictly ascending ids inside the header's range; what it accepts
 * must encode back to the same cells (and, with the encoder's choice of
 * layout, decode to them again). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "store/block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ampel_bcells a = {0}, b = {0};
  if (ampel_block_decode(data, size, &a) == AMPEL_OK) {
    for (size_t k = 1; k < a.n; k++)
      if (a.c[k].area <= a.c[k - 1].area)
        abort();
    unsigned char *blob = NULL;
    size_t len = 0;
    if (ampel_block_encode(a.c, a.n, &blob, &len) != AMPEL_OK ||
        ampel_block_decode(blob, len, &b) != AMPEL_OK || b.n != a.n)
      abort();
    for (size_t k = 0; k < a.n; k++)
      if (a.c[k].area != b.c[k].area || !ampel_cell_same(&a.c[k], &b.c[k]))
        abort();
    ampel_free(blob);
  }
  ampel_bcells_release(&a);
  ampel_bcells_release(&b);
  return 0;
}
