#!/usr/bin/env bash
# test.sh: installs what is missing, builds, and runs the whole test suite: every
# ctest test except those labelled `slow`, then the unit tests once more in a
# build with AddressSanitizer and UndefinedBehaviorSanitizer.
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
