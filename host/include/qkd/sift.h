/* sift.h: basis sifting, run by each node on its own data.
 *
 * Bob announces which pulses he detected and in which basis; Alice answers with
 * her basis and the intensity class of each of those pulses (the decoy method
 * announces classes). Each side then keeps the events where the bases agree,
 * split into key-basis (Z) bits, which become key, and test-basis (X) bits, which
 * are disclosed for parameter estimation. Messages are the bytes that cross the
 * classical channel (layout in docs/protocol.md). */
#ifndef QKD_SIFT_H
#define QKD_SIFT_H

#include <stddef.h>
#include <stdint.h>

#include "qkd/bb84sim.h"
#include "qkd/err.h"
#include "qkd/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QKD_BASIS_KEY 0  /* Z: bits become key */
#define QKD_BASIS_TEST 1 /* X: bits are disclosed to estimate errors */

/* qkd_sifted is one node's sifted data. |key| and |test| are bit strings in the
 * design's convention; |key_class| and |test_class| hold the intensity class
 * (0 signal, 1 decoy, 2 vacuum) of each bit, one byte per bit. */
struct qkd_sifted {
  size_t key_len;
  uint8_t *key; /* secret: wiped on cleanup */
  uint8_t *key_class;
  size_t test_len;
  uint8_t *test;
  uint8_t *test_class;
};

/* qkd_sifted_cleanup wipes and frees |s| and zeroes it; safe on a zeroed struct. */
void qkd_sifted_cleanup(struct qkd_sifted *s);

/* qkd_sift_bob_announce appends Bob's QKD_MSG_SIFT_DETECT message for |bob| to |msg|.
 * Returns QKD_ERR_NOMEM. */
enum qkd_err qkd_sift_bob_announce(struct qkd_buf *msg, const struct qkd_bob_events *bob);

/* qkd_sift_alice parses Bob's announcement |msg|, appends Alice's
 * QKD_MSG_SIFT_REPLY to |reply| and fills |out| with Alice's sifted data.
 * Returns QKD_ERR_PROTOCOL for a malformed announcement (wrong type or version,
 * truncated, trailing bytes, index beyond Alice's pulses), QKD_ERR_NOMEM. On
 * error |out| is left zeroed. */
enum qkd_err qkd_sift_alice(struct qkd_sifted *out, struct qkd_buf *reply,
                            const struct qkd_alice_events *alice, const uint8_t *msg,
                            size_t msg_len);

/* qkd_sift_bob parses Alice's |reply| and fills |out| with Bob's sifted data.
 * Returns QKD_ERR_PROTOCOL for a malformed reply or one whose count differs from
 * Bob's detections, QKD_ERR_NOMEM. On error |out| is left zeroed. */
enum qkd_err qkd_sift_bob(struct qkd_sifted *out, const struct qkd_bob_events *bob,
                          const uint8_t *reply, size_t reply_len);

#ifdef __cplusplus
}
#endif

#endif /* QKD_SIFT_H */
