#!/bin/sh
# Runs one cmocka test program for ctest: its exit status as it is, but 77
# (ctest: skipped) when it passed only because some cases called skip()
# (real data or a system facility absent), so that a partial run is never
# reported as a pass. The program's output is shown either way.
# Usage: sh skip77.sh TEST_PROGRAM
out=$(mktemp) || exit 1
"$@" >"$out" 2>&1
rc=$?
cat "$out"
if [ $rc = 0 ] && grep -q '^\[  SKIPPED \] [0-9]* test(s), listed below' "$out"; then
  rc=77
  echo "übersprungen (teilweise): die oben als SKIPPED genannten Fälle liefen nicht"
fi
rm -f "$out"
exit $rc
