#include "qkd/pipeline.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/clock.h"
#include "qkd/log.h"
#include "qkd/rng.h"
#include "qkd/sift.h"
#include "qkd/toeplitz.h"
#include "qkd/verify.h"
#include "qkd/wire.h"

void qkd_run_config_default(struct qkd_run_config *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  const double mu[3] = {0.5, 0.1, 0.0002}, p_mu[3] = {0.7, 0.2, 0.1};
  memcpy(cfg->mu, mu, sizeof(mu));
  memcpy(cfg->p_mu, p_mu, sizeof(p_mu));
  cfg->qber_threshold = 0.11;
  cfg->eps_pe = 1e-10;
  cfg->eps_sec = 1e-10;
  cfg->frame_bits = (size_t)1 << 17;
  cfg->min_frame_bits = 4096;
  cfg->seed = 1;
}

void qkd_run_result_cleanup(struct qkd_run_result *r) {
  if (!r) return;
  qkd_free_secret(r->alice_key, qkd_bits_nbytes(r->final_bits));
  qkd_free_secret(r->bob_key, qkd_bits_nbytes(r->final_bits));
  memset(r, 0, sizeof(*r));
}

/* The classical channel, in memory: one buffer per direction, byte counters. */
struct link {
  struct qkd_buf ab, ba;
  uint64_t bytes_ab, bytes_ba;
};

static void link_sent(struct link *l, struct qkd_buf *b) {
  if (b == &l->ab) l->bytes_ab += b->len;
  else l->bytes_ba += b->len;
}

static enum qkd_err abort_run(struct qkd_run_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum qkd_err abort_run(struct qkd_run_result *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->abort_reason, sizeof(out->abort_reason), fmt, ap);
  va_end(ap);
  out->aborted = true;
  qkdi_log(QKD_LOG_WARN, "pipeline", "aborted: %s", out->abort_reason);
  return QKD_ERR_ABORT;
}

static bool config_ok(const struct qkd_run_config *c) {
  return c->qber_threshold > 0 && c->qber_threshold < 0.5 && c->eps_pe > 0 && c->eps_pe < 1 &&
         c->eps_sec > 0 && c->eps_sec < 1 && c->frame_bits >= 64 && c->frame_bits % 8 == 0 &&
         c->min_frame_bits >= 1 && c->min_frame_bits <= c->frame_bits;
}

/* Alice announces a frame and its Cascade permutation seed; Bob checks it. */
static enum qkd_err frame_announce(struct link *l, uint64_t *bob_seed, uint64_t frame,
                                   size_t len, uint64_t seed) {
  qkd_buf_reset(&l->ab);
  qkd_buf_put_u8(&l->ab, QKD_MSG_FRAME);
  qkd_buf_put_u8(&l->ab, QKD_MSG_VERSION);
  qkd_buf_put_varint(&l->ab, frame);
  qkd_buf_put_varint(&l->ab, len);
  qkd_buf_put_u64(&l->ab, seed);
  if (l->ab.failed) return QKD_ERR_NOMEM;
  link_sent(l, &l->ab);
  struct qkd_rd r;
  qkd_rd_init(&r, l->ab.data, l->ab.len);
  uint8_t t = qkd_rd_u8(&r), v = qkd_rd_u8(&r);
  uint64_t f = qkd_rd_varint(&r), n = qkd_rd_varint(&r);
  *bob_seed = qkd_rd_u64(&r);
  if (!qkd_rd_done(&r) || t != QKD_MSG_FRAME || v != QKD_MSG_VERSION || f != frame || n != len)
    return QKD_ERR_PROTOCOL;
  return QKD_OK;
}

/* Alice sends a fresh hash key and her tag; Bob answers whether his frame matches. */
static enum qkd_err frame_verify(struct link *l, bool *ok, const uint8_t *a_frame,
                                 const uint8_t *b_frame, size_t len, uint64_t frame,
                                 uint64_t hash_key) {
  qkd_buf_reset(&l->ab);
  qkd_buf_put_u8(&l->ab, QKD_MSG_VERIFY);
  qkd_buf_put_u8(&l->ab, QKD_MSG_VERSION);
  qkd_buf_put_varint(&l->ab, frame);
  qkd_buf_put_u64(&l->ab, hash_key);
  qkd_buf_put_u64(&l->ab, qkd_verify_tag(a_frame, len, hash_key));
  if (l->ab.failed) return QKD_ERR_NOMEM;
  link_sent(l, &l->ab);

  struct qkd_rd r;
  qkd_rd_init(&r, l->ab.data, l->ab.len);
  uint8_t t = qkd_rd_u8(&r), v = qkd_rd_u8(&r);
  uint64_t f = qkd_rd_varint(&r), key = qkd_rd_u64(&r), tag = qkd_rd_u64(&r);
  if (!qkd_rd_done(&r) || t != QKD_MSG_VERIFY || v != QKD_MSG_VERSION || f != frame)
    return QKD_ERR_PROTOCOL;
  bool bob_ok = qkd_verify_tag(b_frame, len, key) == tag;

  qkd_buf_reset(&l->ba);
  qkd_buf_put_u8(&l->ba, QKD_MSG_VERIFY_RESULT);
  qkd_buf_put_u8(&l->ba, QKD_MSG_VERSION);
  qkd_buf_put_varint(&l->ba, frame);
  qkd_buf_put_u8(&l->ba, bob_ok);
  if (l->ba.failed) return QKD_ERR_NOMEM;
  link_sent(l, &l->ba);
  qkd_rd_init(&r, l->ba.data, l->ba.len);
  t = qkd_rd_u8(&r);
  v = qkd_rd_u8(&r);
  f = qkd_rd_varint(&r);
  uint8_t res = qkd_rd_u8(&r);
  if (!qkd_rd_done(&r) || t != QKD_MSG_VERIFY_RESULT || v != QKD_MSG_VERSION || f != frame ||
      res > 1)
    return QKD_ERR_PROTOCOL;
  *ok = res == 1;
  return QKD_OK;
}

/* Alice sends the final length and the Toeplitz seed; Bob checks the length
 * against his own computation and returns the seed he parsed. */
static enum qkd_err pa_announce(struct link *l, const uint8_t **bob_seed, uint64_t n, uint64_t len,
                                uint64_t bob_len, const uint8_t *seed) {
  size_t seed_bytes = qkd_bits_nbytes(n + len - 1);
  qkd_buf_reset(&l->ab);
  qkd_buf_put_u8(&l->ab, QKD_MSG_PA);
  qkd_buf_put_u8(&l->ab, QKD_MSG_VERSION);
  qkd_buf_put_varint(&l->ab, n);
  qkd_buf_put_varint(&l->ab, len);
  qkd_buf_put_bytes(&l->ab, seed, seed_bytes);
  if (l->ab.failed) return QKD_ERR_NOMEM;
  link_sent(l, &l->ab);
  struct qkd_rd r;
  qkd_rd_init(&r, l->ab.data, l->ab.len);
  uint8_t t = qkd_rd_u8(&r), v = qkd_rd_u8(&r);
  uint64_t rn = qkd_rd_varint(&r), rl = qkd_rd_varint(&r);
  if (!qkd_rd_ok(&r) || t != QKD_MSG_PA || v != QKD_MSG_VERSION || rn != n || rl != bob_len ||
      rl == 0 || rl > rn)
    return QKD_ERR_PROTOCOL;
  *bob_seed = qkd_rd_bytes(&r, qkd_bits_nbytes(rn + rl - 1));
  if (!*bob_seed || !qkd_rd_done(&r)) return QKD_ERR_PROTOCOL;
  return QKD_OK;
}

enum qkd_err qkd_pipeline_run(struct qkd_run_result *out, const struct qkd_run_config *cfg,
                              const struct qkd_alice_events *alice,
                              const struct qkd_bob_events *bob) {
  memset(out, 0, sizeof(*out));
  if (!cfg || !alice || !bob || !config_ok(cfg)) return QKD_ERR_INVALID;
  struct qkd_keylen_params kp;
  memcpy(kp.mu, cfg->mu, sizeof(kp.mu));
  memcpy(kp.p_mu, cfg->p_mu, sizeof(kp.p_mu));
  kp.eps_sec = cfg->eps_sec;

  enum qkd_err rc;
  struct link l;
  memset(&l, 0, sizeof(l));
  struct qkd_sifted sa, sb;
  memset(&sa, 0, sizeof(sa));
  memset(&sb, 0, sizeof(sb));
  uint8_t *a_pa = NULL, *b_pa = NULL, *seed = NULL;
  size_t pa_bytes = 0, seed_bytes = 0;
  struct qkd_rng rng; /* Alice's protocol randomness: every draw is announced */
  if (cfg->seed_from_os) {
    rc = qkd_rng_seed_os(&rng);
    if (rc < 0) return rc;
  } else {
    qkd_rng_seed(&rng, cfg->seed);
  }
  out->detections = bob->count;

  /* 1. Sifting. */
  double t = qkd_clock_seconds();
  rc = qkd_sift_bob_announce(&l.ba, bob);
  if (rc < 0) goto err;
  link_sent(&l, &l.ba);
  rc = qkd_sift_alice(&sa, &l.ab, alice, l.ba.data, l.ba.len);
  if (rc < 0) goto err;
  link_sent(&l, &l.ab);
  rc = qkd_sift_bob(&sb, bob, l.ab.data, l.ab.len);
  if (rc < 0) goto err;
  out->sifted_key_bits = sa.key_len;
  out->sifted_test_bits = sa.test_len;
  out->seconds_sift = qkd_clock_seconds() - t;

  /* 2. Parameter estimation on the disclosed test basis. */
  t = qkd_clock_seconds();
  struct qkd_test_counts cb;
  qkd_buf_reset(&l.ab);
  qkd_buf_reset(&l.ba);
  rc = qkd_est_bob_announce(&l.ba, &sb);
  if (rc < 0) goto err;
  link_sent(&l, &l.ba);
  rc = qkd_est_alice(&out->test, &l.ab, &sa, l.ba.data, l.ba.len);
  if (rc < 0) goto err;
  link_sent(&l, &l.ab);
  rc = qkd_est_bob(&cb, &sb, l.ab.data, l.ab.len);
  if (rc < 0) goto err;
  qkd_est_qber(&out->qber, &out->test, cfg->eps_pe);
  out->seconds_estimate = qkd_clock_seconds() - t;
  if (out->qber.qber_upper > cfg->qber_threshold) {
    rc = abort_run(out, "QBER bound %.2f%% (observed %.2f%% on %llu test bits) above threshold %.2f%%",
                   100 * out->qber.qber_upper, 100 * out->qber.qber,
                   (unsigned long long)out->qber.n, 100 * cfg->qber_threshold);
    goto err;
  }

  /* 3-4. Cascade and verification, frame by frame. Frames start at byte
   * boundaries (frame_bits % 8 == 0), so a verified frame is appended to the PA
   * input by whole bytes; only the last frame may be shorter. */
  size_t n = sa.key_len, nframes = n / cfg->frame_bits, rem = n % cfg->frame_bits;
  if (rem >= cfg->min_frame_bits) nframes++;
  pa_bytes = qkd_bits_nbytes(n) + 1;
  a_pa = calloc(pa_bytes, 1);
  b_pa = calloc(pa_bytes, 1);
  if (!a_pa || !b_pa) {
    rc = QKD_ERR_NOMEM;
    goto err;
  }
  struct qkd_keylen_input kin;
  memset(&kin, 0, sizeof(kin));
  uint64_t cascade_disclosed = 0;
  for (size_t f = 0; f < nframes; f++) {
    size_t off = f * cfg->frame_bits, len = off + cfg->frame_bits <= n ? cfg->frame_bits : n - off;
    const uint8_t *a_frame = sa.key + off / 8;
    uint8_t *b_frame = sb.key + off / 8;
    uint64_t bob_perm_seed;
    double tc = qkd_clock_seconds();
    rc = frame_announce(&l, &bob_perm_seed, f, len, qkd_rng_next(&rng));
    if (rc < 0) goto err;
    struct qkd_cascade_params params;
    qkd_cascade_params_choose(&params, len, out->qber.qber);
    struct qkd_cascade_stats st;
    rc = qkd_cascade_reconcile_local(b_frame, a_frame, len, &params, bob_perm_seed, &st);
    if (rc < 0) goto err;
    l.bytes_ba += st.request_bytes;
    l.bytes_ab += st.reply_bytes;
    out->round_trips += st.round_trips;
    double tv = qkd_clock_seconds();
    out->seconds_cascade += tv - tc;

    bool ok;
    rc = frame_verify(&l, &ok, a_frame, b_frame, len, f, qkd_rng_next(&rng));
    if (rc < 0) goto err;
    out->seconds_verify += qkd_clock_seconds() - tv;
    out->frames++;
    if (!ok) {
      out->frames_discarded++;
      qkdi_log(QKD_LOG_WARN, "pipeline", "frame %zu failed verification and is discarded", f);
      continue;
    }
    out->frames_verified++;
    size_t at = qkd_bits_nbytes(out->reconciled_bits);
    memcpy(a_pa + at, a_frame, qkd_bits_nbytes(len));
    memcpy(b_pa + at, b_frame, qkd_bits_nbytes(len));
    out->reconciled_bits += len;
    for (size_t i = 0; i < len; i++) kin.n_key[sa.key_class[off + i]]++;
    cascade_disclosed += st.disclosed_bits;
    out->errors_corrected += st.bits_flipped;
    out->verify_bits += 128; /* hash key and tag: the key is public, count both anyway */
    out->eps_cor += qkd_verify_collision_bound(len);
  }
  /* The last frame may end mid-byte: clear what lies past the key. */
  qkd_bits_clear_tail(a_pa, out->reconciled_bits);
  qkd_bits_clear_tail(b_pa, out->reconciled_bits);
  out->disclosed_bits = cascade_disclosed;
  if (out->reconciled_bits) {
    out->qber_key = (double)out->errors_corrected / (double)out->reconciled_bits;
    double h = qkd_h2(out->qber_key);
    out->efficiency = h > 0 ? (double)cascade_disclosed / ((double)out->reconciled_bits * h) : 0;
  }
  if (out->frames_verified == 0) {
    rc = abort_run(out, nframes ? "no frame passed verification"
                                : "too few sifted key bits for one frame (%zu < %zu)",
                   n, cfg->min_frame_bits);
    goto err;
  }

  /* 5. Finite-key length (both nodes compute it from the same counts). */
  memcpy(kin.n_test, out->test.n, sizeof(kin.n_test));
  memcpy(kin.m_test, out->test.errors, sizeof(kin.m_test));
  kin.leak_ec = cascade_disclosed + out->verify_bits;
  kp.eps_cor = out->eps_cor;
  rc = qkd_keylen_compute(&out->keylen, &kp, &kin);
  if (rc < 0) goto err;
  struct qkd_keylen_result bob_len;
  rc = qkd_keylen_compute(&bob_len, &kp, &kin);
  if (rc < 0) goto err;
  if (out->keylen.s_key1 <= 0 || out->keylen.s_test1 <= 0) {
    rc = abort_run(out, "too few events to bound the single-photon contribution (key >= %.0f, test >= %.0f); send more pulses",
                   out->keylen.s_key1, out->keylen.s_test1);
    goto err;
  }
  if (out->keylen.length == 0) {
    rc = abort_run(out, "finite-key length is zero (single-photon bound %.0f, phase error bound %.2f%%, leak %llu)",
                   out->keylen.s_key1, 100 * out->keylen.phase_error,
                   (unsigned long long)kin.leak_ec);
    goto err;
  }

  /* 6. Privacy amplification: Alice draws and sends the Toeplitz seed. */
  t = qkd_clock_seconds();
  uint64_t nk = out->reconciled_bits, len = out->keylen.length;
  seed_bytes = qkd_bits_nbytes(nk + len - 1);
  seed = malloc(seed_bytes);
  out->alice_key = calloc(qkd_bits_nbytes(len), 1);
  out->bob_key = calloc(qkd_bits_nbytes(len), 1);
  if (!seed || !out->alice_key || !out->bob_key) {
    rc = QKD_ERR_NOMEM;
    goto err;
  }
  out->final_bits = len;
  qkd_rng_fill_bits(&rng, seed, nk + len - 1);
  const uint8_t *bob_seed;
  rc = pa_announce(&l, &bob_seed, nk, len, bob_len.length, seed);
  if (rc < 0) goto err;
  rc = qkd_toeplitz_hash(out->alice_key, len, a_pa, nk, seed, QKD_TOEPLITZ_FAST);
  if (rc < 0) goto err;
  rc = qkd_toeplitz_hash(out->bob_key, len, b_pa, nk, bob_seed, QKD_TOEPLITZ_FAST);
  if (rc < 0) goto err;
  out->keys_equal = qkd_bits_equal(out->alice_key, out->bob_key, len);
  out->seconds_pa = qkd_clock_seconds() - t;
  rc = QKD_OK;

err:
  if (rc == QKD_ERR_PROTOCOL)
    qkdi_log(QKD_LOG_ERROR, "pipeline", "classical-channel message rejected; block aborted");
  if (rc < 0) { /* no key leaves a failed or aborted run */
    qkd_free_secret(out->alice_key, qkd_bits_nbytes(out->final_bits));
    qkd_free_secret(out->bob_key, qkd_bits_nbytes(out->final_bits));
    out->alice_key = out->bob_key = NULL;
    out->final_bits = 0;
    out->keys_equal = false;
  }
  out->bytes_alice_to_bob = l.bytes_ab;
  out->bytes_bob_to_alice = l.bytes_ba;
  free(seed);
  qkd_free_secret(a_pa, pa_bytes);
  qkd_free_secret(b_pa, pa_bytes);
  qkd_sifted_cleanup(&sa);
  qkd_sifted_cleanup(&sb);
  qkd_buf_cleanup(&l.ab);
  qkd_buf_cleanup(&l.ba);
  return rc;
}
