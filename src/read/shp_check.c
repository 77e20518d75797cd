/* Structural checks of a Shapefile in memory (shp_check.h), before shapelib
 * reads it. Byte layouts: ESRI Shapefile Technical Description (1998) for
 * .shp/.shx (big-endian file code, length and record headers, little-endian
 * rest), dBASE III+ for the .dbf (32-byte header, 32-byte field
 * descriptors ending in 0x0D, fixed-length records starting with a
 * deletion flag). Sizes are computed in 64 bits, so no count in a file can
 * overflow them. */
#include <math.h>
#include <shapefil.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "read/shp_check.h"

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}
static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
         p[0];
}
static unsigned le16(const unsigned char *p) {
  return p[0] | (unsigned)p[1] << 8;
}
static double led(const unsigned char *p) {
  uint64_t u = (uint64_t)le32(p + 4) << 32 | le32(p);
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

static ampel_status fail(ampel_diags *d, const shp_bytes *f, long rec,
                         const char *fmt, ...) AMPEL_PRINTF(4, 5);
/* An error in f at record rec (1-based; 0: the header). */
static ampel_status fail(ampel_diags *d, const shp_bytes *f, long rec,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ampel_diags_vadd(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, f->name, rec,
                   rec > 0 ? 1 : 0, NULL, 0, fmt, ap);
  va_end(ap);
  return AMPEL_E_DATA;
}

static int is_polygon(int t) {
  return t == SHPT_POLYGON || t == SHPT_POLYGONZ || t == SHPT_POLYGONM;
}

/* The 100-byte header shared by .shp and .shx. */
static ampel_status main_header(const shp_bytes *f, int *type,
                                uint64_t *declared, ampel_diags *d) {
  if (f->len < 100)
    return fail(d, f, 0, "Dateikopf: zu kurz (%zu von 100 Bytes)", f->len);
  if (be32(f->p) != 9994)
    return fail(d, f, 0,
                "Dateikopf: keine Shapefile-Datei (Dateikennung 9994 "
                "erwartet, gefunden %lu)",
                (unsigned long)be32(f->p));
  if (le32(f->p + 28) != 1000)
    return fail(d, f, 0, "Dateikopf: Version 1000 erwartet, gefunden %lu",
                (unsigned long)le32(f->p + 28));
  *type = (int)le32(f->p + 32);
  *declared = 2 * (uint64_t)be32(f->p + 24);
  return AMPEL_OK;
}

static int near(double a, double b) {
  return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* Parts and points of a polygon record (content c, clen bytes). */
static ampel_status polygon(const shp_bytes *shp, long rec,
                            const unsigned char *c, uint64_t clen,
                            const shp_layout *l, ampel_diags *d) {
  if (clen < 44)
    return fail(d, shp, rec, "Satz %ld: zu kurz für eine Fläche (%llu Bytes)",
                rec, (unsigned long long)clen);
  uint64_t np = le32(c + 36), npt = le32(c + 40);
  uint64_t need = 44 + 4 * np + 16 * npt, extra = 16 + 8 * npt;
  /* PolygonZ: z range and values, then m (optional); PolygonM: m
   * (optional: shapelib leaves it out when no measure is used) */
  if (l->type == SHPT_POLYGONZ)
    need += extra;
  int ok = clen == need || (l->type != SHPT_POLYGON && clen == need + extra);
  if (!ok)
    return fail(d, shp, rec,
                "Satz %ld: %llu Teile und %llu Punkte passen nicht zur "
                "Satzlänge von %llu Bytes",
                rec, (unsigned long long)np, (unsigned long long)npt,
                (unsigned long long)clen);
  if (np == 0 || npt == 0)
    return AMPEL_OK; /* no ring: reported as "keine Fläche" by the reader */
  const unsigned char *parts = c + 44, *pts = parts + 4 * np;
  for (uint64_t k = 0; k < np; k++) {
    uint64_t s = le32(parts + 4 * k);
    if ((k == 0 && s != 0) || s >= npt ||
        (k > 0 && s <= le32(parts + 4 * (k - 1))))
      return fail(d, shp, rec,
                  "Satz %ld: Teil %llu beginnt bei Punkt %llu (Teile müssen "
                  "bei 0 beginnen und aufsteigend unter %llu liegen)",
                  rec, (unsigned long long)k + 1, (unsigned long long)s,
                  (unsigned long long)npt);
  }
  double lo[2] = {HUGE_VAL, HUGE_VAL}, hi[2] = {-HUGE_VAL, -HUGE_VAL};
  for (uint64_t k = 0; k < 2 * npt; k++) {
    double v = led(pts + 8 * k);
    if (!isfinite(v))
      return fail(d, shp, rec,
                  "Satz %ld: Punkt %llu hat keine endliche "
                  "Koordinate",
                  rec, (unsigned long long)k / 2 + 1);
    lo[k % 2] = fmin(lo[k % 2], v);
    hi[k % 2] = fmax(hi[k % 2], v);
  }
  double box[4] = {led(c + 4), led(c + 12), led(c + 20), led(c + 28)};
  if (!near(box[0], lo[0]) || !near(box[1], lo[1]) || !near(box[2], hi[0]) ||
      !near(box[3], hi[1]))
    return fail(d, shp, rec,
                "Satz %ld: die Ausdehnung im Satz (x %.10g bis %.10g, y "
                "%.10g bis %.10g) passt nicht zu seinen Punkten (x %.10g bis "
                "%.10g, y %.10g bis %.10g); die Datei ist beschädigt",
                rec, box[0], box[2], box[1], box[3], lo[0], hi[0], lo[1],
                hi[1]);
  const double *h = l->box;
  if (lo[0] < h[0] && !near(lo[0], h[0]))
    ok = 0;
  if (lo[1] < h[1] && !near(lo[1], h[1]))
    ok = 0;
  if (hi[0] > h[2] && !near(hi[0], h[2]))
    ok = 0;
  if (hi[1] > h[3] && !near(hi[1], h[3]))
    ok = 0;
  if (!ok)
    return fail(d, shp, rec,
                "Satz %ld liegt außerhalb der Ausdehnung im Dateikopf (x "
                "%.10g bis %.10g, y %.10g bis %.10g); die Datei ist "
                "beschädigt",
                rec, h[0], h[2], h[1], h[3]);
  return AMPEL_OK;
}

/* Record i of the index: in the file, its header, its content. Returns
 * AMPEL_E_DATA after reporting; *out_cut = 1 when the record runs past the
 * end of a .shp that is shorter than its header says (the check stops). */
static ampel_status record(const shp_bytes *shp, const shp_bytes *shx, int i,
                           uint64_t declared, const shp_layout *l, int *out_cut,
                           ampel_diags *d) {
  long rec = (long)i + 1;
  const unsigned char *e = shx->p + 100 + 8 * (size_t)i;
  uint64_t off = 2 * (uint64_t)be32(e), clen = 2 * (uint64_t)be32(e + 4);
  if (off >= 100 && off + 8 + clen > shp->len && declared > shp->len &&
      off + 8 + clen <= declared) {
    *out_cut = 1;
    return fail(d, shp, rec,
                "Satz %ld ist abgeschnitten: er reicht bis Byte %llu, die "
                "Datei endet nach %zu von %llu Bytes",
                rec, (unsigned long long)(off + 8 + clen), shp->len,
                (unsigned long long)declared);
  }
  if (off < 100 || off + 8 + clen > shp->len)
    return fail(d, shx, rec,
                "Eintrag %ld zeigt außerhalb der .shp (Byte %llu bis %llu, "
                "die Datei hat %zu Bytes)",
                rec, (unsigned long long)off,
                (unsigned long long)(off + 8 + clen), shp->len);
  const unsigned char *r = shp->p + off;
  if (be32(r) != (uint32_t)rec || 2 * (uint64_t)be32(r + 4) != clen)
    return fail(d, shp, rec,
                "Satz %ld: der Satzkopf bei Byte %llu (Nummer %lu, %llu "
                "Bytes) passt nicht zum Eintrag der .shx (Nummer %ld, %llu "
                "Bytes)",
                rec, (unsigned long long)off, (unsigned long)be32(r),
                2 * (unsigned long long)be32(r + 4), rec,
                (unsigned long long)clen);
  if (clen < 4)
    return fail(d, shp, rec, "Satz %ld: ohne Formtyp (%llu Bytes)", rec,
                (unsigned long long)clen);
  int t = (int)le32(r + 8);
  if (t == SHPT_NULL)
    return AMPEL_OK; /* reported as "keine Fläche" by the reader */
  if (t != l->type)
    return fail(d, shp, rec, "Satz %ld: Formtyp %s, laut Dateikopf %s", rec,
                SHPTypeName(t), SHPTypeName(l->type));
  return polygon(shp, rec, r + 8, clen, l, d);
}

/* The .shx header length against its size; the number of entries. */
static ampel_status index_size(const shp_bytes *shx, uint64_t declared,
                               int *out_n, ampel_diags *d) {
  if (declared < 100 || (declared - 100) % 8 != 0 ||
      (declared - 100) / 8 > 0x7fffffff)
    return fail(d, shx, 0, "Dateikopf: ungültige Dateilänge %llu Bytes",
                (unsigned long long)declared);
  if (declared > shx->len)
    return fail(d, shx, (long)((shx->len - 100) / 8) + 1,
                "Eintrag %ld fehlt: die Datei ist abgeschnitten (%zu von "
                "%llu Bytes)",
                (long)((shx->len - 100) / 8) + 1, shx->len,
                (unsigned long long)declared);
  if (declared < shx->len)
    return fail(d, shx, 0,
                "Dateikopf: die Datei hat %zu Bytes, laut Dateikopf aber "
                "%llu",
                shx->len, (unsigned long long)declared);
  *out_n = (int)((declared - 100) / 8);
  return AMPEL_OK;
}

ampel_status ampel_shp_check_geometry(const shp_bytes *shp,
                                      const shp_bytes *shx, shp_layout *l,
                                      ampel_diags *d) {
  int tx = 0;
  uint64_t declared = 0, declared_x = 0;
  if (main_header(shp, &l->type, &declared, d) != AMPEL_OK ||
      main_header(shx, &tx, &declared_x, d) != AMPEL_OK)
    return AMPEL_E_DATA;
  if (!is_polygon(l->type))
    return fail(d, shp, 0,
                "Dateikopf: die Shapefile enthält keine Flächen, sondern "
                "Formen vom Typ %s",
                SHPTypeName(l->type));
  if (tx != l->type)
    return fail(d, shx, 0, "Dateikopf: Formtyp %s, die .shp hat aber %s",
                SHPTypeName(tx), SHPTypeName(l->type));
  if (memcmp(shp->p + 36, shx->p + 36, 32) != 0)
    return fail(d, shx, 0,
                "Dateikopf: die Ausdehnung weicht von der im Kopf der .shp "
                "ab (die Dateien gehören nicht zusammen oder sind "
                "beschädigt)");
  if (declared < shp->len)
    return fail(d, shp, 0,
                "Dateikopf: die Datei hat %zu Bytes, laut Dateikopf aber "
                "%llu",
                shp->len, (unsigned long long)declared);
  for (int k = 0; k < 4; k++)
    l->box[k] = led(shp->p + 36 + 8 * k);
  if (!isfinite(l->box[0]) || !isfinite(l->box[1]) || !isfinite(l->box[2]) ||
      !isfinite(l->box[3]) || l->box[0] > l->box[2] || l->box[1] > l->box[3])
    return fail(d, shp, 0,
                "Dateikopf: ungültige Ausdehnung (x %g bis %g, "
                "y %g bis %g)",
                l->box[0], l->box[2], l->box[1], l->box[3]);
  if (index_size(shx, declared_x, &l->n_shapes, d) != AMPEL_OK)
    return AMPEL_E_DATA;
  ampel_status st = AMPEL_OK;
  int cut = 0;
  for (int i = 0; i < l->n_shapes && !cut; i++)
    if (record(shp, shx, i, declared, l, &cut, d) != AMPEL_OK)
      st = AMPEL_E_DATA;
  if (st == AMPEL_OK && declared > shp->len)
    return fail(d, shp, 0,
                "Dateikopf: die Datei ist abgeschnitten (%zu von %llu "
                "Bytes)",
                shp->len, (unsigned long long)declared);
  return st;
}

/* Field descriptors from byte 32 up to the 0x0D terminator: the sum of
 * their widths (shapelib's rule: N and F fields use one byte for the
 * width, the others two). */
static ampel_status dbf_fields(const shp_bytes *f, size_t header_len,
                               uint64_t *out_width, ampel_diags *d) {
  uint64_t w = 0;
  size_t k = 32;
  int n = 0;
  for (; k + 32 < header_len && f->p[k] != 0x0D; k += 32, n++) {
    unsigned char type = f->p[k + 11];
    w += f->p[k + 16];
    if (type != 'N' && type != 'F')
      w += 256u * f->p[k + 17];
  }
  if (f->p[k] != 0x0D)
    return fail(d, f, 0,
                "Dateikopf: die Feldbeschreibungen enden nicht mit 0x0D "
                "vor Byte %zu",
                header_len);
  if (n == 0)
    return fail(d, f, 0, "Dateikopf: keine Felder");
  *out_width = w;
  return AMPEL_OK;
}

ampel_status ampel_shp_check_dbf(const shp_bytes *f, shp_layout *l,
                                 ampel_diags *d) {
  if (f->len < 32)
    return fail(d, f, 0, "Dateikopf: zu kurz (%zu von 32 Bytes)", f->len);
  uint64_t n = le32(f->p + 4);
  size_t hl = le16(f->p + 8), rl = le16(f->p + 10);
  if (hl < 65 || rl < 2)
    return fail(d, f, 0,
                "Dateikopf: ungültige Kopflänge %zu oder Satzlänge %zu", hl,
                rl);
  if (f->len < hl)
    return fail(d, f, 0, "Dateikopf: abgeschnitten (%zu von %zu Bytes)", f->len,
                hl);
  uint64_t width = 0;
  if (dbf_fields(f, hl, &width, d) != AMPEL_OK)
    return AMPEL_E_DATA;
  if (width + 1 != rl)
    return fail(d, f, 0,
                "Dateikopf: die Satzlänge %zu passt nicht zu den Feldern "
                "(%llu Bytes und 1 Byte Löschkennzeichen)",
                rl, (unsigned long long)width);
  if (n > 0x7fffffff)
    return fail(d, f, 0, "Dateikopf: ungültige Satzzahl %llu",
                (unsigned long long)n);
  uint64_t whole = (f->len - hl) / rl;
  if (whole < n)
    return fail(d, f, (long)whole + 1,
                "Satz %ld ist abgeschnitten: die Datei endet nach %zu "
                "Bytes, laut Dateikopf hat sie %llu Sätze zu je %zu Bytes "
                "ab Byte %zu (%llu Bytes)",
                (long)whole + 1, f->len, (unsigned long long)n, rl, hl,
                (unsigned long long)(hl + n * rl));
  l->n_records = (long)n;
  l->dbf_header_len = hl;
  l->dbf_record_len = rl;
  ampel_status st = AMPEL_OK;
  for (uint64_t i = 0; i < n; i++) {
    unsigned char flag = f->p[hl + i * rl];
    if (flag == '*')
      st = fail(d, f, (long)i + 1,
                "Satz %ld ist als gelöscht markiert, die .shp hat aber "
                "seine Form; bitte die Shapefile neu speichern",
                (long)i + 1);
    else if (flag != ' ')
      st = fail(d, f, (long)i + 1,
                "Satz %ld: ungültiges Löschkennzeichen 0x%02x (' ' oder '*' "
                "erwartet); die Datei ist beschädigt",
                (long)i + 1, flag);
  }
  return st;
}
