/* events_file.c: Alice's and Bob's event files (QKDA / QKDB, docs/formats.md).
 *
 * A 32-byte little-endian header (magic, version, flags, pulses, count, payload
 * CRC-32, header CRC-32) and the payload. Files are streamed through a temporary
 * file in the destination folder, created 0600, fsync'ed and renamed, so that the
 * 0.5 GB settings of 10^9 pulses are never copied into a second buffer. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qkd/bb84sim.h"
#include "qkd/bits.h"
#include "qkd/log.h"

#define MOD "events"
#define HEADER_LEN 32
#define FORMAT_VERSION 1

/* ---- CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), slicing by 4 ---- */

static uint32_t crc_table[4][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_build(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int j = 0; j < 8; j++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 4; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

static void crc_init(void) { pthread_once(&crc_once, crc_build); }

/* crc32_update continues a CRC-32 over |len| bytes; start with crc = 0. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len) {
  crc_init();
  crc = ~crc;
  while (len >= 4) {
    crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    crc = crc_table[3][crc & 0xff] ^ crc_table[2][(crc >> 8) & 0xff] ^
          crc_table[1][(crc >> 16) & 0xff] ^ crc_table[0][crc >> 24];
    p += 4;
    len -= 4;
  }
  while (len--) crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

/* ---- little-endian helpers ---- */

static void put_u16(uint8_t *b, uint16_t v) {
  b[0] = (uint8_t)v;
  b[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *b, uint32_t v) {
  for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *b, uint64_t v) {
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
}
static uint16_t get_u16(const uint8_t *b) { return (uint16_t)(b[0] | b[1] << 8); }
static uint32_t get_u32(const uint8_t *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static uint64_t get_u64(const uint8_t *b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
  return v;
}

struct header {
  char magic[4];
  uint64_t pulses, count;
  uint32_t payload_crc;
};

static void header_encode(uint8_t out[HEADER_LEN], const struct header *h) {
  memcpy(out, h->magic, 4);
  put_u16(out + 4, FORMAT_VERSION);
  put_u16(out + 6, 0); /* flags, reserved */
  put_u64(out + 8, h->pulses);
  put_u64(out + 16, h->count);
  put_u32(out + 24, h->payload_crc);
  put_u32(out + 28, crc32_update(0, out, 28));
}

/* ---- streaming atomic writer ---- */

struct writer {
  const char *path;
  char *tmp;
  int fd;
};

static enum qkd_err writer_open(struct writer *w, const char *path) {
  size_t plen = strlen(path);
  w->path = path;
  w->fd = -1;
  w->tmp = malloc(plen + 16);
  if (!w->tmp) return QKD_ERR_NOMEM;
  snprintf(w->tmp, plen + 16, "%s.tmp.XXXXXX", path);
  /* mkostemp creates the file 0600 before any byte is written. */
  w->fd = mkostemp(w->tmp, O_CLOEXEC);
  if (w->fd < 0) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot create a file beside %s: %s", path, strerror(errno));
    free(w->tmp);
    w->tmp = NULL;
    return QKD_ERR_IO;
  }
  if (fchmod(w->fd, 0600) < 0) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot set mode 0600 on %s: %s", w->tmp, strerror(errno));
    close(w->fd);
    unlink(w->tmp);
    free(w->tmp);
    w->tmp = NULL;
    return QKD_ERR_IO;
  }
  return QKD_OK;
}

static enum qkd_err writer_put(struct writer *w, const void *buf, size_t len) {
  const uint8_t *p = buf;
  while (len) {
    ssize_t n = write(w->fd, p, len > (1u << 30) ? (1u << 30) : len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      qkdi_log(QKD_LOG_ERROR, MOD, "cannot write %s: %s", w->path, strerror(errno));
      return QKD_ERR_IO;
    }
    p += n;
    len -= (size_t)n;
  }
  return QKD_OK;
}

static void writer_abort(struct writer *w) {
  if (w->fd >= 0) close(w->fd);
  unlink(w->tmp);
  free(w->tmp);
  w->tmp = NULL;
  w->fd = -1;
}

static enum qkd_err writer_commit(struct writer *w) {
  const char *what = NULL;
  if (fsync(w->fd) < 0) what = "fsync";
  int fd = w->fd;
  w->fd = -1;
  if (!what && close(fd) < 0) what = "close";
  else if (what) close(fd);
  if (!what && rename(w->tmp, w->path) < 0) what = "rename";
  if (what) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot write %s (%s): %s", w->path, what, strerror(errno));
    writer_abort(w);
    return QKD_ERR_IO;
  }
  free(w->tmp);
  w->tmp = NULL;
  return QKD_OK;
}

static size_t alice_nbytes(uint64_t pulses) { return (size_t)(pulses / 2 + (pulses & 1)); }

enum qkd_err qkd_alice_events_write(const char *path, const struct qkd_alice_events *a) {
  if (!path || !a || !a->settings || a->pulses == 0 || a->pulses > QKD_SIM_MAX_PULSES)
    return QKD_ERR_INVALID;
  size_t nbytes = alice_nbytes(a->pulses);
  struct header h = {{'Q', 'K', 'D', 'A'}, a->pulses, a->pulses, 0};
  h.payload_crc = crc32_update(0, a->settings, nbytes);
  uint8_t hdr[HEADER_LEN];
  header_encode(hdr, &h);
  struct writer w;
  enum qkd_err rc = writer_open(&w, path);
  if (rc < 0) return rc;
  rc = writer_put(&w, hdr, sizeof(hdr));
  if (rc == QKD_OK) rc = writer_put(&w, a->settings, nbytes);
  if (rc < 0) {
    writer_abort(&w);
    return rc;
  }
  return writer_commit(&w);
}

enum qkd_err qkd_bob_events_write(const char *path, const struct qkd_bob_events *b) {
  if (!path || !b || (!b->records && b->count) || b->pulses == 0 ||
      b->pulses > QKD_SIM_MAX_PULSES)
    return QKD_ERR_INVALID;
  /* Records go out little-endian through a small buffer, which also serves the CRC. */
  enum { CHUNK = 8192 };
  uint8_t *buf = malloc(CHUNK * 8);
  if (!buf) return QKD_ERR_NOMEM;
  uint32_t crc = 0;
  for (size_t i = 0; i < b->count; i += CHUNK) {
    size_t n = b->count - i < CHUNK ? b->count - i : CHUNK;
    for (size_t j = 0; j < n; j++) put_u64(buf + 8 * j, b->records[i + j]);
    crc = crc32_update(crc, buf, n * 8);
  }
  struct header h = {{'Q', 'K', 'D', 'B'}, b->pulses, (uint64_t)b->count, crc};
  uint8_t hdr[HEADER_LEN];
  header_encode(hdr, &h);
  struct writer w;
  enum qkd_err rc = writer_open(&w, path);
  if (rc < 0) goto out;
  rc = writer_put(&w, hdr, sizeof(hdr));
  for (size_t i = 0; rc == QKD_OK && i < b->count; i += CHUNK) {
    size_t n = b->count - i < CHUNK ? b->count - i : CHUNK;
    for (size_t j = 0; j < n; j++) put_u64(buf + 8 * j, b->records[i + j]);
    rc = writer_put(&w, buf, n * 8);
  }
  if (rc < 0)
    writer_abort(&w);
  else
    rc = writer_commit(&w);
out:
  qkd_free_secret(buf, CHUNK * 8);
  return rc;
}

/* ---- reader ---- */

/* read_file_checked opens |path|, validates the header against |magic| and
 * returns the payload (|*payload_len| bytes, whose size the caller computes from
 * the header through |payload_size|) with its CRC verified. */
typedef enum qkd_err (*payload_size_fn)(size_t *len, const struct header *h, const char *path);

static enum qkd_err read_file_checked(uint8_t **payload, size_t *payload_len, struct header *h,
                                      const char *path, const char *magic, payload_size_fn sz) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot open %s: %s", path, strerror(errno));
    return QKD_ERR_IO;
  }
  enum qkd_err rc = QKD_OK;
  uint8_t *buf = NULL;
  size_t len = 0;
  struct stat st;
  if (fstat(fd, &st) < 0) {
    qkdi_log(QKD_LOG_ERROR, MOD, "cannot stat %s: %s", path, strerror(errno));
    rc = QKD_ERR_IO;
    goto err_close;
  }
  if (!S_ISREG(st.st_mode)) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s is not a regular file", path);
    rc = QKD_ERR_IO;
    goto err_close;
  }
  uint8_t hdr[HEADER_LEN];
  if (st.st_size < HEADER_LEN) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s is truncated: %lld bytes, shorter than the %d-byte header",
             path, (long long)st.st_size, HEADER_LEN);
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  size_t got = 0;
  while (got < HEADER_LEN) {
    ssize_t n = read(fd, hdr + got, HEADER_LEN - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      qkdi_log(QKD_LOG_ERROR, MOD, "cannot read %s: %s", path, n < 0 ? strerror(errno) : "EOF");
      rc = n < 0 ? QKD_ERR_IO : QKD_ERR_FORMAT;
      goto err_close;
    }
    got += (size_t)n;
  }
  if (memcmp(hdr, magic, 4) != 0) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: bad magic (not a %.4s event file)", path, magic);
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  if (get_u16(hdr + 4) != FORMAT_VERSION) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: unsupported format version %u (expected %d)", path,
             get_u16(hdr + 4), FORMAT_VERSION);
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  if (get_u32(hdr + 28) != crc32_update(0, hdr, 28)) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: header CRC mismatch (corrupt header)", path);
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  if (get_u16(hdr + 6) != 0) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: unknown flags 0x%04x", path, get_u16(hdr + 6));
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  memcpy(h->magic, hdr, 4);
  h->pulses = get_u64(hdr + 8);
  h->count = get_u64(hdr + 16);
  h->payload_crc = get_u32(hdr + 24);
  if (h->pulses == 0 || h->pulses > QKD_SIM_MAX_PULSES) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: pulse count %llu outside [1, 2^62]", path,
             (unsigned long long)h->pulses);
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  rc = sz(&len, h, path);
  if (rc < 0) goto err_close;
  if ((uint64_t)st.st_size - HEADER_LEN != (uint64_t)len) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: %s: payload holds %llu bytes, header announces %zu", path,
             (uint64_t)st.st_size - HEADER_LEN < (uint64_t)len ? "truncated" : "trailing data",
             (unsigned long long)(st.st_size - HEADER_LEN), len);
    rc = QKD_ERR_FORMAT;
    goto err_close;
  }
  buf = malloc(len ? len : 1);
  if (!buf) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: cannot allocate %zu bytes", path, len);
    rc = QKD_ERR_NOMEM;
    goto err_close;
  }
  got = 0;
  while (got < len) {
    size_t want = len - got > (1u << 30) ? (1u << 30) : len - got;
    ssize_t n = read(fd, buf + got, want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      qkdi_log(QKD_LOG_ERROR, MOD, "%s: %s after %zu of %zu payload bytes", path,
               n < 0 ? strerror(errno) : "truncated", got, len);
      rc = n < 0 ? QKD_ERR_IO : QKD_ERR_FORMAT;
      goto err_free;
    }
    got += (size_t)n;
  }
  if (crc32_update(0, buf, len) != h->payload_crc) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: payload CRC mismatch (corrupt data)", path);
    rc = QKD_ERR_FORMAT;
    goto err_free;
  }
  close(fd);
  *payload = buf;
  *payload_len = len;
  return QKD_OK;

err_free:
  qkd_free_secret(buf, len);
err_close:
  close(fd);
  return rc;
}

static enum qkd_err alice_payload_size(size_t *len, const struct header *h, const char *path) {
  if (h->count != h->pulses) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: inconsistent counts: %llu settings for %llu pulses", path,
             (unsigned long long)h->count, (unsigned long long)h->pulses);
    return QKD_ERR_FORMAT;
  }
  *len = alice_nbytes(h->pulses);
  return QKD_OK;
}

static enum qkd_err bob_payload_size(size_t *len, const struct header *h, const char *path) {
  if (h->count > h->pulses || h->count > SIZE_MAX / 8) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: inconsistent counts: %llu detections for %llu pulses", path,
             (unsigned long long)h->count, (unsigned long long)h->pulses);
    return QKD_ERR_FORMAT;
  }
  *len = (size_t)h->count * 8;
  return QKD_OK;
}

enum qkd_err qkd_alice_events_read(struct qkd_alice_events *a, const char *path) {
  if (!a || !path) return QKD_ERR_INVALID;
  memset(a, 0, sizeof(*a));
  uint8_t *buf = NULL;
  size_t len = 0;
  struct header h;
  enum qkd_err rc = read_file_checked(&buf, &len, &h, path, "QKDA", alice_payload_size);
  if (rc < 0) return rc;
  for (size_t i = 0; i < len; i++) {
    if ((buf[i] & 0x0c) == 0x0c || (buf[i] & 0xc0) == 0xc0) {
      qkdi_log(QKD_LOG_ERROR, MOD, "%s: byte %zu holds the invalid intensity class 3", path, i);
      rc = QKD_ERR_FORMAT;
      goto err_free;
    }
  }
  if ((h.pulses & 1) && (buf[len - 1] & 0xf0)) {
    qkdi_log(QKD_LOG_ERROR, MOD, "%s: unused high nibble of the last byte is not zero", path);
    rc = QKD_ERR_FORMAT;
    goto err_free;
  }
  a->pulses = h.pulses;
  a->settings = buf;
  return QKD_OK;

err_free:
  qkd_free_secret(buf, len);
  return rc;
}

enum qkd_err qkd_bob_events_read(struct qkd_bob_events *b, const char *path) {
  if (!b || !path) return QKD_ERR_INVALID;
  memset(b, 0, sizeof(*b));
  uint8_t *buf = NULL;
  size_t len = 0;
  struct header h;
  enum qkd_err rc = read_file_checked(&buf, &len, &h, path, "QKDB", bob_payload_size);
  if (rc < 0) return rc;
  /* Decode in place: each 8-byte little-endian group becomes a host uint64_t. */
  uint64_t *rec = (uint64_t *)(void *)buf; /* malloc'ed, so suitably aligned */
  size_t count = (size_t)h.count;
  for (size_t i = 0; i < count; i++) {
    uint64_t v = get_u64(buf + 8 * i);
    uint64_t idx = v >> 2;
    if (idx >= h.pulses) {
      qkdi_log(QKD_LOG_ERROR, MOD, "%s: record %zu names pulse %llu of %llu", path, i,
               (unsigned long long)idx, (unsigned long long)h.pulses);
      rc = QKD_ERR_FORMAT;
      goto err_free;
    }
    if (i > 0 && idx <= rec[i - 1] >> 2) {
      qkdi_log(QKD_LOG_ERROR, MOD, "%s: record %zu (pulse %llu) is not after pulse %llu: "
               "records must be sorted without duplicates", path, i, (unsigned long long)idx,
               (unsigned long long)(rec[i - 1] >> 2));
      rc = QKD_ERR_FORMAT;
      goto err_free;
    }
    rec[i] = v;
  }
  b->pulses = h.pulses;
  b->count = count;
  b->records = rec;
  return QKD_OK;

err_free:
  qkd_free_secret(buf, len);
  return rc;
}
