#!/usr/bin/env bash
# Builds and runs one libFuzzer target for a bounded time.
#
#   bash fuzz/run.sh TARGET SECONDS      e.g. bash fuzz/run.sh feed 180
#   bash fuzz/run.sh http SECONDS BINARY  (BINARY: the http_fuzz CMake builds)
#
# Builds fuzz/TARGET_fuzz.cc with clang (-fsanitize=fuzzer,address,undefined)
# into build/fuzz/, seeds a fresh corpus from the target's fixtures in
# ../shared, and runs it for SECONDS. Exits non-zero when the fuzzer finds a
# crash, a leak or a sanitizer report (the reproducer is left in build/fuzz/).
# Built directly with clang, not CMake: the project's build uses g++.
# The http target is built by CMake (fuzz/fuzz.cmake: it needs most of src/)
# and seeded from the corpus kept in fuzz/corpus/http with fuzz/http.dict.
set -euo pipefail

target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${ND_SHARED_DIR:-$root/../shared}
out=$root/build/fuzz
mkdir -p "$out"

common_sources=()
for f in "$root"/src/common/*.cc; do
  [[ $f == *_test.cc ]] || common_sources+=("$f")
done

# Per target: its sources (besides src/common) and the fixtures that seed it.
case "$target" in
  feed)
    sources=("$root/fuzz/feed_fuzz.cc" "$root/src/ingest/feed.cc" "$root/src/ingest/feed_markup.cc")
    seeds=("$shared/fixtures/feeds")
    libs=(-lpugixml)
    ;;
  extract)
    sources=("$root/fuzz/extract_fuzz.cc")
    for f in "$root"/src/extract/*.cc; do
      [[ $f == *_test.cc || $f == */scoring.cc || $f == */score_main.cc ]] || sources+=("$f")
    done
    seeds=("$shared/fixtures/seed" "$shared/fixtures/en-pages" "$shared/fixtures/ru-pages" "$shared/fixtures/readability-pages")
    libs=(-lgumbo -lcld2)
    # The extractor's headers are not in the staleness check below.
    for h in "$root"/src/extract/*.h; do [[ $h -nt $out/extract_fuzz ]] && rm -f "$out/extract_fuzz"; done
    ;;
  http)
    # issue 18: built by CMake, seeded from our own corpus; short inputs keep
    # it at hundreds of requests a second.
    binary=${3:?usage: fuzz/run.sh http SECONDS BINARY}
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-http.XXXXXX")
    trap 'rm -rf "$corpus"' EXIT
    cp -r "$root/fuzz/corpus/http/." "$corpus/"
    echo "fuzz/run.sh: running http for ${seconds}s on $(find "$corpus" -type f | wc -l) seeds"
    cd "$out"
    # -detect_leaks=0: the server's thread allocates and frees across
    # inputs, so libFuzzer's per-input leak check (a stop-the-world LSan scan,
    # ~0.2 s) would run after nearly every input; leaks are `make sanitize`'s.
    "$binary" "$corpus" -dict="$root/fuzz/http.dict" -max_total_time="$seconds" -max_len=16384 -timeout=20 -detect_leaks=0 \
      -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$out/http-"
    exit 0
    ;;
  *)
    echo "fuzz/run.sh: unknown target '$target' (known: feed, extract, http)" >&2
    exit 2
    ;;
esac

for dir in "${seeds[@]}"; do
  if [[ ! -d $dir ]]; then
    if [[ ${CI:-} == true ]]; then
      echo "fuzz/run.sh: CI=true but the seed fixtures are missing: $dir" >&2
      exit 1
    fi
    echo "fuzz/run.sh: seeds not found at $dir; starting from an empty corpus" >&2
  fi
done

cxx=${CLANGXX:-clang++}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz/run.sh: $cxx not found (scripts/install-deps --test installs clang)" >&2
  exit 1
fi

binary=$out/${target}_fuzz
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/src")
# Rebuild only when a source is newer than the binary.
stale=0
[[ -x $binary ]] || stale=1
for f in "${sources[@]}" "${common_sources[@]}" "$root"/src/common/*.h "$root"/src/model/*.h "$root"/src/ingest/*.h \
         "$root/fuzz/run.sh"; do
  [[ $f -nt $binary ]] && stale=1
done
if ((stale)); then
  echo "fuzz/run.sh: building $binary"
  "$cxx" "${flags[@]}" "${sources[@]}" "${common_sources[@]}" -o "$binary.tmp" "${libs[@]}" -licuuc -licui18n -lfmt
  mv "$binary.tmp" "$binary"
fi

corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$target.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
for dir in "${seeds[@]}"; do
  [[ -d $dir ]] && find "$dir" -type f ! -name LICENSE ! -name '*.serde.json' -exec cp -t "$corpus" --backup=numbered {} +
done

echo "fuzz/run.sh: running $target for ${seconds}s on $(find "$corpus" -type f | wc -l) seeds"
cd "$out"
# -max_len keeps runs fast (longer seeds are cut, which fuzzes truncated
# documents too); -timeout catches hangs and -rss_limit_mb memory blow-ups.
"$binary" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/$target-"
