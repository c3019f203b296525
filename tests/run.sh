#!/bin/sh
# tests/run.sh — runs each cmocka test binary given as an argument, one
# process each, and prints one closing line "tests: N passed, N failed".
# Exit status is non-zero when any test failed or any binary crashed.
passed=0; failed=0; bad=0
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "tests/run.sh: $t exited with status $rc"; bad=$((bad + 1)); failed=$((failed + 1))
  fi
done
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $bad -eq 0 ]
