#include "qkd/keylen.h"

#include <math.h>
#include <string.h>

double qkd_h2(double p) {
  if (p <= 0 || p >= 1) return 0;
  return -p * log2(p) - (1 - p) * log2(1 - p);
}

/* tau_n: probability that a pulse carries n photons, over the intensity mix. */
static double tau(const struct qkd_keylen_params *pr, int n) {
  double t = 0;
  for (int k = 0; k < 3; k++) t += exp(-pr->mu[k]) * pow(pr->mu[k], n) * pr->p_mu[k] / tgamma(n + 1.0);
  return t;
}

/* Multiplicative Chernoff bounds on the expectation of an observed count |x|
 * (a sum of independent Bernoulli trials), each failing with probability
 * e^-beta. Per class, they are far tighter than Lim et al.'s Hoeffding term,
 * which scales with the basis's total count and swamps the small decoy and
 * vacuum classes (Zhang et al., PRA 95, 012333 (2017), use the same idea). */
static double chernoff_upper(double x, double beta) { return x + beta + sqrt(2 * beta * x + beta * beta); }
static double chernoff_lower(double x, double beta) {
  return fmax(0.0, x - (beta + sqrt(beta * beta + 8 * beta * x)) / 2);
}

/* The intensity-normalised bounds n^{+-}_k of Lim et al. (Eq. 2), with the
 * deviation term replaced by the Chernoff bounds above. */
static void bounds(double lo[3], double hi[3], const struct qkd_keylen_params *pr,
                   const uint64_t c[3], double eps1) {
  double beta = log(1.0 / eps1);
  for (int k = 0; k < 3; k++) {
    double s = exp(pr->mu[k]) / pr->p_mu[k];
    lo[k] = s * chernoff_lower((double)c[k], beta);
    hi[k] = s * chernoff_upper((double)c[k], beta);
  }
}

/* Vacuum (Eq. 3) and single-photon (Eq. 4) lower bounds from normalised counts. */
static void vacuum_single(double *s0, double *s1, const struct qkd_keylen_params *pr,
                          const double lo[3], const double hi[3]) {
  const double m1 = pr->mu[0], m2 = pr->mu[1], m3 = pr->mu[2];
  double t0 = tau(pr, 0), t1 = tau(pr, 1);
  *s0 = fmax(0.0, t0 * (m2 * lo[2] - m3 * hi[1]) / (m2 - m3));
  double num = lo[1] - hi[2] - (m2 * m2 - m3 * m3) / (m1 * m1) * (hi[0] - *s0 / t0);
  *s1 = fmax(0.0, t1 * m1 * num / (m1 * (m2 - m3) - m2 * m2 + m3 * m3));
}

/* gamma(a, b, c, d) of Lim et al. (Eq. 5): the random-sampling correction. */
static double gamma_corr(double a, double b, double c, double d) {
  double v = (c + d) * (1 - b) * b / (c * d * log(2.0)) *
             log2((c + d) / (c * d * (1 - b) * b) * (21.0 * 21.0) / (a * a));
  return v > 0 ? sqrt(v) : 0;
}

enum qkd_err qkd_keylen_compute(struct qkd_keylen_result *out,
                                const struct qkd_keylen_params *pr,
                                const struct qkd_keylen_input *in) {
  memset(out, 0, sizeof(*out));
  const double m1 = pr->mu[0], m2 = pr->mu[1], m3 = pr->mu[2];
  if (!(m3 >= 0 && m2 > m3 && m1 > m2 + m3) || !(pr->eps_sec > 0 && pr->eps_sec < 1) ||
      !(pr->eps_cor > 0 && pr->eps_cor < 1))
    return QKD_ERR_INVALID;
  for (int k = 0; k < 3; k++)
    if (!(pr->p_mu[k] > 0 && pr->p_mu[k] <= 1)) return QKD_ERR_INVALID;

  const double eps1 = pr->eps_sec / 21.0;
  double klo[3], khi[3], tlo[3], thi[3], elo[3], ehi[3], t0_unused;
  bounds(klo, khi, pr, in->n_key, eps1);
  bounds(tlo, thi, pr, in->n_test, eps1);
  bounds(elo, ehi, pr, in->m_test, eps1);
  vacuum_single(&out->s_key0, &out->s_key1, pr, klo, khi);
  vacuum_single(&t0_unused, &out->s_test1, pr, tlo, thi);
  out->v_test1 = fmax(0.0, tau(pr, 1) * (ehi[1] - elo[2]) / (m2 - m3));

  out->length_real = -INFINITY;
  if (out->s_key1 <= 0 || out->s_test1 <= 0) return QKD_OK;
  double ratio = fmin(out->v_test1 / out->s_test1, 0.5);
  out->phase_error = ratio;
  if (ratio > 0 && ratio < 0.5)
    out->phase_error = ratio + gamma_corr(pr->eps_sec, ratio, out->s_test1, out->s_key1);
  if (out->phase_error >= 0.5) return QKD_OK;

  out->length_real = out->s_key0 + out->s_key1 - out->s_key1 * qkd_h2(out->phase_error) -
                     (double)in->leak_ec - 6.0 * log2(21.0 / pr->eps_sec) - log2(2.0 / pr->eps_cor);
  uint64_t total = in->n_key[0] + in->n_key[1] + in->n_key[2];
  if (out->length_real >= 1) out->length = (uint64_t)fmin(floor(out->length_real), (double)total);
  return QKD_OK;
}
