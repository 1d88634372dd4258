/* bare_server: the floor of busbar's stack, and an instrumented stand-in for devices.
 *
 * A libmodbus Modbus/TCP server built like busbar's own server: one accept thread per
 * listener, one thread per connection with its own libmodbus context, modbus_receive then
 * modbus_reply from a static mapping (65536 holding and input registers, answering every unit
 * id). busbar's server has the same threads but frames, checks and answers requests in Swift;
 * what it costs beyond this loop (framing, checking, decoding, the handler, rendering the
 * register image) is what the upstream read benchmark shows.
 *
 * As a device stand-in (--stamps FILE --watch ADDR), every write (FC6, FC16) that covers the
 * watched register is stamped into shared memory (see stamps.h) with the time it was received,
 * so that bench/loadgen can tell when each device got its set-point; --watch-last stamps
 * writes covering a second register (the last one of the device map's recipe), whatever
 * their value, so that it can tell when the device got its whole order.
 *
 * Usage:
 *   bare_server [--listeners N | --ports P1,P2,...] [--stamps FILE --watch ADDR [--watch-last ADDR]]
 * Binds 127.0.0.1 only (port 0 = chosen by the system), prints "PORTS p1 p2 ..." and "READY",
 * and serves until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stamps.h"

struct listener {
    int index;
    int fd;
    int port;
    modbus_mapping_t *mapping;
};

struct connection {
    struct listener *listener;
    int fd;
};

static struct stamps_file *stamps;
static int watch = -1, watch_last = -1;

static void die(const char *what) {
    fprintf(stderr, "bare_server: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* Values the shipped device maps read, so that simulated batteries look plausible. */
static void fill(modbus_mapping_t *m) {
    uint16_t *h = m->tab_registers, *in = m->tab_input_registers;
    /* SMA Sunny Boy Storage: soc (uint32 at 30845) = 50 %. */
    h[30846] = 50;
    in[30846] = 50;
    /* Victron GX: battery voltage 52.0 V (840, scale 0.1), soc 50 % (843). */
    h[840] = 520;
    h[843] = 50;
    in[840] = 520;
    in[843] = 50;
}

static void stamp_request(struct listener *l, const uint8_t *q, int length) {
    if (length < 12) return;
    int unit = q[6], fc = q[7];
    int address = q[8] << 8 | q[9];
    int32_t value;
    if (watch_last >= 0) {
        int count = fc == MODBUS_FC_WRITE_SINGLE_REGISTER ? 1 : fc == MODBUS_FC_WRITE_MULTIPLE_REGISTERS ? (q[10] << 8 | q[11]) : 0;
        if (watch_last >= address && watch_last < address + count)
            stamp_write(&stamps->last[l->index][unit], 0, now_ns());
    }
    if (fc == MODBUS_FC_WRITE_SINGLE_REGISTER) {
        if (address != watch) return;
        value = (int16_t)(q[10] << 8 | q[11]);
    } else if (fc == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
        int count = q[10] << 8 | q[11];
        if (watch < address || watch >= address + count) return;
        int at = 13 + 2 * (watch - address);
        if (at + 1 >= length) return;
        if (watch + 1 < address + count && at + 3 < length)
            value = (int32_t)((uint32_t)q[at] << 24 | (uint32_t)q[at + 1] << 16 | (uint32_t)q[at + 2] << 8 | q[at + 3]);
        else
            value = (int16_t)(q[at] << 8 | q[at + 1]);
    } else {
        return;
    }
    stamp_write(&stamps->slot[l->index][unit], value, now_ns());
}

static void *serve(void *arg) {
    struct connection *c = arg;
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", 0);
    if (!ctx) die("modbus_new_tcp");
    modbus_set_socket(ctx, c->fd);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    for (;;) {
        int rc = modbus_receive(ctx, query);
        if (rc > 0) {
            if (stamps) stamp_request(c->listener, query, rc);
            modbus_reply(ctx, query, rc, c->listener->mapping);
        } else if (rc == -1) {
            break;
        }
    }
    modbus_close(ctx);
    modbus_free(ctx);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg) {
    struct listener *l = arg;
    for (;;) {
        int fd = accept(l->fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            die("accept");
        }
        struct connection *c = malloc(sizeof *c);
        c->listener = l;
        c->fd = fd;
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&thread, &attr, serve, c) != 0) die("pthread_create");
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static int open_listener(int port, int *bound) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind 127.0.0.1");
    if (listen(fd, 64) < 0) die("listen");
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *bound = ntohs(a.sin_port);
    return fd;
}

static void usage(void) {
    fprintf(stderr, "usage: bare_server [--listeners N | --ports P1,P2,...] [--stamps FILE --watch ADDR [--watch-last ADDR]]\n");
    exit(64);
}

int main(int argc, char **argv) {
    int count = 1;
    int ports[STAMPS_MAX_PORTS] = {0};
    const char *stamp_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--listeners") && i + 1 < argc) {
            count = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--ports") && i + 1 < argc) {
            char *list = argv[++i], *save = NULL;
            count = 0;
            for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
                if (count == STAMPS_MAX_PORTS) usage();
                ports[count++] = atoi(p);
            }
        } else if (!strcmp(argv[i], "--stamps") && i + 1 < argc) {
            stamp_path = argv[++i];
        } else if (!strcmp(argv[i], "--watch") && i + 1 < argc) {
            watch = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--watch-last") && i + 1 < argc) {
            watch_last = atoi(argv[++i]);
        } else {
            usage();
        }
    }
    if (count < 1 || count > STAMPS_MAX_PORTS) usage();
    if (stamp_path && watch < 0) usage();
    signal(SIGPIPE, SIG_IGN);

    struct listener *listeners = calloc(count, sizeof *listeners);
    for (int i = 0; i < count; i++) {
        listeners[i].index = i;
        listeners[i].fd = open_listener(ports[i], &listeners[i].port);
        listeners[i].mapping = modbus_mapping_new(2000, 2000, 65536, 65536);
        if (!listeners[i].mapping) die("modbus_mapping_new");
        fill(listeners[i].mapping);
    }
    if (stamp_path) {
        int fd = open(stamp_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) die(stamp_path);
        if (ftruncate(fd, sizeof(struct stamps_file)) < 0) die("ftruncate");
        stamps = mmap(NULL, sizeof(struct stamps_file), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (stamps == MAP_FAILED) die("mmap");
        close(fd);
        stamps->nports = count;
        stamps->watch = watch;
        stamps->watch_last = watch_last;
        for (int i = 0; i < count; i++) stamps->ports[i] = listeners[i].port;
        __atomic_store_n(&stamps->magic, STAMPS_MAGIC, __ATOMIC_RELEASE);
    }
    printf("PORTS");
    for (int i = 0; i < count; i++) printf(" %d", listeners[i].port);
    printf("\nREADY\n");
    fflush(stdout);
    for (int i = 0; i < count; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, accept_loop, &listeners[i]) != 0) die("pthread_create");
        pthread_detach(thread);
    }
    for (;;) pause();
}
