/* events_file_fuzz: libFuzzer target for the QKDA/QKDB event file readers.
 * Each input is written to one scratch file and handed to both readers, which
 * must reject or accept it without crashing, leaking or reading out of bounds;
 * an accepted Bob file must hold sorted, in-range records. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "qkd/bb84sim.h"

static char path[] = "/tmp/qkd_events_fuzz.XXXXXX";
static int fd = -1;

static void remove_scratch(void) { unlink(path); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (fd < 0) {
    fd = mkstemp(path);
    if (fd < 0) abort();
    atexit(remove_scratch);
  }
  if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort();
  struct qkd_alice_events a;
  if (qkd_alice_events_read(&a, path) == QKD_OK) {
    if (!a.pulses || !a.settings) abort();
    qkd_alice_events_cleanup(&a);
  }
  struct qkd_bob_events b;
  if (qkd_bob_events_read(&b, path) == QKD_OK) {
    for (size_t i = 0; i < b.count; i++) {
      if ((b.records[i] >> 2) >= b.pulses) abort();
      if (i && (b.records[i] >> 2) <= (b.records[i - 1] >> 2)) abort();
    }
    qkd_bob_events_cleanup(&b);
  }
  return 0;
}
