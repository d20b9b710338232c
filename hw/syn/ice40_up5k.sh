#!/usr/bin/env bash
# ice40_up5k.sh: synthesises qkd_toeplitz for an iCE40 UP5K (SG48) with yosys and places and routes
# it with nextpnr-ice40, then prints the utilisation and the fmax of the clock `clk`.
# Usage: hw/syn/ice40_up5k.sh [W [P [MAX_N [MAX_M [KARATSUBA]]]]]   (default 32 16 4096 2048 0)
# Writes its work files to ${QKD_SYN_DIR:-/tmp/qkd-syn-ice40}. Needs yosys and nextpnr-ice40
# (scripts/install-deps.sh). The core sits in hw/syn/qkd_toeplitz_syn_top.sv, which serialises its
# ports onto 3 pins (the package has 39); the wrapper's shift registers are included in the
# counts. Pins are placed automatically: fine for an estimate, not for a board.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
w=${1:-32} p=${2:-16} max_n=${3:-4096} max_m=${4:-2048} k=${5:-0}
out=${QKD_SYN_DIR:-/tmp/qkd-syn-ice40}/w${w}p${p}k${k}n${max_n}m${max_m}
mkdir -p "$out"
yosys -q -l "$out/yosys.log" -p "read_verilog -sv -defer $here/rtl/qkd_ram_sdp.sv $here/rtl/qkd_tmvp.sv $here/rtl/qkd_toeplitz.sv \
  $here/syn/qkd_toeplitz_syn_top.sv;
  chparam -set W $w -set P $p -set MAX_N $max_n -set MAX_M $max_m -set KARATSUBA $k qkd_toeplitz_syn_top;
  synth_ice40 -top qkd_toeplitz_syn_top -json $out/qkd_toeplitz.json; tee -o $out/stat.txt stat"
nextpnr-ice40 --up5k --package sg48 --json "$out/qkd_toeplitz.json" --freq 24 --seed 1 \
  --report "$out/report.json" --log "$out/nextpnr.log" -q || {
  echo "ice40_up5k: nextpnr-ice40 failed; see $out/nextpnr.log" >&2
  exit 1
}
echo "qkd_toeplitz W=$w P=$p MAX_N=$max_n MAX_M=$max_m KARATSUBA=$k on iCE40 UP5K (SG48):"
grep -E "ICESTORM_LC:|ICESTORM_RAM:|SB_IO:" "$out/nextpnr.log" | tail -3
grep -E "Max frequency for clock" "$out/nextpnr.log" | tail -1
