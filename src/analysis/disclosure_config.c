/* Disclosure settings stored per database (include/ampel/disclosure.h):
 * the glue between the store's key/value settings and the compute module,
 * so that the CLI and the server need one call after loading. */
#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "ampel/store.h"

ampel_status ampel_disclosure_opts_load(ampel_store *st,
                                        ampel_disclosure_opts *o,
                                        ampel_diags *diags) {
  ampel_disclosure_opts_init(o);
  const char *const *keys = ampel_disclosure_keys();
  for (size_t k = 0; keys[k]; k++) {
    char *v = NULL;
    ampel_status s = ampel_store_config_get(st, keys[k], &v);
    if (s == AMPEL_OK && v) {
      ampel_diags tmp;
      ampel_diags_init(&tmp, 1);
      if (ampel_disclosure_opts_set(o, keys[k], v, &tmp) != AMPEL_OK) {
        ampel_diags_error(diags, AMPEL_E_DATA,
                          "gespeicherte Einstellung %s='%s' ist ungültig "
                          "(neu setzen mit: ampel config set %s WERT)",
                          keys[k], v, keys[k]);
        s = AMPEL_E_DATA;
      }
      ampel_diags_release(&tmp);
    }
    ampel_free(v);
    if (s != AMPEL_OK)
      return s;
  }
  return AMPEL_OK;
}

ampel_status ampel_disclosure_apply_stored(ampel_store *st, ampel_dataset *ds,
                                           ampel_disclosure_opts *o_out,
                                           ampel_disclosure_stats *stats,
                                           ampel_diags *diags) {
  ampel_disclosure_opts o;
  ampel_status s = ampel_disclosure_opts_load(st, &o, diags);
  if (s == AMPEL_OK)
    s = ampel_disclosure_apply(ds, &o, stats);
  if (s == AMPEL_E_NOMEM)
    ampel_diags_error(diags, s, "zu wenig Speicher für die Geheimhaltung");
  if (o_out)
    *o_out = o;
  return s;
}
