# ampel - top-level Makefile. CMake + Ninja do the work; this file only
# names the everyday commands (README.md).
#
#   make            install the build packages, build (build/)
#   make check      the daily loop (under a minute once built): build, then
#                   unit tests, golden tests, malformed corpora, layer check,
#                   docs/cli.md and docs/api.md checks, parity of the front-ends
#   make test       install the test packages, build (normal, ASan+UBSan and
#                   fuzz trees side by side), run every test through ctest,
#                   the ASan run, a short fuzz run (CI: .ci/run)
#   make install    install bin/ampel, the man page and docs under PREFIX
#                   (default /usr/local; DESTDIR honoured)
#   make run        build, prepare the example database, start the dashboard
#                   (EXAMPLE=nrw-kreise or EXAMPLE=berlin for the other
#                   examples, PORT=8080)
#   make fuzz       longer fuzz runs (FUZZ_SECONDS=300 per target)
#   make fuzz-long  every fuzz target FUZZ_SECONDS (default 600) on a kept
#                   corpus, writes fuzz/STATUS.md (FUZZ_MERGE=1: merge new
#                   coverage into fuzz/corpus/)
#   make bench      benchmarks against DuckDB, pandas, SciPy (bench/)
#   make golden-update  rewrite the expected files of the golden tests
#   make format     clang-format

BUILD      ?= build
BUILD_SAN  ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 20
PORT       ?= 8080
EXAMPLE    ?= gelsenkirchen
PREFIX     ?= /usr/local

# The daily loop: fast tests that need no real data and no browser.
CHECK_TESTS = ^unit\.|^script\.(golden|malformed|malformed_geo|layers|docs_cli|docs_api|parity|install|lazy_libs)$$

# The ASan+UBSan run leaves out only scripts whose C paths the other tests
# already run under the sanitizers, and whose time goes into real data,
# Python references or a browser:
#   browser      Chromium + Node drive the dashboard; the server's pages and
#                API run under ASan in script.http (every endpoint).
#   koeln_ampel  86 real Köln areas against SciPy/pandas; heatmap (all
#                linkages, --tree) and lights (relative) are golden cases,
#                the clustering is unit.test_cluster.
#   example_data checks the example CSVs with Python; never runs ampel.
#   shared_csv   every CSV of ../shared/data; the same reader is
#                unit.test_csv.
# script.geo_shared runs with AMPEL_TEST_SANITIZED=1: it leaves out the
# 10997 VG5000 Gemeinden (the 401 VG5000 Kreise, same reader, stay).
SAN_EXCLUDE = ^script\.(browser|koeln_ampel|example_data|shared_csv)$$
SAN_ENV = AMPEL_TEST_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

.PHONY: all deps deps-check deps-test deps-bench build check test test-build \
        test-fast test-asan build-san build-fuzz fuzz fuzz-short fuzz-long \
        run example \
        bench install man golden-update format clean

all: deps
	@$(MAKE) --no-print-directory build

# Packages by purpose (scripts/install-deps): `make` needs only the build
# set; check and test add what their tests run. The targets that install
# build in a sub-make, so that `make -jN` cannot build before installing.
deps:
	@scripts/install-deps build
deps-check:
	@scripts/install-deps check
deps-test:
	@scripts/install-deps test
deps-bench:
	@scripts/install-deps bench

# CMake configures a tree once; afterwards Ninja re-runs it by itself when
# a CMakeLists.txt or a globbed directory changes.
$(BUILD)/build.ninja:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
$(BUILD_SAN)/build.ninja:
	@cmake -S . -B $(BUILD_SAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAMPEL_SANITIZE=ON >/dev/null
$(BUILD_FUZZ)/build.ninja:
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DAMPEL_FUZZ=ON -DAMPEL_SANITIZE=ON -DAMPEL_WERROR=OFF >/dev/null

build: $(BUILD)/build.ninja
	@cmake --build $(BUILD) -j $(JOBS)
build-san: $(BUILD_SAN)/build.ninja
	@cmake --build $(BUILD_SAN) -j $(JOBS)
build-fuzz: $(BUILD_FUZZ)/build.ninja
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers
	@{ git rev-parse --short HEAD 2>/dev/null || echo "?"; } | tr -d '\n' \
	  >$(BUILD_FUZZ)/COMMIT; git diff --quiet HEAD -- 2>/dev/null || \
	  printf '+' >>$(BUILD_FUZZ)/COMMIT

check: deps-check
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -R '$(CHECK_TESTS)'

# The three trees build in one step, side by side: their configure and link
# steps overlap the other trees' compiles.
test-build: deps-test
	@$(MAKE) --no-print-directory -j3 build build-san build-fuzz

test: test-build
	@$(MAKE) --no-print-directory test-fast test-asan fuzz-short

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-san
	cd $(BUILD_SAN) && $(SAN_ENV) \
	  ctest --output-on-failure -j $(JOBS) -E '$(SAN_EXCLUDE)'

# Four fuzzers x 15 s, two at a time on two cores.
fuzz-short: build-fuzz
	scripts/fuzz-run $(BUILD_FUZZ) 15 $(JOBS)

fuzz: deps-test
	@$(MAKE) --no-print-directory build-fuzz
	scripts/fuzz-run $(BUILD_FUZZ) $(FUZZ_SECONDS) $(JOBS)

# The long run (scripts/fuzz-long): 600 s per target unless FUZZ_SECONDS is
# given on the command line or in the environment.
FUZZ_MERGE ?= 0
FUZZ_LONG_SECONDS = $(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)
fuzz-long: deps-test
	@$(MAKE) --no-print-directory build-fuzz
	scripts/fuzz-long $(BUILD_FUZZ) $(FUZZ_LONG_SECONDS) $(JOBS) $(FUZZ_MERGE)

# The man page is made from `ampel --help` at build time (scripts/gen-man,
# target ampel-man); `cmake --install` puts it under share/man/man1.
man: build
	@cmake --build $(BUILD) --target ampel-man

install: all
	cmake --install $(BUILD) --prefix $(PREFIX)

example: all
	@scripts/make-example-db $(BUILD)/ampel $(BUILD)/example-$(EXAMPLE) $(EXAMPLE)

run: example
	@scripts/run-example $(BUILD)/ampel $(BUILD)/example-$(EXAMPLE) $(PORT)

bench: deps-bench
	@$(MAKE) --no-print-directory build
	bench/run-all $(BUILD)/ampel

golden-update: all
	AMPEL_GOLDEN_UPDATE=1 bash tests/run_golden.sh $(BUILD)/ampel $(CURDIR) $(CURDIR)/$(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
