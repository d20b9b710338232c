/* cascade.h: the C reference Cascade reconciliation (the oracle the RTL core mirrors).
 *
 * Bob corrects his frame towards Alice's. The two roles talk only through byte
 * messages (docs/protocol.md, "Cascade batches"): Bob sends a request batch that
 * names the parities he wants (pass, range), Alice answers with the parity bits
 * only. The disclosed information is exactly the number of parity bits in
 * Alice's replies. The variant, the permutation and the block sizes are
 * specified in docs/cascade.md; given the same frames, parameters and seed,
 * every implementation exchanges byte-identical messages. */
#ifndef QKD_CASCADE_H
#define QKD_CASCADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* QKD_CASCADE_MAX_PASSES is the largest number of passes a parameter set may hold. */
#define QKD_CASCADE_MAX_PASSES 32

/* QKD_CASCADE_MAX_BITS is the largest frame (in bits) the protocol can address. */
#define QKD_CASCADE_MAX_BITS ((size_t)1 << 31)

/* qkd_cascade_params is the public, documented parameter set. |passes| is in
 * [1, QKD_CASCADE_MAX_PASSES]; |block_bits[p]| (p < passes) is the block size of
 * pass p, at least 2 (a value >= n means one block). Pass 0 uses the identity
 * permutation, pass p >= 1 the keyed permutation qkd_cascade_perm. Both peers
 * must use the same parameters; Alice checks the block sizes Bob announces. */
struct qkd_cascade_params {
  uint32_t passes;
  uint32_t block_bits[QKD_CASCADE_MAX_PASSES];
};

/* qkd_cascade_params_choose writes the project's default parameters for a frame of
 * |n_bits| bits and a QBER estimate |qber_estimate| to |*out| (the formula is in
 * docs/cascade.md). Estimates are clamped to [0.001, 0.25]. */
void qkd_cascade_params_choose(struct qkd_cascade_params *out, size_t n_bits, double qber_estimate);

/* qkd_cascade_params_valid returns true when |params| is usable for |n_bits| bits. */
bool qkd_cascade_params_valid(const struct qkd_cascade_params *params, size_t n_bits);

/* qkd_cascade_stats counts what one reconciliation cost (Bob's view). */
struct qkd_cascade_stats {
  uint64_t disclosed_bits; /* parity bits Alice sent: the leak to subtract in PA */
  uint64_t round_trips;    /* request/reply pairs */
  uint64_t bits_flipped;   /* bits Bob corrected */
  uint64_t request_bytes, reply_bytes;
};

/* qkd_cascade_pass_key returns the permutation key of pass |pass| derived from
 * the shared |seed| (docs/cascade.md). */
uint64_t qkd_cascade_pass_key(uint64_t seed, uint32_t pass);

/* qkd_cascade_perm returns the image of index |i| (< |n|) under the keyed
 * bijection of [0, n) selected by |key|: an alternating Feistel network on
 * ceil(log2 n) bits with cycle walking (docs/cascade.md). Returns 0 when n <= 1
 * or i >= n. */
uint64_t qkd_cascade_perm(uint64_t key, uint64_t n, uint64_t i);

/* qkd_cascade_perm_inv returns the j with qkd_cascade_perm(key, n, j) == |i|. */
uint64_t qkd_cascade_perm_inv(uint64_t key, uint64_t n, uint64_t i);

struct qkd_cascade_alice;
struct qkd_cascade_bob;

/* qkd_cascade_alice_new returns Alice's side for the |n_bits|-bit |frame| (bit
 * convention of bits.h), or NULL when an argument is invalid (logged) or memory
 * runs out. The frame is copied; the copy is wiped by qkd_cascade_alice_free. */
struct qkd_cascade_alice *qkd_cascade_alice_new(const uint8_t *frame, size_t n_bits,
                                                const struct qkd_cascade_params *params,
                                                uint64_t perm_seed);

/* qkd_cascade_alice_free wipes and frees |a|; NULL is accepted. */
void qkd_cascade_alice_free(struct qkd_cascade_alice *a);

/* qkd_cascade_alice_reply answers the request batch |req| (|req_len| bytes) with
 * one reply batch written to |out| (capacity |out_cap|), its length in |*out_len|.
 * Returns QKD_ERR_INVALID for NULL arguments, QKD_ERR_PROTOCOL when the request
 * is malformed, truncated, out of order or out of range (nothing is disclosed),
 * QKD_ERR_RANGE when |out_cap| is too small (qkd_cascade_max_msg_len always
 * suffices). |*out_len| is written only on success. */
enum qkd_err qkd_cascade_alice_reply(struct qkd_cascade_alice *a, uint8_t *out, size_t out_cap,
                                     size_t *out_len, const uint8_t *req, size_t req_len);

/* qkd_cascade_bob_new returns Bob's side for his |n_bits|-bit |frame|, or NULL
 * when an argument is invalid (logged) or memory runs out. The frame is copied
 * and corrected in the copy; all copies are wiped by qkd_cascade_bob_free. */
struct qkd_cascade_bob *qkd_cascade_bob_new(const uint8_t *frame, size_t n_bits,
                                            const struct qkd_cascade_params *params,
                                            uint64_t perm_seed);

/* qkd_cascade_bob_free wipes and frees |b|; NULL is accepted. */
void qkd_cascade_bob_free(struct qkd_cascade_bob *b);

/* qkd_cascade_bob_request writes Bob's next request batch to |out| (capacity
 * |out_cap|) and its length to |*out_len|, and sets |*done| = false; when
 * reconciliation is over it sets |*done| = true, |*out_len| = 0 and writes
 * nothing. Returns QKD_ERR_INVALID for NULL arguments, QKD_ERR_STATE when the
 * previous request has not been answered through qkd_cascade_bob_consume or a
 * previous reply was rejected, QKD_ERR_RANGE when |out_cap| is too small. */
enum qkd_err qkd_cascade_bob_request(struct qkd_cascade_bob *b, uint8_t *out, size_t out_cap,
                                     size_t *out_len, bool *done);

/* qkd_cascade_bob_consume applies Alice's reply |reply| (|reply_len| bytes) to the
 * outstanding request. Returns QKD_ERR_INVALID for NULL arguments, QKD_ERR_STATE
 * when no request is outstanding, QKD_ERR_PROTOCOL when the reply is malformed,
 * truncated or does not answer the outstanding request, or when the parities
 * received so far contradict each other (Bob would need more than n_bits
 * flips); after a protocol error he refuses further requests (the frame is
 * aborted; his frame copy is unchanged for a malformed reply, possibly partly
 * flipped for a contradictory one). */
enum qkd_err qkd_cascade_bob_consume(struct qkd_cascade_bob *b, const uint8_t *reply,
                                     size_t reply_len);

/* qkd_cascade_bob_result copies Bob's current (corrected) frame to |out|, which
 * must hold exactly ceil(n_bits/8) bytes (|out_len|), and, when |stats| is not
 * NULL, writes the counters. Returns QKD_ERR_INVALID for NULL arguments or a
 * wrong |out_len|, QKD_ERR_STATE when reconciliation is not finished. */
enum qkd_err qkd_cascade_bob_result(const struct qkd_cascade_bob *b, uint8_t *out, size_t out_len,
                                    struct qkd_cascade_stats *stats);

/* qkd_cascade_max_msg_len returns a buffer size that any valid request or reply
 * for an |n_bits|-bit frame fits in. */
size_t qkd_cascade_max_msg_len(size_t n_bits);

/* qkd_cascade_reconcile_local runs both roles in one process, relaying the
 * messages through memory, and corrects |bob_frame| in place towards
 * |alice_frame|; |stats| (may be NULL) receives Bob's counters. Returns the
 * first error of either role (QKD_ERR_INVALID, QKD_ERR_NOMEM, ...); on error
 * |bob_frame| is unchanged. */
enum qkd_err qkd_cascade_reconcile_local(uint8_t *bob_frame, const uint8_t *alice_frame,
                                         size_t n_bits, const struct qkd_cascade_params *params,
                                         uint64_t perm_seed, struct qkd_cascade_stats *stats);

#ifdef QKDI_CASCADE_INTERNAL
/* Internal to host/cascade*.c (kept here so the module stays self-contained):
 * message layout constants and shared helpers. Not part of the public API. */
#define QKDI_CASCADE_VERSION 1u
#define QKDI_CASCADE_KIND_REQUEST 1u
#define QKDI_CASCADE_KIND_REPLY 2u
#define QKDI_CASCADE_HDR_LEN 12u
#define QKDI_CASCADE_ENTRY_LEN 12u
#define QKDI_CASCADE_OP_BLOCKS 1u
#define QKDI_CASCADE_OP_RANGE 2u

/* qkdi_cascade_perm_table writes perm(key, n, j) for every j < n to |out|. */
void qkdi_cascade_perm_table(uint32_t *out, uint64_t key, uint32_t n);

/* qkdi_cascade_permute_words writes the pass-ordered copy of |src| (n bits in
 * little-endian words) to |dst|: bit j of dst = bit perm(key, n, j) of src.
 * Pass 0 (identity) copies. Returns QKD_ERR_NOMEM. */
enum qkd_err qkdi_cascade_permute_words(uint64_t *dst, const uint64_t *src, uint32_t n,
                                        uint32_t pass, uint64_t seed);

/* qkdi_cascade_range_parity returns the parity of bits [s, s + len) of |w|. */
unsigned qkdi_cascade_range_parity(const uint64_t *w, uint64_t s, uint64_t len);

/* qkdi_cascade_nblocks returns the number of blocks of size |k| in |n| bits. */
static inline uint32_t qkdi_cascade_nblocks(uint32_t n, uint32_t k) {
  return k >= n ? 1u : (uint32_t)((n + (uint64_t)k - 1) / k);
}

static inline void qkdi_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t qkdi_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void qkdi_put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline uint16_t qkdi_get_u16(const uint8_t *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
#endif /* QKDI_CASCADE_INTERNAL */

#ifdef __cplusplus
}
#endif

#endif /* QKD_CASCADE_H */
