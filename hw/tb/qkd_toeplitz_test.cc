// qkd_toeplitz_test: drives the Verilated qkd_toeplitz core (hw/rtl/qkd_toeplitz.sv) at several
// (W, P) configurations and compares every output bit with the C reference
// qkd_toeplitz_hash(..., QKD_TOEPLITZ_DIRECT). Each configuration runs the grid
// {no idle, random idle} x {no backpressure, random backpressure} on random sizes (odd sizes,
// m = 1, m = n, the maximum sizes), and every cycle checks the AXI-Stream rules on the output:
// valid does not depend on ready, and valid, data and last hold while valid && !ready. The RTL's own
// assertions (hw/rtl/qkd_toeplitz.sv, enabled with verilator --assert) run too and fail the test.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <verilated.h>
#include <verilated_fst_c.h>

#include "Vqkd_toeplitz_w128p128k3.h"
#include "Vqkd_toeplitz_w2p1k0.h"
#include "Vqkd_toeplitz_w64p32k0.h"
#include "Vqkd_toeplitz_w64p32k3.h"
#include "Vqkd_toeplitz_w8p4k2.h"
#include "qkd/toeplitz.h"

// Verilator's runtime calls sc_time_stamp() only in SystemC-less builds that use the legacy API;
// provide it so the harness links either way.
double sc_time_stamp() { return 0; }

namespace {

using Bits = std::vector<uint8_t>;  // LSB-first bit string, ceil(L/8) bytes

bool get_bit(const Bits &b, size_t k) { return k / 8 < b.size() && ((b[k / 8] >> (k % 8)) & 1); }
void set_bit(Bits &b, size_t k, bool v) {
  if (v) b[k / 8] |= static_cast<uint8_t>(1u << (k % 8));
}

// Verilator model ports are references to the model's storage; Port<> is the value type.
template <class T>
using Port = std::remove_cv_t<std::remove_reference_t<T>>;

// Port access for the Verilator port types: integral types up to 64 bits, VlWide above.
template <class T>
void put_port(T &port, const Bits &src, size_t off, int width) {
  if constexpr (std::is_integral_v<T>) {
    T v = 0;
    for (int b = 0; b < width; ++b)
      if (get_bit(src, off + static_cast<size_t>(b))) v = static_cast<T>(v | (T{1} << b));
    port = v;
  } else {
    for (int wd = 0; wd < (width + 31) / 32; ++wd) port[wd] = 0;
    for (int b = 0; b < width; ++b)
      if (get_bit(src, off + static_cast<size_t>(b))) port[b / 32] |= 1u << (b % 32);
  }
}

template <class T>
bool port_bit(const T &port, int b) {
  if constexpr (std::is_integral_v<T>) {
    return (port >> b) & 1;
  } else {
    return (port[b / 32] >> (b % 32)) & 1;
  }
}

template <class T>
bool port_eq(const T &a, const T &b, int width) {
  for (int k = 0; k < width; ++k)
    if (port_bit(a, k) != port_bit(b, k)) return false;
  return true;
}

// Set by main() when the test runs with +trace: every harness then writes an FST waveform.
bool g_trace = false;

template <class M, int W_, int P_, int K_, int MAX_N_, int MAX_M_>
struct Config {
  using Model = M;
  static constexpr int W = W_;
  static constexpr int P = P_;
  static constexpr int K = K_;  // KARATSUBA levels
  static constexpr int MAX_N = MAX_N_;
  static constexpr int MAX_M = MAX_M_;
};

// The (W, P, K) triples match hw/CMakeLists.txt, which also passes MAX_N and MAX_M. Small has
// Karatsuba down to 1 x 1 leaves; Default and DefaultKaratsuba differ only in the block product.
using Bitserial = Config<Vqkd_toeplitz_w2p1k0, 2, 1, 0, QKD_TB_W2P1K0_MAX_N, QKD_TB_W2P1K0_MAX_M>;
using Small = Config<Vqkd_toeplitz_w8p4k2, 8, 4, 2, QKD_TB_W8P4K2_MAX_N, QKD_TB_W8P4K2_MAX_M>;
using Default =
    Config<Vqkd_toeplitz_w64p32k0, 64, 32, 0, QKD_TB_W64P32K0_MAX_N, QKD_TB_W64P32K0_MAX_M>;
using DefaultKaratsuba =
    Config<Vqkd_toeplitz_w64p32k3, 64, 32, 3, QKD_TB_W64P32K3_MAX_N, QKD_TB_W64P32K3_MAX_M>;
using Wide = Config<Vqkd_toeplitz_w128p128k3, 128, 128, 3, QKD_TB_W128P128K3_MAX_N,
                    QKD_TB_W128P128K3_MAX_M>;

struct Mode {
  bool idle;          // random idle cycles on both sinks
  bool backpressure;  // random tready low on the source
};

template <class C>
class Harness {
 public:
  using Model = typename C::Model;

  explicit Harness(uint32_t seed) : ctx_(std::make_unique<VerilatedContext>()), rng_(seed) {
    ctx_->randReset(2);
    // The RTL's handshake assertions ($error) mark the context instead of aborting the process;
    // Tick() turns them into test failures.
    ctx_->fatalOnError(false);
    model_ = std::make_unique<Model>(ctx_.get(), "top");
    // Opt-in waveforms: qkd_toeplitz_test +trace writes <suite>.<test>.fst in the working directory.
    if (g_trace) {
      const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
      std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "tb";
      for (char &c : name)
        if (c == '/') c = '_';
      ctx_->traceEverOn(true);
      trace_ = std::make_unique<VerilatedFstC>();
      model_->trace(trace_.get(), 99);
      trace_->open((name + ".fst").c_str());
    }
    model_->clk = 0;
    model_->rst = 1;
    model_->start_i = 0;
    model_->s_axis_x_tvalid = 0;
    model_->s_axis_seed_tvalid = 0;
    model_->m_axis_y_tready = 0;
    for (int i = 0; i < 4; ++i) Tick();
    model_->rst = 0;
    Tick();
  }

  ~Harness() {
    model_->final();
    if (trace_) trace_->close();
  }

  // Run one hash of n input bits into m output bits; returns the output bits collected from the
  // core (ceil(m/W)*W bits) and checks the stream framing and handshakes on the way.
  Bits Hash(size_t n, size_t m, const Bits &x, const Bits &s, Mode mode) {
    constexpr int W = C::W, P = C::P;
    EXPECT_FALSE(model_->busy_o);
    model_->start_i = 1;
    model_->n_i = static_cast<Port<decltype(model_->n_i)>>(n);
    model_->m_i = static_cast<Port<decltype(model_->m_i)>>(m);
    Tick();
    model_->start_i = 0;
    EXPECT_TRUE(model_->busy_o) << "start refused for n=" << n << " m=" << m;
    EXPECT_FALSE(model_->cfg_err_o);

    const size_t x_words = (n + P - 1) / P, s_words = (n + m - 1 + P - 1) / P;
    const size_t y_words = (m + W - 1) / W;
    size_t xi = 0, si = 0;
    bool xv = false, sv = false;
    Bits y((y_words * W + 7) / 8, 0);
    size_t yi = 0;
    bool prev_y_stall = false;
    Port<decltype(model_->m_axis_y_tdata)> prev_y_data{};
    bool prev_y_last = false;
    // Backpressure alternates between light and heavy stalling from hash to hash, so that short
    // passes also find the output word still waiting.
    const double stall_p = std::bernoulli_distribution(0.5)(rng_) ? 0.3 : 0.85;
    const uint64_t limit =
        64 + 4 * (x_words + s_words) + y_words * ((x_words + W / P + 4) * 8 + 200);
    std::bernoulli_distribution idle(0.3), stall(stall_p);

    for (uint64_t cyc = 0; cyc < limit && (model_->busy_o || yi < y_words); ++cyc) {
      // Sinks: once valid, a word is held until accepted.
      if (!xv && xi < x_words) xv = !(mode.idle && idle(rng_));
      if (!sv && si < s_words) sv = !(mode.idle && idle(rng_));
      model_->s_axis_x_tvalid = xv;
      model_->s_axis_seed_tvalid = sv;
      if (xv) {
        put_port(model_->s_axis_x_tdata, x, xi * P, P);
        model_->s_axis_x_tlast = xi + 1 == x_words;
      }
      if (sv) {
        put_port(model_->s_axis_seed_tdata, s, si * P, P);
        model_->s_axis_seed_tlast = si + 1 == s_words;
      }
      const bool ready = !(mode.backpressure && stall(rng_));

      // Valid may not depend on ready: evaluate with both values of tready.
      model_->m_axis_y_tready = !ready;
      model_->eval();
      const bool yv_alt = model_->m_axis_y_tvalid;
      model_->m_axis_y_tready = ready;
      model_->eval();
      const bool yv = model_->m_axis_y_tvalid;
      EXPECT_EQ(yv, yv_alt) << "m_axis_y_tvalid depends on m_axis_y_tready at cycle " << cyc;

      // Valid, data and last hold while valid && !ready.
      if (prev_y_stall) {
        EXPECT_TRUE(yv) << "m_axis_y_tvalid dropped before acceptance at cycle " << cyc;
        EXPECT_TRUE(port_eq(prev_y_data, model_->m_axis_y_tdata, W))
            << "m_axis_y_tdata changed while stalled at cycle " << cyc;
        EXPECT_EQ(prev_y_last, static_cast<bool>(model_->m_axis_y_tlast))
            << "m_axis_y_tlast changed while stalled at cycle " << cyc;
      }
      prev_y_stall = yv && !ready;
      prev_y_data = model_->m_axis_y_tdata;
      prev_y_last = model_->m_axis_y_tlast;

      const bool x_fire = xv && model_->s_axis_x_tready;
      const bool s_fire = sv && model_->s_axis_seed_tready;
      if (yv && ready) {
        if (yi < y_words) {
          for (int b = 0; b < W; ++b)
            set_bit(y, yi * W + static_cast<size_t>(b), port_bit(model_->m_axis_y_tdata, b));
        }
        EXPECT_EQ(static_cast<bool>(model_->m_axis_y_tlast), yi + 1 == y_words)
            << "tlast wrong on output word " << yi << " of " << y_words;
        ++yi;
      }
      Tick();
      if (x_fire) {
        ++xi;
        xv = false;
      }
      if (s_fire) {
        ++si;
        sv = false;
      }
    }
    EXPECT_EQ(xi, x_words) << "x words accepted";
    EXPECT_EQ(si, s_words) << "seed words accepted";
    EXPECT_EQ(yi, y_words) << "output words";
    EXPECT_FALSE(model_->busy_o) << "core still busy after the hash (n=" << n << " m=" << m << ")";
    model_->s_axis_x_tvalid = 0;
    model_->s_axis_seed_tvalid = 0;
    model_->m_axis_y_tready = 0;
    return y;
  }

  bool TryStart(size_t n, size_t m) {
    model_->start_i = 1;
    model_->n_i = static_cast<Port<decltype(model_->n_i)>>(n);
    model_->m_i = static_cast<Port<decltype(model_->m_i)>>(m);
    Tick();
    model_->start_i = 0;
    return model_->busy_o;
  }
  bool CfgErr() const { return model_->cfg_err_o; }
  uint64_t Cycles() const { return cycles_; }
  std::mt19937_64 &Rng() { return rng_; }

 private:
  void Tick() {
    model_->clk = 0;
    model_->eval();
    Dump();
    ctx_->timeInc(1);
    model_->clk = 1;
    model_->eval();
    Dump();
    ctx_->timeInc(1);
    model_->clk = 0;
    model_->eval();
    ++cycles_;
    if (ctx_->gotError()) {
      ADD_FAILURE() << "RTL assertion failed at cycle " << cycles_;
      ctx_->gotError(false);
    }
  }

  void Dump() {
    if (trace_) trace_->dump(ctx_->time());
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedFstC> trace_;
  std::mt19937_64 rng_;
  uint64_t cycles_ = 0;
};

Bits RandomBits(std::mt19937_64 &rng, size_t len) {
  Bits b((len + 7) / 8);
  for (auto &v : b) v = static_cast<uint8_t>(rng());
  return b;  // bits past len are random too: the core must ignore them
}

// Runs one hash through the core and checks every output bit (bits past m must be zero).
template <class C>
void CheckOne(Harness<C> &h, size_t n, size_t m, Mode mode) {
  constexpr int W = C::W;
  Bits x = RandomBits(h.Rng(), n), s = RandomBits(h.Rng(), n + m - 1);
  Bits want((m + 7) / 8);
  ASSERT_EQ(qkd_toeplitz_hash(want.data(), m, x.data(), n, s.data(), QKD_TOEPLITZ_DIRECT), QKD_OK);
  Bits got = h.Hash(n, m, x, s, mode);
  const size_t total = (m + W - 1) / W * W;
  size_t bad = 0;
  for (size_t i = 0; i < total; ++i) {
    const bool expect = i < m && get_bit(want, i);
    if (get_bit(got, i) != expect && ++bad <= 4)
      ADD_FAILURE() << "n=" << n << " m=" << m << " output bit " << i << " is " << !expect;
  }
  EXPECT_EQ(bad, 0u) << "mismatching bits for n=" << n << " m=" << m;
}

// Sizes: the edges (1, m = 1, m = n, the maxima, around multiples of P and W) and random ones.
template <class C>
std::vector<std::pair<size_t, size_t>> Sizes(std::mt19937_64 &rng, int randoms) {
  constexpr size_t MN = C::MAX_N, MM = C::MAX_M, P = C::P, W = C::W;
  std::vector<std::pair<size_t, size_t>> v = {
      {1, 1},           {2, 1},          {2, 2},          {MN, MM},        {MN, 1},
      {MM, MM},         {MN - 1, MM - 1}, {P, 1},          {P + 1, P + 1},  {2 * P - 1, P},
      {W + 1, W},       {W - 1, W - 1},  {3 * W + 5, W + 1},
  };
  std::vector<std::pair<size_t, size_t>> out;
  for (auto [n, m] : v)
    if (n >= 1 && m >= 1 && m <= n && n <= MN && m <= MM) out.emplace_back(n, m);
  for (int i = 0; i < randoms; ++i) {
    const size_t n = std::uniform_int_distribution<size_t>(1, MN)(rng);
    const size_t m = std::uniform_int_distribution<size_t>(1, std::min(n, MM))(rng);
    out.emplace_back(n, m);
  }
  return out;
}

template <class C>
class QkdToeplitzRtl : public ::testing::Test {
 protected:
  void RunGrid(Mode mode, uint32_t seed) {
    Harness<C> h(seed);
    for (auto [n, m] : Sizes<C>(h.Rng(), 150)) {
      CheckOne(h, n, m, mode);
      if (HasFailure()) return;  // one broken hash is enough detail
    }
  }
};

using Configs = ::testing::Types<Bitserial, Small, Default, DefaultKaratsuba, Wide>;
class ConfigNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return "W" + std::to_string(T::W) + "P" + std::to_string(T::P) + "K" + std::to_string(T::K);
  }
};
TYPED_TEST_SUITE(QkdToeplitzRtl, Configs, ConfigNames);

TYPED_TEST(QkdToeplitzRtl, MatchesDirectNoIdleNoBackpressure) { this->RunGrid({false, false}, 1); }
TYPED_TEST(QkdToeplitzRtl, MatchesDirectRandomIdleNoBackpressure) {
  this->RunGrid({true, false}, 2);
}
TYPED_TEST(QkdToeplitzRtl, MatchesDirectNoIdleRandomBackpressure) {
  this->RunGrid({false, true}, 3);
}
TYPED_TEST(QkdToeplitzRtl, MatchesDirectRandomIdleRandomBackpressure) {
  this->RunGrid({true, true}, 4);
}

TYPED_TEST(QkdToeplitzRtl, IllegalSizesAreRefusedAndFlagged) {
  using C = TypeParam;
  Harness<C> h(5);
  const std::pair<size_t, size_t> bad[] = {{0, 0}, {0, 1}, {4, 0}, {1, 2}};
  for (auto [n, m] : bad) {
    EXPECT_FALSE(h.TryStart(n, m)) << "n=" << n << " m=" << m;
    EXPECT_TRUE(h.CfgErr()) << "n=" << n << " m=" << m;
  }
  // A legal start afterwards clears the flag and hashes correctly.
  CheckOne(h, C::MAX_N, 1, Mode{true, true});
  EXPECT_FALSE(h.CfgErr());
}

// Throughput: without idle or backpressure a hash takes about ceil(m/W) * (ceil(n/P) + W/P)
// cycles after the load (docs/hardware.md); check the bound at the maximum sizes.
TYPED_TEST(QkdToeplitzRtl, CyclesMatchTheDocumentedBound) {
  using C = TypeParam;
  Harness<C> h(6);
  const size_t n = C::MAX_N, m = C::MAX_M;
  const uint64_t before = h.Cycles();
  CheckOne(h, n, m, Mode{false, false});
  const uint64_t cycles = h.Cycles() - before;
  const uint64_t load = (n + m - 1 + C::P - 1) / C::P;  // the seed is the longer stream
  const uint64_t run = (m + C::W - 1) / C::W * ((n + C::P - 1) / C::P + C::W / C::P);
  EXPECT_LE(cycles, load + run + 8) << "load " << load << " run " << run;
  this->RecordProperty("cycles", std::to_string(cycles));
}

}  // namespace

// gtest takes its own flags out of argv; what is left goes to Verilator, so the standard plusargs
// work too. +trace turns on the waveforms.
int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  Verilated::commandArgs(argc, argv);
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "+trace") g_trace = true;
  return RUN_ALL_TESTS();
}
