#!/usr/bin/env bash
# bench/translate: paragraphs/s through the translation pass against
# apertium-apy on loopback, and the cache hit rate on a second ingestion of
# the same articles. Usage: bench/translate/run.sh [BUILD_DIR] [bench args…]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
shift || true
cmake --build "$build" -j1 --target translate_bench >/dev/null
exec "$build/translate_bench" "$@"
