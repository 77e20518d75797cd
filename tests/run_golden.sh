#!/usr/bin/env bash
# Golden CLI tests: every directory tests/golden/CASE holds
#   cmd      bash lines run in a scratch copy of the case directory, with
#            `ampel` meaning the binary under test, AMPEL_DB=test.db and a
#            fixed SOURCE_DATE_EPOCH
#   stdout   expected standard output
#   stderr   expected standard error
#   exit     expected exit status of the last command
# plus any input files. AMPEL_GOLDEN_UPDATE=1 rewrites the expected files.
#
# AMPEL_GOLDEN_ENGINE=postgresql (tests/run_golden_pg.sh) runs the same
# cases against a throwaway PostgreSQL (tests/pg/pg-start), one database
# per case as AMPEL_DB, and compares with the same expected files: the
# engines must agree byte for byte. Cases that name the SQLite file
# itself (".db", "--db", "sqlite" in cmd or expected output) are left out
# and counted as such. Exit 77 when PostgreSQL is not installed.
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
engine=${AMPEL_GOLDEN_ENGINE:-sqlite}
jobs=${AMPEL_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
run_case() { # run_case CASE_DIR: runs cmd in a scratch copy, keeps .out .err .exit
  local case=$1 name dir
  name=$(basename "$case"); dir="$work/$name"; mkdir -p "$dir"; cp -r "$case"/. "$dir"/
  (
    cd "$dir" || exit 99
    export AMPEL_DB=${2:-test.db} SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8 AMPEL_SRC="$src"
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
declare -A dburl=()
if [ "$engine" = postgresql ]; then
  keep=(); left_out=0
  for case in "${cases[@]}"; do
    if grep -qE '\.db|--db|AMPEL_DB|sqlite' "$case/cmd" "$case/stdout" "$case/stderr" 2>/dev/null; then
      left_out=$((left_out+1))
    else keep+=("$case"); fi
  done
  cases=("${keep[@]}")
  names=(); for case in "${cases[@]}"; do names+=("g$(basename "$case" | tr -c 'a-z0-9\n' _)"); done
  trap 'bash "$src/tests/pg/pg-stop" "$work/pg" 2>/dev/null; rm -rf "$work"' EXIT
  urls=$(bash "$src/tests/pg/pg-start" "$work/pg" "${names[@]}" 2>"$work/pg.err"); rc=$?
  [ $rc = 77 ] && { echo "golden (postgresql): übersprungen: PostgreSQL fehlt"; exit 77; }
  [ $rc = 0 ] || { echo "FAIL: PostgreSQL startet nicht"; cat "$work/pg.err"; exit 1; }
  mapfile -t url <<<"$urls"
  for i in "${!cases[@]}"; do dburl[${cases[$i]}]=${url[$i]}; done
  echo "golden (postgresql): ${#cases[@]} Fälle, $left_out nennen die SQLite-Datei und bleiben aus"
fi
running=0
for case in "${cases[@]}"; do
  run_case "$case" "${dburl[$case]:-}" &
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
echo "golden ($engine): $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
