#!/usr/bin/env bash
# demo.sh: installs what is missing, builds, and runs the main job: the whole
# post-processing pipeline on a simulated 25 km BB84 link. Extra arguments go to
# qkd-run (see `build/host/qkd-run --help`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"
exec "$root/build/host/qkd-run" --distance-km 25 "$@"
