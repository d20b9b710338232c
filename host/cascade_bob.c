/* cascade_bob.c: Bob's side of Cascade: asks for block parities, runs the batched
 * binary searches and the cascade back-tracking, and corrects his frame.
 *
 * The schedule is specified in docs/cascade.md ("Rounds"): round 0 asks the
 * block parities of every pass; every later round asks, for each odd block of the
 * lowest pass that has odd blocks (ascending block index), the parity of the left
 * half of the first node on its search path whose Alice parity is not yet known
 * or inferable. Alice's parities never change, so every parity Bob learns or
 * infers is kept for good and never asked twice. */
#define QKDI_CASCADE_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/log.h"

enum bob_state { S_START, S_READY, S_WAIT, S_DONE, S_FAILED };

/* A search position: tree node |h| covering pass-order bits [s, s + len). Valid
 * until a bit of the block flips; the path to it only depends on the block's bits
 * and on known parities, which never change. */
struct cursor {
  uint32_t h, s, len;
};

struct bob_pass {
  uint32_t k;       /* block size, min(block_bits, n) */
  int kshift;       /* log2(k) when k is a power of two, else -1 (saves a division per flip) */
  uint32_t nblocks; /* ceil(n / k) */
  uint64_t heap;    /* search-tree nodes per block: 2 * nextpow2(k); node 1 is the block */
  uint64_t key;     /* permutation key (unused in pass 0) */
  uint64_t *y;      /* Bob's bits in pass order (key material) */
  uint64_t *known;  /* per tree node: Alice's parity is known */
  uint64_t *val;    /* per tree node: Alice's parity */
  uint64_t *bpar;   /* per block: Bob's current parity */
  uint64_t *odd;    /* per block: Bob's parity differs from Alice's */
  uint32_t nodd;
  struct cursor *cur; /* per block: where its search stopped (h = 0: at the block) */
};

struct ask {
  uint32_t pass;
  uint32_t s, len; /* range in pass order */
  uint64_t node;   /* tree node index: block * heap + heap id */
};

struct qkd_cascade_bob {
  uint32_t n;
  size_t nwords;
  struct qkd_cascade_params params;
  enum bob_state state;
  uint32_t round;
  uint32_t nasks, asks_cap;
  struct ask *asks;
  struct qkd_cascade_stats stats;
  struct bob_pass pass[QKD_CASCADE_MAX_PASSES];
};

static inline unsigned bit_get(const uint64_t *w, uint64_t i) {
  return (w[i >> 6] >> (i & 63)) & 1;
}
static inline void bit_flip(uint64_t *w, uint64_t i) {
  w[i >> 6] ^= 1ull << (i & 63);
}
static inline void bit_put(uint64_t *w, uint64_t i, unsigned v) {
  w[i >> 6] = (w[i >> 6] & ~(1ull << (i & 63))) | ((uint64_t)(v & 1) << (i & 63));
}

static uint64_t *alloc_bits(uint64_t nbits) {
  return calloc((size_t)((nbits + 63) / 64), 8);
}

static uint32_t block_len(const struct bob_pass *bp, uint32_t n, uint32_t b) {
  uint64_t s = (uint64_t)b * bp->k;
  return (uint32_t)(s + bp->k <= n ? bp->k : n - s);
}

static enum qkd_err pass_init(struct qkd_cascade_bob *b, uint32_t p, uint32_t block_bits,
                              uint64_t seed) {
  struct bob_pass *bp = &b->pass[p];
  uint32_t n = b->n;
  bp->k = block_bits < n ? block_bits : n;
  bp->nblocks = qkdi_cascade_nblocks(n, bp->k);
  uint64_t kp = 1;
  while (kp < bp->k) kp <<= 1;
  bp->heap = 2 * kp;
  bp->kshift = kp == bp->k ? __builtin_ctzll(kp) : -1;
  bp->key = qkd_cascade_pass_key(seed, p);
  bp->y = calloc(b->nwords, 8);
  bp->known = alloc_bits((uint64_t)bp->nblocks * bp->heap);
  bp->val = alloc_bits((uint64_t)bp->nblocks * bp->heap);
  bp->bpar = alloc_bits(bp->nblocks);
  bp->odd = alloc_bits(bp->nblocks);
  bp->cur = calloc(bp->nblocks, sizeof *bp->cur);
  if (!bp->cur || !bp->y || !bp->known || !bp->val || !bp->bpar || !bp->odd) return QKD_ERR_NOMEM;
  if (p > 0) return qkdi_cascade_permute_words(bp->y, b->pass[0].y, n, p, seed);
  return QKD_OK;
}

struct qkd_cascade_bob *qkd_cascade_bob_new(const uint8_t *frame, size_t n_bits,
                                            const struct qkd_cascade_params *params,
                                            uint64_t perm_seed) {
  if (!frame || !qkd_cascade_params_valid(params, n_bits)) {
    qkdi_log(QKD_LOG_ERROR, "cascade", "bob_new: invalid frame, size %zu or parameters", n_bits);
    return NULL;
  }
  struct qkd_cascade_bob *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->n = (uint32_t)n_bits;
  b->nwords = qkd_bits_nwords(n_bits);
  b->params = *params;
  b->state = S_START;
  uint64_t sumblocks = 0;
  /* Pass 0 is the identity and holds the frame; the other passes permute it. */
  for (uint32_t p = 0; p < params->passes; p++) {
    if (pass_init(b, p, params->block_bits[p], perm_seed) < 0) goto err_free;
    if (p == 0) {
      memcpy(b->pass[0].y, frame, qkd_bits_nbytes(n_bits));
      qkd_bits_clear_tail((uint8_t *)b->pass[0].y, n_bits);
    }
    sumblocks += b->pass[p].nblocks;
  }
  /* One request holds at most n/2 + 1 entries (qkd_cascade_max_msg_len). */
  b->asks_cap = (uint32_t)(sumblocks < (uint64_t)n_bits / 2 + 1 ? sumblocks : n_bits / 2 + 1);
  b->asks = calloc(b->asks_cap, sizeof *b->asks);
  if (!b->asks) goto err_free;
  return b;

err_free:
  qkdi_log(QKD_LOG_ERROR, "cascade", "bob_new: out of memory for %zu bits", n_bits);
  qkd_cascade_bob_free(b);
  return NULL;
}

void qkd_cascade_bob_free(struct qkd_cascade_bob *b) {
  if (!b) return;
  for (uint32_t p = 0; p < QKD_CASCADE_MAX_PASSES; p++) {
    struct bob_pass *bp = &b->pass[p];
    qkd_free_secret(bp->y, b->nwords * 8);
    free(bp->known); /* disclosed parities: public */
    free(bp->val);
    qkd_free_secret(bp->bpar, ((size_t)bp->nblocks + 63) / 64 * 8);
    free(bp->odd);
    free(bp->cur);
  }
  free(b->asks);
  qkd_free_secret(b, sizeof *b);
}

/* Flips frame bit |x| and updates every pass's pass-ordered copy and block parities. */
static void flip_bit(struct qkd_cascade_bob *b, uint64_t x) {
  for (uint32_t p = 0; p < b->params.passes; p++) {
    struct bob_pass *bp = &b->pass[p];
    uint64_t j = p == 0 ? x : qkd_cascade_perm_inv(bp->key, b->n, x);
    bit_flip(bp->y, j);
    uint32_t blk = bp->kshift >= 0 ? (uint32_t)(j >> bp->kshift) : (uint32_t)j / bp->k;
    bit_flip(bp->bpar, blk);
    bit_flip(bp->odd, blk);
    bp->cur[blk].h = 0;
    if (bit_get(bp->odd, blk))
      bp->nodd++;
    else
      bp->nodd--;
  }
  b->stats.bits_flipped++;
}

/* Walks the search path of odd block |blk| of pass |p| as far as known parities
 * allow. Returns true with *leaf set (pass-order position of an error) when it
 * reaches a single bit, false with *ask set when a parity must be asked. */
static bool descend(struct qkd_cascade_bob *b, uint32_t p, uint32_t blk, uint32_t *leaf,
                    struct ask *ask) {
  struct bob_pass *bp = &b->pass[p];
  uint64_t base = (uint64_t)blk * bp->heap;
  struct cursor *c = &bp->cur[blk];
  uint32_t s = blk * bp->k, len = block_len(bp, b->n, blk);
  uint64_t h = 1;
  if (c->h) {
    h = c->h;
    s = c->s;
    len = c->len;
  }
  while (len > 1) {
    uint32_t ll = len - len / 2;
    uint64_t lh = base + 2 * h, rh = lh + 1, ph = base + h;
    unsigned al;
    if (bit_get(bp->known, lh)) {
      al = bit_get(bp->val, lh);
    } else if (bit_get(bp->known, rh)) {
      al = bit_get(bp->val, ph) ^ bit_get(bp->val, rh);
      bit_put(bp->val, lh, al); /* inferred: cached, never asked */
      bit_put(bp->known, lh, 1);
    } else {
      ask->s = s;
      ask->len = ll;
      ask->node = lh;
      c->h = (uint32_t)h;
      c->s = s;
      c->len = len;
      return false;
    }
    if (al != qkdi_cascade_range_parity(bp->y, s, ll)) {
      h = 2 * h;
      len = ll;
    } else {
      if (!bit_get(bp->known, rh)) {
        bit_put(bp->val, rh, bit_get(bp->val, ph) ^ al);
        bit_put(bp->known, rh, 1);
      }
      h = 2 * h + 1;
      s += ll;
      len -= ll;
    }
  }
  *leaf = s;
  return true;
}

/* Runs every search step that needs no new parity, correcting the bits found,
 * and leaves the next batch of asks in b->asks (state S_READY) or ends (S_DONE).
 * Only the lowest pass with odd blocks is searched: measured, searching several
 * passes at once cuts round trips by 2-5x but raises f from about 1.04 to 1.09-1.2,
 * because a large block's search often ends on the error a small block's search
 * finds at the same time (docs/cascade.md, "Rounds"). */
static enum qkd_err advance(struct qkd_cascade_bob *b) {
  for (;;) {
    uint32_t p = 0;
    while (p < b->params.passes && b->pass[p].nodd == 0) p++;
    if (p == b->params.passes) {
      b->state = S_DONE;
      b->nasks = 0;
      return QKD_OK;
    }
    struct bob_pass *bp = &b->pass[p];
    bool flipped = false;
    b->nasks = 0;
    size_t nw = ((size_t)bp->nblocks + 63) / 64;
    for (size_t w = 0; w < nw; w++) {
      uint64_t word = bp->odd[w];
      while (word) {
        uint32_t blk = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(word));
        word &= word - 1;
        uint32_t leaf;
        struct ask scratch; /* after a flip the sweep restarts: asks are not kept */
        struct ask *ask = !flipped && b->nasks < b->asks_cap ? &b->asks[b->nasks] : &scratch;
        if (descend(b, p, blk, &leaf, ask)) {
          /* With honest replies every flip corrects an error, so there are at
           * most n; more means the replies contradict each other (a corrupt or
           * hostile peer) and the flips could cycle for ever. */
          if (b->stats.bits_flipped >= b->n) return QKD_ERR_PROTOCOL;
          flip_bit(b, p == 0 ? leaf : qkd_cascade_perm(bp->key, b->n, leaf));
          flipped = true;
        } else if (ask != &scratch) {
          ask->pass = p;
          b->nasks++;
        }
      }
    }
    if (!flipped) {
      b->state = S_READY;
      return QKD_OK;
    }
  }
}

static size_t round0_bits(const struct qkd_cascade_bob *b) {
  size_t bits = 0;
  for (uint32_t p = 0; p < b->params.passes; p++) bits += b->pass[p].nblocks - (p > 0);
  return bits;
}

enum qkd_err qkd_cascade_bob_request(struct qkd_cascade_bob *b, uint8_t *out, size_t out_cap,
                                     size_t *out_len, bool *done) {
  if (!b || !out || !out_len || !done) return QKD_ERR_INVALID;
  if (b->state == S_FAILED || b->state == S_WAIT) return QKD_ERR_STATE;
  if (b->state == S_DONE) {
    *done = true;
    *out_len = 0;
    return QKD_OK;
  }
  uint32_t count = b->state == S_START ? b->params.passes : b->nasks;
  size_t len = QKDI_CASCADE_HDR_LEN + (size_t)count * QKDI_CASCADE_ENTRY_LEN;
  if (len > out_cap) return QKD_ERR_RANGE;
  out[0] = QKDI_CASCADE_VERSION;
  out[1] = QKDI_CASCADE_KIND_REQUEST;
  qkdi_put_u16(out + 2, 0);
  qkdi_put_u32(out + 4, b->round);
  qkdi_put_u32(out + 8, count);
  for (uint32_t i = 0; i < count; i++) {
    uint8_t *e = out + QKDI_CASCADE_HDR_LEN + (size_t)i * QKDI_CASCADE_ENTRY_LEN;
    if (b->state == S_START) {
      e[0] = QKDI_CASCADE_OP_BLOCKS;
      e[1] = (uint8_t)i;
      qkdi_put_u16(e + 2, 0);
      qkdi_put_u32(e + 4, b->params.block_bits[i]);
      qkdi_put_u32(e + 8, 0);
    } else {
      e[0] = QKDI_CASCADE_OP_RANGE;
      e[1] = (uint8_t)b->asks[i].pass;
      qkdi_put_u16(e + 2, 0);
      qkdi_put_u32(e + 4, b->asks[i].s);
      qkdi_put_u32(e + 8, b->asks[i].len);
    }
  }
  b->state = S_WAIT;
  b->stats.request_bytes += len;
  *out_len = len;
  *done = false;
  return QKD_OK;
}

/* Stores round 0's block parities and derives the odd blocks of every pass. */
static void apply_round0(struct qkd_cascade_bob *b, const uint8_t *bits) {
  size_t pos = 0;
  unsigned frame_parity = 0;
  for (uint32_t p = 0; p < b->params.passes; p++) {
    struct bob_pass *bp = &b->pass[p];
    unsigned acc = 0;
    for (uint32_t blk = 0; blk < bp->nblocks; blk++) {
      unsigned v;
      if (p > 0 && blk == bp->nblocks - 1) {
        v = frame_parity ^ acc; /* inferred: blocks partition the frame */
      } else {
        v = (bits[pos >> 3] >> (pos & 7)) & 1;
        pos++;
      }
      acc ^= v;
      uint64_t root = (uint64_t)blk * bp->heap + 1;
      bit_put(bp->known, root, 1);
      bit_put(bp->val, root, v);
      unsigned mine =
          qkdi_cascade_range_parity(bp->y, (uint64_t)blk * bp->k, block_len(bp, b->n, blk));
      bit_put(bp->bpar, blk, mine);
      bit_put(bp->odd, blk, mine ^ v);
      bp->nodd += mine ^ v;
    }
    if (p == 0) frame_parity = acc;
  }
}

enum qkd_err qkd_cascade_bob_consume(struct qkd_cascade_bob *b, const uint8_t *reply,
                                     size_t reply_len) {
  if (!b || (!reply && reply_len)) return QKD_ERR_INVALID;
  if (b->state != S_WAIT) return QKD_ERR_STATE;
  bool first = b->round == 0;
  size_t nbits = first ? round0_bits(b) : b->nasks;
  size_t want = QKDI_CASCADE_HDR_LEN + (nbits + 7) / 8;
  if (reply_len != want || reply[0] != QKDI_CASCADE_VERSION ||
      reply[1] != QKDI_CASCADE_KIND_REPLY || qkdi_get_u16(reply + 2) != 0 ||
      qkdi_get_u32(reply + 4) != b->round || qkdi_get_u32(reply + 8) != nbits ||
      (nbits % 8 && (reply[want - 1] >> (nbits % 8)) != 0)) {
    qkdi_log(QKD_LOG_ERROR, "cascade", "bob: rejected reply of %zu bytes for round %u", reply_len,
             b->round);
    b->state = S_FAILED;
    return QKD_ERR_PROTOCOL;
  }
  const uint8_t *bits = reply + QKDI_CASCADE_HDR_LEN;
  if (first) {
    apply_round0(b, bits);
  } else {
    for (uint32_t i = 0; i < b->nasks; i++) {
      struct bob_pass *bp = &b->pass[b->asks[i].pass];
      bit_put(bp->val, b->asks[i].node, (bits[i >> 3] >> (i & 7)) & 1);
      bit_put(bp->known, b->asks[i].node, 1);
    }
  }
  b->stats.disclosed_bits += nbits;
  b->stats.round_trips++;
  b->stats.reply_bytes += reply_len;
  b->round++;
  if (advance(b) < 0) {
    qkdi_log(QKD_LOG_ERROR, "cascade", "bob: replies up to round %u contradict each other",
             b->round - 1);
    b->state = S_FAILED;
    return QKD_ERR_PROTOCOL;
  }
  return QKD_OK;
}

enum qkd_err qkd_cascade_bob_result(const struct qkd_cascade_bob *b, uint8_t *out, size_t out_len,
                                    struct qkd_cascade_stats *stats) {
  if (!b || !out || out_len != qkd_bits_nbytes(b->n)) return QKD_ERR_INVALID;
  if (b->state != S_DONE) return QKD_ERR_STATE;
  memcpy(out, b->pass[0].y, out_len);
  if (stats) *stats = b->stats;
  return QKD_OK;
}
