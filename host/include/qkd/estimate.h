/* estimate.h: parameter estimation from the disclosed test-basis bits.
 *
 * Bob discloses his test-basis (X) bits; Alice counts, per intensity class, the
 * test events and the errors, and returns the counts so that both nodes hold the
 * same numbers. The QBER bound adds a Hoeffding finite-size term to the observed
 * test-basis error rate; a bound above the threshold aborts the block before any
 * key-basis information is disclosed. */
#ifndef QKD_ESTIMATE_H
#define QKD_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"
#include "qkd/sift.h"
#include "qkd/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_test_counts holds test-basis events and errors per intensity class. */
struct qkd_test_counts {
  uint64_t n[3];
  uint64_t errors[3];
};

/* qkd_qber_est is the estimate both nodes derive from the same counts. */
struct qkd_qber_est {
  uint64_t n, errors; /* totals over the classes */
  double qber;        /* errors / n */
  double qber_upper;  /* qber + sqrt(ln(1/eps) / (2 n)), capped at 0.5 */
};

/* qkd_est_bob_announce appends Bob's QKD_MSG_EST_TEST message (his test bits) to
 * |msg|. Returns QKD_ERR_NOMEM. */
enum qkd_err qkd_est_bob_announce(struct qkd_buf *msg, const struct qkd_sifted *bob);

/* qkd_est_alice parses Bob's test bits, writes the counts to |out| and appends the
 * QKD_MSG_EST_RESULT message to |reply|. Returns QKD_ERR_PROTOCOL when the message
 * is malformed or its length differs from Alice's test-basis count, QKD_ERR_NOMEM. */
enum qkd_err qkd_est_alice(struct qkd_test_counts *out, struct qkd_buf *reply,
                           const struct qkd_sifted *alice, const uint8_t *msg, size_t msg_len);

/* qkd_est_bob parses Alice's counts into |out|. Returns QKD_ERR_PROTOCOL when the
 * message is malformed, an error count exceeds its event count, or the per-class
 * event counts differ from Bob's own. */
enum qkd_err qkd_est_bob(struct qkd_test_counts *out, const struct qkd_sifted *bob,
                         const uint8_t *reply, size_t reply_len);

/* qkd_est_qber computes the QBER and its upper bound with failure probability
 * |eps| (0 < eps < 1) from |counts|. With no test events the bound is 0.5. */
void qkd_est_qber(struct qkd_qber_est *out, const struct qkd_test_counts *counts, double eps);

#ifdef __cplusplus
}
#endif

#endif /* QKD_ESTIMATE_H */
