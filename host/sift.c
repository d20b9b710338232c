#include "qkd/sift.h"

#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/log.h"

void qkd_sifted_cleanup(struct qkd_sifted *s) {
  if (!s) return;
  qkd_free_secret(s->key, qkd_bits_nbytes(s->key_len));
  free(s->key_class);
  qkd_free_secret(s->test, qkd_bits_nbytes(s->test_len));
  free(s->test_class);
  memset(s, 0, sizeof(*s));
}

/* sifted_alloc sizes every array for |cap| events, the most either basis can get. */
static enum qkd_err sifted_alloc(struct qkd_sifted *s, size_t cap) {
  memset(s, 0, sizeof(*s));
  size_t nb = qkd_bits_nbytes(cap) + 1;
  s->key = calloc(nb, 1);
  s->test = calloc(nb, 1);
  s->key_class = malloc(cap + 1);
  s->test_class = malloc(cap + 1);
  if (!s->key || !s->test || !s->key_class || !s->test_class) {
    qkd_sifted_cleanup(s);
    return QKD_ERR_NOMEM;
  }
  return QKD_OK;
}

static void sifted_push(struct qkd_sifted *s, unsigned basis, unsigned cls, bool bit) {
  if (basis == QKD_BASIS_KEY) {
    qkd_bit_set(s->key, s->key_len, bit);
    s->key_class[s->key_len++] = (uint8_t)cls;
  } else {
    qkd_bit_set(s->test, s->test_len, bit);
    s->test_class[s->test_len++] = (uint8_t)cls;
  }
}

static bool read_header(struct qkd_rd *r, enum qkd_msg_type type) {
  uint8_t t = qkd_rd_u8(r), v = qkd_rd_u8(r);
  return qkd_rd_ok(r) && t == type && v == QKD_MSG_VERSION;
}

enum qkd_err qkd_sift_bob_announce(struct qkd_buf *msg, const struct qkd_bob_events *bob) {
  qkd_buf_put_u8(msg, QKD_MSG_SIFT_DETECT);
  qkd_buf_put_u8(msg, QKD_MSG_VERSION);
  qkd_buf_put_varint(msg, bob->count);
  /* Bases first, packed, so the receiver can read them before walking the indices. */
  size_t start = msg->len, nb = qkd_bits_nbytes(bob->count);
  for (size_t i = 0; i < nb; i++) qkd_buf_put_u8(msg, 0);
  if (msg->failed) return QKD_ERR_NOMEM;
  for (size_t i = 0; i < bob->count; i++)
    if ((bob->records[i] >> 1) & 1) qkd_bit_set(msg->data + start, i, true);
  /* Indices as gaps: index = previous + 1 + gap, starting from -1. */
  uint64_t next = 0;
  for (size_t i = 0; i < bob->count; i++) {
    uint64_t idx = bob->records[i] >> 2;
    qkd_buf_put_varint(msg, idx - next);
    next = idx + 1;
  }
  return qkd_buf_status(msg);
}

enum qkd_err qkd_sift_alice(struct qkd_sifted *out, struct qkd_buf *reply,
                            const struct qkd_alice_events *alice, const uint8_t *msg,
                            size_t msg_len) {
  memset(out, 0, sizeof(*out));
  struct qkd_rd r;
  qkd_rd_init(&r, msg, msg_len);
  if (!read_header(&r, QKD_MSG_SIFT_DETECT)) goto err_proto;
  uint64_t count = qkd_rd_varint(&r);
  /* Every detection costs at least one gap byte: bounds the allocation below. */
  if (!qkd_rd_ok(&r) || count > alice->pulses || count > qkd_rd_left(&r)) goto err_proto;
  const uint8_t *bases = qkd_rd_bytes(&r, qkd_bits_nbytes((size_t)count));
  if (!bases) goto err_proto;

  enum qkd_err rc = sifted_alloc(out, (size_t)count);
  if (rc < 0) return rc;
  qkd_buf_put_u8(reply, QKD_MSG_SIFT_REPLY);
  qkd_buf_put_u8(reply, QKD_MSG_VERSION);
  qkd_buf_put_varint(reply, count);
  uint8_t pair = 0;
  uint64_t next = 0;
  for (uint64_t i = 0; i < count; i++) {
    uint64_t gap = qkd_rd_varint(&r);
    if (!qkd_rd_ok(&r) || gap >= alice->pulses - next) goto err_proto_free;
    uint64_t idx = next + gap;
    next = idx + 1;
    unsigned s = qkd_alice_setting(alice, idx);
    unsigned a_basis = (s >> 1) & 1, cls = (s >> 2) & 3;
    unsigned b_basis = qkd_bit_get(bases, (size_t)i);
    /* Reply nibble: bit 0 Alice's basis, bits 1-2 intensity class. */
    uint8_t nib = (uint8_t)(a_basis | (cls << 1));
    if (i & 1) {
      qkd_buf_put_u8(reply, (uint8_t)(pair | (nib << 4)));
    } else {
      pair = nib;
    }
    if (a_basis == b_basis) sifted_push(out, a_basis, cls, s & 1);
  }
  if (count & 1) qkd_buf_put_u8(reply, pair);
  if (!qkd_rd_done(&r)) goto err_proto_free;
  if (reply->failed) {
    qkd_sifted_cleanup(out);
    return QKD_ERR_NOMEM;
  }
  return QKD_OK;

err_proto_free:
  qkd_sifted_cleanup(out);
err_proto:
  qkdi_log(QKD_LOG_ERROR, "sift", "malformed detection announcement (%zu bytes)", msg_len);
  return QKD_ERR_PROTOCOL;
}

enum qkd_err qkd_sift_bob(struct qkd_sifted *out, const struct qkd_bob_events *bob,
                          const uint8_t *reply, size_t reply_len) {
  memset(out, 0, sizeof(*out));
  struct qkd_rd r;
  qkd_rd_init(&r, reply, reply_len);
  if (!read_header(&r, QKD_MSG_SIFT_REPLY)) goto err_proto;
  uint64_t count = qkd_rd_varint(&r);
  if (!qkd_rd_ok(&r) || count != bob->count) goto err_proto;
  const uint8_t *nibs = qkd_rd_bytes(&r, (size_t)(count / 2 + (count & 1)));
  if (!nibs || !qkd_rd_done(&r)) goto err_proto;
  enum qkd_err rc = sifted_alloc(out, (size_t)count);
  if (rc < 0) return rc;
  for (size_t i = 0; i < count; i++) {
    unsigned nib = (nibs[i / 2] >> ((i & 1) * 4)) & 0xf;
    unsigned a_basis = nib & 1, cls = (nib >> 1) & 3;
    if (cls > 2) {
      qkd_sifted_cleanup(out);
      goto err_proto;
    }
    uint64_t rec = bob->records[i];
    if (a_basis == ((rec >> 1) & 1)) sifted_push(out, a_basis, cls, rec & 1);
  }
  return QKD_OK;

err_proto:
  qkdi_log(QKD_LOG_ERROR, "sift", "malformed sifting reply (%zu bytes)", reply_len);
  return QKD_ERR_PROTOCOL;
}
