/* cascade_msg_fuzz: libFuzzer target for the two Cascade message parsers that
 * take peer input: Alice's request parser (qkd_cascade_alice_reply) and Bob's
 * reply parser (qkd_cascade_bob_consume, which then runs the searches on what it
 * accepted). The first input byte picks the role and how many honest rounds run
 * before the fuzzed message (so later-round states are reached); the rest is the
 * message. A fixed small frame pair (n = 1021: cycle walking in every keyed
 * pass) gives the parsers real state to check against.
 *
 * Selector byte s: s % 2 == 0 feeds the message to Alice, else to Bob; the
 * honest rounds before it are (s >> 1) % 16. When Bob accepts a fuzzed reply,
 * the exchange goes on with honest requests for a bounded number of rounds, so
 * inconsistent parities reach the search and back-tracking code. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/rng.h"

#define FUZZ_BITS 1021u
#define FUZZ_QBER 0.05
#define FUZZ_SEED 0x5EEDull
#define FUZZ_MAX_ROUNDS_AFTER 64

static uint8_t frame_a[(FUZZ_BITS + 7) / 8], frame_b[(FUZZ_BITS + 7) / 8];
static struct qkd_cascade_params params;
static uint8_t *req, *rep;
static size_t cap;

static void setup(void) {
  struct qkd_rng rng;
  qkd_rng_seed(&rng, 2024);
  qkd_rng_fill_bits(&rng, frame_a, FUZZ_BITS);
  memcpy(frame_b, frame_a, sizeof frame_b);
  for (size_t k = 0; k < FUZZ_BITS; k++)
    if (qkd_rng_double(&rng) < FUZZ_QBER) qkd_bit_flip(frame_b, k);
  qkd_cascade_params_choose(&params, FUZZ_BITS, FUZZ_QBER);
  cap = qkd_cascade_max_msg_len(FUZZ_BITS);
  req = malloc(cap);
  rep = malloc(cap);
  if (!req || !rep) abort();
}

/* Runs up to |rounds| honest request/reply pairs; returns how many ran (fewer
 * when Bob finishes early). Any error of an honest exchange is a bug. */
static unsigned honest_rounds(struct qkd_cascade_alice *a, struct qkd_cascade_bob *b,
                              unsigned rounds) {
  unsigned r = 0;
  for (; r < rounds; r++) {
    size_t ql = 0, rl = 0;
    bool done = false;
    if (qkd_cascade_bob_request(b, req, cap, &ql, &done) != QKD_OK) abort();
    if (done) break;
    if (qkd_cascade_alice_reply(a, rep, cap, &rl, req, ql) != QKD_OK) abort();
    if (qkd_cascade_bob_consume(b, rep, rl) != QKD_OK) abort();
  }
  return r;
}

static void fuzz_alice(unsigned rounds, const uint8_t *msg, size_t len) {
  struct qkd_cascade_alice *a = qkd_cascade_alice_new(frame_a, FUZZ_BITS, &params, FUZZ_SEED);
  struct qkd_cascade_bob *b = qkd_cascade_bob_new(frame_b, FUZZ_BITS, &params, FUZZ_SEED);
  if (!a || !b) abort();
  honest_rounds(a, b, rounds);
  size_t rl = 0;
  enum qkd_err rc = qkd_cascade_alice_reply(a, rep, cap, &rl, msg, len);
  if (rc != QKD_OK && rc != QKD_ERR_PROTOCOL) abort();
  if (rc == QKD_OK && (rl < 12 || rl > cap)) abort();
  qkd_cascade_bob_free(b);
  qkd_cascade_alice_free(a);
}

static void fuzz_bob(unsigned rounds, const uint8_t *msg, size_t len) {
  struct qkd_cascade_alice *a = qkd_cascade_alice_new(frame_a, FUZZ_BITS, &params, FUZZ_SEED);
  struct qkd_cascade_bob *b = qkd_cascade_bob_new(frame_b, FUZZ_BITS, &params, FUZZ_SEED);
  if (!a || !b) abort();
  honest_rounds(a, b, rounds);
  size_t ql = 0, rl = 0;
  bool done = false;
  if (qkd_cascade_bob_request(b, req, cap, &ql, &done) != QKD_OK) abort();
  if (!done) {
    /* Alice answers too (reply discarded) so that her round stays in step. */
    if (qkd_cascade_alice_reply(a, rep, cap, &rl, req, ql) != QKD_OK) abort();
    enum qkd_err rc = qkd_cascade_bob_consume(b, msg, len);
    if (rc != QKD_OK && rc != QKD_ERR_PROTOCOL) abort();
    if (rc == QKD_OK) {
      /* Bob now holds parities that may contradict Alice's frame: he must still
       * stop (done, or a protocol error), never loop or read out of bounds. */
      for (unsigned r = 0; r < FUZZ_MAX_ROUNDS_AFTER; r++) {
        if (qkd_cascade_bob_request(b, req, cap, &ql, &done) != QKD_OK || done) break;
        if (qkd_cascade_alice_reply(a, rep, cap, &rl, req, ql) != QKD_OK) break;
        if (qkd_cascade_bob_consume(b, rep, rl) != QKD_OK) break;
      }
      uint8_t out[sizeof frame_b];
      struct qkd_cascade_stats st;
      (void)qkd_cascade_bob_result(b, out, sizeof out, &st);
    } else if (qkd_cascade_bob_request(b, req, cap, &ql, &done) != QKD_ERR_STATE) {
      abort(); /* a rejected reply aborts the frame */
    }
  }
  qkd_cascade_bob_free(b);
  qkd_cascade_alice_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!req) setup();
  if (size < 1) return 0;
  unsigned sel = data[0], rounds = (sel >> 1) % 16;
  if (sel % 2 == 0)
    fuzz_alice(rounds, data + 1, size - 1);
  else
    fuzz_bob(rounds, data + 1, size - 1);
  return 0;
}
