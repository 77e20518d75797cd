/* common.c - what every storage engine needs alike (common.h). */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "store/common.h"
#include "util/sha256.h"

void ampel_idmap_release(idmap *m) {
  for (size_t i = 0; i < m->n; i++)
    ampel_free(m->keys[i]);
  ampel_free(m->keys);
  ampel_strmap_release(&m->map);
  memset(m, 0, sizeof *m);
}

ampel_status ampel_idmap_put(idmap *m, const char *key, long id) {
  if (id >= m->next)
    m->next = id + 1;
  if (ampel_strmap_get(&m->map, key, strlen(key)) >= 0)
    return ampel_strmap_put(&m->map, key, strlen(key), (size_t)id);
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    char **k = ampel_reallocarray(m->keys, cap, sizeof *k);
    if (!k)
      return AMPEL_E_NOMEM;
    m->keys = k;
    m->cap = cap;
  }
  char *copy = ampel_strdup(key);
  if (!copy)
    return AMPEL_E_NOMEM;
  m->keys[m->n++] = copy;
  return ampel_strmap_put(&m->map, copy, strlen(copy), (size_t)id);
}

long ampel_idmap_get(const idmap *m, const char *key) {
  return ampel_strmap_get(&m->map, key, strlen(key));
}

ampel_status ampel_store_chain_digest(const char *prev,
                                      const ampel_import_file *files, size_t n,
                                      char out[65]) {
  size_t len = 64 + n * 64 + 1;
  char *buf = ampel_alloc(len);
  if (!buf)
    return AMPEL_E_NOMEM;
  size_t off = (size_t)snprintf(buf, len, "%.64s", prev ? prev : "");
  for (size_t i = 0; i < n; i++)
    off += (size_t)snprintf(buf + off, len - off, "%.64s", files[i].sha256);
  ampel_status st = ampel_sha256_hex(buf, off, out);
  ampel_free(buf);
  return st;
}

size_t ampel_spec_ids(const long *map, long max, const char *const *list,
                      size_t n, const ampel_dataset *ds,
                      const char *(*name)(const ampel_dataset *, size_t),
                      long *out) {
  size_t k = 0;
  for (long sid = 0; sid <= max; sid++) {
    if (map[sid] < 0)
      continue;
    int want = list == NULL;
    const char *nm = name(ds, (size_t)map[sid]);
    for (size_t i = 0; !want && i < n; i++)
      want = list[i] && nm && strcmp(list[i], nm) == 0;
    if (want)
      out[k++] = sid;
  }
  return k;
}

const char *ampel_spec_period_name(const ampel_dataset *ds, size_t id) {
  return ampel_dataset_period(ds, id)->label;
}

const char *ampel_spec_indicator_name(const ampel_dataset *ds, size_t id) {
  return ampel_dataset_indicator(ds, id)->key;
}

ampel_status ampel_sample_dataset(const ampel_dataset *meta,
                                  const ampel_sample_row *rows, size_t n,
                                  ampel_dataset **out) {
  *out = NULL;
  size_t na = ampel_dataset_n_areas(meta);
  long *map = ampel_reallocarray(NULL, na + 1, sizeof *map);
  ampel_dataset *ds = ampel_dataset_new();
  size_t n_lv = 0;
  const char **lv = ampel_dataset_levels(meta, &n_lv);
  ampel_status st = map && ds && (lv || n_lv == 0) ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t a = 0; st == AMPEL_OK && a < na; a++)
    map[a] = -1;
  for (size_t k = 0; st == AMPEL_OK && k < n; k++)
    map[rows[k].area] = 0;
  for (size_t l = 0; st == AMPEL_OK && l < n_lv; l++)
    for (size_t a = 0; a < na; a++) {
      const char *al = ampel_dataset_area(meta, a)->level;
      if (al && strcmp(al, lv[l]) == 0) {
        map[a] = 0;
        break;
      }
    }
  for (size_t a = 0; st == AMPEL_OK && a < na; a++) {
    size_t id = 0;
    if (map[a] < 0)
      continue;
    st = ampel_dataset_put_area(ds, ampel_dataset_area(meta, a), &id);
    map[a] = (long)id;
  }
  for (size_t i = 0; st == AMPEL_OK && i < ampel_dataset_n_indicators(meta);
       i++) {
    size_t id = 0;
    st = ampel_dataset_put_indicator(ds, ampel_dataset_indicator(meta, i), &id);
  }
  for (size_t p = 0; st == AMPEL_OK && p < ampel_dataset_n_periods(meta); p++) {
    size_t id = 0;
    const ampel_period *pr = ampel_dataset_period(meta, p);
    st = ampel_dataset_put_period(ds, pr->label, pr->sort_key, &id);
  }
  for (size_t k = 0; st == AMPEL_OK && k < n; k++)
    st = ampel_dataset_set(ds, (size_t)map[rows[k].area], rows[k].ind,
                           rows[k].period, rows[k].value, rows[k].num,
                           rows[k].den, rows[k].flag);
  ampel_free(lv);
  ampel_free(map);
  if (st != AMPEL_OK) {
    ampel_dataset_free(ds);
    return st;
  }
  *out = ds;
  return AMPEL_OK;
}
