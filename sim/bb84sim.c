/* bb84sim.c: the BB84 decoy-state link model, its analytic expectation, the fast
 * sampler, the per-pulse reference sampler and the measured statistics.
 *
 * The model is derived in docs/simulator.md. In short, for a pulse of mean photon
 * number mu reaching Bob with transmittance eta, the detected photons are
 * Poisson(eta mu); splitting a Poisson variable gives independent Poisson counts
 * per detector, so each detector clicks with probability 1 - (1 - pd) e^{-m} for
 * its mean m, and the pulse is detected with probability
 * Q = 1 - (1 - pd)^2 e^{-eta mu}, whatever the bases, bits and Eve's action. The
 * fast sampler uses that: it draws Alice's settings in bulk, jumps between
 * detection candidates with geometric skips at the largest gain, thins each
 * candidate to its class's gain, and only then draws Bob's basis, Eve's action
 * and which detectors clicked, conditioned on at least one click. */
#include "qkd/bb84sim.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/log.h"
#include "qkd/rng.h"

#define MOD "sim"

/* Pulses per block: settings are generated and detections sampled one block at a
 * time (cache-sized for the settings), and progress is reported per block. */
#define BLOCK_PULSES ((uint64_t)1 << 24)

/* Distinct stream for the channel, so that Alice's settings depend on the seed alone. */
#define CHANNEL_STREAM 0x6a09e667f3bcc909ull

void qkd_sim_params_default(struct qkd_sim_params *p) {
  memset(p, 0, sizeof(*p));
  p->pulses = 100000000;
  p->seed = 1;
  p->distance_km = 25.0;
  p->fiber_loss_db_per_km = 0.2;
  p->det_eff = 0.25;
  p->dark_count = 6e-7;
  p->misalignment = 0.005;
  p->mu[0] = 0.5;
  p->mu[1] = 0.1;
  p->mu[2] = 0.0002;
  p->p_mu[0] = 0.7;
  p->p_mu[1] = 0.2;
  p->p_mu[2] = 0.1;
  p->p_key_basis = 0.85;
  p->eve_fraction = 0.0;
}

/* in_range is false for NaN as well as for values outside [lo, hi]. */
static bool in_range(double v, double lo, double hi) { return v >= lo && v <= hi; }

enum qkd_err qkd_sim_params_check(const struct qkd_sim_params *p) {
  if (!p) return QKD_ERR_INVALID;
  const char *why = NULL;
  if (p->pulses == 0 || p->pulses > QKD_SIM_MAX_PULSES)
    why = "pulses must be in [1, 2^62]";
  else if (!in_range(p->distance_km, 0, 1e5))
    why = "distance_km must be in [0, 100000]";
  else if (!in_range(p->fiber_loss_db_per_km, 0, 1e3))
    why = "fiber loss must be in [0, 1000] dB/km";
  else if (!in_range(p->det_eff, 0, 1))
    why = "det_eff must be in [0, 1]";
  else if (!(p->dark_count >= 0 && p->dark_count < 1))
    why = "dark_count must be in [0, 1)";
  else if (!in_range(p->misalignment, 0, 0.5))
    why = "misalignment must be in [0, 0.5]";
  else if (!in_range(p->mu[0], 0, 10) || !in_range(p->mu[1], 0, 10) || !in_range(p->mu[2], 0, 10))
    why = "each mu must be in [0, 10]";
  else if (!(p->mu[0] > p->mu[1] && p->mu[1] > p->mu[2]))
    why = "mu must be strictly decreasing (signal > decoy > vacuum)";
  else if (!in_range(p->p_mu[0], 0, 1) || !in_range(p->p_mu[1], 0, 1) ||
           !in_range(p->p_mu[2], 0, 1))
    why = "each p_mu must be in [0, 1]";
  else if (fabs(p->p_mu[0] + p->p_mu[1] + p->p_mu[2] - 1.0) > 1e-9)
    why = "p_mu must sum to 1";
  else if (!in_range(p->p_key_basis, 0, 1))
    why = "p_key_basis must be in [0, 1]";
  else if (!in_range(p->eve_fraction, 0, 1))
    why = "eve_fraction must be in [0, 1]";
  if (why) {
    qkdi_log(QKD_LOG_ERROR, MOD, "invalid parameters: %s", why);
    return QKD_ERR_RANGE;
  }
  return QKD_OK;
}

/* transmittance returns eta = det_eff * 10^(-alpha L / 10). */
static double transmittance(const struct qkd_sim_params *p) {
  return p->det_eff * pow(10.0, -p->fiber_loss_db_per_km * p->distance_km / 10.0);
}

/* click_prob returns 1 - (1 - pd) e^{-m}, the click probability of one detector
 * whose incident mean photon number is m, accurate for tiny values. */
static double click_prob(double pd, double m) { return -expm1(log1p(-pd) - m); }

/* Per-class detection probabilities. "aligned": the incident state was prepared
 * in Bob's basis, the right detector sees eta mu (1 - e_mis), the other
 * eta mu e_mis. "half": prepared in the other basis, each detector sees eta mu / 2. */
struct class_model {
  double gain;                    /* Q = 1 - (1 - pd)^2 e^{-eta mu} */
  double al_right, al_other;      /* aligned click probabilities per detector */
  double half;                    /* click probability of each detector, other basis */
  double al_t1, al_t2;            /* given a click: P(only right), + P(only other) */
  double half_t1, half_t2;        /* the same for the other-basis case */
};

static void class_model_init(struct class_model *c, double eta, double mu, double pd, double em) {
  double m = eta * mu;
  c->gain = -expm1(2.0 * log1p(-pd) - m);
  c->al_right = click_prob(pd, m * (1.0 - em));
  c->al_other = click_prob(pd, m * em);
  c->half = click_prob(pd, m * 0.5);
  if (c->gain > 0) {
    c->al_t1 = c->al_right * (1.0 - c->al_other) / c->gain;
    c->al_t2 = c->al_t1 + c->al_other * (1.0 - c->al_right) / c->gain;
    c->half_t1 = c->half * (1.0 - c->half) / c->gain;
    c->half_t2 = 2.0 * c->half_t1;
  } else {
    c->al_t1 = c->al_t2 = c->half_t1 = c->half_t2 = 1.0;
  }
}

void qkd_sim_expected(struct qkd_sim_expect *out, const struct qkd_sim_params *p) {
  double eta = transmittance(p);
  double f = p->eve_fraction;
  double err_weighted = 0;
  memset(out, 0, sizeof(*out));
  for (int k = 0; k < 3; k++) {
    struct class_model c;
    class_model_init(&c, eta, p->mu[k], p->dark_count, p->misalignment);
    /* Error = only the wrong detector clicks, or both click and the squash picks wrong. */
    double e_al = c.al_other * (1.0 - c.al_right) + 0.5 * c.al_right * c.al_other;
    double e_half = c.half * (1.0 - c.half) + 0.5 * c.half * c.half;
    /* Eve's basis matches Alice's half of the time (no change), else Bob, whose
     * basis is Alice's, sees a state of the other basis. */
    double err = (1.0 - f) * e_al + f * 0.5 * (e_al + e_half);
    out->gain[k] = c.gain;
    out->qber[k] = c.gain > 0 ? err / c.gain : 0.0;
    out->gain_total += p->p_mu[k] * c.gain;
    err_weighted += p->p_mu[k] * err;
  }
  out->qber_total = out->gain_total > 0 ? err_weighted / out->gain_total : 0.0;
}

/* ---- output buffers ---- */

struct bob_buf {
  uint64_t *rec;
  size_t count, cap;
};

static enum qkd_err bob_buf_init(struct bob_buf *b, const struct qkd_sim_params *p) {
  struct qkd_sim_expect ex;
  qkd_sim_expected(&ex, p);
  double mean = (double)p->pulses * ex.gain_total;
  double cap = mean + 8.0 * sqrt(mean) + 1024.0;
  if (cap > (double)p->pulses) cap = (double)p->pulses;
  if (cap > (double)(SIZE_MAX / sizeof(uint64_t))) cap = (double)(SIZE_MAX / sizeof(uint64_t));
  b->cap = (size_t)cap;
  b->count = 0;
  b->rec = malloc(b->cap * sizeof(uint64_t));
  if (!b->rec) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot allocate %zu detection records", b->cap);
    return QKD_ERR_NOMEM;
  }
  return QKD_OK;
}

/* bob_buf_grow enlarges the buffer by half; the old one is wiped (it holds Bob's
 * bits), which realloc() would not do. */
static enum qkd_err bob_buf_grow(struct bob_buf *b) {
  size_t cap = b->cap + b->cap / 2 + 1024;
  uint64_t *rec = malloc(cap * sizeof(uint64_t));
  if (!rec) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot grow detection records to %zu", cap);
    return QKD_ERR_NOMEM;
  }
  memcpy(rec, b->rec, b->count * sizeof(uint64_t));
  qkd_free_secret(b->rec, b->count * sizeof(uint64_t));
  b->rec = rec;
  b->cap = cap;
  return QKD_OK;
}

static inline enum qkd_err bob_buf_push(struct bob_buf *b, uint64_t record) {
  if (b->count == b->cap) {
    enum qkd_err rc = bob_buf_grow(b);
    if (rc < 0) return rc;
  }
  b->rec[b->count++] = record;
  return QKD_OK;
}

static enum qkd_err alice_alloc(uint8_t **out, uint64_t pulses) {
  size_t nbytes = (size_t)(pulses / 2 + (pulses & 1));
  *out = calloc(nbytes, 1);
  if (!*out) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot allocate %zu bytes for %llu pulse settings", nbytes,
             (unsigned long long)pulses);
    return QKD_ERR_NOMEM;
  }
  return QKD_OK;
}

static inline unsigned get_nibble(const uint8_t *s, uint64_t i) {
  return (s[i >> 1] >> ((i & 1) * 4)) & 0xf;
}

/* ---- fast sampler ---- */

/* Integer thresholds for Alice's choices from one 64-bit word: bit 0 is the bit
 * value, bits 1-31 a 31-bit uniform compared against the basis threshold, bits
 * 32-63 a 32-bit uniform compared against the class thresholds. Probabilities are
 * therefore rounded to multiples of 2^-31 and 2^-32. */
struct alice_thresholds {
  uint64_t basis_x; /* u31 >= basis_x picks X */
  uint64_t c0, c1;  /* u32 >= c0 leaves class 0, u32 >= c1 leaves class 1 */
};

static void alice_thresholds_init(struct alice_thresholds *t, const struct qkd_sim_params *p) {
  t->basis_x = (uint64_t)llround(p->p_key_basis * 2147483648.0);
  t->c0 = (uint64_t)llround(p->p_mu[0] * 4294967296.0);
  t->c1 = (uint64_t)4294967296ull - (uint64_t)llround(p->p_mu[2] * 4294967296.0);
  if (t->c0 > t->c1) t->c0 = t->c1;
}

static inline unsigned alice_nibble(const struct alice_thresholds *t, uint64_t w) {
  uint64_t ub = (w >> 1) & 0x7fffffffu, uk = w >> 32;
  unsigned k = (unsigned)(uk >= t->c0) + (unsigned)(uk >= t->c1);
  return (unsigned)(w & 1) | ((unsigned)(ub >= t->basis_x) << 1) | (k << 2);
}

/* fill_settings writes settings of pulses [start, end) (start even). */
static void fill_settings(uint8_t *s, uint64_t start, uint64_t end, struct qkd_rng *rng,
                          const struct alice_thresholds *t) {
  uint64_t i = start;
  for (; i + 2 <= end; i += 2) {
    unsigned lo = alice_nibble(t, qkd_rng_next(rng));
    unsigned hi = alice_nibble(t, qkd_rng_next(rng));
    s[i >> 1] = (uint8_t)(lo | (hi << 4));
  }
  if (i < end) s[i >> 1] = (uint8_t)alice_nibble(t, qkd_rng_next(rng));
}

/* geometric returns the number of failures before the first success of
 * Bernoulli(q) trials, with log1m_q = log(1 - q), capped at |cap|. */
static inline uint64_t geometric(struct qkd_rng *rng, double log1m_q, uint64_t cap) {
  double u = (double)((qkd_rng_next(rng) >> 11) + 1) * 0x1.0p-53; /* (0, 1] */
  double g = floor(log(u) / log1m_q);
  if (!(g < (double)cap)) return cap;
  return (uint64_t)g;
}

/* sim_model: what both samplers precompute. */
struct sim_model {
  struct class_model cls[3];
  double accept[3]; /* thinning ratio gain[k] / max gain */
  double gain_max;
  double eta;
};

static void sim_model_init(struct sim_model *m, const struct qkd_sim_params *p) {
  m->eta = transmittance(p);
  m->gain_max = 0;
  for (int k = 0; k < 3; k++) {
    class_model_init(&m->cls[k], m->eta, p->mu[k], p->dark_count, p->misalignment);
    if (p->p_mu[k] > 0 && m->cls[k].gain > m->gain_max) m->gain_max = m->cls[k].gain;
  }
  for (int k = 0; k < 3; k++)
    m->accept[k] = m->gain_max > 0 ? m->cls[k].gain / m->gain_max : 0.0;
}

/* detect_one draws Bob's basis, Eve's action and the click pattern of pulse |i|
 * with setting |s|, given that it was detected, and returns Bob's record. */
static inline uint64_t detect_one(struct qkd_rng *rng, const struct sim_model *m,
                                  const struct qkd_sim_params *p, uint64_t i, unsigned s) {
  unsigned x = s & 1, a = (s >> 1) & 1, k = (s >> 2) & 3;
  unsigned b = qkd_rng_double(rng) >= p->p_key_basis;
  unsigned sb = a, sy = x; /* the state that reaches Bob */
  if (p->eve_fraction > 0 && qkd_rng_double(rng) < p->eve_fraction) {
    uint64_t w = qkd_rng_next(rng);
    unsigned e = (unsigned)(w >> 63);
    sy = e == a ? x : (unsigned)(w >> 62) & 1;
    sb = e;
  }
  const struct class_model *c = &m->cls[k];
  double t1 = sb == b ? c->al_t1 : c->half_t1, t2 = sb == b ? c->al_t2 : c->half_t2;
  uint64_t w = qkd_rng_next(rng);
  double u = (double)(w >> 11) * 0x1.0p-53;
  unsigned bit;
  if (u < t1)
    bit = sy;
  else if (u < t2)
    bit = sy ^ 1u;
  else
    bit = (unsigned)w & 1; /* double click: squashed to a random bit (low bits unused by u) */
  return (i << 2) | ((uint64_t)b << 1) | bit;
}

static void events_reset(struct qkd_alice_events *alice, struct qkd_bob_events *bob) {
  memset(alice, 0, sizeof(*alice));
  memset(bob, 0, sizeof(*bob));
}

enum qkd_err qkd_sim_run(struct qkd_alice_events *alice, struct qkd_bob_events *bob,
                         const struct qkd_sim_params *p, qkd_sim_progress_fn progress, void *ctx) {
  if (!alice || !bob || !p) return QKD_ERR_INVALID;
  events_reset(alice, bob);
  enum qkd_err rc = qkd_sim_params_check(p);
  if (rc < 0) return rc;

  uint8_t *settings = NULL;
  struct bob_buf bb = {0};
  rc = alice_alloc(&settings, p->pulses);
  if (rc < 0) return rc;
  rc = bob_buf_init(&bb, p);
  if (rc < 0) goto err_settings;

  struct sim_model m;
  sim_model_init(&m, p);
  struct alice_thresholds at;
  alice_thresholds_init(&at, p);
  struct qkd_rng ra, rc_rng;
  qkd_rng_seed(&ra, p->seed);
  qkd_rng_seed(&rc_rng, p->seed ^ CHANNEL_STREAM);

  const uint64_t n = p->pulses;
  const bool any = m.gain_max > 0;
  const double log1m_q = log1p(-m.gain_max);
  uint64_t next = any ? geometric(&rc_rng, log1m_q, n) : n; /* next detection candidate */
  for (uint64_t start = 0; start < n; start += BLOCK_PULSES) {
    uint64_t end = n - start > BLOCK_PULSES ? start + BLOCK_PULSES : n;
    fill_settings(settings, start, end, &ra, &at);
    while (next < end) {
      unsigned s = get_nibble(settings, next);
      double acc = m.accept[s >> 2];
      if (acc >= 1.0 || qkd_rng_double(&rc_rng) < acc) {
        rc = bob_buf_push(&bb, detect_one(&rc_rng, &m, p, next, s));
        if (rc < 0) goto err_bob;
      }
      next += 1 + geometric(&rc_rng, log1m_q, n - next);
    }
    if (progress) progress(ctx, end, n);
  }

  alice->pulses = n;
  alice->settings = settings;
  bob->pulses = n;
  bob->count = bb.count;
  bob->records = bb.rec;
  return QKD_OK;

err_bob:
  qkd_free_secret(bb.rec, bb.count * sizeof(uint64_t));
err_settings:
  qkd_free_secret(settings, (size_t)(p->pulses / 2 + (p->pulses & 1)));
  return rc;
}

/* ---- reference sampler ---- */

static inline unsigned rbit(struct qkd_rng *rng) { return (unsigned)(qkd_rng_next(rng) >> 63); }

enum qkd_err qkd_sim_run_reference(struct qkd_alice_events *alice, struct qkd_bob_events *bob,
                                   const struct qkd_sim_params *p, qkd_sim_progress_fn progress,
                                   void *ctx) {
  if (!alice || !bob || !p) return QKD_ERR_INVALID;
  events_reset(alice, bob);
  enum qkd_err rc = qkd_sim_params_check(p);
  if (rc < 0) return rc;

  uint8_t *settings = NULL;
  struct bob_buf bb = {0};
  rc = alice_alloc(&settings, p->pulses);
  if (rc < 0) return rc;
  rc = bob_buf_init(&bb, p);
  if (rc < 0) goto err_settings;

  const double eta = transmittance(p);
  const double pd = p->dark_count, em = p->misalignment, f = p->eve_fraction;
  const double cum0 = p->p_mu[0], cum1 = p->p_mu[0] + p->p_mu[1];
  double exp_mu[3];
  for (int k = 0; k < 3; k++) exp_mu[k] = exp(-p->mu[k]);
  struct qkd_rng r;
  qkd_rng_seed(&r, p->seed);

  const uint64_t n = p->pulses;
  for (uint64_t i = 0; i < n; i++) {
    /* Alice */
    double u = qkd_rng_double(&r);
    unsigned k = u < cum0 ? 0 : u < cum1 ? 1 : 2;
    if (k == 1 && p->p_mu[1] == 0) k = p->p_mu[2] > 0 ? 2 : 0; /* guard rounding of cum1 */
    if (k == 2 && p->p_mu[2] == 0) k = p->p_mu[1] > 0 ? 1 : 0;
    unsigned a = qkd_rng_double(&r) >= p->p_key_basis;
    unsigned x = rbit(&r);
    settings[i >> 1] |= (uint8_t)((x | (a << 1) | (k << 2)) << ((i & 1) * 4));
    /* Bob's basis and Eve */
    unsigned b = qkd_rng_double(&r) >= p->p_key_basis;
    unsigned sb = a, sy = x;
    if (f > 0 && qkd_rng_double(&r) < f) {
      unsigned e = rbit(&r);
      sy = e == a ? x : rbit(&r);
      sb = e;
    }
    /* Poisson photon number by inversion, each photon's fate, then dark counts. */
    double v = qkd_rng_double(&r), term = exp_mu[k], cdf = term;
    unsigned photons = 0;
    while (v >= cdf && photons < 1000) {
      photons++;
      term *= p->mu[k] / photons;
      cdf += term;
    }
    unsigned click[2] = {0, 0};
    for (unsigned j = 0; j < photons; j++) {
      if (qkd_rng_double(&r) >= eta) continue;
      unsigned det = sb == b ? (qkd_rng_double(&r) < em ? sy ^ 1u : sy) : rbit(&r);
      click[det] = 1;
    }
    if (qkd_rng_double(&r) < pd) click[0] = 1;
    if (qkd_rng_double(&r) < pd) click[1] = 1;
    if (click[0] | click[1]) {
      unsigned bit = click[0] && click[1] ? rbit(&r) : click[1];
      rc = bob_buf_push(&bb, (i << 2) | ((uint64_t)b << 1) | bit);
      if (rc < 0) goto err_bob;
    }
    if (progress && ((i + 1) % BLOCK_PULSES == 0 || i + 1 == n)) progress(ctx, i + 1, n);
  }

  alice->pulses = n;
  alice->settings = settings;
  bob->pulses = n;
  bob->count = bb.count;
  bob->records = bb.rec;
  return QKD_OK;

err_bob:
  qkd_free_secret(bb.rec, bb.count * sizeof(uint64_t));
err_settings:
  qkd_free_secret(settings, (size_t)(p->pulses / 2 + (p->pulses & 1)));
  return rc;
}

/* ---- measurement and cleanup ---- */

enum qkd_err qkd_sim_measure(struct qkd_sim_measured *out, const struct qkd_alice_events *alice,
                             const struct qkd_bob_events *bob) {
  if (!out || !alice || !bob || (!alice->settings && alice->pulses) ||
      (!bob->records && bob->count))
    return QKD_ERR_INVALID;
  if (alice->pulses != bob->pulses) {
    qkdi_log(QKD_LOG_ERROR, MOD, "Alice has %llu pulses, Bob %llu",
             (unsigned long long)alice->pulses, (unsigned long long)bob->pulses);
    return QKD_ERR_FORMAT;
  }
  struct qkd_sim_measured m;
  memset(&m, 0, sizeof(m));
  uint64_t cls[4] = {0, 0, 0, 0};
  const uint64_t n = alice->pulses;
  const uint8_t *s = alice->settings;
  for (uint64_t j = 0; j < n / 2; j++) {
    cls[(s[j] >> 2) & 3]++;
    cls[(s[j] >> 6) & 3]++;
  }
  if (n & 1) cls[(s[n / 2] >> 2) & 3]++;
  if (cls[3]) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%llu settings hold the invalid intensity class 3",
             (unsigned long long)cls[3]);
    return QKD_ERR_FORMAT;
  }
  for (size_t j = 0; j < bob->count; j++) {
    uint64_t r = bob->records[j], i = r >> 2;
    if (i >= n) {
      qkdi_log(QKD_LOG_ERROR, MOD, "record %zu names pulse %llu of %llu", j,
               (unsigned long long)i, (unsigned long long)n);
      return QKD_ERR_FORMAT;
    }
    unsigned st = get_nibble(s, i), k = st >> 2;
    m.detections[k]++;
    if (((r >> 1) & 1) == ((st >> 1) & 1)) {
      m.sifted[k]++;
      if ((r & 1) != (st & 1)) m.errors[k]++;
    }
  }
  for (int k = 0; k < 3; k++) {
    m.pulses[k] = cls[k];
    m.gain[k] = cls[k] ? (double)m.detections[k] / (double)cls[k] : 0.0;
    m.qber[k] = m.sifted[k] ? (double)m.errors[k] / (double)m.sifted[k] : 0.0;
    m.pulses_total += cls[k];
    m.detections_total += m.detections[k];
    m.sifted_total += m.sifted[k];
    m.errors_total += m.errors[k];
  }
  m.gain_total = m.pulses_total ? (double)m.detections_total / (double)m.pulses_total : 0.0;
  m.qber_total = m.sifted_total ? (double)m.errors_total / (double)m.sifted_total : 0.0;
  *out = m;
  return QKD_OK;
}

void qkd_alice_events_cleanup(struct qkd_alice_events *a) {
  if (!a) return;
  qkd_free_secret(a->settings, (size_t)(a->pulses / 2 + (a->pulses & 1)));
  memset(a, 0, sizeof(*a));
}

void qkd_bob_events_cleanup(struct qkd_bob_events *b) {
  if (!b) return;
  qkd_free_secret(b->records, b->count * sizeof(uint64_t));
  memset(b, 0, sizeof(*b));
}
