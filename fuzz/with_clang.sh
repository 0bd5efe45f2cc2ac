#!/usr/bin/env bash
# The ordinary build is g++'s; this launcher (CMake's RULE_LAUNCH_COMPILE
# and RULE_LAUNCH_LINK on the http_fuzz target, fuzz/fuzz.cmake) swaps the
# compiler CMake chose for clang++ with libFuzzer and the sanitizers, for
# the fuzz driver only. The libraries it links are g++'s as built, without
# coverage or sanitizer instrumentation (docs/testing.md says what that
# costs and where the instrumented build is).
#
#   with_clang.sh compile|link COMPILER ARGS…
set -euo pipefail
step=$1
shift 2  # the step and the compiler CMake chose
cxx=${CLANGXX:-clang++}
launcher=()
command -v ccache >/dev/null && launcher=(ccache)
case "$step" in
  compile) exec "${launcher[@]}" "$cxx" -fsanitize=fuzzer-no-link,address,undefined -g "$@" ;;
  link) exec "$cxx" -fsanitize=fuzzer,address,undefined "$@" ;;
  *) echo "with_clang.sh: compile or link, not '$step'" >&2; exit 2 ;;
esac
