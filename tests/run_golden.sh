#!/usr/bin/env bash
# Golden CLI tests: every directory tests/golden/CASE holds
#   cmd      bash lines run in a scratch copy of the case directory, with
#            `ampel` meaning the binary under test, AMPEL_DB=test.db and a
#            fixed SOURCE_DATE_EPOCH
#   stdout   expected standard output
#   stderr   expected standard error
#   exit     expected exit status of the last command
# plus any input files. AMPEL_GOLDEN_UPDATE=1 rewrites the expected files.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
# Tools the cases use (SciPy and openpyxl references, PNG rendering).
if ! /usr/bin/python3 -c 'import scipy, openpyxl' 2>/dev/null; then
  echo "golden: übersprungen: /usr/bin/python3 mit scipy und openpyxl fehlt" \
       "(scripts/install-deps check)"; exit 77
fi
if ! command -v rsvg-convert >/dev/null; then
  echo "golden: übersprungen: rsvg-convert fehlt (librsvg2-bin)"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
jobs=${AMPEL_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
run_case() { # run_case CASE_DIR: runs cmd in a scratch copy, keeps .out .err .exit
  local case=$1 name dir
  name=$(basename "$case"); dir="$work/$name"; mkdir -p "$dir"; cp -r "$case"/. "$dir"/
  (
    cd "$dir" || exit 99
    export AMPEL_DB=test.db SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8 AMPEL_SRC="$src"
    ampel() { "$bin" "$@"; }
    export -f ampel; export bin
    bash -c "set -o pipefail; $(cat cmd)" >"$dir/.out" 2>"$dir/.err"
    echo $? >"$dir/.exit"
  )
}
# The cases are independent: run them JOBS at a time (AMPEL_TEST_JOBS,
# default nproc), then compare in order.
cases=()
for case in "$src"/tests/golden/*/ "$src"/tests/regress/*/; do
  [ -f "$case/cmd" ] && cases+=("$case")
done
running=0
for case in "${cases[@]}"; do
  run_case "$case" &
  running=$((running+1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running-1)); fi
done
wait
pass=0; fail=0
for case in "${cases[@]}"; do
  name=$(basename "$case"); dir="$work/$name"
  if [ -n "${AMPEL_GOLDEN_UPDATE:-}" ]; then
    cp "$dir/.out" "$case/stdout"; cp "$dir/.err" "$case/stderr"; cp "$dir/.exit" "$case/exit"
    echo "aktualisiert: $name"; pass=$((pass+1)); continue
  fi
  ok=1
  for f in stdout:.out stderr:.err exit:.exit; do
    exp="$case/${f%%:*}"; got="$dir/${f##*:}"
    if ! diff -u "$exp" "$got" >"$dir/.diff" 2>&1; then
      echo "FAIL $name: ${f%%:*} weicht ab"; head -40 "$dir/.diff"; ok=0
    fi
  done
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
