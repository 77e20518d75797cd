/* PENDING (not built: the name does not match tests/unit/test_*.c).
 * Delete this file once pending_dataset_indicator_leak.c passes, and drop
 * known_indicator_leak() from test_import.c.
 *
 * The allocation-failure runs of test_import.c without tolerance for the
 * known leak in ampel_dataset_put_indicator() (src/model/dataset.c): an
 * import whose allocation inside put_indicator (key copy or map growth,
 * reached from ampel_store_load -> load_indicators and from the importer's
 * indicator_row) fails returns AMPEL_E_NOMEM correctly but leaks the
 * column-pointer array allocated at dataset.c:255.
 */
#define AMPEL_STRICT_ALLOC 1
#include "test_import.c"
