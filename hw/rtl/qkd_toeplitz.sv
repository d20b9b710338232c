`default_nettype none
// qkd_toeplitz: Toeplitz-hash privacy amplification, direct systolic form (docs/hardware.md).
//
// Contract (docs/design.md section 3): input x of n bits, seed s of n+m-1 bits, output y of m bits,
//   y[i] = XOR over j in [0,n) of (x[j] AND s[i - j + n - 1]),  i in [0,m); bits LSB first.
//
// Use: pulse start_i for one cycle while idle (busy_o low) with the sizes on n_i and m_i; the sizes
// are latched. Then stream x in on s_axis_x_* (ceil(n/P) words of P bits, bit k of the string in
// word k/P at bit k%P, tlast on the final word; bits past n are ignored) and the seed on
// s_axis_seed_* (ceil((n+m-1)/P) words, tlast on the final word, bits past n+m-1 ignored), in any
// interleaving. Both are stored in on-chip RAM. The core then makes ceil(m/W) passes over the stored
// input; pass k emits output bits kW .. kW+W-1 as one W-bit word on m_axis_y_* (bit i of the output
// in word i/W at bit i%W, bits past m zero, tlast on the final word). busy_o falls after the final
// word has been accepted. A start with illegal sizes (n = 0, m = 0, m > n, n > MAX_N, m > MAX_M) is
// refused: the core stays idle and cfg_err_o is set until the next legal start.
//
// Seed scheme: x is stored shifted up by d = (-n) mod P zero bits, x'[j + d] = x[j], n' = n + d a
// multiple of P. This leaves every seed index unchanged (s[i - j' + n' - 1] for x'[j']) and, as W is
// a multiple of P, makes every seed window of a cycle start on a P-bit word boundary: for output
// slice i0 = kW and input bits j0 .. j0+P-1 (j0 a multiple of P) the seed bits needed are
// s[i0 + n' - P - j0 .. i0 + n' - P - j0 + W + P - 2], a W+P-1 bit window whose bottom is word
// (i0 + n')/P - 1 - j0/P. A pass first reads the W/P seed words above the first window into the
// shift register, then each cycle reads one x' word (ascending) and one seed word (descending),
// shifts the seed word in at the bottom and accumulates
//   acc ^= XOR over t in [0,P) of (x'[j0 + t] ? window[P-1-t +: W] : 0).
// Seed words past the stored seed read as zero (they only meet output bits past m, which are cut).
//
// Timing: a pass takes W/P + ceil(n/P) cycles; its last read waits while the output word of the
// previous pass is still unaccepted. The hash takes about ceil(m/W) * (ceil(n/P) + W/P) cycles
// after the load: cycles per input bit ~ ceil(m/W) / P.
module qkd_toeplitz #(
    // W: output bits per pass (accumulator and m_axis_y_tdata width); a power of two, 2 .. 4096,
    // and a multiple of P.
    parameter int W = 64,
    // P: input bits per cycle (s_axis_x_tdata and s_axis_seed_tdata width); a power of two, 1 .. W.
    parameter int P = 32,
    // MAX_N: largest input size n in bits; 2 .. 2**24. Sets the x RAM (ceil(MAX_N/P) words of P
    // bits) and the width of n_i.
    parameter int MAX_N = 4096,
    // MAX_M: largest output size m in bits; 1 .. MAX_N. With MAX_N it sets the seed RAM
    // (ceil((MAX_N+MAX_M-1)/P) words of P bits) and the width of m_i.
    parameter int MAX_M = 4096,
    // KARATSUBA: Karatsuba levels in each P x P block product (qkd_tmvp); 0 .. log2(P). 0 is the
    // direct W x P AND-XOR array; each level replaces 4 half-size products by 3 (docs/hardware.md).
    // The bits are the same for every value; only the gate count and logic depth change.
    parameter int KARATSUBA = 0,
    // Derived (do not override): widths of n_i and m_i.
    localparam int NW = $clog2(MAX_N + 1),
    localparam int MW = $clog2(MAX_M + 1)
) (
    input wire logic clk,
    input wire logic rst,

    // Control: start_i is sampled while busy_o is low; n_i and m_i are latched with it.
    input  wire logic          start_i,
    input  wire logic [NW-1:0] n_i,
    input  wire logic [MW-1:0] m_i,
    output      logic          busy_o,
    output      logic          cfg_err_o,

    // Input x, P bits per word.
    input  wire logic [P-1:0] s_axis_x_tdata,
    input  wire logic         s_axis_x_tvalid,
    output      logic         s_axis_x_tready,
    input  wire logic         s_axis_x_tlast,

    // Seed, P bits per word.
    input  wire logic [P-1:0] s_axis_seed_tdata,
    input  wire logic         s_axis_seed_tvalid,
    output      logic         s_axis_seed_tready,
    input  wire logic         s_axis_seed_tlast,

    // Output y, W bits per word.
    output      logic [W-1:0] m_axis_y_tdata,
    output      logic         m_axis_y_tvalid,
    input  wire logic         m_axis_y_tready,
    output      logic         m_axis_y_tlast
);

  // ---------------------------------------------------------------------------------------------
  // Parameter checks.
  if (W < 2 || W > 4096 || (W & (W - 1)) != 0) begin : g_bad_w
    $error("qkd_toeplitz: W must be a power of two in 2 .. 4096");
  end
  if (P < 1 || P > W || (P & (P - 1)) != 0) begin : g_bad_p
    $error("qkd_toeplitz: P must be a power of two in 1 .. W");
  end
  if (MAX_N < 2 || MAX_N > (1 << 24)) begin : g_bad_max_n
    $error("qkd_toeplitz: MAX_N must be in 2 .. 2**24");
  end
  if (MAX_M < 1 || MAX_M > MAX_N) begin : g_bad_max_m
    $error("qkd_toeplitz: MAX_M must be in 1 .. MAX_N");
  end
  if (KARATSUBA < 0 || (P >> KARATSUBA) < 1) begin : g_bad_karatsuba
    $error("qkd_toeplitz: KARATSUBA must be in 0 .. log2(P)");
  end

  // ---------------------------------------------------------------------------------------------
  // Derived sizes.
  localparam int WP = W / P;  // seed words above the first window of a pass
  localparam int X_WORDS = (MAX_N + P - 1) / P;
  localparam int S_WORDS = (MAX_N + MAX_M - 1 + P - 1) / P;
  localparam int XAW = (X_WORDS > 2) ? $clog2(X_WORDS) : 1;
  localparam int SAW = (S_WORDS > 2) ? $clog2(S_WORDS) : 1;
  // CW: width of every internal bit or word count; holds MAX_N + MAX_M + 2W + 2P with room.
  localparam int CW = $clog2(MAX_N + MAX_M + 2 * W + 2 * P) + 1;
  // SW: width of the x alignment shift, 1 .. P (a narrow shift amount keeps the funnel shifter at
  // log2(P) mux levels instead of CW).
  localparam int SW = $clog2(P) + 1;
  localparam logic [CW-1:0] WP_C = CW'(WP);
  localparam logic [CW-1:0] P_C = CW'(P);
  localparam logic [CW-1:0] W_C = CW'(W);

  typedef enum logic [1:0] {
    ST_IDLE  = 2'd0,
    ST_LOAD  = 2'd1,
    ST_RUN   = 2'd2,
    ST_DRAIN = 2'd3
  } state_e;

  // ---------------------------------------------------------------------------------------------
  // Registers. Control state is reset; data paths are not.
  state_e state_q, state_d;
  logic cfg_err_q, cfg_err_d;
  logic [CW-1:0] x_words_q, x_words_d;  // L = ceil(n/P)
  logic [CW-1:0] s_words_q, s_words_d;  // ceil((n+m-1)/P)
  logic [SW-1:0] x_shift_q, x_shift_d;  // P - d, in 1 .. P
  logic [CW-1:0] passes_q, passes_d;  // passes left to issue
  logic [CW-1:0] last_r_q, last_r_d;  // W/P + L - 1: read index of the last read of a pass
  logic [W-1:0] last_mask_q, last_mask_d;  // valid bits of the final output word
  logic [CW-1:0] x_wcnt_q, x_wcnt_d;
  logic [CW-1:0] s_wcnt_q, s_wcnt_d;
  logic x_done_q, x_done_d;
  logic s_done_q, s_done_d;
  logic [P-1:0] x_prev_q, x_prev_d;  // previous x word, for the shift by d
  logic [CW-1:0] rd_cnt_q, rd_cnt_d;  // read index r within the pass
  logic [CW-1:0] top_q, top_d;  // seed word read at r = 0
  // Stage 1: the RAM read issued last cycle.
  logic s1_valid_q, s1_valid_d;  // a seed word arrives this cycle
  logic s1_acc_q, s1_acc_d;  // an x word arrives too: accumulate
  logic s1_last_q, s1_last_d;  // last read of a pass: emit
  logic s1_final_q, s1_final_d;  // last read of the last pass
  logic s1_seed_ok_q, s1_seed_ok_d;  // seed address was inside the stored seed
  logic [W-2:0] sr_q, sr_d;  // low W-1 bits of the last seed window
  logic [W-1:0] acc_q, acc_d;
  logic [W-1:0] out_data_q, out_data_d;
  logic out_valid_q, out_valid_d;
  logic out_last_q, out_last_d;

  // ---------------------------------------------------------------------------------------------
  // RAMs.
  logic x_we, s_we;
  logic [XAW-1:0] x_waddr, x_raddr;
  logic [SAW-1:0] s_waddr, s_raddr;
  logic [P-1:0] x_wdata, x_rdata, s_rdata;

  qkd_ram_sdp #(
      .WIDTH(P),
      .AW   (XAW),
      .DEPTH(X_WORDS)
  ) u_x_ram (
      .clk    (clk),
      .we_i   (x_we),
      .waddr_i(x_waddr),
      .wdata_i(x_wdata),
      .raddr_i(x_raddr),
      .rdata_o(x_rdata)
  );

  qkd_ram_sdp #(
      .WIDTH(P),
      .AW   (SAW),
      .DEPTH(S_WORDS)
  ) u_seed_ram (
      .clk    (clk),
      .we_i   (s_we),
      .waddr_i(s_waddr),
      .wdata_i(s_axis_seed_tdata),
      .raddr_i(s_raddr),
      .rdata_o(s_rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Configuration and load.
  logic [CW-1:0] n_c, m_c;
  logic [$clog2(W)-1:0] tail_c;  // m mod W, narrow so the W mask compares are a few LUTs each
  logic cfg_ok;
  logic x_fire, s_fire;
  logic [2*P-1:0] x_pair;

  always_comb begin
    n_c = CW'(n_i);
    m_c = CW'(m_i);
    cfg_ok = (n_c != '0) && (m_c != '0) && (m_c <= n_c) && (n_c <= CW'(MAX_N)) &&
             (m_c <= CW'(MAX_M));
    tail_c = m_c[$clog2(W)-1:0];
    s_axis_x_tready = (state_q == ST_LOAD) && !x_done_q;
    s_axis_seed_tready = (state_q == ST_LOAD) && !s_done_q;
    x_fire = s_axis_x_tvalid && s_axis_x_tready;
    s_fire = s_axis_seed_tvalid && s_axis_seed_tready;
    // x' word a = bits P-d .. 2P-1-d of {x word a, x word a-1}.
    x_pair = {s_axis_x_tdata, x_prev_q};
    x_wdata = P'(x_pair >> x_shift_q);
    x_we = x_fire && (x_wcnt_q < x_words_q);
    s_we = s_fire && (s_wcnt_q < s_words_q);
    x_waddr = XAW'(x_wcnt_q);
    s_waddr = SAW'(s_wcnt_q);
  end

  // ---------------------------------------------------------------------------------------------
  // Read stage: issues one seed read (and from r = W/P on one x read) per cycle while running.
  logic out_free;  // an output word emitted next cycle finds the output register free
  logic issue;
  logic rd_last;
  logic [CW-1:0] s_raddr_c;

  always_comb begin
    out_free = !out_valid_q || m_axis_y_tready;
    rd_last = (rd_cnt_q == last_r_q);
    issue = (state_q == ST_RUN) && (!rd_last || out_free);
    s_raddr_c = top_q - rd_cnt_q;
    s_raddr = SAW'(s_raddr_c);
    x_raddr = XAW'(rd_cnt_q - WP_C);
  end

  // ---------------------------------------------------------------------------------------------
  // Compute stage: shift the seed word in, multiply the window by the x bits, XOR into the
  // accumulator. contrib[w] = XOR over t in [0,P) of (x'[t] AND window[w - t + P - 1]): for rows
  // w = qP .. qP+P-1 that is a P x P Toeplitz product on window[qP +: 2P-1], one qkd_tmvp each.
  logic [P-1:0] seed_word;
  logic [W+P-2:0] window;
  logic [W-1:0] contrib;
  logic [W-1:0] acc_next;

  always_comb begin
    seed_word = s1_seed_ok_q ? s_rdata : '0;
    window = {sr_q[W-2:0], seed_word};
    acc_next = acc_q ^ contrib;
  end

  for (genvar q = 0; q < W / P; q++) begin : g_block
    qkd_tmvp #(
        .B(P),
        .LEVELS(KARATSUBA)
    ) u_tmvp (
        .t_i(window[q*P+:2*P-1]),
        .x_i(x_rdata),
        .y_o(contrib[q*P+:P])
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Next state.
  always_comb begin
    state_d = state_q;
    cfg_err_d = cfg_err_q;
    x_words_d = x_words_q;
    s_words_d = s_words_q;
    x_shift_d = x_shift_q;
    passes_d = passes_q;
    last_r_d = last_r_q;
    last_mask_d = last_mask_q;
    x_wcnt_d = x_wcnt_q;
    s_wcnt_d = s_wcnt_q;
    x_done_d = x_done_q;
    s_done_d = s_done_q;
    x_prev_d = x_prev_q;
    rd_cnt_d = rd_cnt_q;
    top_d = top_q;
    sr_d = sr_q;
    acc_d = acc_q;
    out_data_d = out_data_q;
    out_valid_d = out_valid_q;
    out_last_d = out_last_q;

    // Output register: a word leaves on acceptance; a finished pass fills it (the read stage
    // guarantees it is free by then).
    if (out_valid_q && m_axis_y_tready) out_valid_d = 1'b0;

    case (state_q)
      ST_IDLE: begin
        if (start_i) begin
          cfg_err_d = !cfg_ok;
          if (cfg_ok) begin
            state_d = ST_LOAD;
            x_words_d = (n_c + P_C - 1'b1) >> $clog2(P);
            s_words_d = (n_c + m_c - 1'b1 + P_C - 1'b1) >> $clog2(P);
            x_shift_d = SW'(P_C - ((P_C - (n_c & (P_C - 1'b1))) & (P_C - 1'b1)));
            passes_d = (m_c + W_C - 1'b1) >> $clog2(W);
            last_r_d = WP_C + ((n_c + P_C - 1'b1) >> $clog2(P)) - 1'b1;
            for (int w = 0; w < W; w++) begin
              last_mask_d[w] = (tail_c == '0) || ($clog2(W)'(w) < tail_c);
            end
            x_wcnt_d = '0;
            s_wcnt_d = '0;
            x_done_d = 1'b0;
            s_done_d = 1'b0;
            x_prev_d = '0;
            acc_d = '0;
          end
        end
      end
      ST_LOAD: begin
        if (x_fire) begin
          x_wcnt_d = x_wcnt_q + 1'b1;
          x_prev_d = s_axis_x_tdata;
          if (s_axis_x_tlast) x_done_d = 1'b1;
        end
        if (s_fire) begin
          s_wcnt_d = s_wcnt_q + 1'b1;
          if (s_axis_seed_tlast) s_done_d = 1'b1;
        end
        if (x_done_q && s_done_q) begin
          state_d = ST_RUN;
          rd_cnt_d = '0;
          top_d = x_words_q - 1'b1 + WP_C;
        end
      end
      ST_RUN: begin
        if (issue) begin
          if (rd_last) begin
            rd_cnt_d = '0;
            top_d = top_q + WP_C;
            passes_d = passes_q - 1'b1;
            if (passes_q == CW'(1)) state_d = ST_DRAIN;
          end else begin
            rd_cnt_d = rd_cnt_q + 1'b1;
          end
        end
      end
      ST_DRAIN: begin
        if (!s1_valid_q && !out_valid_q) state_d = ST_IDLE;
      end
      default: state_d = ST_IDLE;
    endcase

    // Stage 1 bookkeeping for the read issued this cycle.
    s1_valid_d = issue;
    s1_acc_d = issue && (rd_cnt_q >= WP_C);
    s1_last_d = issue && rd_last;
    s1_final_d = issue && rd_last && (passes_q == CW'(1));
    s1_seed_ok_d = s_raddr_c < s_words_q;

    // Compute stage.
    if (s1_valid_q) sr_d = window[W-2:0];
    if (s1_acc_q) acc_d = acc_next;
    if (s1_last_q) begin
      out_data_d = acc_next & (s1_final_q ? last_mask_q : {W{1'b1}});
      out_valid_d = 1'b1;
      out_last_d = s1_final_q;
      acc_d = '0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state_q <= ST_IDLE;
      cfg_err_q <= 1'b0;
      x_done_q <= 1'b0;
      s_done_q <= 1'b0;
      s1_valid_q <= 1'b0;
      s1_acc_q <= 1'b0;
      s1_last_q <= 1'b0;
      s1_final_q <= 1'b0;
      out_valid_q <= 1'b0;
      out_last_q <= 1'b0;
    end else begin
      state_q <= state_d;
      cfg_err_q <= cfg_err_d;
      x_done_q <= x_done_d;
      s_done_q <= s_done_d;
      s1_valid_q <= s1_valid_d;
      s1_acc_q <= s1_acc_d;
      s1_last_q <= s1_last_d;
      s1_final_q <= s1_final_d;
      out_valid_q <= out_valid_d;
      out_last_q <= out_last_d;
    end
  end

  always_ff @(posedge clk) begin
    x_words_q <= x_words_d;
    s_words_q <= s_words_d;
    x_shift_q <= x_shift_d;
    passes_q <= passes_d;
    last_r_q <= last_r_d;
    last_mask_q <= last_mask_d;
    x_wcnt_q <= x_wcnt_d;
    s_wcnt_q <= s_wcnt_d;
    x_prev_q <= x_prev_d;
    rd_cnt_q <= rd_cnt_d;
    top_q <= top_d;
    s1_seed_ok_q <= s1_seed_ok_d;
    sr_q <= sr_d;
    acc_q <= acc_d;
    out_data_q <= out_data_d;
  end

  // ---------------------------------------------------------------------------------------------
  // Handshake properties, checked every cycle in simulation (Verilator --assert; yosys defines
  // SYNTHESIS and skips them): the output holds valid, data and last while valid && !ready, and
  // a finished pass always finds the output register free.
`ifndef SYNTHESIS
  logic chk_armed_q, chk_stall_q, chk_last_q;
  logic [W-1:0] chk_data_q;
  always_ff @(posedge clk) begin
    if (rst) begin
      chk_armed_q <= 1'b0;
      chk_stall_q <= 1'b0;
    end else begin
      chk_armed_q <= 1'b1;
      chk_stall_q <= m_axis_y_tvalid && !m_axis_y_tready;
    end
    chk_data_q <= m_axis_y_tdata;
    chk_last_q <= m_axis_y_tlast;
    if (chk_armed_q && !rst) begin
      if (chk_stall_q) begin
        assert (m_axis_y_tvalid)
        else $error("qkd_toeplitz: m_axis_y_tvalid dropped before it was accepted");
        assert (m_axis_y_tdata == chk_data_q && m_axis_y_tlast == chk_last_q)
        else $error("qkd_toeplitz: m_axis_y_tdata/tlast changed while valid && !ready");
      end
      if (s1_last_q) begin
        assert (!out_valid_q || m_axis_y_tready)
        else $error("qkd_toeplitz: a pass finished while the output register was full");
      end
    end
  end
`endif

  assign busy_o = (state_q != ST_IDLE);
  assign cfg_err_o = cfg_err_q;
  assign m_axis_y_tdata = out_data_q;
  assign m_axis_y_tvalid = out_valid_q;
  assign m_axis_y_tlast = out_last_q;

endmodule

`default_nettype wire
