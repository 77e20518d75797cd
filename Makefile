# ampel - top-level Makefile. CMake + Ninja do the work; this file only
# names the everyday commands (README.md).
#
#   make            build (build/)
#   make test       install missing Debian packages, build (normal and
#                   ASan+UBSan), run every test through ctest, short fuzz run
#   make run        build, prepare the example database, start the dashboard
#                   (EXAMPLE=nrw-kreise for the second example, PORT=8080)
#   make fuzz       longer fuzz runs (FUZZ_SECONDS=300 per target)
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

.PHONY: all deps test test-fast test-asan fuzz fuzz-short run example bench \
        golden-update format clean

all: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps --check >/dev/null 2>&1 || scripts/install-deps

test: all test-fast test-asan fuzz-short

test-fast: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(BUILD_SAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAMPEL_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  ctest --output-on-failure -j $(JOBS) -E 'script\.(bench|shared_)'

$(BUILD_FUZZ)/build.ninja:
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DAMPEL_FUZZ=ON -DAMPEL_SANITIZE=ON -DAMPEL_WERROR=OFF >/dev/null

fuzz-short: deps
	@if command -v clang >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(BUILD_FUZZ)/build.ninja && \
	  cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers && \
	  scripts/fuzz-run $(BUILD_FUZZ) 15; \
	else echo "fuzz: clang fehlt, kurzer Fuzz-Lauf übersprungen"; fi

fuzz: deps $(BUILD_FUZZ)/build.ninja
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers
	scripts/fuzz-run $(BUILD_FUZZ) $(FUZZ_SECONDS)

example: all
	@scripts/make-example-db $(BUILD)/ampel $(BUILD)/example-$(EXAMPLE) $(EXAMPLE)

run: example
	@scripts/run-example $(BUILD)/ampel $(BUILD)/example-$(EXAMPLE) $(PORT)

bench: all
	bench/run-all $(BUILD)/ampel

golden-update: all
	AMPEL_GOLDEN_UPDATE=1 bash tests/run_golden.sh $(BUILD)/ampel $(CURDIR) $(CURDIR)/$(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
