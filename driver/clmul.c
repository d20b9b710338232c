/* clmul.c: the FAST Toeplitz hash on x86-64 with PCLMULQDQ (docs/pa.md, "FAST").
 *
 * The hash is the middle product y[i] = coeff_{i+n-1}(X*S). It is cut into
 * square word-level middle products MP_K(A, B): A of K words, B of 2K words,
 * c_i = XOR_j a_j b_{i - j + 64K - 1} for i in [0, 64K). MP_K is computed by
 * transposed Karatsuba: with A = A0 + t^{32K} A1 and the three overlapping
 * K-word windows W0, W1, W2 of B at word offsets 0, K/2, K,
 *   beta  = MP(A0 + A1, W1)
 *   c_lo  = beta + MP(A1, W0 + W1)
 *   c_hi  = beta + MP(A0, W1 + W2)
 * three half-size middle products, so MP_K costs the same O(K^1.585) as one
 * K x K Karatsuba product while the full product X*S is never formed. Below
 * QKDI_MP_BASECASE_WORDS words a schoolbook basecase of carry-less multiplies
 * (VPCLMULQDQ on 256-bit registers where available, PCLMULQDQ otherwise)
 * computes only the product words that reach the middle. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "qkd/bits.h"
#include "qkd/log.h"

#if defined(__x86_64__) && defined(__GNUC__)

#include <immintrin.h>

#define TARGET_CLMUL __attribute__((target("pclmul,sse4.1,avx2")))
#define TARGET_VCLMUL __attribute__((target("pclmul,sse4.1,avx2,vpclmulqdq")))

typedef void (*mp_base_fn)(uint64_t *c, const uint64_t *a, const uint64_t *b, size_t k);

/* mp_base_pclmul: schoolbook MP_k. acc_t = XOR_{j} a_j * b_{t-j} is the 128-bit
 * column t of the product (words t and t+1); the middle needs product words
 * k-1 .. 2k-1, so only columns k-2 .. 2k-1 are formed. */
TARGET_CLMUL static void mp_base_pclmul(uint64_t *c, const uint64_t *a, const uint64_t *b,
                                        size_t k) {
  uint64_t p[QKDI_MP_BASECASE_WORDS + 2];
  uint64_t prev_hi = 0;
  size_t tmin = k >= 2 ? k - 2 : 0;
  for (size_t t = tmin; t <= 2 * k - 1; t++) {
    size_t jlo = t > 2 * k - 1 ? t - (2 * k - 1) : 0;
    size_t jhi = t < k - 1 ? t : k - 1;
    __m128i acc = _mm_setzero_si128();
    for (size_t j = jlo; j <= jhi; j++) {
      __m128i pa = _mm_cvtsi64_si128((long long)a[j]);
      __m128i pb = _mm_cvtsi64_si128((long long)b[t - j]);
      acc = _mm_xor_si128(acc, _mm_clmulepi64_si128(pa, pb, 0x00));
    }
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(acc);
    uint64_t hi = (uint64_t)_mm_extract_epi64(acc, 1);
    if (t + 1 >= k) p[t + 1 - k] = lo ^ prev_hi;
    prev_hi = hi;
  }
  /* p[w] is product word k-1+w, w in [0, k]; c = product bits 64k-1 .. 128k-2. */
  for (size_t i = 0; i < k; i++) c[i] = (p[i] >> 63) | (p[i + 1] << 1);
}

/* mp_base_vpclmul: as mp_base_pclmul, with VPCLMULQDQ on 256-bit registers.
 * Columns are formed four at a time (t0 .. t0+3). One unaligned load of
 * b[t0-j .. t0-j+3] holds (b_{t0-j}, b_{t0-j+1} | b_{t0-j+2}, b_{t0-j+3});
 * multiplying the low and the high qword of each lane by a_j adds a_j's terms
 * to columns (t0, t0+2) and (t0+1, t0+3) at once. The four columns are then
 * folded into product words t0 .. t0+3 in registers (the high half of column
 * t0+3 carries into the next group). */
TARGET_VCLMUL static void mp_base_vpclmul(uint64_t *c, const uint64_t *a, const uint64_t *b,
                                          size_t k) {
  uint64_t bb[2 * QKDI_MP_BASECASE_WORDS + 8];
  uint64_t pw[2 * QKDI_MP_BASECASE_WORDS + 16]; /* product words from tmin on */
  uint64_t zb[8];                               /* 3 zero words, then b[0..4] */
  if (k < 4) {
    mp_base_pclmul(c, a, b, k);
    return;
  }
  /* b padded with zeros past 2k: loads near the end stay in range and the
   * padded terms land only in columns >= 2k, which are never used. */
  memcpy(bb, b, 2 * k * sizeof(uint64_t));
  memset(bb + 2 * k, 0, 8 * sizeof(uint64_t));
  zb[0] = zb[1] = zb[2] = 0;
  memcpy(zb + 3, b, 5 * sizeof(uint64_t)); /* 2k >= 8 words exist */
  size_t tmin = k - 2;                     /* product words k-1 .. 2k-1 need columns k-2 .. 2k-1 */
  __m256i prev_hi = _mm256_setzero_si256();
  for (size_t t0 = tmin; t0 <= 2 * k - 1; t0 += 4) {
    __m256i acc02 = _mm256_setzero_si256(), acc13 = _mm256_setzero_si256();
    size_t jhi = t0 < k - 1 ? t0 : k - 1; /* t0 - j >= 0: no load below b */
    for (size_t j = 0; j <= jhi; j++) {
      __m256i va = _mm256_set1_epi64x((long long)a[j]);
      __m256i vb = _mm256_loadu_si256((const __m256i *)(bb + t0 - j));
      acc02 = _mm256_xor_si256(acc02, _mm256_clmulepi64_epi128(va, vb, 0x00));
      acc13 = _mm256_xor_si256(acc13, _mm256_clmulepi64_epi128(va, vb, 0x10));
    }
    /* a_j with t0 < j <= k-1 (first group only): b indices t - j < 0 read as 0. */
    for (size_t j = t0 + 1; j <= t0 + 3 && j <= k - 1; j++) {
      __m256i va = _mm256_set1_epi64x((long long)a[j]);
      __m256i vb = _mm256_loadu_si256((const __m256i *)(zb + 3 + t0 - j));
      acc02 = _mm256_xor_si256(acc02, _mm256_clmulepi64_epi128(va, vb, 0x00));
      acc13 = _mm256_xor_si256(acc13, _mm256_clmulepi64_epi128(va, vb, 0x10));
    }
    /* Words t0 .. t0+3: acc02 lanes give (lo, hi) of columns t0 and t0+2;
     * column t0+1's and t0+3's low halves go to words t0+1 and t0+3, their high
     * halves to words t0+2 and t0+4 (the latter carried); column t0-1's high
     * half (carried in) goes to word t0. */
    __m256i words = _mm256_xor_si256(acc02, _mm256_bslli_epi128(acc13, 8));
    __m256i hi = _mm256_bsrli_epi128(acc13, 8);
    words = _mm256_xor_si256(words, _mm256_permute2x128_si256(hi, prev_hi, 0x03));
    prev_hi = hi;
    _mm256_storeu_si256((__m256i *)(pw + (t0 - tmin)), words);
  }
  /* c = product bits 64k-1 .. 128k-2: c[i] = word k-1+i >> 63 | word k+i << 1. */
  const uint64_t *p = pw + 1; /* product word k-1 */
  size_t i = 0;
  for (; i + 4 <= k; i += 4) {
    __m256i lo = _mm256_loadu_si256((const __m256i *)(p + i));
    __m256i hi = _mm256_loadu_si256((const __m256i *)(p + i + 1));
    _mm256_storeu_si256((__m256i *)(c + i),
                        _mm256_or_si256(_mm256_srli_epi64(lo, 63), _mm256_slli_epi64(hi, 1)));
  }
  for (; i < k; i++) c[i] = (p[i] >> 63) | (p[i + 1] << 1);
}

/* xor3 sets d = a ^ b over n words (AVX2; -O2 does not vectorise it alone). */
TARGET_CLMUL static void xor3(uint64_t *d, const uint64_t *a, const uint64_t *b, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
    __m256i vb = _mm256_loadu_si256((const __m256i *)(b + i));
    _mm256_storeu_si256((__m256i *)(d + i), _mm256_xor_si256(va, vb));
  }
  for (; i < n; i++) d[i] = a[i] ^ b[i];
}

/* xor_into sets d ^= a over n words. */
TARGET_CLMUL static void xor_into(uint64_t *d, const uint64_t *a, size_t n) {
  xor3(d, d, a, n);
}

/* mp_kara computes MP_k(a, b) into c (k words) using 2k words of scratch per
 * level (4k in all). */
TARGET_CLMUL static void mp_kara(uint64_t *c, const uint64_t *a, const uint64_t *b, size_t k,
                                 uint64_t *scratch, mp_base_fn base) {
  if (k <= QKDI_MP_BASECASE_WORDS || (k & 1)) {
    base(c, a, b, k);
    return;
  }
  size_t h = k / 2;
  uint64_t *tb = scratch, *ta = scratch + k, *beta = ta + h, *next = beta + h;
  const uint64_t *w0 = b, *w1 = b + h, *w2 = b + k;
  xor3(tb, w0, w1, k);
  mp_kara(c, a + h, tb, h, next, base); /* c_lo = MP(A1, W0 + W1) */
  xor3(tb, w1, w2, k);
  mp_kara(c + h, a, tb, h, next, base); /* c_hi = MP(A0, W1 + W2) */
  xor3(ta, a, a + h, h);
  mp_kara(beta, ta, w1, h, next, base); /* beta = MP(A0 + A1, W1) */
  xor_into(c, beta, h);
  xor_into(c + h, beta, h);
}

/* -1 unknown, 0 none, 1 pclmul, 2 vpclmul. Detection is idempotent, so racing
 * first calls store the same value; relaxed atomics keep that well-defined. */
static int clmul_state = -1;

static int clmul_detect(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("pclmul") || !__builtin_cpu_supports("avx2") ||
      !__builtin_cpu_supports("sse4.1"))
    return 0;
  return __builtin_cpu_supports("vpclmulqdq") ? 2 : 1;
}

static int clmul_level(void) {
  int lvl = __atomic_load_n(&clmul_state, __ATOMIC_RELAXED);
  if (lvl < 0) {
    lvl = clmul_detect();
    __atomic_store_n(&clmul_state, lvl, __ATOMIC_RELAXED);
  }
  return lvl;
}

bool qkdi_toeplitz_clmul_available(void) {
  return clmul_level() >= 1;
}
bool qkdi_toeplitz_vpclmul_available(void) {
  return clmul_level() >= 2;
}

int qkdi_toeplitz_limit_clmul(int level) {
  int detected = clmul_detect();
  int lvl = level >= 0 && level < detected ? level : detected;
  __atomic_store_n(&clmul_state, lvl, __ATOMIC_RELAXED);
  return lvl;
}

enum qkd_err qkdi_toeplitz_fast_clmul(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                      const uint8_t *seed) {
  int lvl = clmul_level();
  if (lvl < 1) return QKD_ERR_UNSUPPORTED;
  mp_base_fn base = lvl >= 2 ? mp_base_vpclmul : mp_base_pclmul;
  /* Block size K = b * 2^L words with b <= basecase, the smallest such K that
   * holds all m output bits: one output block, Karatsuba halves L times. */
  size_t mw = qkd_bits_nwords(m), b = mw, L = 0;
  while (b > QKDI_MP_BASECASE_WORDS) {
    b = (b + 1) / 2;
    L++;
  }
  size_t K = b << L, blk = 64 * K;
  /* Prepending d zero bits to x leaves every seed index unchanged and makes the
   * padded length n' = n + d a multiple of the block, so that every seed window
   * starts on a word boundary: input block p meets seed words K(P-1-p) ..
   * K(P+1-p)-1. */
  size_t d = (blk - n % blk) % blk, np = n + d, P = np / blk;
  size_t xw = P * K, sw = (P + 1) * K;
  size_t total = xw + sw + K + K + 4 * K;
  uint64_t *buf = calloc(total, sizeof(uint64_t));
  if (!buf) {
    qkdi_log(QKD_LOG_ERROR, "toeplitz", "cannot allocate %zu words for n = %zu", total, n);
    return QKD_ERR_NOMEM;
  }
  uint64_t *x = buf, *s = x + xw, *y = s + sw, *tc = y + K, *scratch = tc + K;
  size_t dw = d / 64, db = d % 64;
  qkdi_load_words(x + dw, in, n);
  if (db) {
    for (size_t i = xw - 1; i > dw; i--) x[i] = (x[i] << db) | (x[i - 1] >> (64 - db));
    x[dw] <<= db;
  }
  qkdi_load_words(s, seed, n + m - 1);
  for (size_t p = 0; p < P; p++) {
    uint64_t *yy = p == 0 ? y : tc;
    mp_kara(yy, x + p * K, s + K * (P - 1 - p), K, scratch, base);
    if (p) xor_into(y, tc, K);
  }
  qkdi_store_words(out, y, m);
  qkd_free_secret(buf, total * sizeof(uint64_t));
  return QKD_OK;
}

#else /* no x86-64 clmul */

bool qkdi_toeplitz_clmul_available(void) {
  return false;
}
int qkdi_toeplitz_limit_clmul(int level) {
  (void)level;
  return 0;
}
bool qkdi_toeplitz_vpclmul_available(void) {
  return false;
}

enum qkd_err qkdi_toeplitz_fast_clmul(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                      const uint8_t *seed) {
  (void)out, (void)m, (void)in, (void)n, (void)seed;
  return QKD_ERR_UNSUPPORTED;
}

#endif
