/* pipeline.h: the whole post-processing of one block, both nodes in one process.
 *
 * qkd_pipeline_run takes Alice's and Bob's event records and runs, for each node
 * on its own data, sifting, parameter estimation, Cascade (frame by frame),
 * verification, the finite-key length and Toeplitz privacy amplification. The
 * nodes share nothing but the message bytes that would cross the classical
 * channel; the pipeline relays them in memory and counts them. */
#ifndef QKD_PIPELINE_H
#define QKD_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qkd/bb84sim.h"
#include "qkd/err.h"
#include "qkd/estimate.h"
#include "qkd/keylen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_run_config: protocol settings; qkd_run_config_default() fills sane values. */
struct qkd_run_config {
  double mu[3], p_mu[3];  /* Alice's source settings (for the decoy bound) */
  double qber_threshold;  /* abort when the QBER upper bound exceeds it (0.11) */
  double eps_pe;          /* failure probability of the QBER bound (1e-10) */
  double eps_sec;         /* secrecy parameter (1e-10) */
  size_t frame_bits;      /* Cascade frame size (2^17) */
  size_t min_frame_bits;  /* a shorter remainder of the sifted key is dropped (4096) */
  uint64_t seed;          /* protocol randomness: permutation seeds, hash keys, PA seed */
  bool seed_from_os;      /* draw protocol randomness from getrandom() instead of |seed| */
};

void qkd_run_config_default(struct qkd_run_config *cfg);

/* qkd_run_result: what happened, for reports. Keys are owned by the result. */
struct qkd_run_result {
  bool aborted;
  char abort_reason[200];
  uint64_t detections;
  uint64_t sifted_key_bits, sifted_test_bits;
  struct qkd_test_counts test;
  struct qkd_qber_est qber;
  uint64_t frames, frames_verified, frames_discarded;
  uint64_t reconciled_bits; /* key-basis bits in verified frames: the PA input */
  uint64_t errors_corrected, disclosed_bits, verify_bits, round_trips;
  double qber_key;    /* errors corrected / reconciled bits */
  double efficiency;  /* Cascade disclosed / (reconciled * h(qber_key)) */
  double eps_cor;     /* summed verification collision bound */
  struct qkd_keylen_result keylen;
  uint64_t final_bits;
  bool keys_equal;
  uint64_t bytes_alice_to_bob, bytes_bob_to_alice;
  double seconds_sift, seconds_estimate, seconds_cascade, seconds_verify, seconds_pa;
  uint8_t *alice_key, *bob_key; /* final_bits each; wiped by qkd_run_result_cleanup */
};

/* qkd_run_result_cleanup wipes the keys and zeroes |r|. */
void qkd_run_result_cleanup(struct qkd_run_result *r);

/* qkd_pipeline_run processes one block. Returns QKD_OK when final keys were
 * produced; QKD_ERR_ABORT when the protocol aborted (QBER bound above threshold,
 * no frame verified, or a finite-key length of zero): |out->aborted| is set, the
 * reason is in |out->abort_reason| and no key is produced. Other errors:
 * QKD_ERR_INVALID (bad config), QKD_ERR_PROTOCOL (a message failed to parse, which
 * means a bug or tampering), QKD_ERR_NOMEM, QKD_ERR_IO. The result is filled as far
 * as the run got, in every case. */
enum qkd_err qkd_pipeline_run(struct qkd_run_result *out, const struct qkd_run_config *cfg,
                              const struct qkd_alice_events *alice,
                              const struct qkd_bob_events *bob);

#ifdef __cplusplus
}
#endif

#endif /* QKD_PIPELINE_H */
