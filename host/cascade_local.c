/* cascade_local.c: buffer sizing and the in-process driver that relays both
 * roles' messages through memory (the same bytes a TCP link would carry). */
#define QKDI_CASCADE_INTERNAL
#include <stdlib.h>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/log.h"

size_t qkd_cascade_max_msg_len(size_t n_bits) {
  /* A request holds at most one entry per block of one pass (>= 2 bits per
   * block) or one entry per pass; a reply at most one bit per block of every pass. */
  size_t entries = n_bits / 2 + 1;
  if (entries < QKD_CASCADE_MAX_PASSES) entries = QKD_CASCADE_MAX_PASSES;
  return QKDI_CASCADE_HDR_LEN + entries * QKDI_CASCADE_ENTRY_LEN;
}

enum qkd_err qkd_cascade_reconcile_local(uint8_t *bob_frame, const uint8_t *alice_frame,
                                         size_t n_bits, const struct qkd_cascade_params *params,
                                         uint64_t perm_seed, struct qkd_cascade_stats *stats) {
  if (!bob_frame || !alice_frame || !qkd_cascade_params_valid(params, n_bits))
    return QKD_ERR_INVALID;
  enum qkd_err rc = QKD_ERR_NOMEM;
  size_t cap = qkd_cascade_max_msg_len(n_bits);
  struct qkd_cascade_alice *a = qkd_cascade_alice_new(alice_frame, n_bits, params, perm_seed);
  if (!a) goto err_out;
  struct qkd_cascade_bob *b = qkd_cascade_bob_new(bob_frame, n_bits, params, perm_seed);
  if (!b) goto err_free_alice;
  uint8_t *req = malloc(cap), *rep = malloc(cap);
  if (!req || !rep) goto err_free_bufs;
  for (;;) {
    size_t req_len = 0, rep_len = 0;
    bool done = false;
    rc = qkd_cascade_bob_request(b, req, cap, &req_len, &done);
    if (rc < 0 || done) break;
    rc = qkd_cascade_alice_reply(a, rep, cap, &rep_len, req, req_len);
    if (rc < 0) break;
    rc = qkd_cascade_bob_consume(b, rep, rep_len);
    if (rc < 0) break;
  }
  if (rc == QKD_OK) rc = qkd_cascade_bob_result(b, bob_frame, qkd_bits_nbytes(n_bits), stats);

err_free_bufs:
  free(req);
  free(rep);
  qkd_cascade_bob_free(b);
err_free_alice:
  qkd_cascade_alice_free(a);
err_out:
  return rc;
}
