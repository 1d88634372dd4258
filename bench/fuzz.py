#!/usr/bin/env python3
"""A network fuzz of busbar's upstream ports: `busbar run` on the demo site (its devices served by
`busbar simulate` on the same site file), fed structured mutations of the Modbus frames that
crashed other stacks. Called by scripts/fuzz (which builds busbar first); stdlib only.

Frames go in pipelined batches of 100, each followed by a probe read on the same connection, to
the native and the OpenEMS port in turn; now and then a header that cannot frame a request goes
on a connection of its own. Alongside, a second master reads on a clean connection after every
batch, and its latency is kept. Every reply is checked against what the Modbus Application
Protocol requires whatever the handler: no reply to a code from 0x80; for every other code one
reply with the transaction and unit ids echoed, the request's code or it with 0x80, a length
that frames it and no more than 260 bytes (263 for the OpenEMS profile's 126-register reads);
and the exception the server's checks give before a handler sees the request (0x01 for a
function not served, 0x03 for a quantity, value, byte count or length out of range, 0x02 for a
range past 65535). The seeds and mutations mirror Tests/ModbusTests/Support/FrameMutator.swift.

Prints frames, answers, probes, the clean master's latency, crashes, and the gateway's RSS,
descriptors and threads before and after; with --doc, writes them as markdown. Exits 1 when a frame
was answered against the spec, a probe went unanswered, or the gateway died.
"""
import argparse
import datetime
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (process handling and the demo site, shared with the benchmarks)

SEEDS = [
    ("CVE-2019-14462", [0x10, 0, 0, 0, 0x0A, 0x04, 0, 1, 0, 2]),
    ("CVE-2019-14463", [0x0F, 0, 0, 0x07, 0xB0, 0x01, 0xFF]),
    ("CVE-2019-14462", [0x10, 0, 0, 0, 0x7B, 0xF6] + [0xA5] * 246),
    ("CVE-2022-0367", [0x17, 0, 0, 0, 0x7D, 0, 0, 0, 0x79, 0x02, 0, 1]),
    ("CVE-2024-36843", [0x17, 0xFF, 0xFF, 0, 0x7E, 0xFF, 0xF0, 0, 0x7A, 0xF4] + [0] * 8),
    ("libmodbus #837", [0x07]),
    ("libmodbus #837", [0x11]),
    ("libmodbus #874", [0x03]),
    ("modbus-esp8266 #387", [0x10]),
    ("modbus-esp8266 #387", [0x01, 0x00]),
    ("nanoMODBUS #120", [0x14, 0x07, 0x06, 0, 0x04, 0, 0x01, 0, 0xFF]),
    ("nanoMODBUS #120", [0x15, 0x0D, 0x06, 0, 0x04, 0, 0x07, 0, 0x40, 0x06, 0xAF, 0x04, 0xBE]),
    ("CVE-2023-26793", [0x01, 0, 0, 0x07, 0xD0]),
    ("CVE-2023-26793", [0x02, 0xFF, 0xFF, 0x07, 0xD1]),
    ("Nozomi 3.1.11", [0x2B, 0x0E, 0x01, 0x00]),
    ("Nozomi 3.1.11", [0x16, 0, 0x04, 0, 0xF2, 0, 0x25]),
    ("pymodbus #2698", [0x03, 0, 0, 0]),
    ("pymodbus #2917", [0x06, 0]),
    # Requests the gateway serves, so that mutations also land next to what is valid: the
    # native header and a device block, the OpenEMS header, the control block at 200.
    ("valid FC3", [0x03, 0, 0, 0, 0x05]),
    ("valid FC3", [0x03, 0x03, 0xE8, 0, 0x64]),
    ("valid FC3", [0x03, 0, 0, 0, 0x7D]),
    ("valid FC4", [0x04, 0, 0, 0, 0x02]),
    ("valid FC6", [0x06, 0, 0xC8, 0, 0x00]),
    ("valid FC16", [0x10, 0, 0xC8, 0, 0x05, 0x0A, 0, 0x02, 0, 0, 0x07, 0xD0, 0, 0, 0, 0x3C]),
    ("valid FC5", [0x05, 0, 0x01, 0xFF, 0x00]),
    ("valid FC15", [0x0F, 0, 0x10, 0, 0x0A, 0x02, 0xFF, 0x03]),
]
MAX_PDU = 253
BOUNDARY_WORDS = [0, 1, 2, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x07B0, 0x07B1, 0x07D0, 0x07D1, 0x0BB7, 0x0BB8, 0xC8,
                  0x7FFF, 0x8000, 0xFF00, 0xFFFE, 0xFFFF]
CODES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0F, 0x10, 0x17, 0x00, 0x08, 0x2B, 0x7F, 0x80, 0x83, 0xFF]


class Mutator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pdu(self):
        pdu = list(self.rng.choice(SEEDS)[1])
        for _ in range(self.rng.randint(1, 3)):
            pdu = self.mutate(pdu)
        return pdu

    def mutate(self, pdu):
        r = self.rng
        kind = r.randrange(10)
        if kind == 0:
            pdu[r.randrange(len(pdu))] = r.randrange(256)
        elif kind == 1:
            pdu[r.randrange(len(pdu))] ^= 1 << r.randrange(8)
        elif kind == 2:
            offset = r.choice([1, 3])
            pdu += [0] * max(0, offset + 2 - len(pdu))
            value = r.choice(BOUNDARY_WORDS)
            pdu[offset], pdu[offset + 1] = value >> 8, value & 0xFF
        elif kind == 3:
            pdu += [0] * max(0, 6 - len(pdu))
            pdu[5] = r.choice([pdu[5] - 1, pdu[5] + 1, 0, 255, len(pdu) - 6]) & 0xFF
        elif kind == 4:
            if len(pdu) > 1:
                del pdu[len(pdu) - r.randint(1, len(pdu) - 1):]
        elif kind == 5:
            room = MAX_PDU - len(pdu)
            if room > 0:
                pdu += [r.randrange(256) for _ in range(r.randint(1, min(room, 8)))]
        elif kind == 6:
            pdu[0] = r.choice(CODES)
        elif kind == 7:
            if len(pdu) >= 6:
                pdu = pdu[:6] + [r.randrange(256) for _ in range(min(pdu[5], MAX_PDU - 6))]
        elif kind == 8:
            other = r.choice(SEEDS)[1]
            cut = r.randint(1, len(pdu))
            pdu = (pdu[:cut] + other[min(cut, len(other)):])[:MAX_PDU]
        elif len(pdu) >= 6 and pdu[0] in (0x0F, 0x10):
            count = pdu[3] << 8 | pdu[4]
            pdu[5] = ((count + 7) // 8 if pdu[0] == 0x0F else count * 2) & 0xFF
        return pdu or [0x03]

    def broken_header(self, transaction):
        adu = frame(transaction, 1, self.pdu())
        kind = self.rng.randrange(4)
        if kind == 0:
            adu[2] = self.rng.randint(1, 255)
        elif kind == 1:
            adu[4], adu[5] = 0, self.rng.randint(0, 1)
        elif kind == 2:
            adu[4], adu[5] = 0, 255
        else:
            adu[4], adu[5] = 0xFF, 0xFF
            adu += [0x41] * 1024
        return adu


def frame(transaction, unit, pdu):
    length = len(pdu) + 1
    return [transaction >> 8 & 0xFF, transaction & 0xFF, 0, 0, length >> 8, length & 0xFF, unit] + pdu


SERVED = {0x01: ("read", True, 2000), 0x02: ("read", True, 2000), 0x03: ("read", False, 125),
          0x04: ("read", False, 125), 0x05: ("single", True, 1), 0x06: ("single", False, 1),
          0x0F: ("multiple", True, 1968), 0x10: ("multiple", False, 123)}


def verdict(pdu, max_read):
    """What the server's checks answer before a handler sees the request: "drop", an exception
    code, or None when the request reaches the handler (Application Protocol v1.1b3 §4.1, §6).
    `max_read` is (the most registers an FC3/FC4 read may ask for, the exception a read of one
    more gets from the profile or None): the OpenEMS profile serves 126 and answers 127 with 0x02,
    as OpenEMS's j2mod slave does."""
    max_read, long_read = max_read
    code = pdu[0]
    if code >= 0x80:
        return "drop"
    if code not in SERVED:
        return 0x01
    shape, bits, limit = SERVED[code]
    if code in (0x03, 0x04):
        limit = max_read
    if shape == "multiple":
        if len(pdu) < 6 or pdu[5] != len(pdu) - 6:
            return 0x03
    elif len(pdu) != 5:
        return 0x03
    address, quantity = pdu[1] << 8 | pdu[2], pdu[3] << 8 | pdu[4]
    if shape == "single":
        return 0x03 if bits and quantity not in (0, 0xFF00) else None
    if not 1 <= quantity <= limit:
        if long_read and code in (0x03, 0x04) and quantity == limit + 1:
            return 0x02 if address + quantity > 65536 else long_read
        return 0x03
    if shape == "multiple" and pdu[5] != ((quantity + 7) // 8 if bits else quantity * 2):
        return 0x03
    return 0x02 if address + quantity > 65536 else None


def check(request, reply, max_read, max_adu):
    """Why `reply` is not an answer the spec allows to the well-framed `request`, or None."""
    pdu = request[7:]
    if len(reply) < 9 or reply[2:4] != [0, 0] or (reply[4] << 8 | reply[5]) != len(reply) - 6:
        return "reply not framed by its header"
    if reply[0:2] != request[0:2] or reply[6] != request[6]:
        return "transaction or unit id not echoed"
    if len(reply) > max_adu:
        return f"reply of {len(reply)} bytes"
    answer = reply[7:]
    expected = verdict(pdu, max_read)
    if expected is not None:
        return None if answer == [pdu[0] | 0x80, expected] else f"expected exception {expected}, got {answer[:4]}"
    if answer[0] == pdu[0] | 0x80:
        return None if len(answer) == 2 and answer[1] in (1, 2, 3, 4, 6, 0x0A, 0x0B) else f"exception {answer}"
    if answer[0] != pdu[0]:
        return f"function {answer[0]} for {pdu[0]}"
    shape, bits, _ = SERVED[pdu[0]]
    if shape == "read":
        quantity = pdu[3] << 8 | pdu[4]
        size = (quantity + 7) // 8 if bits else quantity * 2
        return None if answer[1] == size and len(answer) == 2 + size else "read reply of the wrong size"
    expected_echo = pdu if shape == "single" else pdu[:5]
    return None if answer == expected_echo else "write not echoed"


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pending = bytearray()

    def send(self, data):
        self.sock.sendall(bytes(data))

    def reply(self):
        """The next whole ADU, or None when the connection closed or stayed silent."""
        while True:
            if len(self.pending) >= 7:
                total = 6 + (self.pending[4] << 8 | self.pending[5])
                if total >= 7 and len(self.pending) >= total:
                    out = list(self.pending[:total])
                    del self.pending[:total]
                    return out
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, ConnectionError):
                return None
            if not data:
                return None
            self.pending += data

    def closed_by_peer(self):
        try:
            self.sock.settimeout(3)
            return self.sock.recv(4096) == b""
        except ConnectionError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def serves(port, pdu, expected):
    """Whether a new master on `port` gets `expected` for `pdu`."""
    connection = Connection(port)
    connection.send(frame(1, 1, pdu))
    reply = connection.reply()
    connection.close()
    return reply is not None and reply[7:] == expected


def count(pid, what):
    return len(os.listdir(f"/proc/{pid}/{what}"))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def run(args):
    tmp = tempfile.mkdtemp(prefix="busbar-fuzz-")
    log = os.path.join(tmp, "fuzz.log")
    native, openems = bench.free_port(), bench.free_port()
    device_ports = [bench.free_port() for _ in range(bench.demo_endpoints())]
    site, _ = bench.demo_site(tmp, [native, openems], device_ports)
    devices, _ = bench.start([args.busbar, "simulate", site, "--every", "0"], log=log)
    for port in device_ports:
        if not bench.wait_port(port, devices, 20):
            sys.exit(f"fuzz: busbar simulate did not listen on {port} (see {log})")
    gateway, _ = bench.start([args.busbar, "run", site, "--log-level", "error"], log=log)
    for port in (native, openems):
        if not bench.wait_port(port, gateway, 20):
            sys.exit(f"fuzz: busbar run did not listen on {port} (see {log})")
    time.sleep(3)  # a few poll cycles, so the baseline is the gateway at work
    pid = gateway.pid
    ports = [(native, (125, None), 260, [0x03, 0, 0, 0, 1], [0x03, 2, 0x42, 0x42]),
             (openems, (126, 0x02), 263, [0x03, 0, 0, 0, 1], [0x03, 2, 0x62, 0x01])]
    clean = Connection(native)
    for port, _, _, probe, expected in ports:
        if not serves(port, probe, expected):
            sys.exit(f"fuzz: the gateway does not answer the probe on {port} as expected (see {log})")
    before = {"rss": bench.rss_mb(pid), "fds": count(pid, "fd"), "threads": count(pid, "task")}
    print(f"fuzz: gateway pid {pid}, native {native}, openems {openems}; before: RSS {before['rss']:.1f} MB, "
          f"{before['fds']} fds, {before['threads']} threads", file=sys.stderr, flush=True)

    mutator = Mutator(args.seed)
    stats = {"frames": 0, "answered": 0, "dropped": 0, "wrong": 0, "probes": 0, "probes_answered": 0,
             "broken": 0, "broken_closed": 0, "unexpected_closes": 0, "crashes": 0}
    examples = []
    latencies = []
    peak = dict(before)
    conns = {port: Connection(port) for port, *_ in ports}
    transaction = 0
    started = time.time()
    batch_index = 0
    while stats["frames"] < args.frames:
        port, max_read, max_adu, probe, probe_reply = ports[batch_index % 2]
        batch_index += 1
        conn = conns[port]
        batch = []
        for _ in range(min(args.batch, args.frames - stats["frames"])):
            transaction = (transaction + 1) & 0xFFFF
            batch.append(frame(transaction, mutator.rng.randrange(256), mutator.pdu()))
        transaction = (transaction + 1) & 0xFFFF
        probe_frame = frame(transaction, 1, probe)
        conn.send([b for adu in batch for b in adu] + probe_frame)
        stats["frames"] += len(batch)
        stats["probes"] += 1
        lost = False
        for adu in batch:
            if adu[7] >= 0x80:
                stats["dropped"] += 1
                continue
            reply = conn.reply()
            if reply is None:
                lost = True
                break
            problem = check(adu, reply, max_read, max_adu)
            if problem is None:
                stats["answered"] += 1
            else:
                stats["wrong"] += 1
                if len(examples) < 10:
                    examples.append(f"{bytes(adu[7:19]).hex()}: {problem}")
        if not lost:
            reply = conn.reply()
            if reply is not None and reply[0:2] == probe_frame[0:2] and reply[7:] == probe_reply:
                stats["probes_answered"] += 1
            else:
                lost = reply is None
        if lost:
            stats["unexpected_closes"] += 1
            try:
                conns[port] = Connection(port)
            except OSError:  # nothing listens any more: the gateway died
                stats["crashes"] += 1
                break
        # A master on a clean connection, served while the fuzz goes on.
        t0 = time.perf_counter()
        clean.send(frame(1, 1, [0x03, 0, 0, 0, 1]))
        if (clean.reply() or [])[7:] == [0x03, 2, 0x42, 0x42]:
            latencies.append((time.perf_counter() - t0) * 1000)
        if batch_index % 10 == 0:
            broken = Connection(port)
            broken.send(mutator.broken_header(transaction))
            stats["broken"] += 1
            stats["broken_closed"] += broken.closed_by_peer()
            broken.close()
        if batch_index % 200 == 0:
            if gateway.poll() is not None:
                stats["crashes"] += 1
                break
            # Growth while the fuzz goes on, not only what is left after it.
            peak = {"rss": max(peak["rss"], bench.rss_mb(pid)), "fds": max(peak["fds"], count(pid, "fd")),
                    "threads": max(peak["threads"], count(pid, "task"))}
            done = stats["frames"] / args.frames
            print(f"\rfuzz: {stats['frames']} frames ({done:.0%}), {stats['wrong']} wrong", end="", file=sys.stderr,
                  flush=True)
    elapsed = time.time() - started
    print(file=sys.stderr)
    for c in list(conns.values()) + [clean]:
        c.close()
    alive = gateway.poll() is None
    if not alive:
        stats["crashes"] = max(stats["crashes"], 1)
    after = {}
    if alive:
        after_served = all(serves(port, probe, expected) for port, _, _, probe, expected in ports)
        deadline = time.time() + 5
        while True:  # connection threads end once they see the close
            after = {"rss": bench.rss_mb(pid), "fds": count(pid, "fd"), "threads": count(pid, "task")}
            if (after["fds"] <= before["fds"] and after["threads"] <= before["threads"]) or time.time() > deadline:
                break
            time.sleep(0.1)
        peak["rss"] = max(peak["rss"], after["rss"])
    else:
        after_served = False
    bench.cleanup()
    return {"stats": stats, "examples": examples, "latencies": latencies, "before": before, "after": after,
            "peak": peak, "elapsed": elapsed, "alive": alive, "served_after": after_served,
            "seed": args.seed, "log": log}


def report(r):
    s = r["stats"]
    lat = r["latencies"]
    lines = [
        f"frames sent: {s['frames']:,} in {r['elapsed']:.0f} s ({s['frames'] / max(r['elapsed'], 1e-9):,.0f}/s), "
        f"seed {r['seed']}",
        f"answered as the spec requires: {s['answered']:,}; codes from 0x80 left unanswered, as required: "
        f"{s['dropped']:,}; wrong answers: {s['wrong']}",
        f"probes after each batch: {s['probes_answered']:,} of {s['probes']:,} answered in step",
        f"broken headers: {s['broken_closed']} of {s['broken']} closed the connection; unexpected closes: "
        f"{s['unexpected_closes']}",
        f"clean master during the fuzz: {len(lat):,} reads, p50 {percentile(lat, 0.5):.2f} ms, "
        f"p99 {percentile(lat, 0.99):.2f} ms, max {max(lat) if lat else float('nan'):.2f} ms",
        f"crashes: {s['crashes']}; gateway alive after: {'yes' if r['alive'] else 'NO'}; plain reads served after: "
        f"{'yes' if r['served_after'] else 'NO'}",
    ]
    b, a = r["before"], r["after"]
    if a:
        p = r["peak"]
        lines.append(f"gateway RSS {b['rss']:.1f} MB before, {p['rss']:.1f} MB peak, {a['rss']:.1f} MB after "
                     f"({a['rss'] - b['rss']:+.1f} MB); descriptors {b['fds']} before, {p['fds']} peak, {a['fds']} after "
                     f"({a['fds'] - b['fds']:+d}); threads {b['threads']} before, {p['threads']} peak, {a['threads']} after "
                     f"({a['threads'] - b['threads']:+d}) (before: one master connected; peak: three; after: none)")
    lines += [f"  {e}" for e in r["examples"]]
    return lines


HOW_TO_READ = """## How to read this

- **Frames**: structured mutations (bytes and bits, addresses and quantities at their boundaries,
  byte counts off by one or extreme, PDUs cut short, made longer or spliced, other function codes
  from 0x00 to 0xFF) of seeds shaped like the frames that crashed other Modbus stacks:
  CVE-2019-14462/-14463, CVE-2022-0367, CVE-2024-36843, CVE-2023-26793, libmodbus #837 and
  #874, modbus-esp8266 #387, nanoMODBUS #120, the Nozomi and pymodbus reports. Each is a
  well-framed ADU (its MBAP length right, its PDU 1 to 253 bytes) with a random unit id, sent in
  pipelined batches of 100 to the native and the OpenEMS port in turn.
- **Answered as the spec requires**: one reply, transaction and unit ids echoed, the request's
  function code or it with 0x80, a length that frames it, at most 260 bytes (263 for the OpenEMS
  profile's 126-register reads); the exception the server's checks owe before a handler sees the
  request (0x01 for a function not served, 0x03 for a quantity, value, byte count or length out
  of range, 0x02 for a range past 65535, and 0x02 for a 127-register read on the OpenEMS
  profile, as OpenEMS's j2mod slave answers it); otherwise the profile's answer, a response of the right
  size or an exception. A code from 0x80 is an exception response and must get no reply.
- **Probes**: after each batch, on the same connection, a read of the header at 0 that must come
  back next and right: the stream stayed in step. **Broken headers**: one batch in ten, a
  connection of its own gets a header that cannot frame a request (protocol id other than 0,
  length 0, 1, 255, or 0xFFFF with 1 KiB after it, as conpot #619), which must close it.
- **Clean master**: after every batch, a second connection reads the native header and times
  it: what a real master sees while the fuzz goes on.
- **Gateway**: `busbar run` on the demo site, its devices served by `busbar simulate`, polled
  every second throughout. RSS is VmRSS, and descriptors and threads are counted in /proc/PID,
  every 200 batches (the peak) and before and after: growth while the fuzz runs shows as a
  peak above "before", a leak as "after" above it.
- The bounded version of this fuzz (20 000 frames against a `ModbusTCPServer` with a
  `RegisterBank`, every answer checked exactly against the spec's rules) runs in the test suite:
  `Tests/ModbusTests/FuzzTests.swift`.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--busbar", required=True)
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--doc", help="write the figures to this markdown file")
    parser.add_argument("--revision", default="unknown")
    args = parser.parse_args()
    import signal
    signal.signal(signal.SIGTERM, bench.on_signal)
    signal.signal(signal.SIGINT, bench.on_signal)
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        r = run(args)
    finally:
        bench.cleanup()
    lines = report(r)
    print("\n".join(lines))
    if args.doc:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
        with open(args.doc, "w") as f:
            f.write("# Network fuzz\n\n")
            f.write("Generated by `scripts/fuzz` — do not edit by hand: the next run rewrites this file.\n\n")
            f.write(f"- **Run:** `scripts/fuzz --frames {args.frames}`, {started:%Y-%m-%d %H:%M} UTC, "
                    f"{r['elapsed']:.0f} s of fuzzing\n")
            f.write(f"- **Machine:** {os.cpu_count()} cores, {model}; load average at the start "
                    f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
            f.write(f"- **busbar:** {args.revision}, release build: `busbar run` on the demo site (listen "
                    "addresses on 127.0.0.1), its devices served by `busbar simulate`\n\n")
            f.write("```\n" + "\n".join(lines) + "\n```\n\n")
            f.write(HOW_TO_READ)
    failed = (r["stats"]["wrong"] or r["stats"]["crashes"] or not r["served_after"]
              or r["stats"]["probes_answered"] != r["stats"]["probes"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
