/* bb84sim.h: the BB84 decoy-state link model (libqkdsim).
 *
 * A prepare-and-measure BB84 link with weak coherent pulses and three intensities
 * (Lim et al., PRA 89, 022307 (2014)): fibre loss, detector efficiency, two
 * detectors with dark counts, optical misalignment, double clicks squashed to a
 * random bit, and an intercept-resend eavesdropper acting on a fraction of the
 * pulses. Runs are deterministic from a 64-bit seed. The model and its analytic
 * gain and QBER are documented in docs/simulator.md, the event files in
 * docs/formats.md. Alice's settings and Bob's records are secret material: the
 * cleanup functions wipe them and the files are written with mode 0600. */
#ifndef QKD_BB84SIM_H
#define QKD_BB84SIM_H

#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest pulse count a run or an event file may hold: Bob's record keeps the
 * pulse index in its top 62 bits. */
#define QKD_SIM_MAX_PULSES ((uint64_t)1 << 62)

/* Link and source parameters. Index k of mu/p_mu is the intensity class: 0 signal,
 * 1 decoy, 2 vacuum-ish, with mu[0] > mu[1] > mu[2] >= 0. */
struct qkd_sim_params {
  uint64_t pulses;             /* pulses Alice sends, 1 .. QKD_SIM_MAX_PULSES */
  uint64_t seed;               /* the whole run is a function of this seed */
  double distance_km;          /* fibre length, >= 0 */
  double fiber_loss_db_per_km; /* fibre attenuation alpha, >= 0 */
  double det_eff;              /* Bob's detection efficiency (optics included), [0, 1] */
  double dark_count;           /* dark-count probability per detector per pulse, [0, 1) */
  double misalignment;         /* probability a photon lands in the wrong detector, [0, 0.5] */
  double mu[3];                /* mean photon numbers, decreasing, mu[0] <= 10 */
  double p_mu[3];              /* class probabilities, each in [0, 1], summing to 1 */
  double p_key_basis;          /* probability of the Z (key) basis, for Alice and Bob, [0, 1] */
  double eve_fraction;         /* probability that Eve intercepts and resends a pulse, [0, 1] */
};

/* qkd_sim_params_default writes the defaults to |*p|: 1e8 pulses, seed 1, 25 km,
 * 0.2 dB/km, det_eff 0.25, dark_count 6e-7, misalignment 0.005,
 * mu = {0.5, 0.1, 0.0002}, p_mu = {0.7, 0.2, 0.1}, p_key_basis 0.85, no Eve. */
void qkd_sim_params_default(struct qkd_sim_params *p);

/* qkd_sim_params_check returns QKD_OK when |*p| is a valid parameter set, and
 * QKD_ERR_RANGE, with the reason logged, when any field is outside its range
 * (see struct qkd_sim_params), p_mu does not sum to 1 within 1e-9, or mu is not
 * strictly decreasing. Returns QKD_ERR_INVALID for p == NULL. */
enum qkd_err qkd_sim_params_check(const struct qkd_sim_params *p);

/* Analytic expectations, per intensity class and overall (weighted by p_mu). The
 * gain is the probability that Bob registers a detection (any basis); the QBER is
 * the error rate among detections where Alice's and Bob's bases match. */
struct qkd_sim_expect {
  double gain[3];
  double qber[3]; /* 0 where the gain is 0 */
  double gain_total;
  double qber_total;
};

/* qkd_sim_expected writes the analytic gain and QBER of the model for |*p| to
 * |*out| (formulas in docs/simulator.md). |*p| must have passed
 * qkd_sim_params_check. */
void qkd_sim_expected(struct qkd_sim_expect *out, const struct qkd_sim_params *p);

/* Alice: one setting nibble per pulse: bit0 = bit value, bit1 = basis (0 Z key,
 * 1 X test), bits2-3 = intensity class. Stored two per byte, pulse i in byte i/2,
 * low nibble for even i; the high nibble of the last byte is zero for an odd
 * pulse count. */
struct qkd_alice_events {
  uint64_t pulses;
  uint8_t *settings;
};

/* qkd_alice_setting returns the setting nibble of pulse |i| of |*a|. */
static inline unsigned qkd_alice_setting(const struct qkd_alice_events *a, uint64_t i) {
  return (a->settings[i >> 1] >> ((i & 1) * 4)) & 0xf;
}

/* Bob: one record per detection event, sorted by pulse index, strictly
 * increasing: (index << 2) | (basis << 1) | bit. */
struct qkd_bob_events {
  uint64_t pulses;
  size_t count;
  uint64_t *records;
};

/* qkd_sim_progress_fn is called with the number of pulses simulated so far. */
typedef void (*qkd_sim_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* qkd_sim_run simulates p->pulses pulses with the fast sampler (bulk settings and
 * geometric skipping between detection candidates) and writes Alice's settings to
 * |*alice| and Bob's detections to |*bob|, both newly allocated. |progress|, when
 * not NULL, is called every 2^24 pulses and once at the end.
 * Returns QKD_ERR_INVALID for NULL alice/bob/p, QKD_ERR_RANGE for parameters that
 * fail qkd_sim_params_check, QKD_ERR_NOMEM (logged). On error both outputs are
 * zeroed. The caller owns the outputs and releases them with
 * qkd_alice_events_cleanup() and qkd_bob_events_cleanup(). */
enum qkd_err qkd_sim_run(struct qkd_alice_events *alice, struct qkd_bob_events *bob,
                         const struct qkd_sim_params *p, qkd_sim_progress_fn progress, void *ctx);

/* qkd_sim_run_reference is qkd_sim_run with the plain per-pulse sampler: every
 * pulse draws its settings, a Poisson photon number, each photon's fate and each
 * detector's dark count. It is the statistical oracle for qkd_sim_run (same
 * distribution, different random stream) and the benchmark's baseline. Same
 * errors, outputs and ownership as qkd_sim_run. */
enum qkd_err qkd_sim_run_reference(struct qkd_alice_events *alice, struct qkd_bob_events *bob,
                                   const struct qkd_sim_params *p, qkd_sim_progress_fn progress,
                                   void *ctx);

/* Measured statistics of a run, per intensity class and overall. */
struct qkd_sim_measured {
  uint64_t pulses[3];     /* pulses Alice sent in each class */
  uint64_t detections[3]; /* Bob's detections */
  uint64_t sifted[3];     /* detections with matching bases */
  uint64_t errors[3];     /* sifted detections where Bob's bit differs from Alice's */
  double gain[3];         /* detections / pulses (0 for an empty class) */
  double qber[3];         /* errors / sifted (0 when nothing was sifted) */
  uint64_t pulses_total, detections_total, sifted_total, errors_total;
  double gain_total, qber_total;
};

/* qkd_sim_measure writes the measured gain and QBER of the event pair to |*out|.
 * Returns QKD_ERR_INVALID for NULL arguments and QKD_ERR_FORMAT (logged) when the
 * pulse counts differ or a record's index is out of range; |*out| is written only
 * on success. */
enum qkd_err qkd_sim_measure(struct qkd_sim_measured *out, const struct qkd_alice_events *alice,
                             const struct qkd_bob_events *bob);

/* qkd_alice_events_cleanup wipes and frees |*a|'s settings and zeroes |*a|. Safe
 * on a zeroed struct and on NULL. */
void qkd_alice_events_cleanup(struct qkd_alice_events *a);

/* qkd_bob_events_cleanup wipes and frees |*b|'s records and zeroes |*b|. Safe on
 * a zeroed struct and on NULL. */
void qkd_bob_events_cleanup(struct qkd_bob_events *b);

/* qkd_alice_events_write writes |*a| to |path| in the QKDA format
 * (docs/formats.md) through a temporary file in the same folder, created with
 * mode 0600, fsync'ed and renamed over |path|.
 * Returns QKD_ERR_INVALID for NULL arguments or an empty or oversized event set,
 * QKD_ERR_IO (logged with the path) when the file cannot be written; the
 * temporary file is then removed and |path| is untouched. */
enum qkd_err qkd_alice_events_write(const char *path, const struct qkd_alice_events *a);

/* qkd_alice_events_read reads the QKDA file at |path| into |*a| (newly
 * allocated). Returns QKD_ERR_INVALID for NULL arguments, QKD_ERR_IO when the
 * file cannot be opened or read, QKD_ERR_FORMAT for a bad magic, unknown version,
 * corrupt header, truncated or over-long file, payload CRC mismatch, inconsistent
 * counts or an invalid setting nibble, QKD_ERR_NOMEM; the reason is logged with
 * the path. On error |*a| is zeroed. The caller releases |*a| with
 * qkd_alice_events_cleanup(). */
enum qkd_err qkd_alice_events_read(struct qkd_alice_events *a, const char *path);

/* qkd_bob_events_write writes |*b| to |path| in the QKDB format, atomically and
 * with mode 0600 as qkd_alice_events_write. Returns QKD_ERR_INVALID for NULL
 * arguments or an invalid pulse count, QKD_ERR_IO (logged). */
enum qkd_err qkd_bob_events_write(const char *path, const struct qkd_bob_events *b);

/* qkd_bob_events_read reads the QKDB file at |path| into |*b| (newly allocated).
 * Errors as qkd_alice_events_read; QKD_ERR_FORMAT also for records whose indices
 * are not strictly increasing or reach the pulse count. On error |*b| is zeroed.
 * The caller releases |*b| with qkd_bob_events_cleanup(). */
enum qkd_err qkd_bob_events_read(struct qkd_bob_events *b, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* QKD_BB84SIM_H */
