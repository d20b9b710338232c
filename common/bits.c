#include "qkd/bits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qkd/log.h"

void qkd_bits_clear_tail(uint8_t *buf, size_t nbits) {
  if (nbits % 8) buf[nbits / 8] &= (uint8_t)((1u << (nbits % 8)) - 1);
}

size_t qkd_bits_hamming(const uint8_t *a, const uint8_t *b, size_t nbits) {
  size_t d = 0, i = 0, full = nbits / 8;
  for (; i + 8 <= full; i += 8) {
    uint64_t x, y;
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    d += (size_t)__builtin_popcountll(x ^ y);
  }
  for (; i < full; i++) d += (size_t)__builtin_popcount((unsigned)(a[i] ^ b[i]));
  if (nbits % 8) {
    unsigned mask = (1u << (nbits % 8)) - 1;
    d += (size_t)__builtin_popcount((unsigned)(a[full] ^ b[full]) & mask);
  }
  return d;
}

bool qkd_bits_equal(const uint8_t *a, const uint8_t *b, size_t nbits) {
  return qkd_bits_hamming(a, b, nbits) == 0;
}

void qkd_wipe(void *p, size_t len) {
  if (p && len) explicit_bzero(p, len);
}

void qkd_free_secret(void *p, size_t len) {
  if (!p) return;
  qkd_wipe(p, len);
  free(p);
}

enum qkd_err qkd_bits_read_file(uint8_t **out, const char *path, size_t nbits) {
  if (!out || !path || nbits == 0) return QKD_ERR_INVALID;
  size_t need = qkd_bits_nbytes(nbits);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    qkdi_log(QKD_LOG_ERROR, "bits", "cannot open %s: %s", path, strerror(errno));
    return QKD_ERR_IO;
  }
  enum qkd_err rc = QKD_OK;
  uint8_t *buf = malloc(need);
  if (!buf) {
    rc = QKD_ERR_NOMEM;
    goto err_close;
  }
  size_t got = 0;
  while (got < need) {
    ssize_t r = read(fd, buf + got, need - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      qkdi_log(QKD_LOG_ERROR, "bits", "cannot read %s: %s", path, strerror(errno));
      rc = QKD_ERR_IO;
      goto err_free;
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  if (got < need) {
    qkdi_log(QKD_LOG_ERROR, "bits", "%s holds %zu bytes, %zu needed for %zu bits", path, got,
             need, nbits);
    rc = QKD_ERR_FORMAT;
    goto err_free;
  }
  close(fd);
  qkd_bits_clear_tail(buf, nbits);
  *out = buf;
  return QKD_OK;

err_free:
  qkd_free_secret(buf, need);
err_close:
  close(fd);
  return rc;
}

enum qkd_err qkd_file_write_atomic(const char *path, const uint8_t *buf, size_t len,
                                   unsigned mode) {
  if (!path || (!buf && len)) return QKD_ERR_INVALID;
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp) return QKD_ERR_NOMEM;
  snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
  int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    qkdi_log(QKD_LOG_ERROR, "bits", "cannot create a file beside %s: %s", path, strerror(errno));
    free(tmp);
    return QKD_ERR_IO;
  }
  if (fchmod(fd, (mode_t)mode) < 0) goto err_unlink;
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, buf + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) goto err_unlink;
    done += (size_t)w;
  }
  if (fsync(fd) < 0) goto err_unlink;
  if (close(fd) < 0) {
    fd = -1;
    goto err_unlink;
  }
  fd = -1;
  if (rename(tmp, path) < 0) goto err_unlink;
  free(tmp);
  return QKD_OK;

err_unlink:
  qkdi_log(QKD_LOG_ERROR, "bits", "cannot write %s: %s", path, strerror(errno));
  if (fd >= 0) close(fd);
  unlink(tmp);
  free(tmp);
  return QKD_ERR_IO;
}
