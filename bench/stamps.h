/* Shared-memory write stamps between bench/bare_server (device stand-in) and bench/loadgen.
 *
 * The device stand-in records, for every (listener, unit id), each write that covers the
 * watched register: the value and the CLOCK_MONOTONIC time at which the request was received
 * (before the reply is sent). CLOCK_MONOTONIC is one clock for every process on the machine,
 * so the load generator can subtract its own send time from the device's receive time.
 *
 * A second register (`watch_last`, e.g. the last write of a device map's recipe) is stamped
 * the same way into `last`, without caring for its value.
 *
 * Each slot is a seqlock: the writer makes `seq` odd, writes, makes it even again; a reader
 * retries while `seq` is odd or changed under it. `seq / 2` is the number of writes seen.
 */
#ifndef BUSBAR_BENCH_STAMPS_H
#define BUSBAR_BENCH_STAMPS_H

#include <stdint.h>
#include <time.h>

#define STAMPS_MAGIC 0x42425354u /* "BBST" */
#define STAMPS_MAX_PORTS 64
#define STAMPS_UNITS 256

struct stamp {
    uint64_t seq;
    int64_t t_ns;
    int32_t value;
    int32_t reserved;
};

struct stamps_file {
    uint32_t magic;
    uint32_t nports;
    uint32_t watch;      /* the watched register address: the set-point, with its value */
    int32_t watch_last;  /* the last register a device's recipe writes (-1: none) */
    uint16_t ports[STAMPS_MAX_PORTS];
    struct stamp slot[STAMPS_MAX_PORTS][STAMPS_UNITS];
    struct stamp last[STAMPS_MAX_PORTS][STAMPS_UNITS]; /* writes covering watch_last */
};

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void stamp_write(struct stamp *s, int32_t value, int64_t t) {
    uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
    __atomic_store_n(&s->seq, seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&s->value, value, __ATOMIC_RELAXED);
    __atomic_store_n(&s->t_ns, t, __ATOMIC_RELAXED);
    __atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}

/* Reads a consistent (seq, value, t). */
static inline void stamp_read(struct stamp *s, uint64_t *seq, int32_t *value, int64_t *t) {
    for (;;) {
        uint64_t a = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
        if (a & 1) continue;
        int32_t v = __atomic_load_n(&s->value, __ATOMIC_RELAXED);
        int64_t tt = __atomic_load_n(&s->t_ns, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t b = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
        if (a == b) {
            *seq = a;
            *value = v;
            *t = tt;
            return;
        }
    }
}

#endif
