/* Tests for loading what a question needs (issue 15 item 2):
 * ampel_store_load_spec() (periods, indicators, metadata only, sample) and
 * ampel_question_ask(), whose lights answer from the predicted blocks must
 * equal the answer on all data, also where the prediction cannot hold and
 * the question is asked again on everything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/questions.h"
#include "ampel/options.h"
#include "ampel/store.h"

#define TMPDB_PREFIX "ampel-spec"
#include "tmpdb.h"

/* A root city C (level Stadt) and 12 areas (Stadtteil), 3 indicators, 4
 * periods. `sparse`: k2 has values in 2023 for two areas only (fewer than
 * AMPEL_SELECT_MIN_AREAS), so its column falls back to 2022; k1 has no
 * values in 2022 (its development reaches back to 2021). */
static void make_db(const char *path, int sparse) {
  ampel_store *s = open_ok(path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  ampel_area c = {"C", "City", NULL, "Stadt", 50000, AMPEL_NO_TILE,
                  AMPEL_NO_TILE, NAN, NAN};
  assert_int_equal(ampel_store_put_area(s, &c), AMPEL_OK);
  char key[12][8];
  for (int a = 0; a < 12; a++) {
    snprintf(key[a], sizeof key[a], "A%02d", a);
    ampel_area x = {key[a], key[a], "C", "Stadtteil", 1000.0 + a,
                    AMPEL_NO_TILE, AMPEL_NO_TILE, NAN, NAN};
    assert_int_equal(ampel_store_put_area(s, &x), AMPEL_OK);
  }
  const char *inds[] = {"k0", "k1", "k2"};
  for (int i = 0; i < 3; i++) {
    ampel_indicator ind = {(char *)inds[i], (char *)inds[i], NULL, NULL,
                           NULL, NULL, NULL, AMPEL_POL_HIGHER_IS_WORSE, -1,
                           AMPEL_SECRECY_UNSET};
    assert_int_equal(ampel_store_put_indicator(s, &ind), AMPEL_OK);
  }
  const char *per[] = {"2020", "2021", "2022", "2023"};
  for (int p = 0; p < 4; p++)
    assert_int_equal(
        ampel_store_put_period(s, per[p], (2020 + p) * 10000 + 101),
        AMPEL_OK);
  uint64_t x = 99;
  for (int i = 0; i < 3; i++)
    for (int p = 0; p < 4; p++)
      for (int a = -1; a < 12; a++) {
        if (sparse && i == 2 && p == 3 && a > 1)
          continue;
        if (sparse && i == 1 && p == 2)
          continue;
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double v = (double)(x >> 40) / 1000.0;
        assert_int_equal(ampel_store_put_observation(s, a < 0 ? "C" : key[a],
                                                     inds[i], per[p], v, NAN,
                                                     NAN, AMPEL_FLAG_NONE),
                         AMPEL_OK);
      }
  ampel_import_file f = {"values.csv", "", "values", 1};
  memset(f.sha256, 'a', 64);
  assert_int_equal(ampel_store_log_import(s, &f, 1, 1700000000), AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_store_close(s);
}

static size_t count_values(const ampel_dataset *ds, size_t ind, size_t p) {
  const double *v = ampel_dataset_values(ds, ind, p);
  size_t n = 0;
  for (size_t a = 0; v && a < ampel_dataset_n_areas(ds); a++)
    n += !isnan(v[a]);
  return n;
}

static void test_spec_loads(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  make_db(t.path, 0);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_READONLY);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_dataset *all = NULL, *part = NULL, *meta = NULL, *smp = NULL;
  assert_int_equal(ampel_store_load_spec(s, NULL, &all, &d), AMPEL_OK);
  /* periods and indicators: exactly those blocks, the same values */
  const char *per[] = {"2023", "2021", "1999"};
  const char *ind[] = {"k1", "nope"};
  ampel_load_spec spec = {0, per, 3, ind, 2, 0, 0};
  assert_int_equal(ampel_store_load_spec(s, &spec, &part, &d), AMPEL_OK);
  assert_int_equal(ampel_dataset_n_areas(part), 13);
  assert_int_equal(ampel_dataset_n_periods(part), 4);
  for (size_t i = 0; i < 3; i++)
    for (size_t p = 0; p < 4; p++) {
      int want = i == 1 && (p == 1 || p == 3);
      const double *a = ampel_dataset_values(all, i, p);
      const double *b = ampel_dataset_values(part, i, p);
      if (!want) {
        assert_int_equal(count_values(part, i, p), 0);
        continue;
      }
      assert_non_null(b);
      assert_memory_equal(a, b, 13 * sizeof *a);
    }
  /* metadata only */
  ampel_load_spec m = {1, NULL, 0, NULL, 0, 0, 0};
  assert_int_equal(ampel_store_load_spec(s, &m, &meta, &d), AMPEL_OK);
  assert_int_equal(ampel_dataset_n_observations(meta), 0);
  assert_int_equal(ampel_dataset_n_areas(meta), 13);
  /* metadata without areas (`ampel list periods`); no_areas alone is a
   * usage error, since values need their areas */
  ampel_dataset *bare = NULL;
  ampel_load_spec na = {1, NULL, 0, NULL, 0, 0, 1};
  assert_int_equal(ampel_store_load_spec(s, &na, &bare, &d), AMPEL_OK);
  assert_int_equal(ampel_dataset_n_areas(bare), 0);
  assert_int_equal(ampel_dataset_n_periods(bare),
                   ampel_dataset_n_periods(meta));
  assert_int_equal(ampel_dataset_n_indicators(bare),
                   ampel_dataset_n_indicators(meta));
  ampel_dataset_free(bare);
  bare = NULL;
  ampel_load_spec bad = {0, NULL, 0, NULL, 0, 0, 1};
  assert_int_equal(ampel_store_load_spec(s, &bad, &bare, &d), AMPEL_E_USAGE);
  assert_null(bare);
  /* a sample: every level there, at most 3 values per block and level,
   * each one the stored value */
  ampel_load_spec sm = {0, NULL, 0, NULL, 0, 3, 0};
  assert_int_equal(ampel_store_load_spec(s, &sm, &smp, &d), AMPEL_OK);
  assert_true(ampel_dataset_n_areas(smp) <= 13);
  assert_true(ampel_dataset_find_area(smp, "C") >= 0);
  for (size_t i = 0; i < 3; i++)
    for (size_t p = 0; p < 4; p++) {
      assert_int_equal(count_values(smp, i, p), 4); /* C + 3 Stadtteile */
      for (size_t a = 0; a < ampel_dataset_n_areas(smp); a++) {
        ampel_cell_ref c = ampel_dataset_get(smp, a, i, p);
        if (!c.present)
          continue;
        long fa = ampel_dataset_find_area(all, ampel_dataset_area(smp, a)->key);
        assert_true(fa >= 0);
        assert_true(ampel_dataset_get(all, (size_t)fa, i, p).value == c.value);
      }
    }
  ampel_dataset_free(all);
  ampel_dataset_free(part);
  ampel_dataset_free(meta);
  ampel_dataset_free(smp);
  ampel_diags_release(&d);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* The lights answer through ampel_question_ask equals the one on a
 * context with all data, field by field. */
static void same_lights(const ampel_lights_answer *a,
                        const ampel_lights_answer *b) {
  assert_string_equal(a->sel.level, b->sel.level);
  assert_int_equal(a->sel.n_inds, b->sel.n_inds);
  assert_int_equal(a->sel.period, b->sel.period);
  const ampel_lights *x = &a->lights, *y = &b->lights;
  assert_int_equal(x->n_areas, y->n_areas);
  assert_int_equal(x->n_cols, y->n_cols);
  for (size_t j = 0; j < x->n_cols; j++) {
    assert_int_equal(x->cols[j].ind, y->cols[j].ind);
    assert_int_equal(x->cols[j].period, y->cols[j].period);
    assert_int_equal(x->cols[j].since, y->cols[j].since);
    assert_true(x->cols[j].ref.value == y->cols[j].ref.value);
  }
  for (size_t k = 0; k < x->n_areas * x->n_cols; k++) {
    const ampel_lights_cell *c = &x->cells[k], *e = &y->cells[k];
    assert_memory_equal(&c->value, &e->value, sizeof c->value);
    assert_memory_equal(&c->change, &e->change, sizeof c->change);
    assert_memory_equal(&c->status_score, &e->status_score,
                        sizeof c->status_score);
    assert_int_equal(c->status, e->status);
    assert_int_equal(c->trend, e->trend);
  }
  for (int k = 0; k < 4; k++)
    assert_int_equal(a->n_status[k], b->n_status[k]);
}

static void check_ask(int sparse, const char *period, int expect_lazy) {
  tmpdb t;
  tmpdb_make(&t);
  make_db(t.path, sparse);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_READONLY);
  static const ampel_opt_id ids[] = {
      AMPEL_OPT_PERIOD, AMPEL_OPT_SINCE, AMPEL_OPT_BAND,
      AMPEL_OPT_STATUS_METHOD, AMPEL_OPT_REFERENCE};
  ampel_query q;
  ampel_query_init(&q, ids, sizeof ids / sizeof ids[0]);
  if (period)
    assert_int_equal(
        ampel_query_set(&q, ampel_opt_get(AMPEL_OPT_PERIOD), period, NULL, 0),
        AMPEL_OK);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_lights_answer lazy, full;
  memset(&lazy, 0, sizeof lazy);
  memset(&full, 0, sizeof full);
  ampel_context *c1 = NULL, *c2 = NULL;
  assert_int_equal(ampel_question_ask(s, 0, &ampel_question_lights, &q, NULL,
                                      &lazy, &c1, &d),
                   AMPEL_OK);
  assert_int_equal(ampel_context_open(s, 0, &c2, &d), AMPEL_OK);
  assert_int_equal(ampel_question_lights.analyse(c2, &q, NULL, &full, &d),
                   AMPEL_OK);
  same_lights(&lazy, &full);
  /* the lazy path read two periods of four (the prediction held) */
  size_t n1 = ampel_dataset_n_observations(ampel_context_dataset(c1));
  size_t n2 = ampel_dataset_n_observations(ampel_context_dataset(c2));
  if (expect_lazy)
    assert_int_equal(n1 * 2, n2);
  ampel_question_lights.release(&lazy);
  ampel_question_lights.release(&full);
  ampel_context_free(c1);
  ampel_context_free(c2);
  ampel_diags_release(&d);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_ask_lights_dense(void **state) {
  (void)state;
  check_ask(0, NULL, 1);
  check_ask(0, "2022", 1);
}

static void test_ask_lights_sparse(void **state) {
  (void)state;
  check_ask(1, NULL, 0);
  check_ask(1, "2023", 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spec_loads),
      cmocka_unit_test(test_ask_lights_dense),
      cmocka_unit_test(test_ask_lights_sparse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
