#!/usr/bin/env bash
# test.sh: installs what is missing, builds, and runs the whole test suite: every
# ctest test except those labelled `slow`, then the unit tests once more in a
# build with AddressSanitizer and UndefinedBehaviorSanitizer, then a short run of
# every libFuzzer target (clang). QKD_FUZZ_SECONDS sets the time per target (20).
# Set QKD_TEST_SLOW=1 to include the slow label.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/install-deps.sh"

echo "== build (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
exclude=(-LE slow)
[ "${QKD_TEST_SLOW:-0}" = 1 ] && exclude=()
echo "== tests"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" "${exclude[@]}"

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
"$root/scripts/build.sh" "$root/build-asan" -DQKD_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" -L unit -LE slow

echo "== fuzz targets (libFuzzer, ${QKD_FUZZ_SECONDS:-20} s each)"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQKD_FUZZ=ON -DQKD_FUZZ_SECONDS="${QKD_FUZZ_SECONDS:-20}" >/dev/null
cmake --build "$root/build-fuzz" -j"$jobs" --target fuzz-targets
ctest --test-dir "$root/build-fuzz" --output-on-failure -j"$jobs" -L fuzz
