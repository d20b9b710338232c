`default_nettype none
// qkd_tmvp: combinational B x B Toeplitz matrix-vector product over GF(2), optionally through
// LEVELS levels of the Karatsuba-style two-way split (docs/hardware.md, "Sub-quadratic block
// product").
//
//   y[r] = XOR over c in [0,B) of (T[r][c] AND x[c]),  T[r][c] = t[r - c + B - 1],  r in [0,B).
//
// The split: with h = B/2, T = [[A, U], [L, A]] where A, U, L are h x h Toeplitz blocks given by
// t[h +: B-1], t[0 +: B-1] and t[B +: B-1]. Then
//   P0 = A (x0 + x1),  P1 = (U + A) x1,  P2 = (L + A) x0,  y0 = P0 + P1,  y1 = P0 + P2,
// three half-size products instead of four, for 2(B-1) + h + B extra XORs. After LEVELS levels the
// 3**LEVELS leaf products of size B/2**LEVELS are direct AND-XOR arrays: B**2 AND terms become
// 3**LEVELS (B/2**LEVELS)**2, i.e. (3/4)**LEVELS of them.
module qkd_tmvp #(
    // B: block size (rows, columns and bits of x_i and y_o); a power of two, 1 .. 4096.
    parameter int B = 32,
    // LEVELS: Karatsuba levels above the direct leaf arrays; 0 .. log2(B) (0 = direct array).
    parameter int LEVELS = 0
) (
    input  wire logic [2*B-2:0] t_i,  // the 2B-1 values of the Toeplitz diagonals
    input  wire logic [  B-1:0] x_i,
    output      logic [  B-1:0] y_o
);

  if (B < 1 || B > 4096 || (B & (B - 1)) != 0) begin : g_bad_b
    $error("qkd_tmvp: B must be a power of two in 1 .. 4096");
  end
  if (LEVELS < 0 || (B >> LEVELS) < 1) begin : g_bad_levels
    $error("qkd_tmvp: LEVELS must be in 0 .. log2(B)");
  end

  if (LEVELS == 0 || B == 1) begin : g_direct
    // One reduction XOR per row (a balanced tree in synthesis, not a B-long chain).
    always_comb begin
      logic [B-1:0] row;
      for (int r = 0; r < B; r++) begin
        for (int c = 0; c < B; c++) row[c] = t_i[r-c+B-1] & x_i[c];
        y_o[r] = ^row;
      end
    end
  end else begin : g_split
    localparam int H = B / 2;
    logic [B-2:0] t_a, t_ua, t_la;
    logic [H-1:0] x_sum, p0, p1, p2;

    assign t_a  = t_i[H+:B-1];
    assign t_ua = t_i[0+:B-1] ^ t_a;
    assign t_la = t_i[B+:B-1] ^ t_a;
    assign x_sum = x_i[0+:H] ^ x_i[H+:H];

    qkd_tmvp #(
        .B(H),
        .LEVELS(LEVELS - 1)
    ) u_p0 (
        .t_i(t_a),
        .x_i(x_sum),
        .y_o(p0)
    );
    qkd_tmvp #(
        .B(H),
        .LEVELS(LEVELS - 1)
    ) u_p1 (
        .t_i(t_ua),
        .x_i(x_i[H+:H]),
        .y_o(p1)
    );
    qkd_tmvp #(
        .B(H),
        .LEVELS(LEVELS - 1)
    ) u_p2 (
        .t_i(t_la),
        .x_i(x_i[0+:H]),
        .y_o(p2)
    );

    assign y_o = {p0 ^ p2, p0 ^ p1};
  end

endmodule

`default_nettype wire
