/* loadgen: a libmodbus load generator for busbar's benchmarks. Loopback only.
 *
 *   loadgen read --port P [--conns N] [--seconds S | --count C] [--warmup S]
 *                [--address A] [--registers R] [--unit U]
 *       N connections, one thread and one libmodbus context each, doing FC3 reads back to back.
 *       Every latency is kept (preallocated, no allocation per request) and sorted at the end.
 *       Prints: RESULT read conns= requests= errors= seconds= rps= p50_us= p99_us= max_us=
 *               cpu_s= (the load generator's own CPU time over the measured window)
 *               total= (requests answered including the warm-up, for CPU per request)
 *
 *   loadgen setpoint --port P --stamps FILE --devices N [--dev-unit U] [--changes K]
 *                [--unit 1] [--address 200] [--mode 7] [--direct] [--timeout-ms T]
 *       Writes a set-point by FC16 and waits until each of the N stand-in devices (listeners
 *       0..N-1 of bench/bare_server, unit U) has received its share, read from the devices'
 *       receive stamps (stamps.h). Latency = the last device's receive time − the time just
 *       before the FC16 was sent. Against the gateway (default) the FC16 writes
 *       [mode, power (int32), duration (uint32) = 0] at --address on the native profile; each
 *       device is expected to get power / N. --direct writes the int32 value itself at the
 *       watched register of device 0 (the floor: one round trip to one device).
 *       When the stand-ins also stamp a last register (bare_server --watch-last), the wait goes on
 *       until each device has also had that register written after its set-point: the end of
 *       the device map's recipe (done_*; equal to the set-point figures otherwise).
 *       Prints: RESULT setpoint devices= changes= timeouts= p50_us= p99_us= max_us=
 *               done_p50_us= done_p99_us= done_max_us=
 *
 *   loadgen startup --port P [--unit 1] [--address 0] [--timeout-ms T] [--log FILE] -- CMD ARGS...
 *       Starts CMD and measures the time from exec to the first answered FC3 read on P.
 *       Then stops CMD with SIGTERM. Prints: RESULT startup ms=
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <modbus.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stamps.h"

static const char *host = "127.0.0.1";
static int port = 0, conns = 1, address = -1, registers = 100, unit = 1;
static double seconds = 5, warmup = 0.5;
static long count = 0;

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen read|setpoint|startup --port P [options] (see the header of bench/loadgen.c)\n");
    exit(64);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile_us(uint32_t *v, size_t n, double p) {
    if (n == 0) return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    if (i >= n) i = n - 1;
    return v[i] / 1000.0;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static modbus_t *connect_to(int p, int u) {
    modbus_t *ctx = modbus_new_tcp(host, p);
    if (!ctx) return NULL;
    modbus_set_slave(ctx, u);
    modbus_set_response_timeout(ctx, 2, 0);
    if (modbus_connect(ctx) < 0) {
        modbus_free(ctx);
        return NULL;
    }
    return ctx;
}

/* ---------------------------------------------------------------- read */

struct worker {
    pthread_t thread;
    modbus_t *ctx;
    uint32_t *lat; /* ns, ring of `cap` */
    size_t cap, n;
    long requests, errors, total; /* total: every request, warm-up included */
};

static volatile int go, recording, stopping;
static pthread_barrier_t barrier;

static void *read_worker(void *arg) {
    struct worker *w = arg;
    uint16_t buf[MODBUS_MAX_READ_REGISTERS];
    pthread_barrier_wait(&barrier);
    long done = 0;
    while (!__atomic_load_n(&stopping, __ATOMIC_RELAXED)) {
        if (count && done >= count) break;
        int64_t t0 = now_ns();
        int rc = modbus_read_registers(w->ctx, address, registers, buf);
        int64_t t1 = now_ns();
        done++;
        w->total = done;
        if (!__atomic_load_n(&recording, __ATOMIC_RELAXED)) continue;
        if (rc != registers) {
            w->errors++;
            if (w->errors == 1) fprintf(stderr, "loadgen: read failed: %s\n", modbus_strerror(errno));
            if (rc < 0 && (errno == ECONNRESET || errno == EPIPE || errno == EBADF)) break;
            continue;
        }
        uint64_t d = (uint64_t)(t1 - t0);
        w->lat[w->n % w->cap] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
        w->n++;
        w->requests++;
    }
    return NULL;
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static int run_read(void) {
    if (address < 0) address = 0;
    if (registers < 1 || registers > MODBUS_MAX_READ_REGISTERS || conns < 1) usage();
    struct worker *w = calloc(conns, sizeof *w);
    size_t cap = count ? (size_t)count : (size_t)(4000000 / conns + 200000);
    for (int i = 0; i < conns; i++) {
        w[i].ctx = connect_to(port, unit);
        if (!w[i].ctx) {
            fprintf(stderr, "loadgen: cannot connect to %s:%d: %s\n", host, port, modbus_strerror(errno));
            return 2;
        }
        w[i].cap = cap;
        w[i].lat = malloc(cap * sizeof(uint32_t));
        memset(w[i].lat, 0, cap * sizeof(uint32_t)); /* touch the pages before measuring */
    }
    pthread_barrier_init(&barrier, NULL, conns + 1);
    if (count) recording = 1;
    for (int i = 0; i < conns; i++) pthread_create(&w[i].thread, NULL, read_worker, &w[i]);
    pthread_barrier_wait(&barrier);
    int64_t start = now_ns();
    double cpu0 = cpu_seconds();
    if (!count) {
        sleep_s(warmup);
        start = now_ns();
        cpu0 = cpu_seconds();
        __atomic_store_n(&recording, 1, __ATOMIC_RELAXED);
        sleep_s(seconds);
        __atomic_store_n(&recording, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
    }
    int64_t end = now_ns();
    double cpu1 = cpu_seconds();
    for (int i = 0; i < conns; i++) pthread_join(w[i].thread, NULL);
    if (count) {
        end = now_ns();
        cpu1 = cpu_seconds();
    }
    long requests = 0, errors = 0, all_requests = 0;
    size_t total = 0;
    for (int i = 0; i < conns; i++) {
        all_requests += w[i].total;
        requests += w[i].requests;
        errors += w[i].errors;
        total += w[i].n < w[i].cap ? w[i].n : w[i].cap;
    }
    uint32_t *all = malloc((total ? total : 1) * sizeof(uint32_t));
    size_t k = 0;
    for (int i = 0; i < conns; i++) {
        size_t n = w[i].n < w[i].cap ? w[i].n : w[i].cap;
        memcpy(all + k, w[i].lat, n * sizeof(uint32_t));
        k += n;
    }
    qsort(all, total, sizeof(uint32_t), cmp_u32);
    double elapsed = (end - start) / 1e9;
    printf("RESULT read conns=%d requests=%ld errors=%ld seconds=%.3f rps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f "
           "cpu_s=%.3f total=%ld\n",
           conns, requests, errors, elapsed, requests / elapsed, percentile_us(all, total, 0.50),
           percentile_us(all, total, 0.99), total ? all[total - 1] / 1000.0 : 0.0, cpu1 - cpu0, all_requests);
    for (int i = 0; i < conns; i++) {
        modbus_close(w[i].ctx);
        modbus_free(w[i].ctx);
    }
    return errors && !requests ? 2 : 0;
}

/* ---------------------------------------------------------------- setpoint */

static const char *stamp_path;
static int devices = 0, dev_unit = 3, mode = 7, direct = 0, timeout_ms = 2000;
static long changes = 1000;

static struct stamps_file *map_stamps(void) {
    int fd = open(stamp_path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "loadgen: %s: %s\n", stamp_path, strerror(errno));
        exit(2);
    }
    struct stamps_file *s = mmap(NULL, sizeof *s, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (s == MAP_FAILED || __atomic_load_n(&s->magic, __ATOMIC_ACQUIRE) != STAMPS_MAGIC) {
        fprintf(stderr, "loadgen: %s is not a stamp file\n", stamp_path);
        exit(2);
    }
    return s;
}

/* Sends one change and waits until every device has its expected value at the watched register
 * and, when the stamp file watches a last register, a write of that register after it (the end
 * of the device's recipe). Returns the latency to the last set-point in ns and stores the latency
 * to the last recipe end in *done_ns, or -1 on timeout (then `*missing` says how many devices
 * lacked it). */
static int64_t one_change(modbus_t *ctx, struct stamps_file *s, int32_t share, int *missing, int report,
                          int64_t *done_ns) {
    int n = direct ? 1 : devices;
    int with_last = !direct && s->watch_last >= 0;
    uint64_t before[STAMPS_MAX_PORTS], before_last[STAMPS_MAX_PORTS];
    int64_t got[STAMPS_MAX_PORTS], done[STAMPS_MAX_PORTS];
    for (int d = 0; d < n; d++) {
        int32_t v;
        int64_t t;
        stamp_read(&s->slot[d][dev_unit], &before[d], &v, &t);
        stamp_read(&s->last[d][dev_unit], &before_last[d], &v, &t);
        got[d] = done[d] = -1;
    }
    int64_t power = direct ? share : (int64_t)share * devices;
    uint16_t words[5];
    int nwords;
    if (direct) {
        words[0] = (uint16_t)((uint32_t)power >> 16);
        words[1] = (uint16_t)power;
        nwords = 2;
    } else {
        words[0] = (uint16_t)mode;
        words[1] = (uint16_t)((uint32_t)power >> 16);
        words[2] = (uint16_t)power;
        words[3] = words[4] = 0;
        nwords = 5;
    }
    int64_t t0 = now_ns();
    if (modbus_write_registers(ctx, address, nwords, words) != nwords) {
        if (report) fprintf(stderr, "loadgen: FC16 write failed: %s\n", modbus_strerror(errno));
        *missing = n;
        return -1;
    }
    int64_t deadline = t0 + (int64_t)timeout_ms * 1000000;
    int left = n, left_done = with_last ? n : 0;
    for (;;) {
        for (int d = 0; d < n; d++) {
            uint64_t seq;
            int32_t v;
            int64_t t;
            if (got[d] < 0) {
                stamp_read(&s->slot[d][dev_unit], &seq, &v, &t);
                if (seq != before[d] && v >= share - 1 && v <= share + 1) {
                    got[d] = t;
                    left--;
                }
            }
            if (with_last && got[d] >= 0 && done[d] < 0) {
                stamp_read(&s->last[d][dev_unit], &seq, &v, &t);
                if (seq != before_last[d] && t >= got[d]) {
                    done[d] = t;
                    left_done--;
                }
            }
        }
        if (!left && !left_done) break;
        if (now_ns() > deadline) {
            *missing = left ? left : left_done;
            if (report) {
                for (int d = 0; d < n; d++) {
                    if (got[d] >= 0 && (!with_last || done[d] >= 0)) continue;
                    uint64_t seq;
                    int32_t v;
                    int64_t t;
                    stamp_read(&s->slot[d][dev_unit], &seq, &v, &t);
                    fprintf(stderr, "loadgen: device %d (port %d unit %d) expected %d, last write %d (%s)%s\n", d,
                            s->ports[d], dev_unit, share, v, seq != before[d] ? "new" : "none since the change",
                            got[d] >= 0 ? ", no recipe end after it" : "");
                    break;
                }
            }
            return -1;
        }
        struct timespec pause = {0, 20000};
        nanosleep(&pause, NULL);
    }
    int64_t last = 0, last_done = 0;
    for (int d = 0; d < n; d++) {
        if (got[d] > last) last = got[d];
        if (done[d] > last_done) last_done = done[d];
    }
    *done_ns = with_last ? last_done - t0 : last - t0;
    return last - t0;
}

static int run_setpoint(void) {
    if (!stamp_path || devices < 1 || devices > STAMPS_MAX_PORTS || changes < 1) usage();
    struct stamps_file *s = map_stamps();
    if ((int)s->nports < devices) {
        fprintf(stderr, "loadgen: the stamp file has %u devices, %d asked\n", s->nports, devices);
        return 2;
    }
    int target_port = direct ? s->ports[0] : port;
    int target_unit = direct ? dev_unit : unit;
    if (address < 0) address = direct ? (int)s->watch : 200;
    modbus_t *ctx = connect_to(target_port, target_unit);
    if (!ctx) {
        fprintf(stderr, "loadgen: cannot connect to %s:%d: %s\n", host, target_port, modbus_strerror(errno));
        return 2;
    }
    /* Warm-up: until one change reaches every device (the gateway has polled them all and they
     * are online), within 20 s. */
    int missing = 0, ok = 0;
    int64_t give_up = now_ns() + 20000000000LL;
    for (int i = 0; now_ns() < give_up; i++) {
        int32_t share = (i % 2 ? -1 : 1) * (50 + i % 7);
        int64_t done_ns;
        if (one_change(ctx, s, share, &missing, 0, &done_ns) >= 0 && ++ok == 3) break;
        if (missing) sleep_s(0.2);
    }
    if (ok < 3) {
        int32_t share = 77;
        int64_t done_ns;
        one_change(ctx, s, share, &missing, 1, &done_ns);
        fprintf(stderr, "loadgen: set-points do not reach the devices (%d of %d missing)\n", missing,
                direct ? 1 : devices);
        return 2;
    }
    uint32_t *lat = calloc(changes, sizeof(uint32_t)), *lat_done = calloc(changes, sizeof(uint32_t));
    long done = 0, timeouts = 0;
    for (long i = 0; i < changes; i++) {
        /* Alternating sign: every change differs from the one before; |share| ≤ 1000 W. */
        int32_t share = (i % 2 ? -1 : 1) * (int32_t)(100 + (i * 37) % 900);
        int64_t done_ns = 0;
        int64_t d = one_change(ctx, s, share, &missing, timeouts < 3, &done_ns);
        if (d < 0) {
            timeouts++;
            continue;
        }
        lat_done[done] = done_ns > UINT32_MAX ? UINT32_MAX : (uint32_t)done_ns;
        lat[done++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
    }
    qsort(lat, done, sizeof(uint32_t), cmp_u32);
    qsort(lat_done, done, sizeof(uint32_t), cmp_u32);
    printf("RESULT setpoint devices=%d changes=%ld timeouts=%ld p50_us=%.1f p99_us=%.1f max_us=%.1f "
           "done_p50_us=%.1f done_p99_us=%.1f done_max_us=%.1f\n",
           direct ? 1 : devices, done, timeouts, percentile_us(lat, done, 0.50), percentile_us(lat, done, 0.99),
           done ? lat[done - 1] / 1000.0 : 0.0, percentile_us(lat_done, done, 0.50), percentile_us(lat_done, done, 0.99),
           done ? lat_done[done - 1] / 1000.0 : 0.0);
    modbus_close(ctx);
    modbus_free(ctx);
    return done ? 0 : 2;
}

/* ---------------------------------------------------------------- startup */

static int run_startup(char **cmd, const char *log) {
    if (!cmd || !cmd[0]) usage();
    if (address < 0) address = 0;
    int64_t t0 = now_ns();
    pid_t child = fork();
    if (child == 0) {
        if (log) {
            int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
        }
        execvp(cmd[0], cmd);
        _exit(127);
    }
    int64_t deadline = t0 + (int64_t)timeout_ms * 1000000;
    uint16_t buf[1];
    int64_t answered = -1;
    while (now_ns() < deadline) {
        modbus_t *ctx = modbus_new_tcp(host, port);
        modbus_set_slave(ctx, unit);
        modbus_set_response_timeout(ctx, 0, 200000);
        if (modbus_connect(ctx) == 0) {
            int rc = modbus_read_registers(ctx, address, 1, buf);
            if (rc == 1 || (rc < 0 && errno > MODBUS_ENOBASE && errno < MODBUS_ENOBASE + 20)) {
                /* an answer, even an exception, is an answered request */
                answered = now_ns();
            }
            modbus_close(ctx);
        }
        modbus_free(ctx);
        if (answered >= 0) break;
        int status;
        if (waitpid(child, &status, WNOHANG) == child) {
            fprintf(stderr, "loadgen: the command exited before answering\n");
            return 2;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    kill(child, SIGTERM);
    int status;
    waitpid(child, &status, 0);
    if (answered < 0) {
        fprintf(stderr, "loadgen: no answer on port %d within %d ms\n", port, timeout_ms);
        return 2;
    }
    printf("RESULT startup ms=%.1f\n", (answered - t0) / 1e6);
    return 0;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
    if (argc < 2) usage();
    const char *what = argv[1];
    char **cmd = NULL;
    const char *log = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--")) {
            cmd = argv + i + 1;
            break;
        }
        if (!strcmp(a, "--direct")) {
            direct = 1;
            continue;
        }
        if (!v) usage();
        if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--conns")) conns = atoi(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--warmup")) warmup = atof(v);
        else if (!strcmp(a, "--count")) count = atol(v);
        else if (!strcmp(a, "--address")) address = atoi(v);
        else if (!strcmp(a, "--registers")) registers = atoi(v);
        else if (!strcmp(a, "--unit")) unit = atoi(v);
        else if (!strcmp(a, "--stamps")) stamp_path = v;
        else if (!strcmp(a, "--devices")) devices = atoi(v);
        else if (!strcmp(a, "--dev-unit")) dev_unit = atoi(v);
        else if (!strcmp(a, "--changes")) changes = atol(v);
        else if (!strcmp(a, "--mode")) mode = atoi(v);
        else if (!strcmp(a, "--timeout-ms")) timeout_ms = atoi(v);
        else if (!strcmp(a, "--log")) log = v;
        else usage();
        i++;
    }
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(what, "read")) {
        if (!port) usage();
        return run_read();
    }
    if (!strcmp(what, "setpoint")) {
        if (!port && !direct) usage();
        return run_setpoint();
    }
    if (!strcmp(what, "startup")) {
        if (!port) usage();
        return run_startup(cmd, log);
    }
    usage();
}
