/* util/dynlib.h - librsvg, cairo, PROJ and libpq loaded on first use
 * (internal to libampel; docs/dev/architecture.md, "Libraries loaded on
 * first use").
 *
 * Why: linking them made every start of `ampel` map 94 shared libraries
 * (librsvg alone brings glib, gio, pango, fontconfig, harfbuzz, ...), and
 * ld.so's relocations and the page faults of mapping them were 90 % of
 * the time of `ampel --version` or `ampel list periods`. Only commands
 * that draw PDF/PNG, reproject geometry or talk to PostgreSQL need them.
 *
 * How: src/util/dl_<library>.c defines every function of the library
 * that libampel calls, with the library's own prototype from its own
 * header (so the compiler checks each definition against the real
 * declaration), as a stub that loads the library once (pthread_once;
 * dlopen(SONAME, RTLD_NOW | RTLD_LOCAL)) and calls the real function
 * through a pointer found with dlsym. The executable does not link
 * -lrsvg-2 -lcairo -lproj -lpq; the SONAMEs are read from the installed
 * libraries at configure time (CMakeLists.txt, AMPEL_SONAME_*). The stubs
 * have hidden visibility: they never enter the executable's dynamic
 * symbol table, so librsvg's own cairo and glib calls bind to the real
 * libraries, not to these stubs.
 *
 * Written by hand rather than generated (Implib.so does this): Implib.so
 * is not a Debian package, and 55 small functions are easier to review
 * than a generator with assembly trampolines.
 *
 * Errors: the entry points that can report (ampel_raster_*,
 * ampel_geo_project, the PostgreSQL store's open) call
 * ampel_dl_*_ready() first, which puts a German message naming the
 * library and dlerror()'s text into their diags (AMPEL_E_IO, exit code
 * 3). A stub called while its library cannot be loaded (only possible
 * from a path without a diags, e.g. ampel_geo_project_lonlat) prints the
 * same message to stderr and exits with status 3: the installation is
 * broken, and the library has no way to go on.
 */
#ifndef AMPEL_UTIL_DYNLIB_H
#define AMPEL_UTIL_DYNLIB_H

#include <pthread.h>

#include "ampel/error.h"

/* A generic function pointer: what dlsym's result is converted to before
 * the stub file converts it to the function's own pointer type. */
typedef void (*ampel_dl_fn)(void);

/* One library. The dl_<library>.c file owns one (static) and fills
 * soname and what; the rest is written once, inside its pthread_once. */
typedef struct ampel_dynlib {
  const char *soname; /* e.g. "libcairo.so.2" (AMPEL_SONAME_CAIRO) */
  const char *what;   /* German, for messages: "PDF- und PNG-Ausgabe" */
  void *handle;       /* NULL until opened or when opening failed */
  int failed;         /* set when dlopen or a dlsym failed */
  char err[512];      /* dlerror()'s text when failed */
} ampel_dynlib;

/* dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL); on failure sets
 * lib->failed and lib->err and returns NULL. Call inside pthread_once. */
void *ampel_dynlib_open(ampel_dynlib *lib);

/* dlsym(lib->handle, name); on failure (or when the library is not open)
 * sets lib->failed and lib->err and returns NULL. Searches the library
 * and its dependencies (g_object_unref through librsvg's handle). */
ampel_dl_fn ampel_dynlib_sym(ampel_dynlib *lib, const char *name);

/* AMPEL_OK, or AMPEL_E_IO with the German message in diags. */
ampel_status ampel_dynlib_status(const ampel_dynlib *lib, ampel_diags *diags);

/* Prints the German message to stderr and exits with status 3. For a
 * stub whose library could not be loaded (see above). */
_Noreturn void ampel_dynlib_die(const ampel_dynlib *lib);

/* Each loads its library (once per process) and says whether it can be
 * used: AMPEL_OK, or AMPEL_E_IO with a message in diags. */
ampel_status ampel_dl_cairo_ready(ampel_diags *diags);
ampel_status ampel_dl_rsvg_ready(ampel_diags *diags);
ampel_status ampel_dl_proj_ready(ampel_diags *diags);
ampel_status ampel_dl_pq_ready(ampel_diags *diags);

#endif
