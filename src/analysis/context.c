/* context.c - the analysis context (include/ampel/analysis.h): the dataset
 * with disclosure control and the universe rule applied once, the data
 * stamp and the disclosure note, for one CLI run or one server snapshot. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis.h"
#include "ampel/convert.h"
#include "ampel/formula.h"
#include "ampel/store.h"

struct ampel_context {
  ampel_dataset *ds;  /* as shown */
  ampel_dataset *cls; /* universe for rating; == ds when no area is small */
  ampel_geoset *geo;
  ampel_derived *derived;     /* origins of formula and sum cells */
  ampel_converted *converted; /* cells from a boundary reform's old areas */
  ampel_disclosure_opts disclosure;
  ampel_disclosure_stats suppressed;
  int unprotected;
  long version;
  char digest[13];
  char stamp[160];
  char note[240];
  char footer[420];
  char footer_conv[520]; /* footer and AMPEL_DE_CONVERTED_NOTE */
};

void ampel_context_free(ampel_context *c) {
  if (!c)
    return;
  if (c->cls != c->ds)
    ampel_dataset_free(c->cls);
  ampel_dataset_free(c->ds);
  ampel_geoset_free(c->geo);
  ampel_derived_free(c->derived);
  ampel_converted_free(c->converted);
  ampel_free(c);
}

static int any_population(const ampel_dataset *ds) {
  for (size_t a = 0; a < ampel_dataset_n_areas(ds); a++)
    if (isfinite(ampel_dataset_area(ds, a)->population))
      return 1;
  return 0;
}

static int any_small(const ampel_dataset *ds, const ampel_disclosure_opts *o) {
  for (size_t a = 0; a < ampel_dataset_n_areas(ds); a++)
    if (ampel_disclosure_small_area(o, ampel_dataset_area(ds, a)))
      return 1;
  return 0;
}

/* Applies disclosure control, builds the universe and the texts. */
static ampel_status finish(ampel_context *c, ampel_diags *diags) {
  /* new areas of a boundary reform before it, from the old ones
   * (METHODS.md §11), so that formulas and trends run across it */
  ampel_status s = ampel_dataset_convert(c->ds, &c->converted, diags);
  if (s != AMPEL_OK) {
    ampel_diags_error(diags, s, "zu wenig Speicher für die Umschlüsselung");
    return s;
  }
  /* formula and sum indicators (METHODS.md §10) from the raw inputs;
   * disclosure then treats them like imported values (a ratio keeps its
   * numerator and denominator), and a computed cell whose input is
   * suppressed is suppressed too */
  s = ampel_dataset_derive(c->ds, &c->derived, diags);
  if (s != AMPEL_OK) {
    ampel_diags_error(diags, s, "zu wenig Speicher für berechnete Kennzahlen");
    return s;
  }
  if (!c->unprotected) {
    s = ampel_disclosure_apply(c->ds, &c->disclosure, &c->suppressed);
    if (s != AMPEL_OK) {
      ampel_diags_error(diags, s, "zu wenig Speicher für die Geheimhaltung");
      return s;
    }
    c->suppressed.primary += ampel_derived_suppress(c->ds, c->derived);
  }
  if (any_small(c->ds, &c->disclosure)) {
    s = ampel_disclosure_classify_copy(c->ds, &c->disclosure, &c->cls);
    if (s != AMPEL_OK) {
      ampel_diags_error(diags, s, "zu wenig Speicher");
      return s;
    }
  } else {
    c->cls = c->ds;
  }
  ampel_disclosure_note(&c->disclosure, any_population(c->ds), c->note,
                        sizeof c->note);
  if (c->unprotected)
    snprintf(c->note, sizeof c->note, "ohne Geheimhaltung (nur intern)");
  if (*c->stamp)
    snprintf(c->footer, sizeof c->footer, "%s · %s", c->stamp, c->note);
  else
    snprintf(c->footer, sizeof c->footer, "%s", c->note);
  snprintf(c->footer_conv, sizeof c->footer_conv, "%s · %s", c->footer,
           AMPEL_DE_CONVERTED_NOTE);
  return AMPEL_OK;
}

ampel_status ampel_context_open(ampel_store *st, unsigned flags,
                                ampel_context **out, ampel_diags *diags) {
  return ampel_context_open_spec(st, flags, NULL, out, diags);
}

ampel_status ampel_context_open_spec(ampel_store *st, unsigned flags,
                                     const ampel_load_spec *spec,
                                     ampel_context **out, ampel_diags *diags) {
  *out = NULL;
  ampel_load_spec meta = {
      1, NULL, 0, NULL, 0, 0, (flags & AMPEL_CTX_NO_AREAS) != 0};
  if (flags & AMPEL_CTX_METADATA)
    spec = &meta;
  ampel_context *c = ampel_calloc(1, sizeof *c);
  if (!c)
    return AMPEL_E_NOMEM;
  c->unprotected = (flags & AMPEL_CTX_UNPROTECTED) != 0;
  /* Data, settings, shapes and the data version from one snapshot, so
   * that an import committing meanwhile cannot pair the new stamp with
   * the old data (issue 16). USAGE: the store is inside its own write
   * transaction, which is a snapshot already. */
  ampel_status s = ampel_store_begin_read(st);
  int reading = s == AMPEL_OK;
  if (s == AMPEL_E_USAGE)
    s = AMPEL_OK;
  if (s != AMPEL_OK)
    ampel_diags_error(diags, s, "Datenbank nicht lesbar (Lesetransaktion)");
  if (s == AMPEL_OK)
    s = ampel_store_load_spec(st, spec, &c->ds, diags);
  if (s == AMPEL_OK)
    s = ampel_disclosure_opts_load(st, &c->disclosure, diags);
  if (s == AMPEL_OK && (flags & AMPEL_CTX_GEOMETRY))
    s = ampel_store_load_geometry(st, &c->geo, diags);
  ampel_data_version v;
  if (s == AMPEL_OK)
    s = ampel_store_data_version(st, &v);
  /* A chosen earlier Datenstand (--datenstand N, ?datenstand=N) names
   * itself in every footer, and that it is not the latest. */
  long latest = v.id;
  if (s == AMPEL_OK && ampel_store_datenstand(st) > 0)
    s = ampel_store_datenstand_version(st, &v);
  if (reading)
    ampel_store_end_read(st);
  if (s == AMPEL_OK && v.id > 0) {
    ampel_data_version_format(&v, c->stamp, sizeof c->stamp);
    if (v.id != latest) {
      size_t n = strlen(c->stamp);
      snprintf(c->stamp + n, sizeof c->stamp - n,
               " – früherer Stand (aktuell: Datenstand %ld)", latest);
    }
    memcpy(c->digest, v.digest, sizeof c->digest);
    c->version = v.id;
  }
  if (s == AMPEL_OK)
    s = finish(c, diags);
  if (s != AMPEL_OK) {
    ampel_context_free(c);
    return s;
  }
  *out = c;
  return AMPEL_OK;
}

ampel_status ampel_context_from_dataset(ampel_dataset *ds, ampel_geoset *geo,
                                        const ampel_disclosure_opts *o,
                                        const char *stamp, ampel_context **out,
                                        ampel_diags *diags) {
  *out = NULL;
  ampel_context *c = ampel_calloc(1, sizeof *c);
  if (!c) {
    ampel_dataset_free(ds);
    ampel_geoset_free(geo);
    return AMPEL_E_NOMEM;
  }
  c->ds = ds;
  c->geo = geo;
  if (o)
    c->disclosure = *o;
  else
    ampel_disclosure_opts_init(&c->disclosure);
  if (stamp)
    snprintf(c->stamp, sizeof c->stamp, "%s", stamp);
  ampel_status s = finish(c, diags);
  if (s != AMPEL_OK) {
    ampel_context_free(c);
    return s;
  }
  *out = c;
  return AMPEL_OK;
}

const ampel_dataset *ampel_context_dataset(const ampel_context *c) {
  return c->ds;
}

const ampel_dataset *ampel_context_universe(const ampel_context *c) {
  return c->cls;
}

double ampel_context_min_population(const ampel_context *c,
                                    const ampel_query *q) {
  double v = q ? ampel_query_num(q, AMPEL_OPT_MIN_POPULATION) : NAN;
  return isfinite(v) ? v : c->disclosure.min_population;
}

ampel_status ampel_context_universe_for(const ampel_context *c,
                                        const ampel_query *q,
                                        const ampel_dataset **out,
                                        ampel_dataset **out_own) {
  *out_own = NULL;
  double mp = ampel_context_min_population(c, q);
  if (mp == c->disclosure.min_population) {
    *out = c->cls;
    return AMPEL_OK;
  }
  ampel_disclosure_opts o = c->disclosure;
  o.min_population = mp;
  ampel_status s = ampel_disclosure_classify_copy(c->ds, &o, out_own);
  *out = s == AMPEL_OK ? *out_own : NULL;
  return s;
}

int ampel_context_small_area(const ampel_context *c, const ampel_query *q,
                             size_t area) {
  ampel_disclosure_opts o = c->disclosure;
  o.min_population = ampel_context_min_population(c, q);
  return ampel_disclosure_small_area(&o, ampel_dataset_area(c->ds, area));
}

const ampel_disclosure_opts *ampel_context_disclosure(const ampel_context *c) {
  return &c->disclosure;
}

const char *ampel_context_disclosure_note(const ampel_context *c) {
  return c->note;
}

const char *ampel_context_stamp(const ampel_context *c) {
  return c->stamp;
}

const char *ampel_context_footer(const ampel_context *c) {
  return c->footer;
}

long ampel_context_version(const ampel_context *c) {
  return c->version;
}

const char *ampel_context_digest(const ampel_context *c) {
  return c->digest;
}

int ampel_context_converted(const ampel_context *c, size_t area, size_t ind,
                            size_t period) {
  if (ampel_converted_count(c->converted) == 0)
    return 0;
  if (ampel_converted_is(c->converted, area, ind, period))
    return 1;
  ampel_origin o = ampel_derived_origin(c->derived, area, ind, period);
  const ampel_area *a = ampel_dataset_area(c->ds, area);
  const ampel_period *p = ampel_dataset_period(c->ds, period);
  return (o == AMPEL_ORIGIN_FORMULA || o == AMPEL_ORIGIN_SUM) && a && p &&
         !ampel_area_valid_at(a, p->sort_key);
}

const char *ampel_context_footer_for(const ampel_context *c, int converted) {
  return converted ? c->footer_conv : c->footer;
}

size_t ampel_context_n_converted(const ampel_context *c) {
  return ampel_converted_count(c->converted);
}

const ampel_geoset *ampel_context_geometry(const ampel_context *c) {
  return c->geo;
}

const ampel_disclosure_stats *ampel_context_suppressed(const ampel_context *c) {
  return &c->suppressed;
}
