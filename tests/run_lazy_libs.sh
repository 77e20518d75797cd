#!/usr/bin/env bash
# librsvg, cairo, PROJ and libpq are loaded on first use (issue 15,
# src/util/dynlib.h, docs/dev/architecture.md):
#  1. the program does not need them at start (no DT_NEEDED, not in ldd,
#     glib and gobject neither) and exports none of the stubs' names;
#  2. with a broken copy of each library first in LD_LIBRARY_PATH (a file
#     dlopen refuses), commands that need none of them still work:
#     --version, list periods, an SVG heatmap;
#  3. the commands that need one say which library cannot be loaded, with
#     exit code 3 (system error), and change nothing: PNG and PDF output
#     (cairo/librsvg), a geometry import (PROJ; the database keeps its
#     Datenstand), a point map (PROJ through a path without diags: the
#     stub's message), a PostgreSQL URL (libpq);
#  4. without the broken copies the same PNG, PDF and point map work.
# Usage: bash run_lazy_libs.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); build=$(realpath "$3")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }

# The SONAMEs the build compiled in (CMakeLists.txt, ampel_soname).
soname() {
  sed -n "s/.*AMPEL_SONAME_$1=\\\\*\"\([^\\\"]*\)\\\\*\".*/\1/p" \
    "$build/compile_commands.json" | head -1
}
rsvg=$(soname RSVG); cairo=$(soname CAIRO); proj=$(soname PROJ); pq=$(soname PQ)
[ -n "$rsvg" ] && [ -n "$cairo" ] && [ -n "$proj" ] ||
  { echo "lazy_libs: SONAMEs not found in compile_commands.json"; exit 1; }

# ---- 1. not needed at start --------------------------------------------
libs=$(ldd "$bin")
for l in librsvg libcairo libproj libpq libglib libgobject; do
  echo "$libs" | grep -q "$l" && bad "$l is loaded at start (ldd)" || ok
done
exported=$(nm -D --defined-only "$bin" | awk '{print $3}' |
  grep -E '^(rsvg_|cairo_|proj_|PQ|g_object_unref$|g_error_free$)')
[ -z "$exported" ] && ok || bad "stubs in the dynamic symbol table: $exported"

# ---- 2. commands without these libraries work with broken copies --------
"$src/scripts/make-example-db" "$bin" "$work" >/dev/null || { bad "example"; exit 1; }
mkdir "$work/broken"
for s in "$rsvg" "$cairo" "$proj" $pq; do
  echo "kein ELF" >"$work/broken/$s"
done
broken() { LD_LIBRARY_PATH="$work/broken" "$bin" --db "$work/ampel.db" "$@"; }
v=$(broken --version) && [ "${v#ampel }" != "$v" ] && ok || bad "--version"
broken list periods >"$work/p.txt" && grep -q '^2025/26' "$work/p.txt" && ok ||
  bad "list periods"
broken heatmap --level Stadtteil -o "$work/h.svg" >/dev/null &&
  grep -q '<svg' "$work/h.svg" && ok || bad "SVG heatmap"

# ---- 3. the commands that need one name it -----------------------------
# expect NAME SONAME COMMAND...: exit code 3 and the library named.
expect() {
  local what=$1 so=$2; shift 2
  broken "$@" >/dev/null 2>"$work/err.txt"
  local rc=$?
  [ $rc = 3 ] || { bad "$what: exit code $rc, expected 3"; return; }
  grep -q "Fehler: .*die Bibliothek $so kann nicht geladen werden" \
    "$work/err.txt" && ok || bad "$what: message: $(cat "$work/err.txt")"
}
expect png "$cairo" heatmap --level Stadtteil -o "$work/h.png"
[ -e "$work/h.png" ] && bad "png written" || ok
expect pdf "$cairo" report --level Stadtteil -o "$work/b.pdf"
[ -e "$work/b.pdf" ] && bad "pdf written" || ok
before=$("$bin" --db "$work/ampel.db" versions | wc -l)
expect geo-import "$proj" import "$src/examples/gelsenkirchen/stadtgrenze.geojson" \
  --key-property GEN --level Stadt
after=$("$bin" --db "$work/ampel.db" versions | wc -l)
[ "$before" = "$after" ] && ok || bad "geometry import changed the database"
# The stub ends the process: its allocations are not freed (LSan).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  expect point-map "$proj" map --level Schule -o "$work/m.svg"
if [ -n "$pq" ]; then
  LD_LIBRARY_PATH="$work/broken" "$bin" --db postgresql://ampel@127.0.0.1:1/x \
    list periods >/dev/null 2>"$work/err.txt"
  rc=$?
  [ $rc = 3 ] && grep -q "PostgreSQL: die Bibliothek $pq kann nicht geladen" \
    "$work/err.txt" && ok || bad "postgresql: exit $rc: $(cat "$work/err.txt")"
fi

# ---- 4. and work when the libraries are whole ---------------------------
a() { "$bin" --db "$work/ampel.db" "$@"; }
a heatmap --level Stadtteil --dpi 72 -o "$work/h.png" >/dev/null &&
  [ "$(head -c 4 "$work/h.png" | tail -c 3)" = PNG ] && ok || bad "PNG"
a lights --level Stadtteil -o "$work/l.pdf" >/dev/null &&
  [ "$(head -c 5 "$work/l.pdf")" = "%PDF-" ] && ok || bad "PDF"
a map --level Schule -o "$work/m.svg" >/dev/null && grep -q '<circle' "$work/m.svg" &&
  ok || bad "point map"

echo "lazy_libs: $pass passed, $fail failed"
[ $fail = 0 ]
