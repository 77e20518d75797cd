/* ampel/need.h - index and allocation on a dataset ("Bedarf").
 *
 * Glue between a dataset and the pure compute core of index.h: resolves a
 * level, a period and indicator keys (select.h), builds the matrices, the
 * population column (for --min-population) and a weight column (e.g.
 * pupils), calls ampel_mss_compute() / ampel_need_compute() /
 * ampel_allocation_compute(), and renders the results (CSV, SVG).
 * docs/bedarf.md explains every rule in German.
 *
 * Period rule ("letzter verfügbarer Stand"): every indicator (and the
 * weight indicator) is read at the chosen period. When an indicator has no
 * value at all on the level at that period, its values of the latest
 * earlier period with values on the level are used instead, for all areas
 * alike (never mixed per area). The period actually used is reported per
 * indicator (`used_period`), so that callers can say so.
 *
 * Areas outside the universe carry a reason (AMPEL_OUT_*): population
 * known and below min_population first, then missing values.
 *
 * Memory: result structs are caller-provided; their arrays are allocated
 * with ampel_alloc() and freed by the matching *_release(), which accepts
 * NULL and zeroed structs and leaves the struct zeroed. Strings that point
 * into the dataset are borrowed: the dataset must outlive the result.
 */
#ifndef AMPEL_NEED_H
#define AMPEL_NEED_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/index.h"
#include "ampel/labels.h" /* names and German labels (src/model/labels.c) */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Option lists                                                             */
/* ---------------------------------------------------------------------- */

/* A parsed "key:weight,key,..." or "key,key,..." list. */
typedef struct ampel_keylist {
  size_t n;
  char **keys;     /* n copies */
  double *weights; /* n; 1 where no weight was written */
} ampel_keylist;

/* Parses `spec` into `out`. With allow_weights 0 a ':' is refused. Weights
 * are decimal numbers with '.' ("0.5"; ',' separates items), finite and
 * >= 0; blanks around items are ignored.
 * Refused, with a German message naming the item (AMPEL_E_USAGE): an empty
 * list or item ("a,,b"), an empty key or weight ("a:", ":2"), more than one
 * ':', a weight that is not a number or negative, a key given twice.
 * Caller releases with ampel_keylist_release(). */
AMPEL_WUR ampel_status ampel_keylist_parse(const char *spec,
                                           int allow_weights,
                                           ampel_keylist *out,
                                           ampel_diags *diags);
void ampel_keylist_release(ampel_keylist *l);

/* ---------------------------------------------------------------------- */
/* Areas of a level                                                         */
/* ---------------------------------------------------------------------- */

/* The reasons AMPEL_OUT_* and ampel_out_label: labels.h. */

/* What every dataset-level computation works on. */
typedef struct ampel_need_frame {
  const char *level;  /* borrowed from the dataset */
  size_t period;      /* the chosen period (id) */
  size_t n_areas;
  size_t *areas;      /* area ids of the level, dataset order */
  double *population; /* n_areas; NaN when unknown */
  int *reason;        /* n_areas; AMPEL_OUT_* */
  size_t k;           /* indicators */
  size_t *inds;       /* k indicator ids */
  size_t *used_period; /* k; period id actually read (see period rule) */
  const char **keys;  /* k; borrowed indicator keys */
  ampel_polarity *polarity; /* k */
  double *values;     /* n_areas x k; NaN = missing or masked (reason) */
} ampel_need_frame;

/* Resolves level/period (NULL = defaults of select.h) and the indicator
 * keys, reads the values by the period rule and sets each area's reason:
 * AMPEL_OUT_POPULATION when its population is known and below
 * min_population (its row is then set to NaN), else AMPEL_OUT_MISSING when
 * a value is missing. Errors: AMPEL_E_USAGE for unknown names or a
 * negative/NaN min_population, AMPEL_E_DATA when an indicator has no value
 * on the level at or before the period. */
AMPEL_WUR ampel_status ampel_need_frame_build(
    const ampel_dataset *ds, const char *level, const char *period,
    const char *const *keys, size_t k, double min_population,
    ampel_need_frame *out, ampel_diags *diags);
void ampel_need_frame_release(ampel_need_frame *f);

/* Reads indicator `key` for the frame's areas by the period rule into
 * out[n_areas] (NaN where missing); *out_period receives the period id
 * used. Errors: AMPEL_E_USAGE for an unknown key, AMPEL_E_DATA when the
 * indicator has no value on the level at or before the frame's period. */
AMPEL_WUR ampel_status ampel_need_frame_column(const ampel_dataset *ds,
                                               const ampel_need_frame *f,
                                               const char *key, double *out,
                                               size_t *out_period,
                                               ampel_diags *diags);

/* ---------------------------------------------------------------------- */
/* Index on a dataset                                                       */
/* ---------------------------------------------------------------------- */

/* MSS (METHODS.md §4): status indicators first, then dynamics indicators,
 * all in one frame (frame.k = n_status + n_dynamics). */
typedef struct ampel_mss_table {
  ampel_need_frame frame;
  size_t n_status, n_dynamics;
  ampel_mss_result result;
} ampel_mss_table;

AMPEL_WUR ampel_status ampel_mss_dataset(
    const ampel_dataset *ds, const char *level, const char *period,
    const ampel_keylist *status, const ampel_keylist *dynamics,
    double min_population, ampel_mss_table *out, ampel_diags *diags);
void ampel_mss_table_release(ampel_mss_table *t);

/* Need index (METHODS.md §5). `input` points into `frame` and `weights`
 * and can be passed to ampel_sensitivity_compute() while the table lives.
 */
typedef struct ampel_need_table {
  ampel_need_frame frame;
  double *raw_weights; /* k */
  ampel_need_input input;
  ampel_need_result result;
} ampel_need_table;

AMPEL_WUR ampel_status ampel_need_dataset(const ampel_dataset *ds,
                                          const char *level,
                                          const char *period,
                                          const ampel_keylist *indicators,
                                          const ampel_level_opts *levels,
                                          double min_population,
                                          ampel_need_table *out,
                                          ampel_diags *diags);
void ampel_need_table_release(ampel_need_table *t);

/* ---------------------------------------------------------------------- */
/* Reading an index CSV back (for `ampel allocate --index`;               */
/* src/read/index_file.c)                                                 */
/* ---------------------------------------------------------------------- */

/* One row per area of a CSV written by `ampel index`: either the need
 * index (`area,score,rank,level,...`) or the MSS index
 * (`area,...,status_index,status_class,...`; level = status_class,
 * score = status_index). Empty cells are NaN (areas outside). */
typedef struct ampel_index_file {
  size_t n;
  char **areas;  /* n copies of the keys */
  double *level; /* n; NaN when empty */
  double *score; /* n; NaN when empty */
  int is_mss;    /* 1 for the MSS layout */
} ampel_index_file;

/* Parses `data` (len bytes; `path` only for messages) with the project's
 * CSV reader (read.h; ',' separator, '.' decimal). Errors (AMPEL_E_DATA,
 * located): no `area` column, neither layout, a cell that is not a number,
 * an area given twice. */
AMPEL_WUR ampel_status ampel_index_file_parse(const char *data, size_t len,
                                              const char *path,
                                              ampel_index_file *out,
                                              ampel_diags *diags);
void ampel_index_file_release(ampel_index_file *f);

/* ---------------------------------------------------------------------- */
/* Rendering                                                                */
/* ---------------------------------------------------------------------- */

/* CSV of METHODS.md §4 (MSS). Areas outside the universe: empty numbers
 * and classes, the reason in status_label and dynamics_label, group empty.
 */
void ampel_mss_render_csv(const ampel_dataset *ds, const ampel_mss_table *t,
                          ampel_buf *out);
/* CSV of METHODS.md §5: area,score,rank,level,z_<key>...; areas outside
 * the universe have empty fields. */
void ampel_need_render_csv(const ampel_dataset *ds, const ampel_need_table *t,
                           ampel_buf *out);
/* Sensitivity CSV: area,base_rank,min_rank,max_rank,base_level,min_level,
 * max_level,top_level_share (empty outside the universe). `areas` are the
 * n dataset area ids the result rows belong to. */
void ampel_sensitivity_render_csv(const ampel_dataset *ds,
                                  const size_t *areas,
                                  const ampel_sensitivity_result *r,
                                  ampel_buf *out);

/* An allocation with its areas, for rendering. Rows with used == 0 took
 * no part (no need value); their fields are empty in the CSV. */
typedef struct ampel_allocation_view {
  size_t n;                     /* rows */
  const char *const *keys;      /* n area keys */
  const char *const *names;     /* n display names (may equal keys) */
  const int *used;              /* n; 1 when the row is in `result` */
  const size_t *row;            /* n; index into result->areas when used */
  const ampel_allocation_result *result;
  double base_share;
  const char *amount_label;     /* e.g. "€"; "" for none */
  const char *title;            /* heading of the SVG */
  const char *note;             /* lines under the heading ('\n'), or NULL */
  const char *need_header;      /* column heading for the need, e.g. "Stufe" */
  const char *weight_header;    /* column heading for the weight */
  const char *const *why;       /* n reasons of the rows without an amount
                                   ("zu wenige Einwohner", "kein Gewicht",
                                   …), or NULL */
} ampel_allocation_view;

/* CSV of METHODS.md §6: area,weight,need,base_part,need_part,allocation,
 * share. */
void ampel_allocation_render_csv(const ampel_allocation_view *v,
                                 ampel_buf *out);
/* Horizontal bar chart, one bar per used row, largest first: base part
 * and need part in two colour-blind safe colours, amounts written at each
 * bar, a <title> per bar with all amounts, German labels, role="img". */
void ampel_allocation_render_svg(const ampel_allocation_view *v,
                                 ampel_buf *out);

/* Classes/levels on the tile map. One tile per area with tile_row/col. */
typedef struct ampel_tilemap_view {
  size_t n;
  const size_t *areas;  /* n dataset area ids */
  const int *level;     /* n; 1..k, 0 = not classified */
  const char *const *text;  /* n; big text in the tile ("7", "2-"), or NULL
                               = the level number */
  const char *const *tip;   /* n; extra line for the tile's <title>, or NULL */
  int k;                /* number of levels (colours) */
  const char *title;    /* heading */
  const char *subtitle; /* lines under the heading ('\n'), or NULL */
  const char *low_label;  /* legend text for level 1, e.g. "geringer Bedarf" */
  const char *high_label; /* legend text for level k */
  const char *const *level_names; /* k names for the legend, or NULL */
} ampel_tilemap_view;

/* Renders the tile map. AMPEL_E_DATA (German message) when no area has a
 * tile position. */
AMPEL_WUR ampel_status ampel_tilemap_render_svg(const ampel_dataset *ds,
                                                const ampel_tilemap_view *v,
                                                ampel_buf *out,
                                                ampel_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
