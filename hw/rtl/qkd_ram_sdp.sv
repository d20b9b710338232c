`default_nettype none
// qkd_ram_sdp: simple dual-port RAM, one synchronous write port and one synchronous read port
// (read data appears the cycle after the address, read-before-write on a collision). Written in
// the style yosys and vendor tools infer as block RAM (iCE40 SB_RAM40_4K, ECP5 DP16KD). The
// contents are not reset.
module qkd_ram_sdp #(
    // WIDTH: bits per word; 1 .. 4096.
    parameter int WIDTH = 32,
    // AW: address bits; 1 .. 24.
    parameter int AW = 8,
    // DEPTH: words held; 1 .. 2**AW. Reads past DEPTH return undefined data (callers mask them);
    // a depth that is not a power of two saves block RAM (a 1.5 Mbit seed needs no 2 Mbit RAM).
    parameter int DEPTH = 2 ** AW
) (
    input  wire logic             clk,
    input  wire logic             we_i,
    input  wire logic [   AW-1:0] waddr_i,
    input  wire logic [WIDTH-1:0] wdata_i,
    input  wire logic [   AW-1:0] raddr_i,
    output      logic [WIDTH-1:0] rdata_o
);

  // Elaboration-time parameter checks (Verilator and yosys both stop on these; neither accepts %m
  // here, so the message names the module and the instance path comes from the tool).
  if (WIDTH < 1 || WIDTH > 4096) begin : g_bad_width
    $error("qkd_ram_sdp: WIDTH must be in 1 .. 4096");
  end
  if (AW < 1 || AW > 24) begin : g_bad_aw
    $error("qkd_ram_sdp: AW must be in 1 .. 24");
  end
  if (DEPTH < 1 || DEPTH > 2 ** AW) begin : g_bad_depth
    $error("qkd_ram_sdp: DEPTH must be in 1 .. 2**AW");
  end

  logic [WIDTH-1:0] mem_q[DEPTH];

  always_ff @(posedge clk) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    rdata_o <= mem_q[raddr_i];
  end

endmodule

`default_nettype wire
