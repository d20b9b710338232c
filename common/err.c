#include "qkd/err.h"

#include <stddef.h>

struct err_entry {
  enum qkd_err err;
  const char *name;
  const char *text;
};

static const struct err_entry err_table[] = {
    {QKD_OK, "QKD_OK", "success"},
    {QKD_ERR_INVALID, "QKD_ERR_INVALID", "invalid argument"},
    {QKD_ERR_NOMEM, "QKD_ERR_NOMEM", "out of memory"},
    {QKD_ERR_IO, "QKD_ERR_IO", "input/output error"},
    {QKD_ERR_FORMAT, "QKD_ERR_FORMAT", "malformed or truncated data"},
    {QKD_ERR_RANGE, "QKD_ERR_RANGE", "value out of range"},
    {QKD_ERR_PROTOCOL, "QKD_ERR_PROTOCOL", "protocol error"},
    {QKD_ERR_AUTH, "QKD_ERR_AUTH", "authentication failed"},
    {QKD_ERR_ABORT, "QKD_ERR_ABORT", "protocol aborted"},
    {QKD_ERR_UNSUPPORTED, "QKD_ERR_UNSUPPORTED", "operation not supported"},
    {QKD_ERR_TIMEOUT, "QKD_ERR_TIMEOUT", "timed out"},
    {QKD_ERR_NOT_FOUND, "QKD_ERR_NOT_FOUND", "not found"},
    {QKD_ERR_DEVICE, "QKD_ERR_DEVICE", "device error"},
    {QKD_ERR_STATE, "QKD_ERR_STATE", "invalid state for this call"},
};

static const struct err_entry *err_lookup(enum qkd_err err) {
  for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++) {
    if (err_table[i].err == err) return &err_table[i];
  }
  return NULL;
}

const char *qkd_err_name(enum qkd_err err) {
  const struct err_entry *e = err_lookup(err);
  return e ? e->name : "QKD_ERR_UNKNOWN";
}

const char *qkd_strerror(enum qkd_err err) {
  const struct err_entry *e = err_lookup(err);
  return e ? e->text : "unknown error";
}
