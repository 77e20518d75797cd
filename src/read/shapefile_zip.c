/* shapefile_zip.c - a zipped Shapefile from memory (geo.h:
 * ampel_shapefile_read_zip): the browser upload of issue 12 sends one .zip
 * holding x.shp, x.shx, x.dbf and optionally x.prj, x.cpg.
 *
 * The archive is read with libzip from the buffer, never unpacked to disk.
 * Limits against hostile archives: at most AMPEL_SHPZIP_MAX_ENTRIES
 * entries, every member's stated size and the total at most
 * AMPEL_SHPZIP_MAX_BYTES, and a member must decompress to exactly its
 * stated size. Directories and macOS metadata (__MACOSX/, "._x") are
 * skipped; the parts are found by extension (any directory, case
 * ignored) and must share one base name. Errors are located at the
 * archive's start (FILE:1:1) like a broken .xlsx; errors inside the parts
 * name "ARCHIV.zip/x.dbf" with the record as the line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"

#define AMPEL_SHPZIP_MAX_ENTRIES 64
#define AMPEL_SHPZIP_MAX_BYTES (512u * 1024u * 1024u)

static const char *const part_ext[AMPEL_SHP_N_PARTS] = {".shp", ".shx", ".dbf",
                                                        ".prj", ".cpg"};

static ampel_status zip_fail(ampel_diags *d, const char *path, const char *fmt,
                             ...) AMPEL_PRINTF(3, 4);
static ampel_status zip_fail(ampel_diags *d, const char *path, const char *fmt,
                             ...) {
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 1, 1, NULL, 0, "%s",
                  msg);
  return AMPEL_E_DATA;
}

/* The member's name without directories. */
static const char *leaf(const char *name) {
  const char *s = strrchr(name, '/');
  return s ? s + 1 : name;
}

/* Reads member i (stated size n) into a new buffer. */
static ampel_status read_member(zip_t *za, zip_uint64_t i, size_t n,
                                char **out) {
  char *buf = ampel_alloc(n ? n : 1);
  if (!buf)
    return AMPEL_E_NOMEM;
  zip_file_t *zf = zip_fopen_index(za, i, 0);
  zip_int64_t got = zf ? zip_fread(zf, buf, n) : -1;
  char extra;
  /* exactly the stated size: a member that inflates to more is refused */
  int more = zf && got == (zip_int64_t)n && zip_fread(zf, &extra, 1) > 0;
  if (zf)
    zip_fclose(zf);
  if (got != (zip_int64_t)n || more) {
    ampel_free(buf);
    return AMPEL_E_DATA;
  }
  *out = buf;
  return AMPEL_OK;
}

ampel_status ampel_shapefile_read_zip(const char *data, size_t len,
                                      const char *path,
                                      const ampel_geo_read_opts *opts,
                                      ampel_geoset **out, ampel_diags *diags) {
  *out = NULL;
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t *src =
      len ? zip_source_buffer_create(data, len, 0, &zerr) : NULL;
  zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
  zip_error_fini(&zerr);
  if (!za) {
    if (src)
      zip_source_free(src);
    return zip_fail(diags, path,
                    "kein lesbares ZIP-Archiv (ein gezipptes Shapefile "
                    "mit .shp, .shx und .dbf erwartet)");
  }
  zip_int64_t n = zip_get_num_entries(za, 0);
  ampel_status st = AMPEL_OK;
  zip_uint64_t at[AMPEL_SHP_N_PARTS];
  size_t size[AMPEL_SHP_N_PARTS];
  char base[AMPEL_SHP_N_PARTS][256];
  int have[AMPEL_SHP_N_PARTS] = {0};
  size_t total = 0;
  if (n < 0 || n > AMPEL_SHPZIP_MAX_ENTRIES)
    st = zip_fail(diags, path,
                  "ZIP-Archiv mit zu vielen Einträgen (höchstens %d)",
                  AMPEL_SHPZIP_MAX_ENTRIES);
  for (zip_int64_t i = 0; st == AMPEL_OK && i < n; i++) {
    zip_stat_t zs;
    if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) != 0 ||
        !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE)) {
      st = zip_fail(diags, path, "ZIP-Archiv ist beschädigt");
      break;
    }
    const char *nm = leaf(zs.name);
    if (!*nm || strncmp(zs.name, "__MACOSX/", 9) == 0 ||
        strncmp(nm, "._", 2) == 0)
      continue; /* a directory or macOS metadata */
    const char *dot = strrchr(nm, '.');
    for (int k = 0; dot && k < AMPEL_SHP_N_PARTS; k++) {
      if (strcasecmp(dot, part_ext[k]) != 0)
        continue;
      if (have[k]) {
        st = zip_fail(diags, path,
                      "ZIP-Archiv enthält mehr als eine %s-Datei; bitte "
                      "ein Shapefile je Archiv",
                      part_ext[k]);
        break;
      }
      if (zs.size > AMPEL_SHPZIP_MAX_BYTES ||
          (total += (size_t)zs.size) > AMPEL_SHPZIP_MAX_BYTES) {
        st = zip_fail(diags, path, "ZIP-Archiv entpackt größer als %u MiB",
                      AMPEL_SHPZIP_MAX_BYTES >> 20);
        break;
      }
      have[k] = 1;
      at[k] = (zip_uint64_t)i;
      size[k] = (size_t)zs.size;
      snprintf(base[k], sizeof base[k], "%.*s", (int)(dot - nm), nm);
    }
  }
  static const char *const need[3] = {".shp", ".shx", ".dbf"};
  for (int k = 0; st == AMPEL_OK && k < 3; k++)
    if (!have[k])
      st = zip_fail(diags, path,
                    "im ZIP-Archiv fehlt die %s-Datei des "
                    "Shapefiles",
                    need[k]);
  for (int k = 1; st == AMPEL_OK && k < AMPEL_SHP_N_PARTS; k++)
    if (have[k] && strcmp(base[k], base[0]) != 0)
      st = zip_fail(diags, path,
                    "die Teile im ZIP-Archiv haben verschiedene Namen (%s); "
                    "alle brauchen den Namen der .shp-Datei",
                    base[k]);
  ampel_shapefile_mem m;
  memset(&m, 0, sizeof m);
  char *bufs[AMPEL_SHP_N_PARTS] = {NULL};
  char names[AMPEL_SHP_N_PARTS][300];
  for (int k = 0; st == AMPEL_OK && k < AMPEL_SHP_N_PARTS; k++) {
    if (!have[k])
      continue;
    st = read_member(za, at[k], size[k], &bufs[k]);
    if (st == AMPEL_E_DATA)
      zip_fail(diags, path, "ZIP-Archiv: %s ist beschädigt", part_ext[k]);
    snprintf(names[k], sizeof names[k], "%s/%s%s", path, base[k], part_ext[k]);
    m.data[k] = bufs[k];
    m.len[k] = size[k];
    m.name[k] = names[k];
  }
  zip_discard(za);
  if (st == AMPEL_OK)
    st = ampel_shapefile_read_mem(&m, opts, out, diags);
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++)
    ampel_free(bufs[k]);
  return st;
}
