#include "qkd/estimate.h"

#include <math.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/log.h"

enum qkd_err qkd_est_bob_announce(struct qkd_buf *msg, const struct qkd_sifted *bob) {
  qkd_buf_put_u8(msg, QKD_MSG_EST_TEST);
  qkd_buf_put_u8(msg, QKD_MSG_VERSION);
  qkd_buf_put_varint(msg, bob->test_len);
  qkd_buf_put_bytes(msg, bob->test, qkd_bits_nbytes(bob->test_len));
  return qkd_buf_status(msg);
}

static void count_class(uint64_t n[3], const uint8_t *cls, size_t len) {
  for (size_t i = 0; i < len; i++) n[cls[i]]++;
}

enum qkd_err qkd_est_alice(struct qkd_test_counts *out, struct qkd_buf *reply,
                           const struct qkd_sifted *alice, const uint8_t *msg, size_t msg_len) {
  memset(out, 0, sizeof(*out));
  struct qkd_rd r;
  qkd_rd_init(&r, msg, msg_len);
  uint8_t type = qkd_rd_u8(&r), ver = qkd_rd_u8(&r);
  uint64_t len = qkd_rd_varint(&r);
  if (!qkd_rd_ok(&r) || type != QKD_MSG_EST_TEST || ver != QKD_MSG_VERSION ||
      len != alice->test_len) {
    qkdi_log(QKD_LOG_ERROR, "estimate", "malformed test-bit message");
    return QKD_ERR_PROTOCOL;
  }
  const uint8_t *bits = qkd_rd_bytes(&r, qkd_bits_nbytes((size_t)len));
  if (!bits || !qkd_rd_done(&r)) {
    qkdi_log(QKD_LOG_ERROR, "estimate", "test-bit message has the wrong length");
    return QKD_ERR_PROTOCOL;
  }
  count_class(out->n, alice->test_class, alice->test_len);
  for (size_t i = 0; i < alice->test_len; i++)
    out->errors[alice->test_class[i]] += qkd_bit_get(bits, i) != qkd_bit_get(alice->test, i);

  qkd_buf_put_u8(reply, QKD_MSG_EST_RESULT);
  qkd_buf_put_u8(reply, QKD_MSG_VERSION);
  for (int k = 0; k < 3; k++) {
    qkd_buf_put_varint(reply, out->n[k]);
    qkd_buf_put_varint(reply, out->errors[k]);
  }
  return qkd_buf_status(reply);
}

enum qkd_err qkd_est_bob(struct qkd_test_counts *out, const struct qkd_sifted *bob,
                         const uint8_t *reply, size_t reply_len) {
  memset(out, 0, sizeof(*out));
  struct qkd_rd r;
  qkd_rd_init(&r, reply, reply_len);
  uint8_t type = qkd_rd_u8(&r), ver = qkd_rd_u8(&r);
  for (int k = 0; k < 3; k++) {
    out->n[k] = qkd_rd_varint(&r);
    out->errors[k] = qkd_rd_varint(&r);
  }
  uint64_t mine[3] = {0, 0, 0};
  count_class(mine, bob->test_class, bob->test_len);
  bool ok = qkd_rd_done(&r) && type == QKD_MSG_EST_RESULT && ver == QKD_MSG_VERSION;
  for (int k = 0; ok && k < 3; k++) ok = out->n[k] == mine[k] && out->errors[k] <= out->n[k];
  if (!ok) {
    qkdi_log(QKD_LOG_ERROR, "estimate", "malformed or inconsistent estimation result");
    memset(out, 0, sizeof(*out));
    return QKD_ERR_PROTOCOL;
  }
  return QKD_OK;
}

void qkd_est_qber(struct qkd_qber_est *out, const struct qkd_test_counts *counts, double eps) {
  memset(out, 0, sizeof(*out));
  for (int k = 0; k < 3; k++) {
    out->n += counts->n[k];
    out->errors += counts->errors[k];
  }
  if (out->n == 0) {
    out->qber = out->qber_upper = 0.5;
    return;
  }
  out->qber = (double)out->errors / (double)out->n;
  /* Hoeffding: P(true rate > observed + t) <= exp(-2 n t^2). */
  double t = sqrt(log(1.0 / eps) / (2.0 * (double)out->n));
  out->qber_upper = fmin(0.5, out->qber + t);
}
