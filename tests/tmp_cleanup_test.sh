#!/usr/bin/env bash
# Tests clean up after themselves, failed or passed (issue 18): test binaries
# run with TMPDIR set to a fresh directory leave it empty. The fixtures put
# their scratch directories under std::filesystem::temp_directory_path(),
# which is $TMPDIR.
# Usage: tmp_cleanup_test.sh COMMON_TEST STORE_TEST IMPORT_TEST
set -u
common_test=$1 store_test=$2 import_test=$3
source "$(dirname "$0")/lib.sh"

# run_in_fresh_tmp NAME EXPECT(pass|fail) BINARY ARGS...: runs the binary
# with TMPDIR set to an empty directory of its own; passes when the run ended
# as EXPECTed and the directory is empty afterwards.
run_in_fresh_tmp() {
  local name=$1 expect=$2
  shift 2
  local dir=$tmp/$name
  mkdir -p "$dir"
  TMPDIR=$dir "$@" >"$tmp/$name.log" 2>&1
  local rc=$?
  if [[ $expect == pass && $rc -ne 0 ]] || [[ $expect == fail && $rc -eq 0 ]]; then
    echo "  $name: exit $rc, expected the tests to $expect"; tail -n 20 "$tmp/$name.log"; return 1
  fi
  # Guard against a filter that matched nothing: the run must have run tests.
  grep -q '^\[==========\] [1-9][0-9]* tests\? from' "$tmp/$name.log" || { echo "  $name: no test ran"; return 1; }
  local left
  left=$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -n 10)
  [[ -z $left ]] || { echo "  $name: left in TMPDIR:"; echo "$left" | sed 's/^/    /'; return 1; }
}

# Passing runs: the store tests on SQLite (parameterised, "Name/sqlite"), the
# configuration files, the importer and the demo corpus.
check "passing store tests leave nothing in TMPDIR" \
  run_in_fresh_tmp store pass "$store_test" --gtest_filter='-*/postgresql'
check "passing configuration tests leave nothing in TMPDIR" \
  run_in_fresh_tmp config pass "$common_test" --gtest_filter='LoadConfigFileTest.*'
check "passing import tests leave nothing in TMPDIR" \
  run_in_fresh_tmp import pass "$import_test"

# Failing runs: with no PostgreSQL to be found, every fixture fails its SetUp
# on an ASSERT after it made its directory; TearDown still removes it.
check "store tests that fail an ASSERT leave nothing in TMPDIR" \
  run_in_fresh_tmp store-failed fail env NEWSDESK_TEST_POSTGRES=/nonexistent/url \
  "$store_test" --gtest_filter='*/postgresql'
check "import tests that fail an ASSERT leave nothing in TMPDIR" \
  run_in_fresh_tmp import-failed fail env NEWSDESK_TEST_POSTGRES=/nonexistent/url NEWSDESK_TEST_BACKEND=postgresql \
  "$import_test" --gtest_filter='ImportPathTest.*'

finish
