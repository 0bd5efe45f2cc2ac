#!/usr/bin/env bash
# The Makefile's configure steps (issue 14): a configure that failed leaves
# no stamp, so the next `make` runs cmake again instead of building from what
# the failure left behind; `make run` takes a build configured either way,
# the tests ask for BUILD_TESTING=ON; and `make run`'s configure needs no
# test package (the test targets are not even configured).
# Usage: tests/makefile_test.sh REPO_ROOT
set -uo pipefail
root=$(cd "$1" && pwd)
source "$(dirname "$0")/lib.sh"
b=$tmp/build
cd "$root" || exit 1

make -s configure BUILD="$b" CMAKE_CONFIGURE=false >"$tmp/fail.out" 2>&1
check "a failed configure fails make" test $? -ne 0
check "... and leaves no stamp" bash -c "! ls '$b'/.configured-* 2>/dev/null"

make -s configure BUILD="$b" >"$tmp/ok.out" 2>&1
check "the next make configures again, and succeeds" test $? -eq 0
check "... leaving the stamp of a build without tests" test -f "$b/.configured-tests-OFF"
check "... whose cache has BUILD_TESTING off" grep -q "^BUILD_TESTING:BOOL=OFF" "$b/CMakeCache.txt"
check "... and no test target" bash -c "! grep -q 'common_test' '$b/Makefile'"
check "... nor GTest looked for" bash -c "! grep -q '^GTest_DIR' '$b/CMakeCache.txt'"

make -s configure BUILD="$b" CMAKE_CONFIGURE=false >"$tmp/again.out" 2>&1
check "a configured build is not configured again by make run" test $? -eq 0

make -s configure-tests BUILD="$b" >"$tmp/tests.out" 2>&1
check "make test's configure turns the tests on" bash -c "[[ $? -eq 0 ]] && grep -q '^BUILD_TESTING:BOOL=ON' '$b/CMakeCache.txt' && test -f '$b/.configured-tests-ON' && ! test -f '$b/.configured-tests-OFF'"
make -s configure BUILD="$b" CMAKE_CONFIGURE=false >"$tmp/run-after-test.out" 2>&1
check "make run then uses the build the tests configured" test $? -eq 0
finish
