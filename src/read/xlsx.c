/* XLSX reader: the workbook (read.h).
 *
 * An .xlsx file is a zip archive of XML parts. Opening a workbook reads
 *   xl/workbook.xml            sheet names and their relation ids (r:id),
 *   xl/_rels/workbook.xml.rels relation id -> part name,
 *   xl/sharedStrings.xml       the shared string table (optional).
 * Worksheets are read later, row by row (xlsx_sheet.c). xl/styles.xml is
 * not read: numbers come back as the C-locale text stored in the file, so
 * a date is its serial day number (Excel's 1900 system; 45107 is
 * 2023-06-30) with is_number = 1.
 *
 * Every part is streamed through expat in chunks; the unpacked size of an
 * entry is capped (XLSX_ENTRY_CAP) whatever the archive declares. libzip
 * allocates through malloc, not through ampel_alloc.
 */
#include <string.h>

#include "ampel/alloc.h"
#include "read/xlsx_internal.h"

static const unsigned char OLE2_MAGIC[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                            0xA1, 0xB1, 0x1A, 0xE1};

/* ---- xl/workbook.xml ---------------------------------------------------
 */

typedef struct wb_ctx {
  xlsx_xml m;
  char **rids; /* parallel to x->names while reading */
  size_t cap;
  int in_sheets;
} wb_ctx;

static ampel_status add_sheet(wb_ctx *c, const char *name, const char *rid) {
  ampel_xlsx *x = c->m.x;
  if (x->n_sheets == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 8;
    char **n = ampel_reallocarray(x->names, cap, sizeof *n);
    if (n)
      x->names = n;
    char **r = n ? ampel_reallocarray(c->rids, cap, sizeof *r) : NULL;
    if (!r)
      return AMPEL_E_NOMEM;
    c->rids = r;
    c->cap = cap;
  }
  char *nd = ampel_strdup(name), *rd = ampel_strdup(rid);
  if (!nd || !rd) {
    ampel_free(nd);
    ampel_free(rd);
    return AMPEL_E_NOMEM;
  }
  x->names[x->n_sheets] = nd;
  c->rids[x->n_sheets++] = rd;
  return AMPEL_OK;
}

static void XMLCALL wb_start(void *ud, const XML_Char *el,
                             const XML_Char **atts) {
  wb_ctx *c = ud;
  const char *ln = ampel_xlsx_lname(el);
  if (strcmp(ln, "sheets") == 0) {
    c->in_sheets++;
    return;
  }
  if (!c->in_sheets || strcmp(ln, "sheet") != 0)
    return;
  const char *name = ampel_xlsx_attr(atts, "name", 0);
  const char *rid = ampel_xlsx_attr(atts, "id", 1);
  long line = (long)XML_GetCurrentLineNumber(c->m.p);
  if (!name || !rid || !*name) {
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_DATA, 0, 0,
                        "xl/workbook.xml:%ld: Tabellenblatt ohne Namen "
                        "oder ohne r:id",
                        line);
  } else if (strlen(name) > XLSX_MAX_NAME || strlen(rid) > XLSX_MAX_NAME) {
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_TOO_LARGE, 0, 0,
                        "xl/workbook.xml:%ld: Name oder r:id länger als "
                        "%u Bytes",
                        line, XLSX_MAX_NAME);
  } else if (c->m.x->n_sheets >= XLSX_MAX_SHEETS) {
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_TOO_LARGE, 0, 0,
                        "xl/workbook.xml: mehr als %u Tabellenblätter",
                        XLSX_MAX_SHEETS);
  } else if (add_sheet(c, name, rid) != AMPEL_OK) {
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_NOMEM, 0, 0, "Speicher erschöpft");
  }
}

static void XMLCALL wb_end(void *ud, const XML_Char *el) {
  wb_ctx *c = ud;
  if (c->in_sheets && strcmp(ampel_xlsx_lname(el), "sheets") == 0)
    c->in_sheets--;
}

static ampel_status read_workbook(ampel_xlsx *x, wb_ctx *c,
                                  ampel_diags *diags) {
  ampel_status st =
      ampel_xlsx_xml_begin(&c->m, x, "xl/workbook.xml", NULL, c, 0, diags);
  if (st != AMPEL_OK)
    return st;
  XML_SetElementHandler(c->m.p, wb_start, wb_end);
  st = ampel_xlsx_xml_run(&c->m);
  ampel_xlsx_xml_end(&c->m);
  if (st == AMPEL_OK && x->n_sheets == 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 0, 0, NULL,
                    0, "xl/workbook.xml nennt kein Tabellenblatt");
    st = AMPEL_E_DATA;
  }
  return st;
}

/* ---- xl/_rels/workbook.xml.rels ----------------------------------------
 */

typedef struct rels_ctx {
  xlsx_xml m;
  wb_ctx *wb;
  size_t n_rels;
  char *sst_part; /* target of the sharedStrings relation, or NULL */
} rels_ctx;

/* Resolves a relation target against the folder "xl": "/xl/a.xml" is
 * absolute, "worksheets/s.xml" relative; "." and ".." segments are
 * folded. Returns a fresh string, or NULL when the target climbs above
 * the archive root or memory runs out. */
static char *resolve_target(const char *target) {
  size_t tl = strlen(target);
  char *out = ampel_alloc(tl + 4);
  if (!out)
    return NULL;
  size_t w = 0;
  const char *s = target;
  if (*s == '/') {
    s++;
  } else {
    memcpy(out, "xl", 2);
    w = 2;
  }
  while (*s) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 2 && s[0] == '.' && s[1] == '.') {
      if (w == 0) {
        ampel_free(out);
        return NULL;
      }
      while (w > 0 && out[w - 1] != '/')
        w--;
      if (w > 0)
        w--; /* drop the slash too */
    } else if (n > 0 && !(n == 1 && s[0] == '.')) {
      if (w > 0)
        out[w++] = '/';
      memcpy(out + w, s, n);
      w += n;
    }
    s += n;
    if (*s == '/')
      s++;
  }
  out[w] = '\0';
  return out;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Records the part of every sheet whose r:id is `id`. */
static ampel_status use_relation(rels_ctx *c, const char *id, const char *type,
                                 const char *target) {
  ampel_xlsx *x = c->m.x;
  int is_sst = type && ends_with(type, "/sharedStrings");
  for (size_t i = 0; i < x->n_sheets; i++) {
    if (strcmp(c->wb->rids[i], id) != 0 || x->parts[i])
      continue;
    x->parts[i] = resolve_target(target);
    if (!x->parts[i])
      return AMPEL_E_DATA;
  }
  if (is_sst && !c->sst_part) {
    c->sst_part = resolve_target(target);
    if (!c->sst_part)
      return AMPEL_E_DATA;
  }
  return AMPEL_OK;
}

static void XMLCALL rels_start(void *ud, const XML_Char *el,
                               const XML_Char **atts) {
  rels_ctx *c = ud;
  if (strcmp(ampel_xlsx_lname(el), "Relationship") != 0)
    return;
  const char *id = ampel_xlsx_attr(atts, "Id", 0);
  const char *target = ampel_xlsx_attr(atts, "Target", 0);
  const char *mode = ampel_xlsx_attr(atts, "TargetMode", 0);
  if (!id || !target || (mode && strcmp(mode, "External") == 0))
    return;
  if (++c->n_rels > XLSX_MAX_RELS) {
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_TOO_LARGE, 0, 0,
                        "%s: mehr als %u Verweise", c->m.part, XLSX_MAX_RELS);
    return;
  }
  if (strlen(target) > XLSX_MAX_NAME) {
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_TOO_LARGE, 0, 0,
                        "%s: Verweis %.*s länger als %u Bytes", c->m.part,
                        ampel_xlsx_clip(id, 40), id, XLSX_MAX_NAME);
    return;
  }
  if (use_relation(c, id, ampel_xlsx_attr(atts, "Type", 0), target))
    ampel_xlsx_xml_fail(&c->m, AMPEL_E_DATA, 0, 0,
                        "%s: Verweis %.*s hat ungültiges Ziel '%.*s'",
                        c->m.part, ampel_xlsx_clip(id, 40), id,
                        ampel_xlsx_clip(target, 200), target);
}

static ampel_status read_rels(ampel_xlsx *x, wb_ctx *wb, char **out_sst,
                              ampel_diags *diags) {
  rels_ctx c;
  memset(&c, 0, sizeof c);
  c.wb = wb;
  x->parts = ampel_calloc(x->n_sheets, sizeof *x->parts);
  if (!x->parts)
    return AMPEL_E_NOMEM;
  ampel_status st = ampel_xlsx_xml_begin(&c.m, x, "xl/_rels/workbook.xml.rels",
                                         NULL, &c, 0, diags);
  if (st == AMPEL_OK) {
    XML_SetElementHandler(c.m.p, rels_start, NULL);
    st = ampel_xlsx_xml_run(&c.m);
    ampel_xlsx_xml_end(&c.m);
  }
  for (size_t i = 0; st == AMPEL_OK && i < x->n_sheets; i++) {
    if (x->parts[i])
      continue;
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 0, 0, NULL,
                    0,
                    "Tabellenblatt '%s': Verweis %s fehlt in "
                    "xl/_rels/workbook.xml.rels",
                    x->names[i], wb->rids[i]);
    st = AMPEL_E_DATA;
  }
  *out_sst = c.sst_part;
  return st;
}

/* ---- xl/sharedStrings.xml ----------------------------------------------
 */

typedef struct sst_ctx {
  xlsx_xml m;
  xlsx_buf text; /* the current <si> */
  size_t t_start;
  int in_si, in_t, in_rph, preserve;
} sst_ctx;

static ampel_status sst_push(ampel_xlsx *x, xlsx_buf *t) {
  if (x->n_sst + 1 >= x->sst_off_cap) {
    size_t cap = x->sst_off_cap ? x->sst_off_cap * 2 : 256;
    size_t *o = ampel_reallocarray(x->sst_off, cap, sizeof *o);
    if (!o)
      return AMPEL_E_NOMEM;
    x->sst_off = o;
    x->sst_off_cap = cap;
    if (x->n_sst == 0)
      o[0] = 0;
  }
  if (t->len)
    t->len = ampel_xlsx_unescape(t->p, t->len);
  ampel_status st = ampel_xlsx_buf_put(&x->sst, t->p, t->len, 0);
  if (st == AMPEL_OK)
    st = ampel_xlsx_buf_put(&x->sst, "", 1, 0);
  if (st != AMPEL_OK)
    return st;
  x->sst_off[++x->n_sst] = x->sst.len;
  return AMPEL_OK;
}

static void XMLCALL sst_start(void *ud, const XML_Char *el,
                              const XML_Char **atts) {
  sst_ctx *c = ud;
  const char *ln = ampel_xlsx_lname(el);
  if (strcmp(ln, "si") == 0 && !c->in_si) {
    c->in_si = 1;
    c->in_rph = 0;
    c->text.len = 0;
  } else if (c->in_si && strcmp(ln, "rPh") == 0) {
    c->in_rph++;
  } else if (c->in_si && !c->in_rph && !c->in_t && strcmp(ln, "t") == 0) {
    const char *sp = ampel_xlsx_attr(atts, "space", 1);
    c->in_t = 1;
    c->preserve = sp && strcmp(sp, "preserve") == 0;
    c->t_start = c->text.len;
  }
}

static void XMLCALL sst_end(void *ud, const XML_Char *el) {
  sst_ctx *c = ud;
  const char *ln = ampel_xlsx_lname(el);
  if (c->in_t && strcmp(ln, "t") == 0) {
    c->in_t = 0;
    if (!c->preserve)
      ampel_xlsx_trim_from(&c->text, c->t_start);
  } else if (c->in_rph && strcmp(ln, "rPh") == 0) {
    c->in_rph--;
  } else if (c->in_si && strcmp(ln, "si") == 0) {
    c->in_si = 0;
    ampel_xlsx *x = c->m.x;
    ampel_status st =
        x->n_sst >= XLSX_MAX_SST ? AMPEL_E_TOO_LARGE : sst_push(x, &c->text);
    if (st != AMPEL_OK)
      ampel_xlsx_xml_fail(&c->m, st, 0, 0, "%s: %s", c->m.part,
                          st == AMPEL_E_NOMEM ? "Speicher erschöpft"
                                              : "zu viele Texte");
  }
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len) {
  sst_ctx *c = ud;
  if (!c->in_t || c->in_rph)
    return;
  ampel_status st =
      ampel_xlsx_buf_put(&c->text, s, (size_t)len, AMPEL_MAX_FIELD_BYTES);
  if (st != AMPEL_OK)
    ampel_xlsx_xml_fail(
        &c->m, st, 0, 0, "%s:%lu: Text Nr. %zu ist länger als %u Bytes",
        c->m.part, (unsigned long)XML_GetCurrentLineNumber(c->m.p),
        c->m.x->n_sst + 1, AMPEL_MAX_FIELD_BYTES);
}

static ampel_status read_sst(ampel_xlsx *x, const char *part,
                             ampel_diags *diags) {
  sst_ctx c;
  memset(&c, 0, sizeof c);
  ampel_status st = ampel_xlsx_xml_begin(&c.m, x, part, NULL, &c, 1, diags);
  if (st == AMPEL_E_NOT_FOUND)
    return AMPEL_OK; /* a workbook without text cells has none */
  if (st != AMPEL_OK)
    return st;
  XML_SetElementHandler(c.m.p, sst_start, sst_end);
  XML_SetCharacterDataHandler(c.m.p, sst_text);
  st = ampel_xlsx_xml_run(&c.m);
  ampel_xlsx_xml_end(&c.m);
  ampel_xlsx_buf_free(&c.text);
  return st;
}

/* ---- opening -----------------------------------------------------------
 */

static ampel_status open_zip(ampel_xlsx *x, const char *data, size_t len,
                             ampel_diags *diags) {
  const char *why = NULL;
  if (len == 0)
    why = "die Datei ist leer";
  else if (len >= 8 && memcmp(data, OLE2_MAGIC, 8) == 0)
    why = "das ist das Format von Excel 97-2003 (.xls) oder eine "
          "kennwortgeschützte Datei";
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t *src =
      why ? NULL : zip_source_buffer_create(data, len, 0, &zerr);
  if (src) {
    x->za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (!x->za) {
      zip_source_free(src);
      int pk = len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
      why = (zip_error_code_zip(&zerr) == ZIP_ER_NOZIP && !pk)
                ? "kein ZIP-Archiv"
                : "ZIP-Archiv ist beschädigt oder unvollständig";
    }
  } else if (!why) {
    why = "ZIP-Archiv kann nicht geöffnet werden";
  }
  zip_error_fini(&zerr);
  if (!why)
    return AMPEL_OK;
  /* the archive as a whole: located at its start, FILE:1:1 (issue 16) */
  ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1, NULL, 0,
                  "keine gültige Excel-Datei (.xlsx): %s", why);
  return AMPEL_E_DATA;
}

static void free_rids(wb_ctx *c, size_t n) {
  for (size_t i = 0; c->rids && i < n; i++)
    ampel_free(c->rids[i]);
  ampel_free(c->rids);
}

static ampel_status open_parts(ampel_xlsx *x, ampel_diags *diags) {
  wb_ctx wb;
  memset(&wb, 0, sizeof wb);
  char *sst_part = NULL;
  ampel_status st = read_workbook(x, &wb, diags);
  if (st == AMPEL_OK)
    st = read_rels(x, &wb, &sst_part, diags);
  if (st == AMPEL_OK)
    st = read_sst(x, sst_part ? sst_part : "xl/sharedStrings.xml", diags);
  free_rids(&wb, x->n_sheets);
  ampel_free(sst_part);
  return st;
}

ampel_xlsx *ampel_xlsx_open_mem(const char *data, size_t len, const char *path,
                                ampel_diags *diags, ampel_status *out_status) {
  ampel_status st = AMPEL_E_NOMEM;
  size_t errors_before = diags ? diags->n_errors : 0;
  ampel_xlsx *x = ampel_calloc(1, sizeof *x);
  if (x) {
    x->entry_cap = XLSX_ENTRY_CAP;
    x->path = ampel_strdup(path ? path : "");
  }
  if (x && x->path)
    st = open_zip(x, data, len, diags);
  if (st == AMPEL_OK)
    st = open_parts(x, diags);
  if (st == AMPEL_E_NOMEM && (!diags || diags->n_errors == errors_before))
    ampel_diags_error(diags, AMPEL_E_NOMEM, "%s: Speicher erschöpft",
                      path ? path : "");
  if (out_status)
    *out_status = st;
  if (st == AMPEL_OK)
    return x;
  ampel_xlsx_free(x);
  return NULL;
}

size_t ampel_xlsx_n_sheets(const ampel_xlsx *x) { return x ? x->n_sheets : 0; }

const char *ampel_xlsx_sheet_name(const ampel_xlsx *x, size_t i) {
  return x && i < x->n_sheets ? x->names[i] : NULL;
}

void ampel_xlsx_set_entry_cap(ampel_xlsx *x, uint64_t cap) {
  x->entry_cap = cap;
}

void ampel_xlsx_free(ampel_xlsx *x) {
  if (!x)
    return;
  for (size_t i = 0; i < x->n_sheets; i++) {
    ampel_free(x->names[i]);
    if (x->parts)
      ampel_free(x->parts[i]);
  }
  ampel_free(x->names);
  ampel_free(x->parts);
  ampel_xlsx_buf_free(&x->sst);
  ampel_free(x->sst_off);
  if (x->za)
    zip_discard(x->za);
  ampel_free(x->path);
  ampel_free(x);
}
