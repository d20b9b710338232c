#include "qkd/wire.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"

void qkd_buf_cleanup(struct qkd_buf *b) {
  if (!b) return;
  qkd_free_secret(b->data, b->cap);
  memset(b, 0, sizeof(*b));
}

void qkd_buf_reset(struct qkd_buf *b) {
  qkd_wipe(b->data, b->len);
  b->len = 0;
  b->failed = false;
}

enum qkd_err qkd_buf_status(const struct qkd_buf *b) { return b->failed ? QKD_ERR_NOMEM : QKD_OK; }

static uint8_t *buf_grow(struct qkd_buf *b, size_t extra) {
  if (b->failed) return NULL;
  if (extra > SIZE_MAX - b->len) goto fail;
  size_t need = b->len + extra;
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* Not realloc: the old block may hold key-derived bytes and must be wiped. */
    uint8_t *p = malloc(cap);
    if (!p) goto fail;
    if (b->len) memcpy(p, b->data, b->len);
    qkd_free_secret(b->data, b->cap);
    b->data = p;
    b->cap = cap;
  }
  uint8_t *at = b->data + b->len;
  b->len = need;
  return at;
fail:
  b->failed = true;
  return NULL;
}

void qkd_buf_put_bytes(struct qkd_buf *b, const uint8_t *p, size_t len) {
  uint8_t *at = buf_grow(b, len);
  if (at && len) memcpy(at, p, len);
}

void qkd_buf_put_u8(struct qkd_buf *b, uint8_t v) { qkd_buf_put_bytes(b, &v, 1); }

void qkd_buf_put_u32(struct qkd_buf *b, uint32_t v) {
  uint8_t t[4];
  for (int i = 0; i < 4; i++) t[i] = (uint8_t)(v >> (8 * i));
  qkd_buf_put_bytes(b, t, 4);
}

void qkd_buf_put_u64(struct qkd_buf *b, uint64_t v) {
  uint8_t t[8];
  for (int i = 0; i < 8; i++) t[i] = (uint8_t)(v >> (8 * i));
  qkd_buf_put_bytes(b, t, 8);
}

void qkd_buf_put_varint(struct qkd_buf *b, uint64_t v) {
  uint8_t t[10];
  size_t n = 0;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    t[n++] = byte | (v ? 0x80 : 0);
  } while (v);
  qkd_buf_put_bytes(b, t, n);
}

void qkd_buf_put_double(struct qkd_buf *b, double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
  qkd_buf_put_u64(b, u);
}

const uint8_t *qkd_rd_bytes(struct qkd_rd *r, size_t len) {
  if (r->failed || len > r->len - r->off) {
    r->failed = true;
    return NULL;
  }
  const uint8_t *p = r->p + r->off;
  r->off += len;
  return p;
}

uint8_t qkd_rd_u8(struct qkd_rd *r) {
  const uint8_t *p = qkd_rd_bytes(r, 1);
  return p ? p[0] : 0;
}

uint32_t qkd_rd_u32(struct qkd_rd *r) {
  const uint8_t *p = qkd_rd_bytes(r, 4);
  if (!p) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= (uint32_t)p[i] << (8 * i);
  return v;
}

uint64_t qkd_rd_u64(struct qkd_rd *r) {
  const uint8_t *p = qkd_rd_bytes(r, 8);
  if (!p) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

uint64_t qkd_rd_varint(struct qkd_rd *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const uint8_t *p = qkd_rd_bytes(r, 1);
    if (!p) return 0;
    uint64_t chunk = *p & 0x7f;
    if (shift == 63 && chunk > 1) break; /* would overflow 64 bits */
    v |= chunk << shift;
    if (!(*p & 0x80)) return v;
  }
  r->failed = true;
  return 0;
}

double qkd_rd_double(struct qkd_rd *r) {
  uint64_t u = qkd_rd_u64(r);
  double v;
  memcpy(&v, &u, 8);
  if (!isfinite(v)) {
    r->failed = true;
    return 0;
  }
  return v;
}
