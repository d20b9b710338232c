#!/usr/bin/env bash
# install-deps.sh: installs, with apt and by package name only, every Debian 12
# package qkd-accel needs to build, test and benchmark. Idempotent: packages that
# are already installed are skipped, and apt is not called at all when nothing is
# missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev   # libFuzzer targets and sanitizers
  libgtest-dev               # unit tests
  libgf2x-dev                # GF(2)[x] multiplication: PA baseline
  gnuplot-nox                # qkd-bench plots
  verilator yosys nextpnr-ice40 fpga-icestorm  # RTL lint, simulation and synthesis (hw/)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=sudo; else
    echo "install-deps: error: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
