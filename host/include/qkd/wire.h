/* wire.h: encoding and decoding of classical-channel messages.
 *
 * Messages between the two nodes are byte strings: little-endian fixed-width
 * integers, LEB128 varints and packed bit strings. The writer grows a heap
 * buffer; the reader never reads past its input and remembers the first failure,
 * so a parser checks qkd_rd_ok() once at the end instead of after every field.
 * Everything read here may come from the network: treat it as hostile. */
#ifndef QKD_WIRE_H
#define QKD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message types: the first byte of every classical-channel message of the
 * post-processing protocol (docs/protocol.md). The second byte is the version. */
enum qkd_msg_type {
  QKD_MSG_SIFT_DETECT = 1,   /* Bob -> Alice: detected pulses and Bob's bases */
  QKD_MSG_SIFT_REPLY = 2,    /* Alice -> Bob: Alice's bases and intensity classes */
  QKD_MSG_EST_TEST = 3,      /* Bob -> Alice: Bob's test-basis bits */
  QKD_MSG_EST_RESULT = 4,    /* Alice -> Bob: test-basis counts and errors per class */
  QKD_MSG_FRAME = 5,         /* Alice -> Bob: frame number, size, Cascade permutation seed */
  QKD_MSG_VERIFY = 6,        /* Alice -> Bob: verification hash key and tag */
  QKD_MSG_VERIFY_RESULT = 7, /* Bob -> Alice: frame verified or discarded */
  QKD_MSG_PA = 8,            /* Alice -> Bob: final length and Toeplitz seed */
};
#define QKD_MSG_VERSION 1

/* qkd_buf is a growable byte buffer. Zero-initialise it before first use. */
struct qkd_buf {
  uint8_t *data;
  size_t len;
  size_t cap;
  bool failed; /* set when an allocation failed; later writes are no-ops */
};

/* qkd_buf_cleanup wipes (messages may hold key-derived data) and frees the buffer. */
void qkd_buf_cleanup(struct qkd_buf *b);
/* qkd_buf_reset empties the buffer, keeping its memory. */
void qkd_buf_reset(struct qkd_buf *b);
/* qkd_buf_status returns QKD_ERR_NOMEM if any write failed, else QKD_OK. */
enum qkd_err qkd_buf_status(const struct qkd_buf *b);

void qkd_buf_put_u8(struct qkd_buf *b, uint8_t v);
void qkd_buf_put_u32(struct qkd_buf *b, uint32_t v);
void qkd_buf_put_u64(struct qkd_buf *b, uint64_t v);
void qkd_buf_put_varint(struct qkd_buf *b, uint64_t v);
void qkd_buf_put_bytes(struct qkd_buf *b, const uint8_t *p, size_t len);
/* qkd_buf_put_double writes the IEEE-754 bits of |v| little-endian. */
void qkd_buf_put_double(struct qkd_buf *b, double v);

/* qkd_rd reads a message. */
struct qkd_rd {
  const uint8_t *p;
  size_t len;
  size_t off;
  bool failed;
};

static inline void qkd_rd_init(struct qkd_rd *r, const uint8_t *p, size_t len) {
  r->p = p;
  r->len = len;
  r->off = 0;
  r->failed = false;
}
/* qkd_rd_ok returns true if no read failed so far. */
static inline bool qkd_rd_ok(const struct qkd_rd *r) { return !r->failed; }
/* qkd_rd_done returns true if no read failed and every byte was consumed. */
static inline bool qkd_rd_done(const struct qkd_rd *r) { return !r->failed && r->off == r->len; }
static inline size_t qkd_rd_left(const struct qkd_rd *r) { return r->failed ? 0 : r->len - r->off; }

/* Each getter returns 0 and marks the reader failed when the input is short or malformed. */
uint8_t qkd_rd_u8(struct qkd_rd *r);
uint32_t qkd_rd_u32(struct qkd_rd *r);
uint64_t qkd_rd_u64(struct qkd_rd *r);
uint64_t qkd_rd_varint(struct qkd_rd *r); /* at most 10 bytes, no overflow */
double qkd_rd_double(struct qkd_rd *r);   /* fails on NaN or infinity */
/* qkd_rd_bytes returns a pointer to the next |len| bytes inside the input, or NULL. */
const uint8_t *qkd_rd_bytes(struct qkd_rd *r, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* QKD_WIRE_H */
