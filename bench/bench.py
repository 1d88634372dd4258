#!/usr/bin/env python3
"""busbar's benchmarks: runs every measure beside its baseline, prints one table and rewrites
docs/benchmarks.md. Called by scripts/bench (which builds everything first); stdlib only.

Everything listens on and talks to 127.0.0.1 only. Every process started here is started in
a session of its own and killed (by its process-group id) when the run ends, however it ends.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")

# ------------------------------------------------------------------ processes

STARTED = []  # Popen objects, each the leader of its own session


def cleanup(*_):
    for proc in STARTED:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + 3
    for proc in STARTED:
        try:
            proc.wait(max(0.05, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    STARTED.clear()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def start(cmd, log=None, ready=False, timeout=30):
    """Starts cmd in its own session. With ready=True, waits for a line READY on its stdout and
    returns (proc, ports) from the PORTS line before it."""
    out = subprocess.PIPE if ready else (open(log, "ab") if log else subprocess.DEVNULL)
    err = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
    STARTED.append(proc)
    if not ready:
        return proc, []
    ports = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline().decode()
        if not line:
            raise RuntimeError(f"{cmd[0]} ended before it was ready (see {log})")
        if line.startswith("PORTS"):
            ports = [int(p) for p in line.split()[1:]]
        if line.strip() == "READY":
            return proc, ports
    raise RuntimeError(f"{cmd[0]} not ready within {timeout} s")


def stop(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc in STARTED:
        STARTED.remove(proc)


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def result(line_prefix, text):
    for line in text.splitlines():
        if line.startswith("RESULT " + line_prefix):
            return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[2:])}
    return None


def run_tool(cmd, timeout):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    STARTED.append(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    STARTED.remove(proc)
    if err.strip():
        sys.stderr.write(err.decode())
    return out.decode()


# ------------------------------------------------------------------ sites


def write_site(directory, name, upstream_port, devices, poll="1 s"):
    """devices: list of (id, map file name, port, unit). Maps are found through a `devices`
    link to the repository's sites/devices."""
    link = os.path.join(directory, "devices")
    if not os.path.exists(link):
        os.symlink(os.path.join(REPO, "sites", "devices"), link)
    lines = [
        f"site: {name}",
        "upstream:",
        f'  - {{profile: native, listen: "127.0.0.1:{upstream_port}", unit: 1}}',
        f"poll_interval: {poll}",
        "allocation: proportional",
        "devices:",
    ]
    for dev_id, map_file, port, unit in devices:
        lines += [
            f"  - id: {dev_id}",
            f"    map: devices/{map_file}",
            f'    uri: "127.0.0.1:{port}"',
            f"    unit: {unit}",
            "    capacity: 10 kWh",
            "    max_power: 5 kW",
            "    min_soc: 10 %",
            "    max_soc: 100 %",
        ]
    lines += ["sources:", "  - {id: ems, priority: 10, watchdog: 60 s, fallback: AUTO}", ""]
    path = os.path.join(directory, f"{name.replace(' ', '-')}.yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def demo_site(directory, upstream_ports, device_ports):
    """sites/demo.yaml with every listen address on 127.0.0.1 and the devices on our stand-ins.
    Returns (path, number of device endpoints)."""
    with open(os.path.join(REPO, "sites", "demo.yaml")) as f:
        text = f.read()
    listens = iter(upstream_ports)
    # Room for the 256-connection reads and the 1,000 held connections (the default is 32).
    text = re.sub(r'listen: "[^"]*"', lambda _m: f'listen: "127.0.0.1:{next(listens)}", max_connections: {MAX_CONNECTIONS}',
                  text)
    mapping = {}

    def device(m):
        original = m.group(1)
        if original not in mapping:
            mapping[original] = device_ports[len(mapping)]
        return f'uri: "127.0.0.1:{mapping[original]}"'

    text = re.sub(r'uri: "([^"]*)"', device, text)
    link = os.path.join(directory, "devices")
    if not os.path.exists(link):
        os.symlink(os.path.join(REPO, "sites", "devices"), link)
    path = os.path.join(directory, "demo.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path, len(mapping)


# The busbar side of the connection measures: every level of the reads and the held connections.
MAX_CONNECTIONS = 1100
# The levels of the upstream reads.
READ_LEVELS = [1, 4, 16, 256]


def raise_descriptor_limit():
    """This process holds the idle connections: its soft descriptor limit goes to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def demo_endpoints():
    with open(os.path.join(REPO, "sites", "demo.yaml")) as f:
        return len(set(re.findall(r'uri: "([^"]*)"', f.read())))


# ------------------------------------------------------------------ the benchmark


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.tmp = tempfile.mkdtemp(prefix="busbar-bench-")
        self.log = os.path.join(self.tmp, "bench.log")
        self.loadgen = os.path.join(args.bin, "loadgen")
        self.bare = os.path.join(args.bin, "bare_server")
        self.busbar = args.busbar
        self.python = args.python
        self.results = {}
        self.notes = []
        self.busbar_serves = None  # whether `busbar run` answers on the native profile
        self.has_run = self.has_simulate = False
        self.demo_simulated = False

    def say(self, text):
        print(f"bench: {text}", file=sys.stderr, flush=True)

    # -- helpers

    def stand_ins(self, count, stamps=None, watch=None, watch_last=None):
        cmd = [self.bare, "--listeners", str(count)]
        if stamps:
            cmd += ["--stamps", stamps, "--watch", str(watch)]
        if watch_last is not None:
            cmd += ["--watch-last", str(watch_last)]
        return start(cmd, log=self.log, ready=True)

    def demo_devices(self, directory):
        """The demo site's devices: `busbar simulate` on a copy of the demo site whose devices
        listen on free loopback ports, or the C stand-ins where busbar cannot simulate yet.
        Returns (process, device ports)."""
        count = demo_endpoints()
        if self.has_simulate:
            ports = [free_port() for _ in range(count)]
            site, _ = demo_site(directory, [free_port(), free_port(), free_port()], ports)
            proc, _ = start([self.busbar, "simulate", site, "--every", "0"], log=self.log)
            if all(wait_port(p, proc, 20) for p in ports):
                self.demo_simulated = True
                return proc, ports
            stop(proc)
            self.say("busbar simulate did not serve the demo site; using the C stand-ins")
        self.demo_simulated = False
        return self.stand_ins(count)

    def start_busbar(self, site, port, timeout=20):
        proc, _ = start([self.busbar, "run", site], log=self.log)
        if not wait_port(port, proc, timeout):
            stop(proc)
            with open(self.log, errors="replace") as f:
                tail = [line.strip() for line in f.readlines()[-3:]]
            note = f"`busbar run {os.path.basename(site)}` did not answer on its native port: {' / '.join(tail)}"
            self.say(note)
            self.notes.append(note)
            return None
        return proc

    def probe_busbar(self):
        """Whether `busbar run` exists and serves the native profile (on main or not yet)."""
        helptext = subprocess.run([self.busbar, "--help"], capture_output=True, text=True).stdout
        self.has_run = re.search(r"^\s+run\b", helptext, re.M) is not None
        self.has_simulate = re.search(r"^\s+simulate\b", helptext, re.M) is not None
        if not self.has_run:
            self.busbar_serves = False
            return
        d = tempfile.mkdtemp(dir=self.tmp)
        stand, ports = self.stand_ins(1)
        up = free_port()
        site = write_site(d, "probe", up, [("b1", "sma-sunny-boy-storage.yaml", ports[0], 3),
                                            ("b2", "sma-sunny-boy-storage.yaml", ports[0], 4)])
        proc = self.start_busbar(site, up, timeout=10)
        self.busbar_serves = False
        if proc:
            out = run_tool([self.loadgen, "read", "--port", str(up), "--count", "1", "--address", "1000",
                            "--registers", "100"], timeout=10)
            self.busbar_serves = result("read", out) is not None and result("read", out)["requests"] == 1
            stop(proc)
        stop(stand)

    # -- 1. upstream reads

    def read_servers(self):
        """The bare libmodbus server, pymodbus's, and busbar on the demo site (when it serves the
        native profile), each answering the reads at 1000: ({kind: (process, port)}, the demo's
        device process or None)."""
        servers = {}
        proc, ports = start([self.bare], log=self.log, ready=True)
        servers["bare"] = (proc, ports[0])
        proc, ports = start([self.python, os.path.join(REPO, "bench", "pymodbus_server.py"), "0"], log=self.log, ready=True,
                            timeout=60)
        servers["pymodbus"] = (proc, ports[0])
        stand = None
        if self.busbar_serves:
            d = tempfile.mkdtemp(dir=self.tmp)
            stand, dports = self.demo_devices(d)
            ups = [free_port(), free_port(), free_port()]
            site, _ = demo_site(d, ups, dports)
            proc = self.start_busbar(site, ups[0])
            if proc:
                servers["busbar"] = (proc, ups[0])
                time.sleep(1.5)  # the first polls
        return servers, stand

    def reads(self):
        """The three servers run side by side (idle but for busbar's 1 s polls) and are loaded in
        turn, interleaved, for several rounds; each figure is the best round (the most req/s,
        with its latencies): a burst from a neighbour on a shared machine only ever slows a
        round down, so the best round is the closest to what the server can do, and it hits
        one round of one server, not a whole column."""
        rounds = 1 if self.quick else 5
        secs = 1.5 if self.quick else 2
        warm = 0.3 if self.quick else 0.5
        levels = READ_LEVELS
        servers, stand = self.read_servers()
        samples = {}
        for _ in range(rounds):
            for conns in levels:
                for kind, (proc, port) in servers.items():
                    c0 = cpu_seconds(proc.pid)
                    t0 = time.time()
                    out = run_tool([self.loadgen, "read", "--port", str(port), "--conns", str(conns), "--seconds", str(secs),
                                    "--warmup", str(warm), "--address", "1000", "--registers", "100"], timeout=secs + 60)
                    c1 = cpu_seconds(proc.pid)
                    r = result("read", out)
                    if r:
                        r["server_cpu_pct"] = 100 * (c1 - c0) / (time.time() - t0)
                        r["server_cpu_us"] = 1e6 * (c1 - c0) / max(1, r.get("total", r["requests"]))
                        r["loadgen_cpu_us"] = 1e6 * r["cpu_s"] / max(1, r["requests"])
                        samples.setdefault((kind, conns), []).append(r)
        for proc, _ in servers.values():
            stop(proc)
        if stand:
            stop(stand)
        rows = {}
        for kind in ("busbar", "bare", "pymodbus"):
            for conns in levels:
                runs = sorted(samples.get((kind, conns), []), key=lambda r: r["rps"])
                r = dict(runs[-1]) if runs else None
                if r:
                    r["rounds"] = len(runs)
                    r["rps_all"] = [round(x["rps"]) for x in samples[(kind, conns)]]
                    r["server_cpu_us"] = statistics.median(x["server_cpu_us"] for x in runs)
                    r["loadgen_cpu_us"] = statistics.median(x["loadgen_cpu_us"] for x in runs)
                rows[(kind, conns)] = r
                if kind in servers:
                    self.say(f"reads {kind} x{conns}: {fmt_read(r)}")
        self.results["reads"] = rows

    # -- 1b. held idle connections

    def idle_hold(self):
        """Each server with 1,000 idle connections held: its RSS and threads before and after, and
        a new master's reads while they are held. The three servers are the same as for the reads
        (the bare libmodbus server has one thread per connection; pymodbus is asyncio)."""
        held_count = 100 if self.quick else 1000
        raise_descriptor_limit()
        rows = {}
        servers, stand = self.read_servers()
        for kind, (proc, port) in servers.items():
            before = {"rss_mb": rss_mb(proc.pid), "threads": threads(proc.pid)}
            held, failed = [], 0
            for _ in range(held_count):
                try:
                    held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
                except OSError:
                    failed += 1
            time.sleep(2)  # accepted and settled
            after = {"rss_mb": rss_mb(proc.pid), "threads": threads(proc.pid)}
            out = run_tool([self.loadgen, "read", "--port", str(port), "--conns", "1", "--seconds", "1",
                            "--warmup", "0.2", "--address", "1000", "--registers", "100"], timeout=60)
            # Whether the server still holds them: a closed one reads as EOF at once.
            closed = 0
            for sock in held:
                sock.setblocking(False)
                try:
                    if sock.recv(1) == b"":
                        closed += 1
                except BlockingIOError:
                    pass
                except OSError:
                    closed += 1
                sock.close()
            rows[kind] = {"held": held_count, "refused": failed, "closed": closed, "before": before, "after": after,
                          "read": result("read", out), "alive": proc.poll() is None}
            self.say(f"idle hold {kind}: {rows[kind]}")
        for proc, _ in servers.values():
            stop(proc)
        if stand:
            stop(stand)
        self.results["idle"] = rows

    # -- 2. set-point latency

    def setpoints(self):
        changes = 150 if self.quick else 1000
        # The SMA SBS map's power_setpoint (int32). busbar writes only the registers of a recipe
        # whose values change, so a new power is one write of this register per device: there is
        # no later "recipe end" write to wait for (the first change writes the whole recipe).
        watch, _ = sma_setpoint_registers()
        watch_last = None
        rows = {}
        # The floor: a direct FC16 of the set-point to one device.
        stamps = os.path.join(self.tmp, "stamps-direct")
        stand, _ = self.stand_ins(1, stamps, watch)
        out = run_tool([self.loadgen, "setpoint", "--direct", "--stamps", stamps, "--devices", "1", "--dev-unit", "3",
                        "--changes", str(changes)], timeout=120)
        rows["direct"] = result("setpoint", out)
        self.say(f"set-point direct: {fmt_lat(rows['direct'])}")
        stop(stand)
        for n in (2, 10, 50):
            if not self.busbar_serves:
                rows[n] = None
                continue
            stamps = os.path.join(self.tmp, f"stamps-{n}")
            stand, ports = self.stand_ins(n, stamps, watch, watch_last)
            d = tempfile.mkdtemp(dir=self.tmp)
            up = free_port()
            site = write_site(d, f"setpoint {n}", up,
                              [(f"sbs{i + 1}", "sma-sunny-boy-storage.yaml", ports[i], 3) for i in range(n)])
            proc = self.start_busbar(site, up)
            if not proc:
                rows[n] = None
                stop(stand)
                continue
            out = run_tool([self.loadgen, "setpoint", "--port", str(up), "--stamps", stamps, "--devices", str(n),
                            "--dev-unit", "3", "--changes", str(changes), "--address", "200", "--mode", "7"],
                           timeout=300)
            rows[n] = result("setpoint", out)
            self.say(f"set-point {n} devices: {fmt_lat(rows[n])}")
            stop(proc)
            stop(stand)
        self.results["setpoints"] = rows

    # -- 3. polling efficiency

    def polling(self):
        rows = {}
        maps = sorted(f for f in os.listdir(os.path.join(REPO, "sites", "devices")) if f.endswith(".yaml"))
        for name in maps:
            path = os.path.join(REPO, "sites", "devices", name)
            proc = subprocess.run([self.busbar, "check", path, "--plan", "--format", "json"], capture_output=True, text=True)
            try:
                rows[name] = plan_counts(json.loads(proc.stdout), path)
            except (ValueError, KeyError, TypeError) as error:
                rows[name] = None
                self.say(f"polling {name}: cannot read the plan ({error}): {proc.stdout[:200]} {proc.stderr[:200]}")
                continue
            self.say(f"polling {name}: {rows[name]}")
        self.results["polling"] = rows

    # -- 4. scale

    def scale(self):
        window = 15 if self.quick else 60
        settle = 5 if self.quick else 10
        endpoints, per = 25, 10
        if not self.has_run:
            self.results["scale"] = None
            return
        stand, ports = self.stand_ins(endpoints)
        d = tempfile.mkdtemp(dir=self.tmp)
        up = free_port()
        site = write_site(d, "scale", up, scale_devices(ports, per))
        proc = self.start_busbar(site, up)
        if not proc:
            self.results["scale"] = None
            stop(stand)
            return
        stand_c0 = cpu_seconds(stand.pid)
        time.sleep(settle)
        c0, t0 = cpu_seconds(proc.pid), time.time()
        s0 = cpu_seconds(stand.pid)
        rss = []
        while time.time() - t0 < window:
            time.sleep(1)
            rss.append(rss_mb(proc.pid))
        c1, t1 = cpu_seconds(proc.pid), time.time()
        s1 = cpu_seconds(stand.pid)
        requests = None
        self.results["scale"] = {
            "cpu_pct": 100 * (c1 - c0) / (t1 - t0),
            "rss_mb": max(rss), "rss_first": rss[0], "rss_last": rss[-1],
            "window": window, "devices": endpoints * per, "endpoints": endpoints,
            "devices_cpu_pct": 100 * (s1 - s0) / (t1 - t0),
            "threads": threads(proc.pid),
        }
        del stand_c0, requests
        self.say(f"scale: {self.results['scale']}")
        stop(proc)
        stop(stand)

    # -- 5. start-up and footprint

    def startup(self):
        runs = 3 if self.quick else 10
        if not self.has_run:
            self.results["startup"] = None
            return
        d = tempfile.mkdtemp(dir=self.tmp)
        stand, dports = self.demo_devices(d)
        times = []
        for _ in range(runs):
            ups = [free_port(), free_port(), free_port()]
            site, _ = demo_site(d, ups, dports)
            cmd = [self.busbar, "run", site]
            out = run_tool([self.loadgen, "startup", "--port", str(ups[0]), "--timeout-ms", "10000", "--log", self.log, "--"]
                           + cmd, timeout=30)
            r = result("startup", out)
            if r:
                times.append(r["ms"])
        idle = None
        ups = [free_port(), free_port(), free_port()]
        site, _ = demo_site(d, ups, dports)
        proc = self.start_busbar(site, ups[0])
        if proc:
            time.sleep(3 if self.quick else 10)
            idle = {"rss_mb": rss_mb(proc.pid), "threads": threads(proc.pid)}
            stop(proc)
        stop(stand)
        self.results["startup"] = {
            "median_ms": statistics.median(times) if times else None,
            "max_ms": max(times) if times else None,
            "runs": len(times),
            "idle": idle,
        }
        self.say(f"start-up: {self.results['startup']}")

    # -- 6. grid set-point step response

    def step_response(self):
        """GRID_SETPOINT 0 W on a simulated site, then a 3 kW load step, at meter polls of 1 s and
        200 ms, beside a 1 s-cycle P-only controller outside busbar (bench/step_response.py)."""
        window = 20 if self.quick else 60
        results = {}
        for poll in (1000, 200):
            for controller in ("busbar", "baseline"):
                out = subprocess.run(
                    [self.python, os.path.join(REPO, "bench", "step_response.py"), self.busbar, controller, str(poll),
                     str(window)], capture_output=True, text=True, timeout=window + 120)
                try:
                    results[(controller, poll)] = json.loads(out.stdout.strip().splitlines()[-1])
                except (IndexError, json.JSONDecodeError):
                    self.notes.append(f"step response ({controller}, {poll} ms) failed: {out.stderr.strip()[-200:]}")
                    results[(controller, poll)] = None
                self.say(f"step response {controller} {poll} ms: {results[(controller, poll)]}")
        self.results["step"] = results

    def run(self):
        start_time = time.time()
        self.probe_busbar()
        if not self.busbar_serves:
            self.notes.append("`busbar run` does not serve the native profile on this build yet: busbar's upstream and set-point "
                              "rows are n/a (not yet on main).")
        self.say(f"busbar run: {'yes' if self.has_run else 'no'}, native profile served: {'yes' if self.busbar_serves else 'no'}")
        self.reads()
        self.idle_hold()
        self.setpoints()
        self.polling()
        self.scale()
        self.startup()
        self.step_response()
        self.results["elapsed"] = time.time() - start_time


def plain(value):
    """The results with every key a string, for JSON."""
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else "/".join(map(str, k)) if isinstance(k, tuple) else str(k)): plain(v)
                for k, v in value.items()}
    return value


def scale_devices(ports, per):
    """`per` batteries behind each endpoint: a Victron GX (unit 100; its VE.Bus points on 227)
    and SMA Sunny Boy Storage on units 1, 2, …: a GX has one system per endpoint, SMA
    inverters share an endpoint behind a Modbus gateway."""
    devices = []
    for e, port in enumerate(ports):
        devices.append((f"e{e + 1:02d}gx", "victron-gx-ess.yaml", port, 100))
        devices += [(f"e{e + 1:02d}sbs{u}", "sma-sunny-boy-storage.yaml", port, u) for u in range(1, per)]
    return devices


def sma_setpoint_registers():
    """(address of power_setpoint, address of the last write of SET_POWER) in the SMA map."""
    with open(os.path.join(REPO, "sites", "devices", "sma-sunny-boy-storage.yaml")) as f:
        text = f.read()
    addresses = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\w+): \{address: (\d+)", text, re.M)}
    recipe = re.search(r"^    SET_POWER:\n((?:      - .*\n)+)", text, re.M)
    writes = re.findall(r"write: (\w+)", recipe.group(1)) if recipe else []
    last = addresses.get(writes[-1]) if writes else None
    return addresses.get("power_setpoint", 40149), last


def threads(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return None


def plan_counts(report, path):
    """Requests of one poll cycle with the planner's block reads, and with one request per
    readable point (the `requests` and `points` of `busbar check --plan --format json`)."""
    plans = report["plan"]
    if not plans:
        raise KeyError(f"no plan for {path}")
    return {"requests": sum(p["requests"] for p in plans), "points": sum(p["points"] for p in plans)}


# ------------------------------------------------------------------ formatting


def n(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}".replace(",", " ")


def fmt_read(r):
    if not r:
        return "n/a"
    return f"{n(r['rps'])} req/s, p50 {n(r['p50_us'])} µs, p99 {n(r['p99_us'])} µs"


def idle_count(idle):
    return next((r["held"] for r in idle.values() if r), 0)


def fmt_idle(r):
    """RSS and threads before → while held, and the new master's reads."""
    if not r:
        return "n/a"
    b, a = r["before"], r["after"]
    read = r.get("read")
    served = f"new master {fmt_read(read)}" if read and read.get("requests") else "new master not served"
    lost = f", {r['refused']} refused, {r['closed']} closed" if r["refused"] or r["closed"] else ""
    return (f"RSS {b['rss_mb']:.1f} → {a['rss_mb']:.1f} MB, threads {b['threads']} → {a['threads']}{lost}; {served}"
            + ("" if r["alive"] else "; the process died"))


def idle_verdict(r):
    if not r:
        return "n/a"
    read = r.get("read")
    return verdict(r["alive"] and bool(read and read.get("requests")) and not read.get("errors"))


def fmt_lat(r):
    if not r:
        return "n/a"
    extra = f", {int(r['timeouts'])} timeouts" if r.get("timeouts") else ""
    return f"p50 {ms(r['p50_us'])}, p99 {ms(r['p99_us'])}{extra}"


def ms(us):
    return f"{us / 1000:.2f} ms"


def verdict(ok):
    if ok is None:
        return "n/a"
    return "met" if ok else "MISSED"


def build_rows(res, quick):
    """One table: measure, busbar, baseline, target, result."""
    rows = []
    na = "n/a (not yet on main)"
    reads = res.get("reads", {})
    for conns in READ_LEVELS:
        b, bare, py = reads.get(("busbar", conns)), reads.get(("bare", conns)), reads.get(("pymodbus", conns))
        ok, ratio = None, ""
        if b and bare and py:
            vs_bare, vs_py = b["rps"] / bare["rps"], b["rps"] / py["rps"]
            ratio = f"{vs_bare:.0%} of bare, {vs_py:.1f}× pymodbus"
            if b.get("server_cpu_us") and bare.get("server_cpu_us"):
                ratio += f"; CPU/req {b['server_cpu_us'] / bare['server_cpu_us']:.1f}× bare"
            ok = vs_bare >= 0.8 and vs_py >= 10
        rows.append([f"upstream FC3×100, {conns} conn{'s' if conns > 1 else ''}", fmt_read(b) if b else na,
                     f"bare libmodbus {fmt_read(bare)}; pymodbus {fmt_read(py)}", "≥ 80 % bare, ≥ 10× pymodbus",
                     f"{ratio} — {verdict(ok)}" if ratio else verdict(ok)])
    idle = res.get("idle") or {}
    if idle:
        rows.append([f"{idle_count(idle)} idle connections held", fmt_idle(idle.get("busbar")),
                     f"bare libmodbus {fmt_idle(idle.get('bare'))}; pymodbus {fmt_idle(idle.get('pymodbus'))}",
                     "a new master served, the process alive", idle_verdict(idle.get("busbar"))])
    sp = res.get("setpoints", {})
    direct = sp.get("direct")
    for count in (2, 10, 50):
        r = sp.get(count)
        ok, ratio, target = None, "", "(reported)"
        if r and direct:
            ratio = f"p99 {r['p99_us'] / direct['p99_us']:.1f}× floor"
        if count == 10:
            target = "p99 ≤ 3× floor and ≤ 10 ms"
            if r and direct:
                ok = r["p99_us"] <= 3 * direct["p99_us"] and r["p99_us"] <= 10000 and not r.get("timeouts")
        rows.append([f"set-point latency, {count} devices ({int(r['changes']) if r else '-'} changes)",
                     f"{fmt_lat(r)}; whole recipe p99 {ms(r['done_p99_us'])}" if r else na,
                     f"direct write: {fmt_lat(direct)}", target,
                     f"{ratio} — {verdict(ok)}" if ok is not None else (ratio or "n/a")])
    poll = res.get("polling", {})
    for name, r in poll.items():
        ok = None
        if r:
            ok = r["requests"] * 3 <= r["points"]
        rows.append([f"polling, {name.removesuffix('.yaml')}", f"{r['requests']} req/cycle" if r else "n/a",
                     f"one per point: {r['points']} req/cycle" if r else "n/a", "≤ ⅓ of one-per-point",
                     (f"{r['requests'] / r['points']:.0%} — {verdict(ok)}" if r and r["points"] else verdict(ok))])
    done = [r for r in poll.values() if r]
    if done:
        req, pts = sum(r["requests"] for r in done), sum(r["points"] for r in done)
        rows.append([f"polling, all {len(done)} shipped maps", f"{req} req/cycle", f"one per point: {pts} req/cycle",
                     "≤ ⅓ of one-per-point", f"{req / pts:.0%} — {verdict(req * 3 <= pts)}"])
    sc = res.get("scale")
    if sc:
        ok = sc["cpu_pct"] < 10 and sc["rss_mb"] < 64
        rows.append([f"scale: {sc['devices']} devices / {sc['endpoints']} endpoints, 1 s poll, {sc['window']} s",
                     f"CPU {sc['cpu_pct']:.1f} % of a core, RSS {sc['rss_mb']:.1f} MB",
                     f"device stand-ins: CPU {sc['devices_cpu_pct']:.1f} %", "< 10 % core, < 64 MB", verdict(ok)])
    else:
        rows.append(["scale: 250 devices / 25 endpoints", na, "", "< 10 % core, < 64 MB", "n/a"])
    st = res.get("startup")
    if st and st["median_ms"] is not None:
        ok = st["max_ms"] < 200
        rows.append([f"start-up, exec → first answer ({st['runs']} runs)",
                     f"median {st['median_ms']:.0f} ms, max {st['max_ms']:.0f} ms", "", "< 200 ms", verdict(ok)])
    else:
        rows.append(["start-up, exec → first answer", na, "", "< 200 ms", "n/a"])
    idle = st and st.get("idle")
    if idle:
        rows.append(["idle RSS, demo site", f"{idle['rss_mb']:.1f} MB ({idle['threads']} threads)", "", "< 30 MB",
                     verdict(idle["rss_mb"] < 30)])
    else:
        rows.append(["idle RSS, demo site", na, "", "< 30 MB", "n/a"])
    step = res.get("step", {})
    for poll in (1000, 200):
        b, base = step.get(("busbar", poll)), step.get(("baseline", poll))
        ok = None
        if b and base:
            ok = (b["settled_s"] is not None and b["settled_s"] <= 2 * poll / 1000 and b["overshoot_pct"] <= 10
                  and b["mean_abs_w"] <= base["mean_abs_w"] / 2)
        rows.append([f"grid set-point, 3 kW load step, meter poll {poll} ms", fmt_step(b),
                     f"1 s P-only (0.3): {fmt_step(base)}", "settled ≤ 2 polls, overshoot ≤ 10 %, deviation ≤ ½ baseline",
                     verdict(ok)])
    return rows


def fmt_step(r):
    if not r:
        return "n/a"
    settled = f"{r['settled_s']:.2f} s" if r["settled_s"] is not None else "not settled"
    return f"settled {settled}, overshoot {r['overshoot_pct']:.1f} %, mean |grid| {r['mean_abs_w']:.0f} W over {r['window_s']:.0f} s"


HEADER = ["measure", "busbar", "baseline (same run)", "target", "result"]


def text_table(rows):
    widths = [max(len(str(r[i])) for r in rows + [HEADER]) for i in range(len(HEADER))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    return "\n".join([line(HEADER), line(["-" * w for w in widths])] + [line(r) for r in rows])


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()
    return {"cores": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "load": f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"}


def targets(res):
    """The issue's targets, each with what this run measured and met/missed."""
    out = []
    reads = res.get("reads", {})
    ratios = []
    for conns in (1, 4, 16):
        b, bare, py = reads.get(("busbar", conns)), reads.get(("bare", conns)), reads.get(("pymodbus", conns))
        if b and bare and py:
            ratios.append((conns, b["rps"] / bare["rps"], b["rps"] / py["rps"]))
    if ratios:
        ok = all(vb >= 0.8 and vp >= 10 for _, vb, vp in ratios)
        got = "; ".join(f"{c} conn{'s' if c > 1 else ''}: {vb:.0%} of bare, {vp:.1f}× pymodbus" for c, vb, vp in ratios)
        floor = [reads[("bare", c)]["rps"] / reads[("pymodbus", c)]["rps"] for c, _, _ in ratios]
        got += f" (the bare floor itself: {' / '.join(f'{x:.1f}×' for x in floor)} pymodbus)"
        out.append(["read throughput", "≥ 80 % of the bare libmodbus server, ≥ 10× pymodbus", got, verdict(ok)])
    else:
        out.append(["read throughput", "≥ 80 % of the bare libmodbus server, ≥ 10× pymodbus", "n/a", "n/a"])
    sp = res.get("setpoints", {})
    r, direct = sp.get(10), sp.get("direct")
    if r and direct:
        ok = r["p99_us"] <= 3 * direct["p99_us"] and r["p99_us"] <= 10000 and not r.get("timeouts")
        out.append(["set-point latency, 10 devices", "p99 ≤ 3× the direct-write floor and ≤ 10 ms on loopback",
                    f"p99 {ms(r['p99_us'])} = {r['p99_us'] / direct['p99_us']:.0f}× the floor ({ms(direct['p99_us'])}); "
                    f"≤ 10 ms {'met' if r['p99_us'] <= 10000 else 'missed'}", verdict(ok)])
    else:
        out.append(["set-point latency, 10 devices", "p99 ≤ 3× the direct-write floor and ≤ 10 ms", "n/a", "n/a"])
    done = {k: v for k, v in res.get("polling", {}).items() if v}
    if done:
        req, pts = sum(v["requests"] for v in done.values()), sum(v["points"] for v in done.values())
        missed = [k.removesuffix(".yaml") for k, v in done.items() if v["requests"] * 3 > v["points"]]
        ok = req * 3 <= pts and not missed
        got = f"all maps together {req}/{pts} = {req / pts:.0%}"
        if missed:
            got += f"; above ⅓: {', '.join(missed)}"
        out.append(["polling requests, shipped maps", "≤ ⅓ of one-per-point", got,
                    verdict(ok) if not (missed and req * 3 <= pts) else "met together, MISSED per map"])
    sc = res.get("scale")
    out.append(["250 devices", "under 10 % of one core, under 64 MB RSS",
                f"{sc['cpu_pct']:.1f} % of a core, {sc['rss_mb']:.1f} MB" if sc else "n/a",
                verdict(sc["cpu_pct"] < 10 and sc["rss_mb"] < 64) if sc else "n/a"])
    st = res.get("startup") or {}
    out.append(["start-up", "under 200 ms", f"max {st['max_ms']:.0f} ms over {st['runs']} runs" if st.get("max_ms") else "n/a",
                verdict(st["max_ms"] < 200) if st.get("max_ms") else "n/a"])
    idle = st.get("idle")
    out.append(["idle RSS", "under 30 MB", f"{idle['rss_mb']:.1f} MB" if idle else "n/a",
                verdict(idle["rss_mb"] < 30) if idle else "n/a"])
    return out


def write_doc(path, bench, rows, mach, started):
    res = bench.results
    quick = bench.quick
    lines = [
        "# Benchmarks",
        "",
        "Generated by `scripts/bench` — do not edit by hand: the next run rewrites this file "
        "(hand-written notes live in `bench/notes.md` and are copied in below).",
        "",
        f"- **Run:** {'`scripts/bench --quick` (short windows: indicative only)' if quick else '`scripts/bench` (full run)'}, "
        f"{started.strftime('%Y-%m-%d %H:%M UTC')}, {res.get('elapsed', 0):.0f} s",
        f"- **Machine:** {mach['cores']} cores, {mach['cpu']}, Linux {mach['kernel']}; load average at the start "
        f"{mach['load']} (1/5/15 min)",
        f"- **busbar:** {bench.args.revision}",
        "",
        md_table(HEADER, rows),
        "",
    ]
    for note in bench.notes:
        lines += [f"> {note}", ""]
    lines += ["## Targets (issue 6)", "", md_table(["measure", "target", "this run", "verdict"], targets(res)), ""]
    lines += how_to_read(bench.demo_simulated)
    lines += details(res)
    notes = os.path.join(REPO, "bench", "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            lines += ["", f.read().rstrip(), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def how_to_read(demo_simulated):
    demo_devices = ("served by `busbar simulate` on the same site file" if demo_simulated else
                    "served by the C stand-ins (`busbar simulate` was not available)")
    return [
        "## How to read this",
        "",
        "- Every figure stands beside a baseline **measured in the same run on the same machine**. Absolute "
        "numbers move with the machine and with whatever else runs on it (the load average above: on a shared "
        "2-core machine, other jobs take cores away in bursts); the ratios, and the CPU per request in the "
        "details, are what to compare between runs. `busbar` columns are the release build.",
        "- **Upstream reads**: `bench/loadgen` (C, libmodbus, one thread and one connection per master, no "
        "allocation per request) reads 100 holding registers at 1000 (the first device block of the native "
        "profile) back to back for a fixed window after a warm-up; every latency is kept and sorted. "
        "*bare libmodbus* is `bench/bare_server`: a thread-per-connection libmodbus loop (modbus_receive, "
        "modbus_reply) like busbar's server, which frames, checks and answers in Swift, answering from a static "
        "mapping — the floor of our stack. "
        "*pymodbus* is `bench/pymodbus_server.py`, pymodbus 3.16's asyncio TCP server with a static block. "
        f"busbar is `busbar run` on the demo site (listen addresses moved to 127.0.0.1), its devices {demo_devices} "
        "and polled every second. The three servers run side by side and are loaded in turn, interleaved over "
        "several rounds; each figure is the best round with its latencies (interference only ever slows a round). On 2 cores the load generator and the server share "
        "the machine: the load generator costs about what the bare server costs per request (both are "
        "libmodbus), so the bare row is bounded by both, and busbar's ratio to it understates the difference "
        "in server CPU per request (see the details).",
        "- **Held connections**: 1,000 plain TCP connections opened to each server and left idle (no byte "
        "sent), then the server's VmRSS and thread count (/proc/PID/status) against the same before, and "
        "`bench/loadgen` reading 100 registers on one new connection for 1 s while they are held. busbar runs "
        "the demo site with `max_connections: 1100` (the default 32 would close the oldest idle connections to "
        "admit new ones, which is the point of the limit but not of this measure); the reads at 256 connections "
        "use the same setting. The bare libmodbus server holds each connection with a thread of its own.",
        "- **Set-point latency**: from just before the master's FC16 (SET_POWER with its power: one write of "
        "mode, power and duration to the native control block at 200) until the **last** device has received "
        "its set-point register (power_setpoint at 40149 of the SMA Sunny Boy Storage map) with exactly its "
        "share (power / N: proportional allocation over identical batteries). The devices are `bench/bare_server` stand-ins, one endpoint each, that "
        "stamp each write with CLOCK_MONOTONIC as it arrives, into shared memory the load generator reads: a "
        "device's receive time, not a poll of it. Changes are sent one after the other. The floor is the same "
        "measure for a direct FC16 of the set-point to one stand-in: one round trip.",
        "- **Polling efficiency**: requests in one poll cycle of each shipped map (`busbar check MAP --plan "
        "--format json`) against one request per readable point, what Home Assistant and evcc do without "
        "blocks. A map's `max_gap` decides how far reads may bridge unmapped registers; maps of devices that "
        "refuse reads over gaps keep it at 0, and then the register layout sets the count.",
        "- **Scale**: 250 batteries behind 25 endpoints (per endpoint one Victron GX, unit 100 with its VE.Bus "
        "points on 227, and nine SMA Sunny Boy Storage on units 1–9; one stand-in process with 25 listeners), "
        "polled every second. CPU is utime+stime of the whole gateway "
        "process from /proc/PID/stat over the window after a settling time, as a % of one core; RSS is the "
        "largest VmRSS sampled each second.",
        "- **Start-up**: from exec of `busbar run` on the demo site until the first FC3 answered on the native "
        "port (the load generator retries every millisecond). Idle RSS: VmRSS of the demo site after it settled.",
        "",
    ]


def details(res):
    lines = ["## Details", ""]
    reads = res.get("reads", {})
    if reads:
        lines += ["### Upstream reads", "",
                  md_table(["server", "conns", "req/s (best round)", "req/s of each round", "p50 µs", "p99 µs", "max µs", "errors", "server CPU %",
                            "server CPU µs/req", "loadgen CPU µs/req"],
                           [[kind, conns, n(r["rps"]), ", ".join(n(x) for x in r.get("rps_all", [])), n(r["p50_us"]), n(r["p99_us"]), n(r["max_us"]), int(r["errors"]),
                             n(r.get("server_cpu_pct"), 0), n(r.get("server_cpu_us"), 1), n(r.get("loadgen_cpu_us"), 1)]
                            for (kind, conns), r in reads.items() if r]), "",
                  "CPU per request (median over the rounds) is the server process's utime+stime over the whole "
                  "load run (warm-up included) divided by the requests it answered: less sensitive to a busy machine than req/s. The load "
                  "generator's own CPU per request is what it takes to be \"faster than the server it measures\".", ""]
    idle = res.get("idle") or {}
    if idle:
        lines += ["### Held idle connections", "",
                  md_table(["server", "held", "refused", "closed by the server", "RSS before MB", "RSS held MB",
                            "threads before", "threads held", "new master req/s", "p50 µs", "p99 µs", "errors",
                            "alive"],
                           [[kind, r["held"], r["refused"], r["closed"], f"{r['before']['rss_mb']:.1f}",
                             f"{r['after']['rss_mb']:.1f}", r["before"]["threads"], r["after"]["threads"],
                             n(r["read"]["rps"]) if r.get("read") else "-", n(r["read"]["p50_us"]) if r.get("read") else "-",
                             n(r["read"]["p99_us"]) if r.get("read") else "-",
                             int(r["read"]["errors"]) if r.get("read") else "-", "yes" if r["alive"] else "no"]
                            for kind, r in idle.items() if r]), ""]
    sp = res.get("setpoints", {})
    if sp:
        lines += ["### Set-point latency", "",
                  md_table(["path", "devices", "changes", "timeouts", "set-point p50 ms", "p99 ms", "max ms",
                            "whole recipe p50 ms", "p99 ms", "max ms"],
                           [["direct FC16" if k == "direct" else "gateway", 1 if k == "direct" else k, int(r["changes"]),
                             int(r["timeouts"]), f"{r['p50_us'] / 1000:.2f}", f"{r['p99_us'] / 1000:.2f}",
                             f"{r['max_us'] / 1000:.2f}", f"{r['done_p50_us'] / 1000:.2f}",
                             f"{r['done_p99_us'] / 1000:.2f}", f"{r['done_max_us'] / 1000:.2f}"]
                            for k, r in sp.items() if r]), "",
                  "*Set-point*: until the last device received the register that carries its new power. "
                  "*Whole recipe*: the same here: busbar writes only the registers of a recipe whose values "
                  "change, so after the first change a new power is one write per device. "
                  "The direct write is one FC16 of the set-point: both columns are the same.", ""]
    sc = res.get("scale")
    if sc:
        lines += ["### Scale", "",
                  f"{sc['devices']} devices, {sc['endpoints']} endpoints, window {sc['window']} s: gateway CPU "
                  f"{sc['cpu_pct']:.2f} % of one core, RSS first/last/max {sc['rss_first']:.1f} / {sc['rss_last']:.1f} / "
                  f"{sc['rss_mb']:.1f} MB, {sc['threads']} threads; the stand-ins used {sc['devices_cpu_pct']:.2f} %.", ""]
    return lines


def unplain(results):
    """The inverse of plain() for the keys bench.py uses: ("busbar", 4) and set-point counts."""
    results = dict(results)
    if results.get("reads"):
        results["reads"] = {(k.split("/")[0], int(k.split("/")[1])): v for k, v in results["reads"].items()}
    if results.get("idle"):
        results["idle"] = dict(results["idle"])
    if results.get("setpoints"):
        results["setpoints"] = {(k if k == "direct" else int(k)): v for k, v in results["setpoints"].items()}
    if results.get("step"):
        results["step"] = {(k.split("/")[0], int(k.split("/")[1])): v for k, v in results["step"].items()}
    return results


class Rendered:
    """What write_doc needs of a Bench, from a results file."""

    def __init__(self, saved, args):
        self.results = unplain(saved["results"])
        self.quick = saved["quick"]
        self.notes = saved["notes"]
        self.demo_simulated = saved["demo_simulated"]
        self.args = args
        self.args.revision = saved["revision"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--busbar")
    parser.add_argument("--bin", help="directory with loadgen and bare_server")
    parser.add_argument("--python", help="a python with pymodbus 3.16")
    parser.add_argument("--doc", default=os.path.join(REPO, "docs", "benchmarks.md"))
    parser.add_argument("--revision", default="")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--render", metavar="JSON",
                        help="measure nothing: rewrite the table and the document from a results file of an earlier run "
                             "(after editing bench/notes.md)")
    args = parser.parse_args()
    if args.render:
        with open(args.render) as f:
            saved = json.load(f)
        bench = Rendered(saved, args)
        rows = build_rows(bench.results, bench.quick)
        print(text_table(rows))
        write_doc(args.doc, bench, rows, saved["machine"], datetime.datetime.fromisoformat(saved["started"]))
        print(f"bench: wrote {os.path.relpath(args.doc, REPO)} from {args.render}", file=sys.stderr)
        return
    if not (args.busbar and args.bin and args.python):
        parser.error("--busbar, --bin and --python are needed to measure")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = datetime.datetime.now(datetime.timezone.utc)
    mach = machine()
    bench = Bench(args)
    try:
        bench.run()
    finally:
        cleanup()
    rows = build_rows(bench.results, bench.quick)
    print()
    print(text_table(rows))
    print()
    print(f"{mach['cores']} cores, {mach['cpu']}; load average at the start {mach['load']}; "
          f"{'quick run' if bench.quick else 'full run'} in {bench.results['elapsed']:.0f} s")
    write_doc(args.doc, bench, rows, mach, started)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": plain(bench.results), "quick": bench.quick, "notes": bench.notes,
                       "demo_simulated": bench.demo_simulated, "revision": args.revision, "machine": mach,
                       "started": started.isoformat()}, f, indent=1, default=str)
    print(f"bench: wrote {os.path.relpath(args.doc, REPO)}", file=sys.stderr)
    shutil.copy(bench.log, os.path.join(args.bin, "bench.log"))
    shutil.rmtree(bench.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
