#!/usr/bin/env bash
# Fuzzes the input readers (delimited, JSON lines, JSON array, action ids) and the ingest
# pipeline behind them with libFuzzer + AddressSanitizer. Not part of `swift build` or
# `swift test`: it compiles its own binary into .build-fuzz/.
#
#   Scripts/fuzz.sh                 # run until 10,000,000 executions
#   Scripts/fuzz.sh -runs=100000    # any libFuzzer flag replaces the defaults
#   FUZZ_JOBS=2 Scripts/fuzz.sh     # parallel workers (libFuzzer -fork)
#
# Seeds: samples/ and Tests/MDEBatchCoreTests/Fixtures/, each prefixed with every selector
# byte the target reads (format, reader, options). Findings land in .build-fuzz/findings/;
# copy each into Tests/MDEBatchCoreTests/Fixtures/fuzz/ so FuzzRegressionTests replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.build-fuzz
src="$out/src"
mkdir -p "$out/corpus" "$out/findings"

# The readers and the pipeline, compiled as one module with the target and a stand-in for
# swift-crypto's SHA256 (the only dependency they have beyond Foundation).
# Buffers shrink from 1 MB to 4 KB, so that small inputs cross every buffer boundary (and
# each execution maps a few KB, not 5 MB); records over 4 KB meet the record limit.
mkdir -p "$src.next"
rm -f "$src.next"/*.swift
for file in Sources/MDEBatchCore/Input/*.swift Sources/MDEBatchCore/Validation/*.swift \
    Sources/MDEBatchCore/Resolve/DeviceName.swift; do
    sed -e 's/^import Crypto$//' \
        -e 's/defaultMaximumRecordBytes = 1 << 20/defaultMaximumRecordBytes = 1 << 12/' \
        -e 's/rawCapacity = 1 << 20/rawCapacity = 1 << 12/' \
        -e 's/capacity: 1 << 20)/capacity: 1 << 14)/' \
        -e 's/, 1 << 16))/, 1 << 14))/' \
        "$file" >"$src.next/$(basename "$file")"
done
cp Scripts/fuzz/*.swift "$src.next/"
if ! diff -rq "$src" "$src.next" >/dev/null 2>&1; then
    rm -rf "$src"
    mv "$src.next" "$src"
    rm -f "$out/fuzz-readers"
else
    rm -rf "$src.next"
fi

if [[ ! -x "$out/fuzz-readers" ]]; then
    echo "Building $out/fuzz-readers (libFuzzer + AddressSanitizer)"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name MDEBatchFuzz \
        "$src"/*.swift -o "$out/fuzz-readers"
fi

# Seed corpus: every sample and fixture under every selector the target distinguishes.
seeds="$out/seeds"
if [[ ! -d "$seeds" ]]; then
    mkdir -p "$seeds"
    n=0
    while IFS= read -r -d '' file; do
        for selector in 00 01 02 03 04 05 06 07 08 19 2a 43 4b 13; do
            { printf "\\x$selector"; cat "$file"; } >"$seeds/seed-$n-$selector"
        done
        n=$((n + 1))
    done < <(find samples Tests/MDEBatchCoreTests/Fixtures -type f -size -64k -print0)
fi

# Without a quarantine, AddressSanitizer reuses the readers' large buffers at once: 4x the
# executions a second, at the cost of use-after-free reports that come late.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=5}"

args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then args=(-runs=10000000); fi
fork=()
if [[ -n "${FUZZ_JOBS:-}" ]]; then fork=(-fork="$FUZZ_JOBS" -ignore_crashes=1); fi

exec "$out/fuzz-readers" "${fork[@]}" -max_len=32768 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$out/findings/" "${args[@]}" "$out/corpus" "$seeds"
