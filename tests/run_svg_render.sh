#!/usr/bin/env bash
# script.svg_render - every SVG picture of the heatmap/lights golden cases
# and of the bundled example (examples/gelsenkirchen) is well-formed XML
# (python3 xml.dom.minidom and xmllint), has role="img",
# <title> and <desc>, and renders to PNG with rsvg-convert without error.
#
# Called by ctest as: bash run_svg_render.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
# Exit 77 (skipped) when rsvg-convert, xmllint or python3 is not installed.
set -u
bin=$(realpath "${1:?usage: run_svg_render.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}")
src=$(realpath "${2:?}")
py=/usr/bin/python3
for t in rsvg-convert xmllint "$py"; do
  if ! command -v "$t" >/dev/null; then
    echo "skipped: $t not installed (librsvg2-bin, libxml2-utils, python3)" >&2
    exit 77
  fi
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8 AMPEL_SRC="$src"

# 1. The golden cases' own commands, in scratch copies (as run_golden.sh).
for case in "$src"/tests/golden/heatmap_*/ "$src"/tests/golden/lights_*/; do
  [ -f "$case/cmd" ] || continue
  dir="$work/$(basename "$case")"; mkdir -p "$dir"; cp -r "$case"/. "$dir"/
  (cd "$dir" && AMPEL_DB=test.db bin="$bin" \
     bash -c "ampel() { \"\$bin\" \"\$@\"; }; $(cat cmd)" >/dev/null 2>&1)
done

# 2. The example: Stadtteile, all palettes, both periods.
ex="$work/example"; mkdir -p "$ex"; cd "$ex" || exit 1
export AMPEL_DB="$ex/ge.db"
"$bin" import "$src"/examples/gelsenkirchen/*.csv >/dev/null || exit 1
for pal in standard ampel grau; do
  "$bin" heatmap --level Stadtteil --palette "$pal" -o "hm-$pal.svg" >/dev/null || exit 1
  "$bin" lights --level Stadtteil --palette "$pal" -o "li-$pal.svg" >/dev/null || exit 1
done
"$bin" heatmap --level Stadtteil --period 2024/25 -o hm-2024.svg >/dev/null || exit 1
"$bin" heatmap --level Stadtteil --cluster none -o hm-none.svg >/dev/null || exit 1

n=0; bad=0
while IFS= read -r -d '' f; do
  n=$((n+1))
  if ! "$py" -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$f"; then
    echo "FAIL: not well-formed XML: $f" >&2; bad=$((bad+1)); continue
  fi
  if ! xmllint --noout "$f"; then
    echo "FAIL: xmllint: $f" >&2; bad=$((bad+1))
  fi
  for need in 'role="img"' '<title id="ampel-title">' '<desc id="ampel-desc">'; do
    grep -q "$need" "$f" || { echo "FAIL: $f lacks $need" >&2; bad=$((bad+1)); }
  done
  if ! rsvg-convert -w 1600 "$f" -o "$f.png" 2>"$f.err" || [ -s "$f.err" ]; then
    echo "FAIL: rsvg-convert $f:" >&2; cat "$f.err" >&2; bad=$((bad+1))
  fi
done < <(find "$work" -name '*.svg' -print0 | sort -z)
echo "svg_render: $n pictures, $bad problems"
[ "$n" -ge 10 ] && [ "$bad" = 0 ]
