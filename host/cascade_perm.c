/* cascade_perm.c: the keyed bijection of [0, n) that orders each Cascade pass.
 *
 * Specified in docs/cascade.md ("Permutation") so that the RTL computes the same
 * image per index with no stored table: a 4-round Feistel network on
 * m = max(2, ceil(log2 n)) bits (high part L of m - m/2 bits, low part R of m/2
 * bits; rounds alternate L ^= F(R), R ^= F(L)), a round function of one 32-bit
 * multiply, and cycle walking into [0, n). Software builds whole tables with a
 * vectorised straight-line loop; the per-index functions are the definition. */
#define QKDI_CASCADE_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "qkd/cascade.h"

#define FEISTEL_ROUNDS 4

uint64_t qkd_cascade_pass_key(uint64_t seed, uint32_t pass) {
  uint64_t z = seed + ((uint64_t)pass + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Round key r: the low (r even) or high (r odd) 32 bits of the key, xored with r * golden. */
static inline uint32_t round_key(uint64_t key, unsigned r) {
  return (uint32_t)(key >> (32 * (r & 1))) ^ (uint32_t)(r * 0x9E3779B9u);
}

/* Round function: the top |w| bits (1 <= w <= 32) of (x ^ k) * 0x9E3779B1 mod 2^32. */
static inline uint32_t round_fn(uint32_t x, uint32_t k, unsigned w) {
  uint32_t t = (x ^ k) * 0x9E3779B1u;
  return t >> (32 - w);
}

struct feistel {
  uint32_t k[FEISTEL_ROUNDS];
  unsigned wl, wr; /* widths of the high (L) and low (R) parts */
};

/* m = max(2, ceil(log2 n)) for 2 <= n <= 2^63. */
static inline unsigned domain_bits(uint64_t n) {
  unsigned m = n <= 4 ? 2 : 64 - (unsigned)__builtin_clzll(n - 1);
  return m;
}

static void feistel_init(struct feistel *f, uint64_t key, uint64_t n) {
  unsigned m = domain_bits(n);
  for (unsigned r = 0; r < FEISTEL_ROUNDS; r++) f->k[r] = round_key(key, r);
  f->wr = m / 2;
  f->wl = m - m / 2;
}

/* Rounds alternate: even rounds update L from R, odd rounds R from L. */
static inline uint64_t feistel_fwd(const struct feistel *f, uint64_t x) {
  unsigned wl = f->wl, wr = f->wr;
  uint32_t l = (uint32_t)(x >> wr), r = (uint32_t)(x & (((uint64_t)1 << wr) - 1));
  l ^= round_fn(r, f->k[0], wl);
  r ^= round_fn(l, f->k[1], wr);
  l ^= round_fn(r, f->k[2], wl);
  r ^= round_fn(l, f->k[3], wr);
  return ((uint64_t)l << wr) | r;
}

static inline uint64_t feistel_inv(const struct feistel *f, uint64_t x) {
  unsigned wl = f->wl, wr = f->wr;
  uint32_t l = (uint32_t)(x >> wr), r = (uint32_t)(x & (((uint64_t)1 << wr) - 1));
  r ^= round_fn(l, f->k[3], wr);
  l ^= round_fn(r, f->k[2], wl);
  r ^= round_fn(l, f->k[1], wr);
  l ^= round_fn(r, f->k[0], wl);
  return ((uint64_t)l << wr) | r;
}

uint64_t qkd_cascade_perm(uint64_t key, uint64_t n, uint64_t i) {
  if (n <= 1 || i >= n) return 0;
  struct feistel f;
  feistel_init(&f, key, n);
  uint64_t x = i;
  do x = feistel_fwd(&f, x);
  while (x >= n);
  return x;
}

uint64_t qkd_cascade_perm_inv(uint64_t key, uint64_t n, uint64_t i) {
  if (n <= 1 || i >= n) return 0;
  struct feistel f;
  feistel_init(&f, key, n);
  uint64_t x = i;
  do x = feistel_inv(&f, x);
  while (x >= n);
  return x;
}

/* feistel_range writes the Feistel image of every i in [lo, hi) to g[i - lo]. It
 * is straight-line code with no data-dependent branch, so the compiler vectorises
 * it (this file is built with -O3, see cascade.cmake); the AVX2 clone has native
 * 32-bit vector multiplies, about ten times faster than SSE2's emulation, and the
 * loader picks the clone at run time. */
__attribute__((target_clones("avx2", "default"))) static void feistel_range(
    uint32_t *g, uint32_t lo, uint32_t hi, const struct feistel *f) {
  const unsigned wr = f->wr, sl = 32 - f->wl, sr = 32 - f->wr;
  const uint32_t mr = (uint32_t)((1ull << wr) - 1);
  const uint32_t k0 = f->k[0], k1 = f->k[1], k2 = f->k[2], k3 = f->k[3];
  for (uint32_t i = lo; i < hi; i++) {
    uint32_t l = i >> wr, r = i & mr, t;
    t = (r ^ k0) * 0x9E3779B1u;
    l ^= t >> sl;
    t = (l ^ k1) * 0x9E3779B1u;
    r ^= t >> sr;
    t = (r ^ k2) * 0x9E3779B1u;
    l ^= t >> sl;
    t = (l ^ k3) * 0x9E3779B1u;
    r ^= t >> sr;
    g[i - lo] = (l << wr) | r;
  }
}

#define CHUNK 2048u

/* Streams perm(key, n, j) for j = 0, 1, ..., n-1 in chunks of CHUNK values:
 * state for perm_stream_next. |hi| caches the images of [n, 2^m), which cycle
 * walking passes through. */
struct perm_stream {
  struct feistel f;
  uint32_t n, next;
  uint32_t *hi;
  uint32_t buf[CHUNK];
  uint16_t walk[CHUNK]; /* positions in buf that are >= n */
};

static enum qkd_err perm_stream_init(struct perm_stream *ps, uint64_t key, uint32_t n) {
  feistel_init(&ps->f, key, n);
  ps->n = n;
  ps->next = 0;
  uint32_t d = (uint32_t)((uint64_t)1 << (ps->f.wl + ps->f.wr));
  ps->hi = NULL;
  if (d > n) {
    ps->hi = malloc((size_t)(d - n) * sizeof *ps->hi);
    if (!ps->hi) return QKD_ERR_NOMEM;
    feistel_range(ps->hi, n, d, &ps->f);
  }
  return QKD_OK;
}

/* Fills ps->buf with the next chunk of images (cycle-walked into [0, n)) and
 * returns how many it holds. */
static uint32_t perm_stream_next(struct perm_stream *ps) {
  uint32_t lo = ps->next, hi = lo + CHUNK < ps->n ? lo + CHUNK : ps->n;
  feistel_range(ps->buf, lo, hi, &ps->f);
  const uint32_t n = ps->n;
  if (ps->hi) {
    /* Collect the lanes that need walking without a branch per lane, then walk
     * them: a branch on every lane would mispredict for about a third of them. */
    uint32_t cnt = 0;
    for (uint32_t k = 0; k < hi - lo; k++) {
      ps->walk[cnt] = (uint16_t)k;
      cnt += ps->buf[k] >= n;
    }
    for (uint32_t w = 0; w < cnt; w++) {
      uint32_t x = ps->buf[ps->walk[w]];
      do x = ps->hi[x - n];
      while (x >= n);
      ps->buf[ps->walk[w]] = x;
    }
  }
  ps->next = hi;
  return hi - lo;
}

void qkdi_cascade_perm_table(uint32_t *out, uint64_t key, uint32_t n) {
  if (n <= 1) {
    if (n == 1) out[0] = 0;
    return;
  }
  struct perm_stream *ps = malloc(sizeof *ps);
  if (!ps || perm_stream_init(ps, key, n) < 0) { /* fall back to the definition */
    for (uint32_t i = 0; i < n; i++) out[i] = (uint32_t)qkd_cascade_perm(key, n, i);
  } else {
    for (uint32_t got; (got = perm_stream_next(ps)) > 0;)
      memcpy(out + ps->next - got, ps->buf, got * sizeof *out);
    free(ps->hi);
  }
  free(ps);
}

enum qkd_err qkdi_cascade_permute_words(uint64_t *dst, const uint64_t *src, uint32_t n,
                                        uint32_t pass, uint64_t seed) {
  size_t nw = ((size_t)n + 63) / 64;
  if (pass == 0 || n <= 1) {
    memcpy(dst, src, nw * 8);
    return QKD_OK;
  }
  struct perm_stream *ps = malloc(sizeof *ps);
  if (!ps) return QKD_ERR_NOMEM;
  if (perm_stream_init(ps, qkd_cascade_pass_key(seed, pass), n) < 0) {
    free(ps);
    return QKD_ERR_NOMEM;
  }
  /* CHUNK is a multiple of 64, so every chunk fills whole words. */
  for (uint32_t got; (got = perm_stream_next(ps)) > 0;) {
    uint32_t j0 = ps->next - got;
    for (uint32_t k = 0; k < got; k += 64) {
      uint64_t acc = 0;
      uint32_t m = got - k < 64 ? got - k : 64;
      for (uint32_t t = 0; t < m; t++) {
        uint32_t x = ps->buf[k + t];
        acc |= ((src[x >> 6] >> (x & 63)) & 1) << t;
      }
      dst[(j0 + k) >> 6] = acc;
    }
  }
  free(ps->hi); /* permutation values, not key material */
  free(ps);
  return QKD_OK;
}

unsigned qkdi_cascade_range_parity(const uint64_t *w, uint64_t s, uint64_t len) {
  if (len == 0) return 0;
  uint64_t e = s + len; /* exclusive */
  uint64_t ws = s >> 6, we = (e - 1) >> 6;
  uint64_t mlo = ~0ull << (s & 63);
  uint64_t mhi = ~0ull >> (63 - ((e - 1) & 63));
  if (ws == we) return (unsigned)__builtin_parityll(w[ws] & mlo & mhi);
  uint64_t acc = (w[ws] & mlo) ^ (w[we] & mhi);
  for (uint64_t k = ws + 1; k < we; k++) acc ^= w[k];
  return (unsigned)__builtin_parityll(acc);
}
