/* err.h: the one error enum of qkd-accel.
 *
 * Every command in every library returns an enum qkd_err: QKD_OK (0) on success,
 * a negative code otherwise. Predicates return bool, constructors a pointer or
 * NULL. */
#ifndef QKD_ERR_H
#define QKD_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

enum qkd_err {
  QKD_OK = 0,
  QKD_ERR_INVALID = -1,     /* an argument is invalid (NULL, zero size, bad flag) */
  QKD_ERR_NOMEM = -2,       /* memory allocation failed */
  QKD_ERR_IO = -3,          /* a file or socket operation failed */
  QKD_ERR_FORMAT = -4,      /* input data is malformed or truncated */
  QKD_ERR_RANGE = -5,       /* a size or value is outside what is allowed */
  QKD_ERR_PROTOCOL = -6,    /* the peer sent an unexpected or malformed message */
  QKD_ERR_AUTH = -7,        /* a message failed authentication */
  QKD_ERR_ABORT = -8,       /* the protocol aborted: QBER, verification or zero key */
  QKD_ERR_UNSUPPORTED = -9, /* the operation is not supported by this backend */
  QKD_ERR_TIMEOUT = -10,    /* an operation timed out */
  QKD_ERR_NOT_FOUND = -11,  /* the named object does not exist */
  QKD_ERR_DEVICE = -12,     /* the device failed or disappeared */
  QKD_ERR_STATE = -13,      /* the call is not valid in the object's current state */
};

/* qkd_err_name returns the enum name of |err| ("QKD_ERR_IO"), or "QKD_ERR_UNKNOWN".
 * The string is static. */
const char *qkd_err_name(enum qkd_err err);

/* qkd_strerror returns a short English description of |err|. The string is static. */
const char *qkd_strerror(enum qkd_err err);

#ifdef __cplusplus
}
#endif

#endif /* QKD_ERR_H */
