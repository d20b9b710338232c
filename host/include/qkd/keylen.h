/* keylen.h: finite-key secret length for decoy-state BB84.
 *
 * Implements the bound of C. C. W. Lim, M. Curty, N. Walenta, F. Xu and H. Zbinden,
 * "Concise security bounds for practical decoy-state quantum key distribution",
 * Phys. Rev. A 89, 022307 (2014), for three intensities mu1 > mu2 + mu3, mu2 > mu3 >= 0,
 * with the key basis (here Z) and the test basis (here X) swapped relative to the
 * paper's naming, and with per-class multiplicative Chernoff bounds in place of
 * the paper's Hoeffding term. docs/keylength.md gives every formula. */
#ifndef QKD_KEYLEN_H
#define QKD_KEYLEN_H

#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_keylen_params are the source settings and security parameters. */
struct qkd_keylen_params {
  double mu[3];   /* intensities, signal first */
  double p_mu[3]; /* probability of each intensity */
  double eps_sec; /* secrecy parameter, e.g. 1e-10 */
  double eps_cor; /* correctness parameter: the verification hash collision bound */
};

/* qkd_keylen_input are the observed counts, identical on both nodes. */
struct qkd_keylen_input {
  uint64_t n_key[3];  /* key-basis bits per intensity class (the PA input) */
  uint64_t n_test[3]; /* test-basis events per class */
  uint64_t m_test[3]; /* test-basis errors per class */
  uint64_t leak_ec;   /* bits disclosed by reconciliation and verification */
};

/* qkd_keylen_result holds the bounds and the length. */
struct qkd_keylen_result {
  double s_key0, s_key1;   /* lower bounds: vacuum and single-photon key-basis events */
  double s_test1;          /* lower bound: single-photon test-basis events */
  double v_test1;          /* upper bound: single-photon test-basis errors */
  double phase_error;      /* upper bound on the single-photon phase error rate */
  double length_real;      /* the formula before flooring (may be negative) */
  uint64_t length;         /* secret bits, 0 when the formula gives none */
};

/* qkd_keylen_compute evaluates the bound. Returns QKD_ERR_INVALID when the
 * intensities or probabilities violate the bound's conditions or an epsilon is
 * outside (0, 1). A zero |out->length| is not an error: the caller aborts. */
enum qkd_err qkd_keylen_compute(struct qkd_keylen_result *out,
                                const struct qkd_keylen_params *params,
                                const struct qkd_keylen_input *in);

/* qkd_h2 returns the binary entropy of |p| (0 for p <= 0 or p >= 1). */
double qkd_h2(double p);

#ifdef __cplusplus
}
#endif

#endif /* QKD_KEYLEN_H */
