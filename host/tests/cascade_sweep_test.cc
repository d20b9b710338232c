// Slow sweep: many frames per QBER and size; reports residual failures.
#include <gtest/gtest.h>

#include <vector>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/rng.h"

TEST(CascadeSweepTest, EqualFramesOverManyRandomFrames) {
  int failures = 0, frames = 0;
  for (double q : {0.005, 0.01, 0.02, 0.03, 0.05, 0.065, 0.08})
    for (size_t n : {1021u, 16384u, 100003u, 1u << 18})
      for (uint64_t s = 0; s < (n > 100000 ? 10u : 300u); s++) {
        struct qkd_rng rng;
        qkd_rng_seed(&rng, s * 7919 + n);
        std::vector<uint8_t> a(qkd_bits_nbytes(n)), b;
        qkd_rng_fill_bits(&rng, a.data(), n);
        b = a;
        for (size_t k = 0; k < n; k++)
          if (qkd_rng_double(&rng) < q) qkd_bit_flip(b.data(), k);
        struct qkd_cascade_params p;
        qkd_cascade_params_choose(&p, n, q);
        ASSERT_EQ(qkd_cascade_reconcile_local(b.data(), a.data(), n, &p, s, nullptr), QKD_OK);
        frames++;
        if (b != a) {
          failures++;
          ADD_FAILURE() << "residual errors: q=" << q << " n=" << n << " seed=" << s;
        }
      }
  RecordProperty("frames", frames);
  RecordProperty("failures", failures);
}
