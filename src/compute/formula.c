/* compute/formula.c - formula indicators and aggregation to higher levels
 * (formula.h, METHODS.md §10).
 *
 * The language is four operators, parentheses, numbers and keys; a
 * recursive-descent parser builds a small tree (an array of nodes) that
 * the evaluator walks. Written by hand: a general expression library
 * (muparser, tinyexpr) would bring functions and variables we must then
 * forbid, and none reports German messages with a position. */
#include "ampel/formula.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"

enum { N_NUM, N_VAR, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV };

typedef struct node {
  int op;
  int left, right; /* node indices, -1 when unused */
  double num;      /* N_NUM */
  size_t var;      /* N_VAR: input index */
} node;

struct ampel_formula {
  node *nodes;
  size_t n_nodes, cap_nodes;
  int root;
  char **inputs;
  size_t n_inputs;
};

/* Nesting beyond this is refused: it bounds the recursion. */
#define MAX_DEPTH 64

typedef struct parser {
  const char *s;
  size_t pos;
  ampel_formula *f;
  char *msg;
  size_t msg_size;
  int depth;
  ampel_status st;
} parser;

static int fail(parser *p, const char *fmt, ...) AMPEL_PRINTF(2, 3);
static int fail(parser *p, const char *fmt, ...) {
  if (p->st == AMPEL_OK) {
    p->st = AMPEL_E_DATA;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, p->msg_size, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static void skip_blanks(parser *p) {
  while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
    p->pos++;
}

/* A description of what stands at the position, for messages. */
static const char *found_here(const parser *p, char *buf, size_t size) {
  unsigned char c = (unsigned char)p->s[p->pos];
  if (!c)
    return "Ende der Formel";
  if (c < 0x80)
    snprintf(buf, size, "'%c'", c);
  else
    snprintf(buf, size, "'%.4s'", p->s + p->pos);
  return buf;
}

static int add_node(parser *p, int op, int left, int right) {
  ampel_formula *f = p->f;
  if (f->n_nodes == f->cap_nodes) {
    size_t cap = f->cap_nodes ? 2 * f->cap_nodes : 16;
    node *n = ampel_reallocarray(f->nodes, cap, sizeof *n);
    if (!n) {
      p->st = AMPEL_E_NOMEM;
      return -1;
    }
    f->nodes = n;
    f->cap_nodes = cap;
  }
  node *n = &f->nodes[f->n_nodes];
  memset(n, 0, sizeof *n);
  n->op = op;
  n->left = left;
  n->right = right;
  return (int)f->n_nodes++;
}

static int key_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c >= 0x80;
}

/* The input index of key (added when new), or -1. */
static long input_of(parser *p, const char *key, size_t len) {
  ampel_formula *f = p->f;
  for (size_t k = 0; k < f->n_inputs; k++)
    if (strlen(f->inputs[k]) == len && memcmp(f->inputs[k], key, len) == 0)
      return (long)k;
  char **in = ampel_reallocarray(f->inputs, f->n_inputs + 1, sizeof *in);
  if (!in) {
    p->st = AMPEL_E_NOMEM;
    return -1;
  }
  f->inputs = in;
  char *copy = ampel_strndup(key, len);
  if (!copy) {
    p->st = AMPEL_E_NOMEM;
    return -1;
  }
  f->inputs[f->n_inputs] = copy;
  return (long)f->n_inputs++;
}

static int parse_expr(parser *p);

static int parse_number(parser *p) {
  char buf[64];
  size_t n = 0;
  int seen_sep = 0;
  while (n + 1 < sizeof buf) {
    char c = p->s[p->pos];
    if (c >= '0' && c <= '9') {
      buf[n++] = c;
    } else if ((c == '.' || c == ',') && !seen_sep && p->s[p->pos + 1] >= '0' &&
               p->s[p->pos + 1] <= '9') {
      buf[n++] = '.'; /* German decimal comma too */
      seen_sep = 1;
    } else {
      break;
    }
    p->pos++;
  }
  buf[n] = '\0';
  int id = add_node(p, N_NUM, -1, -1);
  if (id >= 0)
    p->f->nodes[id].num = strtod(buf, NULL);
  return id;
}

static int parse_factor(parser *p) {
  char tmp[16];
  skip_blanks(p);
  if (++p->depth > MAX_DEPTH)
    return fail(p, "Formel zu tief verschachtelt (mehr als %d Ebenen)",
                MAX_DEPTH);
  int id = -1;
  unsigned char c = (unsigned char)p->s[p->pos];
  if (c == '-' || c == '+') {
    p->pos++;
    int sub = parse_factor(p);
    id = sub < 0 ? -1 : c == '-' ? add_node(p, N_NEG, sub, -1) : sub;
  } else if (c == '(') {
    p->pos++;
    int sub = parse_expr(p);
    if (sub < 0)
      return -1;
    skip_blanks(p);
    if (p->s[p->pos] != ')')
      return fail(p, "')' erwartet, gefunden: %s",
                  found_here(p, tmp, sizeof tmp));
    p->pos++;
    id = sub;
  } else if (c >= '0' && c <= '9') {
    id = parse_number(p);
  } else if (c == '"') {
    size_t start = ++p->pos;
    while (p->s[p->pos] && p->s[p->pos] != '"')
      p->pos++;
    if (!p->s[p->pos] || p->pos == start)
      return fail(p, "%s",
                  p->s[p->pos] ? "leerer Schlüssel in \"\""
                               : "schließendes '\"' fehlt");
    long var = input_of(p, p->s + start, p->pos - start);
    p->pos++;
    if (var >= 0 && (id = add_node(p, N_VAR, -1, -1)) >= 0)
      p->f->nodes[id].var = (size_t)var;
  } else if (key_char(c)) {
    size_t start = p->pos;
    while (key_char((unsigned char)p->s[p->pos]))
      p->pos++;
    long var = input_of(p, p->s + start, p->pos - start);
    if (var >= 0 && (id = add_node(p, N_VAR, -1, -1)) >= 0)
      p->f->nodes[id].var = (size_t)var;
  } else {
    return fail(p, "Zahl, Kennzahl oder '(' erwartet, gefunden: %s",
                found_here(p, tmp, sizeof tmp));
  }
  p->depth--;
  return id;
}

static int parse_term(parser *p) {
  int left = parse_factor(p);
  for (;;) {
    skip_blanks(p);
    char c = p->s[p->pos];
    if (left < 0 || (c != '*' && c != '/'))
      return left;
    p->pos++;
    int right = parse_factor(p);
    if (right < 0)
      return -1;
    left = add_node(p, c == '*' ? N_MUL : N_DIV, left, right);
  }
}

static int parse_expr(parser *p) {
  int left = parse_term(p);
  for (;;) {
    skip_blanks(p);
    char c = p->s[p->pos];
    if (left < 0 || (c != '+' && c != '-'))
      return left;
    p->pos++;
    int right = parse_term(p);
    if (right < 0)
      return -1;
    left = add_node(p, c == '+' ? N_ADD : N_SUB, left, right);
  }
}

void ampel_formula_free(ampel_formula *f) {
  if (!f)
    return;
  for (size_t k = 0; k < f->n_inputs; k++)
    ampel_free(f->inputs[k]);
  ampel_free(f->inputs);
  ampel_free(f->nodes);
  ampel_free(f);
}

ampel_status ampel_formula_parse(const char *text, ampel_formula **out,
                                 char *msg, size_t msg_size, size_t *pos) {
  *out = NULL;
  if (msg_size)
    msg[0] = '\0';
  *pos = 0;
  if (!text || strlen(text) > AMPEL_FORMULA_MAX) {
    snprintf(msg, msg_size, "Formel fehlt oder ist länger als %d Zeichen",
             AMPEL_FORMULA_MAX);
    return AMPEL_E_DATA;
  }
  ampel_formula *f = ampel_calloc(1, sizeof *f);
  if (!f)
    return AMPEL_E_NOMEM;
  parser p = {text, 0, f, msg, msg_size, 0, AMPEL_OK};
  f->root = parse_expr(&p);
  skip_blanks(&p);
  char tmp[16];
  if (p.st == AMPEL_OK && text[p.pos])
    fail(&p, "Rechenzeichen oder Ende der Formel erwartet, gefunden: %s",
         found_here(&p, tmp, sizeof tmp));
  if (p.st == AMPEL_OK && f->n_inputs == 0)
    fail(&p, "%s", "die Formel liest keine Kennzahl");
  if (p.st != AMPEL_OK) {
    *pos = p.pos;
    ampel_formula_free(f);
    return p.st;
  }
  *out = f;
  return AMPEL_OK;
}

size_t ampel_formula_n_inputs(const ampel_formula *f) {
  return f ? f->n_inputs : 0;
}

const char *ampel_formula_input(const ampel_formula *f, size_t k) {
  return f && k < f->n_inputs ? f->inputs[k] : NULL;
}

static double eval_node(const ampel_formula *f, int id, const double *in) {
  const node *n = &f->nodes[id];
  switch (n->op) {
  case N_NUM: return n->num;
  case N_VAR: return in[n->var];
  case N_NEG: return -eval_node(f, n->left, in);
  default: break;
  }
  double a = eval_node(f, n->left, in), b = eval_node(f, n->right, in);
  switch (n->op) {
  case N_ADD: return a + b;
  case N_SUB: return a - b;
  case N_MUL: return a * b;
  case N_DIV: return b == 0.0 ? NAN : a / b;
  }
  return NAN;
}

/* The node under constant factors: `100 * a` and `a / 100` are `a`. */
static int strip_constants(const ampel_formula *f, int id) {
  for (int step = 0; step < 8; step++) {
    const node *n = &f->nodes[id];
    if (n->op == N_MUL && f->nodes[n->left].op == N_NUM)
      id = n->right;
    else if ((n->op == N_MUL || n->op == N_DIV) &&
             f->nodes[n->right].op == N_NUM)
      id = n->left;
    else
      break;
  }
  return id;
}

/* The division node of a ratio: the root, or the root's non-constant side
 * when the root multiplies or divides by a constant. -1 otherwise. */
static int ratio_node(const ampel_formula *f) {
  int id = f->root;
  for (int step = 0; step < 4 && id >= 0; step++) {
    const node *n = &f->nodes[id];
    if (n->op == N_DIV && f->nodes[n->right].op != N_NUM)
      return id;
    if (n->op == N_MUL && f->nodes[n->left].op == N_NUM)
      id = n->right;
    else if ((n->op == N_MUL || n->op == N_DIV) &&
             f->nodes[n->right].op == N_NUM)
      id = n->left;
    else
      return -1;
  }
  return -1;
}

double ampel_formula_eval(const ampel_formula *f, const double *in, double *num,
                          double *den) {
  if (num)
    *num = NAN;
  if (den)
    *den = NAN;
  if (!f || f->root < 0)
    return NAN;
  for (size_t k = 0; k < f->n_inputs; k++)
    if (!isfinite(in[k]))
      return NAN;
  double v = eval_node(f, f->root, in);
  if (!isfinite(v))
    return NAN;
  int r = ratio_node(f);
  if (r >= 0) {
    if (num)
      *num = eval_node(f, strip_constants(f, f->nodes[r].left), in);
    if (den)
      *den = eval_node(f, strip_constants(f, f->nodes[r].right), in);
  }
  return v;
}

/* ---- derivation on a dataset ------------------------------------------ */

struct ampel_derived {
  size_t n_areas, n_inds, n_periods;
  unsigned char *origin;     /* [ind][period][area], only for derived inds */
  unsigned char *is_derived; /* [ind] */
  size_t counts[4];
};

void ampel_derived_free(ampel_derived *d) {
  if (!d)
    return;
  ampel_free(d->origin);
  ampel_free(d->is_derived);
  ampel_free(d);
}

static size_t cell_at(const ampel_derived *d, size_t area, size_t ind,
                      size_t period) {
  return (ind * d->n_periods + period) * d->n_areas + area;
}

ampel_origin ampel_derived_origin(const ampel_derived *d, size_t area,
                                  size_t ind, size_t period) {
  if (!d || area >= d->n_areas || ind >= d->n_inds || period >= d->n_periods ||
      !d->is_derived[ind])
    return AMPEL_ORIGIN_IMPORTED;
  return (ampel_origin)d->origin[cell_at(d, area, ind, period)];
}

size_t ampel_derived_count(const ampel_derived *d, ampel_origin o) {
  return d && (unsigned)o < 4 ? d->counts[o] : 0;
}

/* Children of one level per area: the areas whose parent it is, of the
 * level most of them have (ties: the first child's level). */
typedef struct tree {
  size_t *child; /* children of area a: child[start[a] .. start[a+1]) */
  size_t *start;
  size_t *order; /* areas, children before parents */
} tree;

static void tree_free(tree *t) {
  ampel_free(t->child);
  ampel_free(t->start);
  ampel_free(t->order);
}

static int cmp_level(const void *x, const void *y) {
  const char *const *a = x, *const *b = y;
  if (!*a || !*b)
    return (*a != NULL) - (*b != NULL);
  return strcmp(*a, *b);
}

static int same_level(const char *a, const char *b) {
  return a && b ? strcmp(a, b) == 0 : a == b;
}

/* The level most of the children kids[0..k-1] have (ties: the smaller
 * name; deterministic). scratch: k pointers. */
static const char *majority_level(const ampel_dataset *ds, const size_t *kids,
                                  size_t k, const char **scratch) {
  for (size_t i = 0; i < k; i++)
    scratch[i] = ampel_dataset_area(ds, kids[i])->level;
  qsort(scratch, k, sizeof *scratch, cmp_level);
  const char *best = k ? scratch[0] : NULL;
  size_t best_n = 0;
  for (size_t i = 0; i < k;) {
    size_t j = i;
    while (j < k && same_level(scratch[j], scratch[i]))
      j++;
    if (j - i > best_n) {
      best_n = j - i;
      best = scratch[i];
    }
    i = j;
  }
  return best;
}

static ampel_status tree_build(const ampel_dataset *ds, tree *t) {
  size_t n = ampel_dataset_n_areas(ds), m = n ? n : 1;
  long *parent = ampel_reallocarray(NULL, m, sizeof *parent);
  t->start = ampel_calloc(n + 1, sizeof *t->start);
  t->child = ampel_reallocarray(NULL, m, sizeof *t->child);
  t->order = ampel_reallocarray(NULL, m, sizeof *t->order);
  unsigned char *done = ampel_calloc(m, 1);
  size_t *fill = ampel_calloc(m, sizeof *fill);
  const char **scratch = ampel_reallocarray(NULL, m, sizeof *scratch);
  ampel_status st =
      parent && t->start && t->child && t->order && done && fill && scratch
          ? AMPEL_OK
          : AMPEL_E_NOMEM;
  for (size_t a = 0; st == AMPEL_OK && a < n; a++) {
    const ampel_area *ar = ampel_dataset_area(ds, a);
    parent[a] = ar->parent ? ampel_dataset_find_area(ds, ar->parent) : -1;
    if (parent[a] >= 0)
      t->start[parent[a] + 1]++;
  }
  for (size_t a = 0; st == AMPEL_OK && a < n; a++)
    t->start[a + 1] += t->start[a];
  for (size_t a = 0; st == AMPEL_OK && a < n; a++)
    if (parent[a] >= 0)
      t->child[t->start[parent[a]] + fill[parent[a]]++] = a;
  /* keep, per parent, only the children of the level most of them have
   * (a Stadtteil's Stadtteile, not its schools); compacting in place */
  size_t w = 0;
  for (size_t a = 0; st == AMPEL_OK && a < n; a++) {
    size_t s0 = t->start[a], s1 = t->start[a + 1];
    const char *lv = majority_level(ds, t->child + s0, s1 - s0, scratch);
    t->start[a] = w;
    for (size_t k = s0; k < s1; k++)
      if (same_level(ampel_dataset_area(ds, t->child[k])->level, lv))
        t->child[w++] = t->child[k];
  }
  if (st == AMPEL_OK)
    t->start[n] = w;
  /* post-order: repeated passes place areas whose children are placed
   * (the hierarchy is acyclic: the import refuses cycles) */
  size_t placed = 0;
  for (int progress = 1; st == AMPEL_OK && progress && placed < n;) {
    progress = 0;
    for (size_t a = 0; a < n; a++) {
      if (done[a])
        continue;
      int ready = 1;
      for (size_t k = t->start[a]; k < t->start[a + 1]; k++)
        ready = ready && done[t->child[k]];
      if (ready) {
        done[a] = 1;
        t->order[placed++] = a;
        progress = 1;
      }
    }
  }
  for (size_t a = 0; st == AMPEL_OK && a < n && placed < n; a++)
    if (!done[a]) /* a cycle (a damaged store): append as is */
      t->order[placed++] = a;
  ampel_free(parent);
  ampel_free(done);
  ampel_free(fill);
  ampel_free(scratch);
  return st;
}

/* sums[a] for every area in post-order: the area's own value when
 * present, otherwise the sum of its children's valid in the period
 * (valid[c], METHODS.md §10/§11: after a boundary reform the old or the
 * new areas, never both) when every such child has one. */
static void sum_up(const tree *t, size_t n, const double *own,
                   const unsigned char *valid, double *sums) {
  for (size_t k = 0; k < n; k++) {
    size_t a = t->order[k];
    sums[a] = own ? own[a] : NAN;
    if (isfinite(sums[a]) || t->start[a] == t->start[a + 1])
      continue;
    double s = 0.0;
    size_t used = 0;
    for (size_t c = t->start[a]; c < t->start[a + 1]; c++)
      if (valid[t->child[c]]) {
        s += sums[t->child[c]]; /* NaN when any child lacks it */
        used++;
      }
    sums[a] = used ? s : NAN;
  }
}

/* Sets cell (a, ind, p) to v with origin o. */
static ampel_status put_derived(ampel_dataset *ds, ampel_derived *d, size_t a,
                                size_t ind, size_t p, double v, double num,
                                double den, ampel_origin o) {
  ampel_status st =
      ampel_dataset_set(ds, a, ind, p, v, num, den, AMPEL_FLAG_NONE);
  if (st == AMPEL_OK) {
    d->origin[cell_at(d, a, ind, p)] = (unsigned char)o;
    d->counts[o]++;
  }
  return st;
}

/* One formula or sum indicator over every period: first the formula on
 * each area's own inputs, then the areas with children that still have
 * no value, from the areas below. */
static ampel_status derive_one(ampel_dataset *ds, size_t ind,
                               const ampel_formula *f, const long *in_ids,
                               const tree *t, ampel_derived *d, double *buf) {
  size_t n = ampel_dataset_n_areas(ds), np = ampel_dataset_n_periods(ds);
  const ampel_indicator *I = ampel_dataset_indicator(ds, ind);
  ampel_aggregation agg = I->aggregation;
  if (agg == AMPEL_AGG_UNSET)
    agg = f ? AMPEL_AGG_FORMULA : AMPEL_AGG_NONE;
  size_t ni = f ? ampel_formula_n_inputs(f) : 0;
  double *sums = buf;                /* n per input */
  double *own_sum = buf + ni * n;    /* n: the indicator itself summed */
  double *vals = buf + (ni + 1) * n; /* ni */
  unsigned char *valid = (unsigned char *)(vals + ni + 1); /* n */
  ampel_status st = AMPEL_OK;
  for (size_t p = 0; st == AMPEL_OK && p < np; p++) {
    int32_t key = ampel_dataset_period(ds, p)->sort_key;
    for (size_t a = 0; a < n; a++)
      valid[a] =
          (unsigned char)ampel_area_valid_at(ampel_dataset_area(ds, a), key);
    for (size_t a = 0; a < n; a++)
      d->origin[cell_at(d, a, ind, p)] =
          ampel_dataset_get(ds, a, ind, p).present ? AMPEL_ORIGIN_IMPORTED
                                                   : AMPEL_ORIGIN_NONE;
    for (size_t a = 0; f && st == AMPEL_OK && a < n; a++) {
      if (d->origin[cell_at(d, a, ind, p)] != AMPEL_ORIGIN_NONE)
        continue;
      /* the area's own inputs: imported ones, not sums of the areas
       * below (those are the aggregation's, which may be "keine") */
      int all = 1;
      for (size_t k = 0; k < ni && all; k++) {
        const double *x = ampel_dataset_values(ds, (size_t)in_ids[k], p);
        vals[k] = x ? x[a] : NAN;
        all = isfinite(vals[k]) && ampel_derived_origin(d, a, (size_t)in_ids[k],
                                                        p) != AMPEL_ORIGIN_SUM;
      }
      double num, den, v = all ? ampel_formula_eval(f, vals, &num, &den) : NAN;
      if (isfinite(v))
        st = put_derived(ds, d, a, ind, p, v, num, den, AMPEL_ORIGIN_FORMULA);
    }
    if (st != AMPEL_OK || agg == AMPEL_AGG_NONE)
      continue;
    if (agg == AMPEL_AGG_FORMULA)
      for (size_t k = 0; k < ni; k++)
        sum_up(t, n, ampel_dataset_values(ds, (size_t)in_ids[k], p), valid,
               sums + k * n);
    else
      sum_up(t, n, ampel_dataset_values(ds, ind, p), valid, own_sum);
    for (size_t a = 0; st == AMPEL_OK && a < n; a++) {
      if (t->start[a] == t->start[a + 1] ||
          d->origin[cell_at(d, a, ind, p)] != AMPEL_ORIGIN_NONE)
        continue;
      double v = NAN, num = NAN, den = NAN;
      if (agg == AMPEL_AGG_FORMULA) {
        for (size_t k = 0; k < ni; k++)
          vals[k] = sums[k * n + a];
        v = ampel_formula_eval(f, vals, &num, &den);
      } else {
        v = own_sum[a];
      }
      if (isfinite(v))
        st = put_derived(ds, d, a, ind, p, v, num, den, AMPEL_ORIGIN_SUM);
    }
  }
  return st;
}

ampel_status ampel_dataset_derive(ampel_dataset *ds, ampel_derived **out,
                                  ampel_diags *diags) {
  if (out)
    *out = NULL;
  size_t n = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds),
         np = ampel_dataset_n_periods(ds);
  ampel_derived *d = ampel_calloc(1, sizeof *d);
  if (!d)
    return AMPEL_E_NOMEM;
  d->n_areas = n;
  d->n_inds = ni;
  d->n_periods = np;
  d->is_derived = ampel_calloc(ni ? ni : 1, 1);
  size_t cells = n * ni * np;
  int any = 0;
  for (size_t i = 0; d->is_derived && i < ni; i++) {
    const ampel_indicator *I = ampel_dataset_indicator(ds, i);
    d->is_derived[i] = I->formula || I->aggregation == AMPEL_AGG_SUM;
    any = any || d->is_derived[i];
  }
  d->origin = any ? ampel_calloc(cells ? cells : 1, 1) : NULL;
  if (!d->is_derived || (any && !d->origin)) {
    ampel_derived_free(d);
    return AMPEL_E_NOMEM;
  }
  tree t = {NULL, NULL, NULL};
  ampel_status st = any ? tree_build(ds, &t) : AMPEL_OK;
  for (size_t i = 0; st == AMPEL_OK && i < ni; i++) {
    if (!d->is_derived[i])
      continue;
    const ampel_indicator *I = ampel_dataset_indicator(ds, i);
    ampel_formula *f = NULL;
    long *ids = NULL;
    char msg[160];
    size_t pos = 0;
    if (I->formula) {
      st = ampel_formula_parse(I->formula, &f, msg, sizeof msg, &pos);
      if (st == AMPEL_E_NOMEM)
        break;
      if (st != AMPEL_OK) { /* the import checks this; a damaged store */
        ampel_diags_add(diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, NULL, 0, 0,
                        NULL, 0, "Kennzahl '%s': Formel nicht lesbar: %s",
                        I->key, msg);
        d->is_derived[i] = 0;
        st = AMPEL_OK;
        continue;
      }
      size_t k_in = ampel_formula_n_inputs(f);
      ids = ampel_reallocarray(NULL, k_in, sizeof *ids);
      if (!ids) {
        ampel_formula_free(f);
        st = AMPEL_E_NOMEM;
        break;
      }
      for (size_t k = 0; k < k_in && d->is_derived[i]; k++) {
        const char *key = ampel_formula_input(f, k);
        ids[k] = ampel_dataset_find_indicator(ds, key);
        const ampel_indicator *J =
            ids[k] >= 0 ? ampel_dataset_indicator(ds, (size_t)ids[k]) : NULL;
        if (!J || J->formula) {
          ampel_diags_add(diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, NULL, 0, 0,
                          NULL, 0,
                          J ? "Kennzahl '%s': Eingabe '%s' ist selbst eine "
                              "Formel; nicht berechnet"
                            : "Kennzahl '%s': Eingabe '%s' unbekannt; nicht "
                              "berechnet",
                          I->key, key);
          d->is_derived[i] = 0;
        }
      }
      if (!d->is_derived[i]) {
        ampel_free(ids);
        ampel_formula_free(f);
        continue;
      }
    }
    size_t k_in = f ? ampel_formula_n_inputs(f) : 0;
    /* sums, own sum, input values, then n validity bytes */
    double *buf = ampel_reallocarray(
        NULL, (k_in + 1) * n + k_in + 1 + n / 8 + 1, sizeof *buf);
    st = buf ? derive_one(ds, i, f, ids, &t, d, buf) : AMPEL_E_NOMEM;
    ampel_free(buf);
    ampel_free(ids);
    ampel_formula_free(f);
  }
  tree_free(&t);
  if (st != AMPEL_OK || !out) {
    ampel_derived_free(d);
    return st;
  }
  *out = d;
  return AMPEL_OK;
}

size_t ampel_derived_suppress(ampel_dataset *ds, const ampel_derived *d) {
  if (!d || !d->origin)
    return 0;
  size_t n = 0;
  for (size_t i = 0; i < d->n_inds; i++) {
    const ampel_indicator *I = ampel_dataset_indicator(ds, i);
    if (!d->is_derived[i] || !I->formula)
      continue;
    ampel_formula *f = NULL;
    char msg[8];
    size_t pos;
    if (ampel_formula_parse(I->formula, &f, msg, sizeof msg, &pos) != AMPEL_OK)
      continue;
    /* the inputs' ids once, not per cell */
    size_t k_in = ampel_formula_n_inputs(f);
    long *ids = ampel_reallocarray(NULL, k_in ? k_in : 1, sizeof *ids);
    for (size_t k = 0; ids && k < k_in; k++)
      ids[k] = ampel_dataset_find_indicator(ds, ampel_formula_input(f, k));
    /* without memory for the ids: suppress every computed cell (safe) */
    for (size_t p = 0; p < d->n_periods; p++)
      for (size_t a = 0; a < d->n_areas; a++) {
        if (d->origin[cell_at(d, a, i, p)] != AMPEL_ORIGIN_FORMULA)
          continue;
        int secret = !ids;
        for (size_t k = 0; ids && k < k_in && !secret; k++)
          secret =
              ids[k] >= 0 && ampel_dataset_get(ds, a, (size_t)ids[k], p).flag ==
                                 AMPEL_FLAG_SECRET;
        if (secret && ampel_dataset_set(ds, a, i, p, NAN, NAN, NAN,
                                        AMPEL_FLAG_SECRET) == AMPEL_OK)
          n++;
      }
    ampel_free(ids);
    ampel_formula_free(f);
  }
  return n;
}
