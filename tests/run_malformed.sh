#!/usr/bin/env bash
# Malformed files: each tests/malformed/NAME.* must be refused with its
# located message (tests/malformed/expected/NAME.stderr), exit code 1, by
# both `import` and `check`, and must leave the database exactly as it was
# (same export before and after). Optional NAME.args holds extra options.
# AMPEL_GOLDEN_UPDATE=1 rewrites the expected messages.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
dir="$src/tests/malformed"; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
cd "$work"
"$bin" --db base.db import "$dir"/base/*.csv >/dev/null || { echo "FAIL: base import"; exit 1; }
"$bin" --db base.db export -o before.csv || exit 1
mkdir -p "$dir/expected"
one() { # one FILE: import, check and export in its own scratch dir
  local f=$1 name stem args w
  name=$(basename "$f"); stem=${name%.*}; w="$work/c-$name"; mkdir -p "$w"
  args=""; [ -f "$dir/$stem.args" ] && args=$(cat "$dir/$stem.args")
  cd "$w" || return
  cp ../base.db t.db; cp "$f" "./$name"
  # shellcheck disable=SC2086
  "$bin" --db t.db import $args "$name" >out.txt 2>err.txt; echo $? >rc
  # shellcheck disable=SC2086
  "$bin" --db t.db check $args "$name" >/dev/null 2>check.txt; echo $? >crc
  "$bin" --db t.db export -o after.csv
}
# The files are independent: AMPEL_TEST_JOBS (default nproc) at a time.
jobs=${AMPEL_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
files=()
for f in "$dir"/*.*; do
  case "$f" in *.args) continue;; esac
  files+=("$f")
done
running=0
for f in "${files[@]}"; do
  one "$f" &
  running=$((running+1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running-1)); fi
done
wait
pass=0; fail=0
for f in "${files[@]}"; do
  name=$(basename "$f"); stem=${name%.*}; w="$work/c-$name"
  rc=$(cat "$w/rc"); crc=$(cat "$w/crc")
  exp="$dir/expected/$stem.stderr"
  if [ -n "${AMPEL_GOLDEN_UPDATE:-}" ]; then cp "$w/err.txt" "$exp"; fi
  ok=1
  [ "$rc" = 1 ] || { echo "FAIL $name: import exit $rc, erwartet 1"; ok=0; }
  [ "$crc" = 1 ] || { echo "FAIL $name: check exit $crc, erwartet 1"; ok=0; }
  cmp -s before.csv "$w/after.csv" || { echo "FAIL $name: Datenbank verändert"; ok=0; }
  if ! diff -u "$exp" "$w/err.txt"; then echo "FAIL $name: Meldung weicht ab"; ok=0; fi
  # check reports the same problems; only the closing line differs
  if ! diff <(head -n -1 "$w/err.txt") <(head -n -1 "$w/check.txt") >/dev/null; then
    echo "FAIL $name: check meldet anderes als import"; ok=0; fi
  grep -q "^ampel: [^ ]*:[0-9]*:[0-9]*: Fehler: \|^ampel: $name: Fehler: " "$w/err.txt" ||
    { echo "FAIL $name: keine Ortsangabe DATEI:ZEILE:SPALTE"; ok=0; }
  [ -s "$w/out.txt" ] && { echo "FAIL $name: Ausgabe auf stdout bei Fehler"; ok=0; }
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done
echo "malformed: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
