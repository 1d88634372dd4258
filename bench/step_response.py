#!/usr/bin/env python3
"""Grid set-point step response on a simulated site: prints one JSON object of results.

Usage: step_response.py BUSBAR CONTROLLER METER_POLL_MS WINDOW_S
  CONTROLLER  busbar    busbar holds GRID_SETPOINT 0 W (one native-profile write)
              baseline  a 1 s-cycle P-only controller outside busbar, like OpenEMS's default
                        (gain 0.3): every second it reads the grid meter and writes SET_POWER
                        u += 0.3 × grid through busbar's native profile

The site: a Victron and an SMA battery (5 kW and 6 kW, first-order lag of about 1 s), a grid
meter sampling every 200 ms and polled every METER_POLL_MS, 2 kW of loads with 30 W of noise,
and a 3 kW load switched on 25 s after the simulation starts. The simulated meter is read
directly every 50 ms; the step is found in it (the first jump of more than 1.5 kW).
Run with a python that has pymodbus 3.16. Everything listens on 127.0.0.1.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from pymodbus.client import ModbusTcpClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import REPO, free_port, wait_port  # noqa: E402  (shared with the benchmarks)
STEP_AT = 25.0


def site(directory, upstream, ports, meter_poll_ms):
    maps = os.path.join(REPO, "sites", "devices")
    text = f"""site: Step response
upstream:
  - {{profile: native, listen: "127.0.0.1:{upstream}", unit: 1}}
poll_interval: 1 s
allocation: proportional
sources:
  - {{id: modbus, priority: 10, watchdog: 5 min}}
simulation:
  load: 2 kW
  load_steps: [{{at: {STEP_AT:.0f} s, power: 3 kW}}]
  load_noise: 30 W
  seed: 7
  pv_peak: 0 W
devices:
  - {{id: ess1, map: {maps}/victron-gx-ess.yaml, uri: "127.0.0.1:{ports[0]}", unit: 100, capacity: 10 kWh, max_power: 5 kW, simulate: true}}
  - {{id: ess2, map: {maps}/sma-sunny-boy-storage.yaml, uri: "127.0.0.1:{ports[1]}", unit: 3, capacity: 9.8 kWh, max_power: 6 kW, simulate: true}}
  - {{id: grid, map: {maps}/generic-grid-meter.yaml, uri: "127.0.0.1:{ports[2]}", unit: 1, simulate: true, poll_interval: {meter_poll_ms} ms}}
"""
    path = os.path.join(directory, "site.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def native_address(busbar, path, name):
    out = subprocess.run([busbar, "map", path, "--format", "json"], capture_output=True, text=True, check=True).stdout
    document = json.loads(out)
    registers = document["registers"] if isinstance(document, dict) else document
    for register in registers:
        if register.get("name") == name:
            return register["address"]
    raise SystemExit(f"step_response: {name} not in busbar's native map")


def write_mode(client, address, mode, power):
    words = client.convert_to_registers(int(round(power)), client.DATATYPE.INT32)
    duration = client.convert_to_registers(300, client.DATATYPE.UINT32)
    client.write_registers(address, [mode] + words + duration, device_id=1)


def main():
    busbar, controller, meter_poll_ms, window = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    directory = tempfile.mkdtemp(prefix="busbar-step-")
    upstream, ports = free_port(), [free_port() for _ in range(3)]
    path = site(directory, upstream, ports, meter_poll_ms)
    mode_address = native_address(busbar, path, "site.ess.mode")
    log = open(os.path.join(directory, "log"), "w")
    processes = []
    try:
        simulate = subprocess.Popen([busbar, "simulate", path, "--every", "0"], stdout=log, stderr=log,
                                    start_new_session=True)
        processes.append(simulate)
        started = time.time()
        if not all(wait_port(p, simulate, 30) for p in ports):
            raise SystemExit("step_response: busbar simulate did not serve the site")
        run = subprocess.Popen([busbar, "run", path], stdout=log, stderr=log, start_new_session=True)
        processes.append(run)
        if not wait_port(upstream, run, 30):
            raise SystemExit("step_response: busbar run did not listen")
        meter = ModbusTcpClient("127.0.0.1", port=ports[2], timeout=1, retries=0)
        meter.connect()
        master = ModbusTcpClient("127.0.0.1", port=upstream, timeout=1, retries=0)
        master.connect()

        def grid():
            answer = meter.read_holding_registers(0, count=2, device_id=1)
            return None if answer.isError() else meter.convert_from_registers(answer.registers, meter.DATATYPE.INT32)

        stop = threading.Event()
        lock = threading.Lock()
        time.sleep(max(0, 8 - (time.time() - started)))  # devices online
        if controller == "busbar":
            write_mode(master, mode_address, 8, 0)  # GRID_SETPOINT 0 W
        else:
            def baseline():
                output = 0.0
                while not stop.wait(1.0):
                    with lock:
                        value = grid()
                    if value is None:
                        continue
                    output = max(-11000.0, min(11000.0, output + 0.3 * value))
                    write_mode(master, mode_address, 7, output)  # SET_POWER
            threading.Thread(target=baseline, daemon=True).start()
        samples = []
        end = started + STEP_AT + window
        while time.time() < end:
            with lock:
                value = grid()
            if value is not None:
                samples.append((time.time() - started, value))
            time.sleep(0.05)
        stop.set()
        step = next((t for (t, v), (_, before) in zip(samples[1:], samples) if t > STEP_AT - 5 and v - before > 1500),
                    None)
        if step is None:
            raise SystemExit("step_response: no load step seen in the meter")
        after = [(t - step, v) for t, v in samples if t >= step and t - step <= window]
        outside = [t for t, v in after if abs(v) > 100]
        settled = outside[-1] if outside else 0.0
        crossing = next((i for i, (_, v) in enumerate(after) if v <= 0), None)
        overshoot = max(0.0, -min(v for _, v in after[crossing:])) if crossing is not None else 0.0
        print(json.dumps({
            "controller": controller, "meter_poll_ms": meter_poll_ms, "window_s": window,
            "settled_s": settled if settled < window - 1 else None, "overshoot_pct": overshoot / 3000 * 100,
            "mean_abs_w": sum(abs(v) for _, v in after) / len(after), "samples": len(after),
            "before_w": sum(abs(v) for t, v in samples if STEP_AT - 10 < t < step) / max(1, len(
                [1 for t, _ in samples if STEP_AT - 10 < t < step])),
        }))
    finally:
        for proc in processes:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


if __name__ == "__main__":
    main()
