/* The block codec (block.h). Written by hand: the format is ours (a few
 * fixed columns of one indicator x period), and no library encodes a
 * sparse double column with a presence bitmap more simply. */
#include "store/block.h"

#include <math.h>
#include <string.h>

#include "ampel/alloc.h"

enum {
  COL_V = 1,
  COL_NUM = 2,
  COL_DEN = 4,
  COL_FLAG = 8,
  IDS_BITMAP = 16,
  IDS_LIST = 32,
  HEADER = 14 /* format, columns, n, first, last */
};
#define FORMAT 1
/* A block never holds more cells than this (ids are u32; a city has far
 * fewer areas): a damaged header cannot ask for a huge allocation. */
#define MAX_CELLS (1u << 26)

void ampel_bcells_release(ampel_bcells *x) {
  ampel_free(x->c);
  x->c = NULL;
  x->n = x->cap = 0;
}

static ampel_status cells_reserve(ampel_bcells *x, size_t want) {
  if (want <= x->cap)
    return AMPEL_OK;
  size_t cap = x->cap ? x->cap : 64;
  while (cap < want)
    cap *= 2;
  ampel_bcell *c = ampel_reallocarray(x->c, cap, sizeof *c);
  if (!c)
    return AMPEL_E_NOMEM;
  x->c = c;
  x->cap = cap;
  return AMPEL_OK;
}

ampel_status ampel_bcells_push(ampel_bcells *x, const ampel_bcell *c) {
  if (x->n == x->cap && cells_reserve(x, x->n + 1) != AMPEL_OK)
    return AMPEL_E_NOMEM;
  x->c[x->n++] = *c;
  return AMPEL_OK;
}

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* the host's order is the blob's: one copy */
static void put_f64(unsigned char *p, double d) { memcpy(p, &d, 8); }
static double get_f64(const unsigned char *p) {
  double d;
  memcpy(&d, p, 8);
  return d;
}
#else
static void put_f64(unsigned char *p, double d) {
  uint64_t v;
  memcpy(&v, &d, sizeof v);
  for (int k = 0; k < 8; k++)
    p[k] = (unsigned char)(v >> (8 * k));
}

static double get_f64(const unsigned char *p) {
  uint64_t v = 0;
  for (int k = 0; k < 8; k++)
    v |= (uint64_t)p[k] << (8 * k);
  double d;
  memcpy(&d, &v, sizeof d);
  return d;
}
#endif

ampel_status ampel_block_encode(const ampel_bcell *c, size_t n,
                                unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (n > MAX_CELLS)
    return AMPEL_E_USAGE;
  unsigned cols = 0;
  for (size_t k = 0; k < n; k++) {
    if (k > 0 && c[k].area <= c[k - 1].area)
      return AMPEL_E_USAGE;
    cols |= (isnan(c[k].v) ? 0u : COL_V) | (isnan(c[k].num) ? 0u : COL_NUM) |
            (isnan(c[k].den) ? 0u : COL_DEN) | (c[k].flag ? COL_FLAG : 0u);
  }
  if (n > 0) /* always: a blob then holds at least 8 bytes per cell */
    cols |= COL_V;
  uint32_t first = n ? c[0].area : 0, last = n ? c[n - 1].area : 0;
  size_t span = n ? (size_t)last - first + 1 : 0, ids = 0;
  if (span != n) { /* gaps: a bitmap, or a list when that is smaller */
    size_t bitmap = (span + 7) / 8;
    cols |= bitmap <= 4 * n ? IDS_BITMAP : IDS_LIST;
    ids = bitmap <= 4 * n ? bitmap : 4 * n;
  }
  size_t per = 8 * (!!(cols & COL_V) + !!(cols & COL_NUM) +
                    !!(cols & COL_DEN)) +
               !!(cols & COL_FLAG);
  size_t size = HEADER + ids + n * per;
  unsigned char *b = ampel_calloc(size ? size : 1, 1);
  if (!b)
    return AMPEL_E_NOMEM;
  b[0] = FORMAT;
  b[1] = (unsigned char)cols;
  put_u32(b + 2, (uint32_t)n);
  put_u32(b + 6, first);
  put_u32(b + 10, last);
  unsigned char *p = b + HEADER;
  if (cols & IDS_BITMAP) {
    for (size_t k = 0; k < n; k++) {
      uint32_t o = c[k].area - first;
      p[o / 8] |= (unsigned char)(1u << (o % 8));
    }
  } else if (cols & IDS_LIST) {
    for (size_t k = 0; k < n; k++)
      put_u32(p + 4 * k, c[k].area);
  }
  p += ids;
  if (cols & COL_V)
    for (size_t k = 0; k < n; k++, p += 8)
      put_f64(p, c[k].v);
  if (cols & COL_NUM)
    for (size_t k = 0; k < n; k++, p += 8)
      put_f64(p, c[k].num);
  if (cols & COL_DEN)
    for (size_t k = 0; k < n; k++, p += 8)
      put_f64(p, c[k].den);
  if (cols & COL_FLAG)
    for (size_t k = 0; k < n; k++)
      *p++ = c[k].flag;
  *out = b;
  *len = size;
  return AMPEL_OK;
}

ampel_status ampel_block_decode(const unsigned char *b, size_t len,
                                ampel_bcells *out) {
  if (len < HEADER || b[0] != FORMAT || (b[1] & ~63u) ||
      ((b[1] & IDS_BITMAP) && (b[1] & IDS_LIST)))
    return AMPEL_E_DATA;
  unsigned cols = b[1];
  uint32_t n = get_u32(b + 2), first = get_u32(b + 6), last = get_u32(b + 10);
  if (n > MAX_CELLS || last < first)
    return AMPEL_E_DATA;
  if (n > 0 && !(cols & COL_V)) /* so n is bounded by len / 8 */
    return AMPEL_E_DATA;
  if (n == 0) /* the encoder's empty block only: no columns, no ids */
    return len == HEADER && cols == 0 && first == 0 && last == 0
               ? AMPEL_OK
               : AMPEL_E_DATA;
  size_t span = n ? (size_t)last - first + 1 : 0, ids = 0;
  if (cols & IDS_BITMAP)
    ids = (span + 7) / 8;
  else if (cols & IDS_LIST)
    ids = 4 * (size_t)n;
  else if (span != n)
    return AMPEL_E_DATA;
  size_t per = 8 * (!!(cols & COL_V) + !!(cols & COL_NUM) +
                    !!(cols & COL_DEN)) +
               !!(cols & COL_FLAG);
  if (ids > len - HEADER || (len - HEADER - ids) != (size_t)n * per)
    return AMPEL_E_DATA;
  size_t base = out->n;
  if (cells_reserve(out, base + n) != AMPEL_OK)
    return AMPEL_E_NOMEM;
  ampel_bcell *c = out->c + base;
  const unsigned char *p = b + HEADER;
  if (cols & IDS_BITMAP) {
    size_t k = 0;
    for (size_t o = 0; o < span; o++)
      if (p[o / 8] >> (o % 8) & 1) {
        if (k == n)
          return AMPEL_E_DATA;
        c[k++].area = first + (uint32_t)o;
      }
    if (k != n || !(p[0] & 1) || !(p[(span - 1) / 8] >> ((span - 1) % 8) & 1))
      return AMPEL_E_DATA;
  } else if (cols & IDS_LIST) {
    for (size_t k = 0; k < n; k++) {
      c[k].area = get_u32(p + 4 * k);
      if ((k > 0 && c[k].area <= c[k - 1].area) || c[k].area < first ||
          c[k].area > last)
        return AMPEL_E_DATA;
    }
    if (n > 0 && (c[0].area != first || c[n - 1].area != last))
      return AMPEL_E_DATA;
  } else {
    for (size_t k = 0; k < n; k++)
      c[k].area = first + (uint32_t)k;
  }
  p += ids;
  for (size_t k = 0; k < n; k++) {
    c[k].v = c[k].num = c[k].den = NAN;
    c[k].flag = 0;
  }
  if (cols & COL_V)
    for (size_t k = 0; k < n; k++, p += 8)
      c[k].v = get_f64(p);
  if (cols & COL_NUM)
    for (size_t k = 0; k < n; k++, p += 8)
      c[k].num = get_f64(p);
  if (cols & COL_DEN)
    for (size_t k = 0; k < n; k++, p += 8)
      c[k].den = get_f64(p);
  if (cols & COL_FLAG)
    for (size_t k = 0; k < n; k++)
      c[k].flag = *p++;
  out->n = base + n;
  return AMPEL_OK;
}

static int same_double(double a, double b) {
  return (isnan(a) && isnan(b)) || a == b;
}

int ampel_cell_same(const ampel_bcell *a, const ampel_bcell *b) {
  return a->flag == b->flag && same_double(a->v, b->v) &&
         same_double(a->num, b->num) && same_double(a->den, b->den);
}

ampel_status ampel_bcells_sort(ampel_bcell *c, size_t n, uint32_t span,
                              int32_t **scratch, size_t *scratch_n) {
  int sorted = 1;
  for (size_t k = 1; k < n && sorted; k++)
    sorted = c[k].area > c[k - 1].area;
  if (sorted)
    return AMPEL_OK;
  if (*scratch_n < span) {
    int32_t *s = ampel_reallocarray(*scratch, span, sizeof *s);
    if (!s)
      return AMPEL_E_NOMEM;
    *scratch = s;
    *scratch_n = span;
  }
  int32_t *pos = *scratch;
  ampel_bcell *tmp = ampel_reallocarray(NULL, n ? n : 1, sizeof *tmp);
  if (!tmp)
    return AMPEL_E_NOMEM;
  memcpy(tmp, c, n * sizeof *c);
  uint32_t lo = UINT32_MAX, hi = 0;
  for (size_t k = 0; k < n; k++) {
    lo = c[k].area < lo ? c[k].area : lo;
    hi = c[k].area > hi ? c[k].area : hi;
  }
  for (uint32_t a = lo; a <= hi; a++)
    pos[a - lo] = -1;
  for (size_t k = 0; k < n; k++)
    pos[c[k].area - lo] = (int32_t)k;
  size_t o = 0;
  for (uint32_t a = lo; a <= hi; a++)
    if (pos[a - lo] >= 0)
      c[o++] = tmp[pos[a - lo]];
  ampel_free(tmp);
  return o == n ? AMPEL_OK : AMPEL_E_USAGE; /* distinct ids only */
}

ampel_status ampel_block_merge(const ampel_bcells *old, const ampel_bcells *upd,
                               ampel_bcells *out, long *n_new,
                               long *n_changed) {
  out->n = 0;
  *n_new = *n_changed = 0;
  if (cells_reserve(out, old->n + upd->n) != AMPEL_OK)
    return AMPEL_E_NOMEM;
  size_t i = 0, j = 0;
  while (i < old->n || j < upd->n) {
    if (j == upd->n || (i < old->n && old->c[i].area < upd->c[j].area)) {
      out->c[out->n++] = old->c[i++];
    } else if (i == old->n || upd->c[j].area < old->c[i].area) {
      out->c[out->n++] = upd->c[j++];
      (*n_new)++;
    } else {
      if (!ampel_cell_same(&old->c[i], &upd->c[j])) {
        out->c[out->n++] = upd->c[j];
        (*n_changed)++;
      } else {
        out->c[out->n++] = old->c[i];
      }
      i++;
      j++;
    }
  }
  return AMPEL_OK;
}

void ampel_block_diff(const ampel_bcells *cur, const ampel_bcells *target,
                      long *n_new, long *n_changed, long *n_removed) {
  *n_new = *n_changed = *n_removed = 0;
  size_t i = 0, j = 0;
  while (i < cur->n || j < target->n) {
    if (j == target->n ||
        (i < cur->n && cur->c[i].area < target->c[j].area)) {
      (*n_removed)++;
      i++;
    } else if (i == cur->n || target->c[j].area < cur->c[i].area) {
      (*n_new)++;
      j++;
    } else {
      *n_changed += !ampel_cell_same(&cur->c[i], &target->c[j]);
      i++;
      j++;
    }
  }
}
