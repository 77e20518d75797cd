#!/usr/bin/env bash
# `cmake --install BUILD_DIR --prefix TMP` (what `make install PREFIX=...`
# runs): TMP/bin/ampel runs `--version`, the man page
# TMP/share/man/man1/ampel.1 (scripts/gen-man, from `ampel --help`) renders
# with groff without a warning and names every command, and the docs are in
# TMP/share/doc/ampel. Exit 77 (skipped) when groff is missing.
# Usage: bash run_install.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); build=$(realpath "$3")
if ! command -v groff >/dev/null; then
  echo "install: übersprungen: groff fehlt (apt-get install groff-base)"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
# The man page is an ALL target; build it if this tree was built partially.
cmake --build "$build" --target ampel-man >/dev/null || { echo "FAIL: ampel-man"; exit 1; }
cmake --install "$build" --prefix "$work/p" >"$work/install.log" 2>&1 ||
  { echo "FAIL: cmake --install"; cat "$work/install.log"; exit 1; }
p="$work/p"
v=$("$p/bin/ampel" --version) || { echo "FAIL: bin/ampel --version"; fail=1; }
[ "$v" = "$("$bin" --version)" ] || { echo "FAIL: installed version '$v'"; fail=1; }
man="$p/share/man/man1/ampel.1"
if [ ! -s "$man" ]; then
  echo "FAIL: $man fehlt"; fail=1
else
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$man" >"$work/man.raw" 2>"$work/man.err"
  rc=$?
  sed 's/.\x08//g' "$work/man.raw" >"$work/man.txt"  # no bold overstrikes
  [ $rc = 0 ] && [ ! -s "$work/man.err" ] ||
    { echo "FAIL: groff meldet:"; cat "$work/man.err"; fail=1; }
  grep -q "ampel - kommunales Bildungsmonitoring" "$work/man.txt" ||
    { echo "FAIL: man page has no NAME line"; fail=1; }
  cmds=$("$bin" --help | sed -n '/^Befehle:/,/^$/p' | awk 'NR>1 && NF {print $1}')
  [ -n "$cmds" ] || { echo "FAIL: no commands in ampel --help"; fail=1; }
  for c in $cmds; do
    grep -q "^   ampel $c\$" "$work/man.txt" ||
      { echo "FAIL: man page lacks the section 'ampel $c'"; fail=1; }
    grep -qF "Aufruf: ampel $c" "$work/man.txt" ||
      { echo "FAIL: man page lacks the help of 'ampel $c'"; fail=1; }
  done
fi
for d in "$src"/docs/*.md "$src/README.md" "$src/LICENSE"; do
  f="$p/share/doc/ampel/$(basename "$d")"
  cmp -s "$f" "$d" || { echo "FAIL: $f fehlt oder weicht ab"; fail=1; }
done
[ $fail = 0 ] && echo "install: ok" || echo "install: FAILED"
exit $fail
