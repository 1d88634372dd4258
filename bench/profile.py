#!/usr/bin/env python3
"""Instruction profiles (valgrind callgrind) of busbar's release binary in the benchmark's
scenarios, beside the bare libmodbus server for the read path. Instruction counts do not
depend on how busy the machine is, which wall-clock figures on 2 shared cores do.

  python3 bench/profile.py --busbar .build-bench/release/busbar --bin .build-bench/bench-tools \\
      [--out DIR] [reads] [setpoint] [scale]

Writes callgrind.out.* files into DIR and prints, per scenario, instructions per unit of work
and the functions with the largest inclusive and self shares (demangled).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def callgrind(out, cmd):
    return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no", "--collect-jumps=no"] + cmd


def total_ir(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return None


def demangle(text):
    try:
        return subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True).stdout
    except OSError:
        return text


def top(path, inclusive, limit=25):
    args = ["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=99", path]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S.*)", line)
        if m:
            rows.append((float(m.group(2)), m.group(3)))
    text = "\n".join(f"{share:6.2f}%  {name}" for share, name in rows[:limit])
    return demangle(text)


def wait_ready_port(port, proc, timeout=60):
    return bench.wait_port(port, proc, timeout)


def run_reads(args, out_dir, requests):
    results = {}
    # bare libmodbus server
    path = os.path.join(out_dir, "callgrind.out.bare-reads")
    proc, ports = bench.start(callgrind(path, [args.bare]), log=args.log, ready=True, timeout=60)
    bench.run_tool([args.loadgen, "read", "--port", str(ports[0]), "--count", str(requests), "--address", "1000"], 600)
    bench.stop(proc)
    results["bare"] = path
    # busbar on the demo site
    d = tempfile.mkdtemp(dir=args.tmp)
    stand, dports = bench.start([args.bare, "--listeners", str(bench.demo_endpoints())], log=args.log, ready=True)
    ups = [bench.free_port(), bench.free_port(), bench.free_port()]
    site, _ = bench.demo_site(d, ups, dports)
    path = os.path.join(out_dir, "callgrind.out.busbar-reads")
    proc, _ = bench.start(callgrind(path, [args.busbar, "run", site]), log=args.log)
    if not wait_ready_port(ups[0], proc):
        raise SystemExit("busbar did not start under callgrind")
    time.sleep(2)
    # Idle baseline over the same time is subtracted by a separate idle profile below.
    bench.run_tool([args.loadgen, "read", "--port", str(ups[0]), "--count", str(requests), "--address", "1000"], 900)
    bench.stop(proc)
    bench.stop(stand)
    results["busbar"] = path
    return results


def run_setpoint(args, out_dir, devices, changes):
    stamps = os.path.join(args.tmp, "stamps")
    stand, ports = bench.start([args.bare, "--listeners", str(devices), "--stamps", stamps, "--watch", "40149"],
                               log=args.log, ready=True)
    d = tempfile.mkdtemp(dir=args.tmp)
    up = bench.free_port()
    site = bench.write_site(d, f"profile {devices}", up,
                            [(f"sbs{i + 1}", "sma-sunny-boy-storage.yaml", ports[i], 3) for i in range(devices)])
    path = os.path.join(out_dir, f"callgrind.out.busbar-setpoint{devices}")
    proc, _ = bench.start(callgrind(path, [args.busbar, "run", site]), log=args.log)
    if not wait_ready_port(up, proc):
        raise SystemExit("busbar did not start under callgrind")
    out = bench.run_tool([args.loadgen, "setpoint", "--port", str(up), "--stamps", stamps, "--devices", str(devices),
                          "--dev-unit", "3", "--changes", str(changes), "--timeout-ms", "20000"], 900)
    sys.stderr.write(out)
    bench.stop(proc)
    bench.stop(stand)
    return {"busbar": path}


def run_scale(args, out_dir, seconds):
    stand, ports = bench.start([args.bare, "--listeners", "25"], log=args.log, ready=True)
    d = tempfile.mkdtemp(dir=args.tmp)
    up = bench.free_port()
    site = bench.write_site(d, "scale", up, bench.scale_devices(ports, 10))
    path = os.path.join(out_dir, "callgrind.out.busbar-scale")
    proc, _ = bench.start(callgrind(path, [args.busbar, "run", site]), log=args.log)
    if not wait_ready_port(up, proc, 120):
        raise SystemExit("busbar did not start under callgrind")
    time.sleep(seconds)
    bench.stop(proc)
    bench.stop(stand)
    return {"busbar": path}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--busbar", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--out", default=None)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("scenarios", nargs="*", default=["reads", "setpoint", "scale"])
    args = parser.parse_args()
    args.busbar = os.path.abspath(args.busbar)
    args.loadgen = os.path.abspath(os.path.join(args.bin, "loadgen"))
    args.bare = os.path.abspath(os.path.join(args.bin, "bare_server"))
    args.tmp = tempfile.mkdtemp(prefix="busbar-profile-")
    args.log = os.path.join(args.tmp, "profile.log")
    out_dir = os.path.abspath(args.out or os.path.join(os.path.dirname(args.bin), "profile"))
    os.makedirs(out_dir, exist_ok=True)
    # valgrind 3.19 cannot read the DWARF 5 of Swift 6 builds: profile a copy without debug
    # sections; the symbol table keeps the function names.
    stripped = os.path.join(out_dir, "busbar-nodebug")
    subprocess.run(["objcopy", "--strip-debug", args.busbar, stripped], check=True)
    args.busbar = stripped
    try:
        for scenario in args.scenarios:
            if scenario == "reads":
                files = run_reads(args, out_dir, args.requests)
                for kind, path in files.items():
                    ir = total_ir(path)
                    print(f"== reads, {kind}: {ir:,} instructions in all, {ir / args.requests:,.0f} per request "
                          f"(busbar's includes start-up and polling)")
            elif scenario == "setpoint":
                files = run_setpoint(args, out_dir, 10, args.changes)
                ir = total_ir(files["busbar"])
                print(f"== set-point, 10 devices: {ir:,} instructions in all, {ir / args.changes:,.0f} per change "
                      f"(includes start-up and polling)")
            elif scenario == "scale":
                files = run_scale(args, out_dir, args.seconds)
                ir = total_ir(files["busbar"])
                print(f"== scale, 250 devices: {ir:,} instructions over ~{args.seconds} s (start-up included)")
            else:
                raise SystemExit(f"unknown scenario {scenario}")
            for kind, path in files.items():
                print(f"-- {kind}: inclusive\n{top(path, True)}\n-- {kind}: self\n{top(path, False)}\n")
    finally:
        bench.cleanup()
        print(f"log: {args.log}", file=sys.stderr)


if __name__ == "__main__":
    main()
