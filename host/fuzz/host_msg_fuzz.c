/* host_msg_fuzz: libFuzzer target for the post-processing message parsers that
 * take peer input (sifting and estimation). The first input byte picks the
 * parser; the rest is the message. A fixed small link gives the parsers real
 * state to check counts against. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/estimate.h"
#include "qkd/sift.h"

#define PULSES 64

static struct qkd_alice_events alice;
static struct qkd_bob_events bob;
static uint8_t settings[PULSES / 2];
static uint64_t records[PULSES / 4];

static void setup(void) {
  for (unsigned i = 0; i < PULSES / 2; i++) settings[i] = (uint8_t)(i * 37 + 11) & 0x77;
  alice.pulses = PULSES;
  alice.settings = settings;
  for (unsigned i = 0; i < PULSES / 4; i++) records[i] = ((uint64_t)(4 * i + 1) << 2) | (i & 3);
  bob.pulses = PULSES;
  bob.count = PULSES / 4;
  bob.records = records;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!alice.pulses) setup();
  if (size < 1) return 0;
  const uint8_t *msg = data + 1;
  size_t len = size - 1;
  struct qkd_buf reply = {0};
  struct qkd_sifted s, honest;
  struct qkd_test_counts c;
  memset(&honest, 0, sizeof(honest));
  switch (data[0] % 4) {
    case 0:
      if (qkd_sift_alice(&s, &reply, &alice, msg, len) == QKD_OK) qkd_sifted_cleanup(&s);
      break;
    case 1:
      if (qkd_sift_bob(&s, &bob, msg, len) == QKD_OK) qkd_sifted_cleanup(&s);
      break;
    case 2: {
      /* Honest sifted state first, then the hostile estimation message. */
      struct qkd_buf m1 = {0}, m2 = {0};
      if (qkd_sift_bob_announce(&m1, &bob) == QKD_OK &&
          qkd_sift_alice(&honest, &m2, &alice, m1.data, m1.len) == QKD_OK)
        (void)qkd_est_alice(&c, &reply, &honest, msg, len);
      qkd_buf_cleanup(&m1);
      qkd_buf_cleanup(&m2);
      break;
    }
    default: {
      struct qkd_buf m1 = {0}, m2 = {0};
      if (qkd_sift_bob_announce(&m1, &bob) == QKD_OK &&
          qkd_sift_alice(&s, &m2, &alice, m1.data, m1.len) == QKD_OK) {
        qkd_sifted_cleanup(&s);
        if (qkd_sift_bob(&honest, &bob, m2.data, m2.len) == QKD_OK)
          (void)qkd_est_bob(&c, &honest, msg, len);
      }
      qkd_buf_cleanup(&m1);
      qkd_buf_cleanup(&m2);
      break;
    }
  }
  qkd_sifted_cleanup(&honest);
  qkd_buf_cleanup(&reply);
  return 0;
}
