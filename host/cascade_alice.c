/* cascade_alice.c: Alice's side of Cascade. She answers each request batch with
 * the parity bits it names, in order, and nothing else (docs/protocol.md). */
#define QKDI_CASCADE_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/log.h"

struct qkd_cascade_alice {
  uint32_t n;
  struct qkd_cascade_params params;
  uint32_t next_round; /* the round number the next request must carry */
  size_t nwords;
  uint64_t *x[QKD_CASCADE_MAX_PASSES]; /* pass-ordered copies of the frame */
};

struct qkd_cascade_alice *qkd_cascade_alice_new(const uint8_t *frame, size_t n_bits,
                                                const struct qkd_cascade_params *params,
                                                uint64_t perm_seed) {
  if (!frame || !qkd_cascade_params_valid(params, n_bits)) {
    qkdi_log(QKD_LOG_ERROR, "cascade", "alice_new: invalid frame, size %zu or parameters", n_bits);
    return NULL;
  }
  struct qkd_cascade_alice *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->n = (uint32_t)n_bits;
  a->params = *params;
  a->nwords = qkd_bits_nwords(n_bits);
  uint64_t *base = calloc(a->nwords, 8);
  if (!base) goto err_free;
  memcpy(base, frame, qkd_bits_nbytes(n_bits)); /* little-endian words (bits.h) */
  qkd_bits_clear_tail((uint8_t *)base, n_bits);
  a->x[0] = base;
  for (uint32_t p = 1; p < params->passes; p++) {
    a->x[p] = calloc(a->nwords, 8);
    if (!a->x[p]) goto err_free;
    if (qkdi_cascade_permute_words(a->x[p], base, a->n, p, perm_seed) < 0) goto err_free;
  }
  return a;

err_free:
  qkd_cascade_alice_free(a);
  return NULL;
}

void qkd_cascade_alice_free(struct qkd_cascade_alice *a) {
  if (!a) return;
  for (uint32_t p = 0; p < QKD_CASCADE_MAX_PASSES; p++) qkd_free_secret(a->x[p], a->nwords * 8);
  qkd_free_secret(a, sizeof *a);
}

/* Number of reply bits one BLOCKS entry yields: every block of the pass, but for
 * pass >= 1 the last one, which the peer infers from the frame parity. */
static uint64_t blocks_bits(uint32_t n, uint32_t pass, uint32_t k) {
  uint32_t nb = qkdi_cascade_nblocks(n, k);
  return pass == 0 ? nb : nb - 1;
}

/* Checks the whole request; on success stores the reply's bit count in *nbits. */
static enum qkd_err check_request(const struct qkd_cascade_alice *a, const uint8_t *req,
                                  size_t req_len, uint64_t *nbits) {
  if (req_len < QKDI_CASCADE_HDR_LEN) return QKD_ERR_PROTOCOL;
  if (req[0] != QKDI_CASCADE_VERSION || req[1] != QKDI_CASCADE_KIND_REQUEST ||
      qkdi_get_u16(req + 2) != 0)
    return QKD_ERR_PROTOCOL;
  if (qkdi_get_u32(req + 4) != a->next_round) return QKD_ERR_PROTOCOL;
  uint64_t count = qkdi_get_u32(req + 8);
  if (count == 0 || req_len != QKDI_CASCADE_HDR_LEN + count * QKDI_CASCADE_ENTRY_LEN)
    return QKD_ERR_PROTOCOL;
  uint64_t bits = 0;
  for (uint64_t i = 0; i < count; i++) {
    const uint8_t *e = req + QKDI_CASCADE_HDR_LEN + i * QKDI_CASCADE_ENTRY_LEN;
    uint32_t pass = e[1], u = qkdi_get_u32(e + 4), v = qkdi_get_u32(e + 8);
    if (pass >= a->params.passes || qkdi_get_u16(e + 2) != 0) return QKD_ERR_PROTOCOL;
    if (e[0] == QKDI_CASCADE_OP_BLOCKS) {
      if (u != a->params.block_bits[pass] || v != 0) return QKD_ERR_PROTOCOL;
      bits += blocks_bits(a->n, pass, u);
    } else if (e[0] == QKDI_CASCADE_OP_RANGE) {
      if (v == 0 || (uint64_t)u + v > a->n) return QKD_ERR_PROTOCOL;
      bits += 1;
    } else {
      return QKD_ERR_PROTOCOL;
    }
  }
  *nbits = bits;
  return QKD_OK;
}

enum qkd_err qkd_cascade_alice_reply(struct qkd_cascade_alice *a, uint8_t *out, size_t out_cap,
                                     size_t *out_len, const uint8_t *req, size_t req_len) {
  if (!a || !out || !out_len || (!req && req_len)) return QKD_ERR_INVALID;
  uint64_t nbits = 0;
  enum qkd_err rc = check_request(a, req, req_len, &nbits);
  if (rc < 0) {
    qkdi_log(QKD_LOG_ERROR, "cascade", "alice: rejected request of %zu bytes for round %u", req_len,
             a->next_round);
    return rc;
  }
  uint64_t len = QKDI_CASCADE_HDR_LEN + (nbits + 7) / 8;
  if (len > qkd_cascade_max_msg_len(a->n)) {
    qkdi_log(QKD_LOG_ERROR, "cascade", "alice: request asks for %llu bits, over the limit",
             (unsigned long long)nbits);
    return QKD_ERR_PROTOCOL;
  }
  if (len > out_cap) return QKD_ERR_RANGE;
  out[0] = QKDI_CASCADE_VERSION;
  out[1] = QKDI_CASCADE_KIND_REPLY;
  qkdi_put_u16(out + 2, 0);
  qkdi_put_u32(out + 4, a->next_round);
  qkdi_put_u32(out + 8, (uint32_t)nbits);
  uint8_t *bits = out + QKDI_CASCADE_HDR_LEN;
  memset(bits, 0, (size_t)(len - QKDI_CASCADE_HDR_LEN));
  uint64_t pos = 0;
  uint32_t count = qkdi_get_u32(req + 8);
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *e = req + QKDI_CASCADE_HDR_LEN + (size_t)i * QKDI_CASCADE_ENTRY_LEN;
    uint32_t pass = e[1], u = qkdi_get_u32(e + 4), v = qkdi_get_u32(e + 8);
    const uint64_t *x = a->x[pass];
    if (e[0] == QKDI_CASCADE_OP_RANGE) {
      if (qkdi_cascade_range_parity(x, u, v)) bits[pos >> 3] |= (uint8_t)(1u << (pos & 7));
      pos++;
      continue;
    }
    uint64_t nb = blocks_bits(a->n, pass, u);
    for (uint64_t b = 0; b < nb; b++, pos++) {
      uint64_t s = b * u, l = s + u <= a->n ? u : a->n - s;
      if (qkdi_cascade_range_parity(x, s, l)) bits[pos >> 3] |= (uint8_t)(1u << (pos & 7));
    }
  }
  a->next_round++;
  *out_len = (size_t)len;
  return QKD_OK;
}
