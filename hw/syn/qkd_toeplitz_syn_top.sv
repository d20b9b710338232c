`default_nettype none
// qkd_toeplitz_syn_top: synthesis-only wrapper that fits qkd_toeplitz into a small package (iCE40
// UP5K SG48 has 39 I/O pins) for resource and timing estimates. Every input port of the core is
// driven from a serial shift register fed by sin_i, and every output is captured into a register
// that shifts out on sout_o (a parallel load while load_i is high), so no logic of the core is
// optimised away. The wrapper adds about (input bits + output bits) flip-flops and LUTs; it is not
// meant for a board.
module qkd_toeplitz_syn_top #(
    // W, P, MAX_N, MAX_M, KARATSUBA: passed to qkd_toeplitz (see there for meaning and ranges).
    parameter int W = 32,
    parameter int P = 16,
    parameter int MAX_N = 4096,
    parameter int MAX_M = 2048,
    parameter int KARATSUBA = 0
) (
    input  wire logic clk,
    input  wire logic rst,
    input  wire logic sin_i,
    input  wire logic load_i,
    output      logic sout_o
);

  localparam int NW = $clog2(MAX_N + 1);
  localparam int MW = $clog2(MAX_M + 1);
  localparam int IN_BITS = 1 + NW + MW + 2 * (P + 2) + 1;
  localparam int OUT_BITS = 2 + 2 + W + 2;

  logic [IN_BITS-1:0] in_q;
  logic [OUT_BITS-1:0] out_q;
  logic [OUT_BITS-1:0] out_vec;

  always_ff @(posedge clk) begin
    in_q <= {in_q[IN_BITS-2:0], sin_i};
    out_q <= load_i ? out_vec : {out_q[OUT_BITS-2:0], 1'b0};
  end
  assign sout_o = out_q[OUT_BITS-1];

  logic busy, cfg_err, x_ready, seed_ready, y_valid, y_last;
  logic [W-1:0] y_data;

  qkd_toeplitz #(
      .W    (W),
      .P    (P),
      .MAX_N(MAX_N),
      .MAX_M(MAX_M),
      .KARATSUBA(KARATSUBA)
  ) u_core (
      .clk               (clk),
      .rst               (rst),
      .start_i           (in_q[0]),
      .n_i               (in_q[1+:NW]),
      .m_i               (in_q[1+NW+:MW]),
      .busy_o            (busy),
      .cfg_err_o         (cfg_err),
      .s_axis_x_tdata    (in_q[1+NW+MW+:P]),
      .s_axis_x_tvalid   (in_q[1+NW+MW+P]),
      .s_axis_x_tready   (x_ready),
      .s_axis_x_tlast    (in_q[1+NW+MW+P+1]),
      .s_axis_seed_tdata (in_q[1+NW+MW+P+2+:P]),
      .s_axis_seed_tvalid(in_q[1+NW+MW+2*P+2]),
      .s_axis_seed_tready(seed_ready),
      .s_axis_seed_tlast (in_q[1+NW+MW+2*P+3]),
      .m_axis_y_tdata    (y_data),
      .m_axis_y_tvalid   (y_valid),
      .m_axis_y_tready   (in_q[IN_BITS-1]),
      .m_axis_y_tlast    (y_last)
  );

  assign out_vec = {busy, cfg_err, x_ready, seed_ready, y_data, y_valid, y_last};

endmodule

`default_nettype wire
