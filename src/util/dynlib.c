/* Opening a library on first use (util/dynlib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/dynlib.h"

_Static_assert(sizeof(ampel_dl_fn) == sizeof(void *),
               "dlsym's result must fit a function pointer");

static void set_error(ampel_dynlib *lib, const char *what_failed) {
  const char *e = dlerror();
  lib->failed = 1;
  snprintf(lib->err, sizeof lib->err, "%s", e ? e : what_failed);
}

void *ampel_dynlib_open(ampel_dynlib *lib) {
  lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle)
    set_error(lib, "dlopen fehlgeschlagen");
  return lib->handle;
}

ampel_dl_fn ampel_dynlib_sym(ampel_dynlib *lib, const char *name) {
  if (!lib->handle) {
    lib->failed = 1;
    return NULL;
  }
  dlerror();
  void *p = dlsym(lib->handle, name);
  if (!p) {
    set_error(lib, name);
    return NULL;
  }
  /* POSIX guarantees that a dlsym result converts to a function pointer;
   * ISO C has no cast for it, a copy of the bytes is the portable way. */
  ampel_dl_fn f;
  memcpy(&f, &p, sizeof f);
  return f;
}

#define MESSAGE                                                                \
  "%s: die Bibliothek %s kann nicht geladen werden (%s); bitte die "           \
  "Installation prüfen"

ampel_status ampel_dynlib_status(const ampel_dynlib *lib, ampel_diags *diags) {
  if (!lib->failed)
    return AMPEL_OK;
  ampel_diags_error(diags, AMPEL_E_IO, MESSAGE, lib->what, lib->soname,
                    lib->err);
  return AMPEL_E_IO;
}

_Noreturn void ampel_dynlib_die(const ampel_dynlib *lib) {
  fprintf(stderr, "ampel: Fehler: " MESSAGE "\n", lib->what, lib->soname,
          lib->err);
  exit(3);
}
