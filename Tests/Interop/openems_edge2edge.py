"""An OpenEMS master Edge's Edge2Edge discovery and control, replayed with pymodbus 3.16.

Usage: openems_edge2edge.py PORT [--component ess0] [--kind ess|meter] [--unit 1]
                            [--power W] [--reactive VAR] [--cycles N] [--interval S]

Follows io.openems.edge.edge2edge AbstractEdge2Edge / Edge2EdgeEssImpl (docs/openems.md, master discovery):
  1. read register 0 (retried while the slave answers with an exception); not 0x6201 -> fault
  2. read register 1 -> the first component block starts at 1 + value
  3. walk the blocks: read the STRING16 id at S; not ours -> read the length at S+16, S += length
  4. at our block read the length L at S+16 and walk the natures from S+20 (hash, then length)
     until the next nature would start at or beyond S+L+20
  5. map the natures the master knows by hash; build FC3 reads of <= 126 registers over their
     readable records (reserved ones included), spanning the words between them
  6. every cycle (about once a second): run the reads, then (ESS, READ_WRITE) write
     SetActivePowerEquals and SetReactivePowerEquals as one FC16 of 4 registers; then stop.
Prints one JSON object with what it found, read and wrote.
"""
import argparse
import json
import struct
import time

from pymodbus.client import ModbusTcpClient
from pymodbus.pdu.register_message import ReadHoldingRegistersRequest

# j2mod, which OpenEMS uses, reads up to 126 registers at once; pymodbus stops at the spec's 125.
ReadHoldingRegistersRequest.MAX_COUNT = 126
MAX_TASK = 126

OPENEMS_HASH = 0x6201
NATURES = {
    # hash: (name, [(offset, channel, words, access)]) -- the master's own copy of the tables
    0xB3DC: ("OpenemsComponent", [(0, "State", 1, "r")]),
    0x42EE: ("SymmetricEss", [
        (0, "Soc", 1, "r"), (1, "GridMode", 1, "r"), (2, "ActivePower", 2, "r"), (4, "ReactivePower", 2, "r"),
        (6, "MinCellVoltage", 2, "r"), (8, "MaxCellVoltage", 2, "r"), (10, "MinCellTemperature", 2, "r"),
        (12, "MaxCellTemperature", 2, "r"), (14, "Capacity", 2, "r"), (16, "MaxApparentPower", 2, "r")]),
    0x958F: ("AsymmetricEss", [(0, "ActivePowerL1", 2, "r"), (2, "ActivePowerL2", 2, "r"), (4, "ActivePowerL3", 2, "r")]),
    0xA3ED: ("ManagedSymmetricEss", [
        (0, "AllowedChargePower", 2, "r"), (2, "AllowedDischargePower", 2, "r"),
        (4, "SetActivePowerEquals", 2, "w"), (6, "SetReactivePowerEquals", 2, "w")]),
    0x7CE6: ("StartStoppable", [(0, "StartStop", 1, "r")]),
    0xEBB8: ("ElectricityMeter", [
        (0, "Frequency", 2, "r"), (2, "Reserved", 2, "r"), (4, "Reserved", 2, "r"), (6, "ActivePower", 2, "r"),
        (8, "ReactivePower", 2, "r"), (10, "ActiveProductionEnergy", 2, "r"), (12, "ActiveConsumptionEnergy", 2, "r"),
        (14, "Voltage", 2, "r"), (16, "Current", 2, "r")]
        + [(offset, "Reserved", 2, "r") for offset in range(18, 100, 2)]
        + [(100, "ActivePowerL1", 2, "r"), (102, "ActivePowerL2", 2, "r"), (104, "ActivePowerL3", 2, "r")]),
}
KNOWN = {"ess": {0xB3DC, 0x42EE, 0x958F, 0xA3ED, 0x7CE6}, "meter": {0xB3DC, 0xEBB8}}


class Fault(Exception):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--component", default="ess0")
    parser.add_argument("--kind", default="ess", choices=["ess", "meter"])
    parser.add_argument("--unit", type=int, default=1)
    parser.add_argument("--power", type=float, default=0.0)
    parser.add_argument("--reactive", type=float, default=0.0)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()

    client = ModbusTcpClient("127.0.0.1", port=args.port, timeout=2, retries=0)
    client.connect()
    out = {"busy_answers": 0, "walked": [], "group_errors": [], "writes": [], "cycles": []}

    def read(address, count):
        rr = client.read_holding_registers(address, count=count, device_id=args.unit)
        if rr.isError():
            raise Fault(f"exception {getattr(rr, 'exception_code', None)} reading {address}+{count}")
        return rr.registers

    try:
        # 1. the OpenEMS hash, retried while the slave is not ready (ModbusUtils.retryOnNull)
        for _ in range(100):
            rr = client.read_holding_registers(0, count=1, device_id=args.unit)
            if not rr.isError():
                break
            out["busy_answers"] += 1
            time.sleep(0.1)
        else:
            raise Fault("no answer at register 0")
        out["hash"] = rr.registers[0]
        if out["hash"] != OPENEMS_HASH:
            raise Fault("RemoteNoOpenems")
        # 2. the meta block's length
        out["meta_length"] = read(1, 1)[0]
        start = 1 + out["meta_length"]
        # 3. walk the component blocks
        while True:
            words = read(start, 16)
            text = b"".join(struct.pack(">H", w) for w in words).replace(b"\0", b" ").decode("ascii", "replace").strip()
            if text == args.component:
                break
            length = read(start + 16, 1)[0]
            out["walked"].append({"id": text, "address": start, "length": length})
            if length == 0 or length == 0xFFFF or start + length > 65535:
                raise Fault(f"MappingRemoteProtocolFault: block length {length} at {start + 16}")
            start += length
        length = read(start + 16, 1)[0]
        out["component"] = {"id": args.component, "address": start, "length": length, "natures": []}
        # 4. walk the natures
        address = start + 20
        while address < start + length + 20:
            nature_hash = read(address, 1)[0]
            nature_length = read(address + 1, 1)[0]
            name = NATURES.get(nature_hash, ("unknown", []))[0]
            out["component"]["natures"].append(
                {"hash": nature_hash, "length": nature_length, "address": address, "name": name})
            if nature_length == 0:
                raise Fault(f"MappingRemoteProtocolFault: nature length 0 at {address + 1}")
            address += nature_length
        # 5. records of the natures the master knows, and the FC3 tasks over them
        records, writable = [], {}
        for nature in out["component"]["natures"]:
            if nature["hash"] not in KNOWN[args.kind]:
                continue
            for offset, channel, words, access in NATURES[nature["hash"]][1]:
                record = (nature["address"] + 2 + offset, channel, words)
                if access == "r":
                    records.append(record)
                else:
                    writable[channel] = record[0]
        records.sort()
        groups = []
        for record in records:
            if groups and record[0] + record[2] - groups[-1][0] <= MAX_TASK:
                groups[-1][1] = record[0] + record[2] - groups[-1][0]
            else:
                groups.append([record[0], record[2]])
        out["groups"] = groups
        out["addresses"] = {channel: address for address, channel, _ in records if channel != "Reserved"}
        out["addresses"].update(writable)
        # 6. the cycles
        for cycle in range(args.cycles):
            began = time.monotonic()
            registers = {}
            for group_start, count in groups:
                rr = client.read_holding_registers(group_start, count=count, device_id=args.unit)
                if rr.isError():
                    out["group_errors"].append(
                        {"address": group_start, "count": count, "exception": getattr(rr, "exception_code", None)})
                    continue
                registers.update({group_start + i: w for i, w in enumerate(rr.registers)})
            values = {}
            for address, channel, words in records:
                if channel == "Reserved" or address not in registers:
                    continue
                raw = [registers[address + i] for i in range(words)]
                if words == 1:
                    values[channel] = None if raw[0] == 0xFFFF else raw[0]
                else:
                    number = struct.unpack(">f", struct.pack(">HH", *raw))[0]
                    values[channel] = None if number != number else number
            out["cycles"].append(values)
            if args.kind == "ess" and "SetActivePowerEquals" in writable:
                at = writable["SetActivePowerEquals"]
                payload = list(struct.unpack(">HHHH", struct.pack(">ff", args.power, args.reactive)))
                rr = client.write_registers(at, payload, device_id=args.unit)
                out["writes"].append({"address": at, "count": 4, "ok": not rr.isError()})
            time.sleep(max(0.0, args.interval - (time.monotonic() - began)))
    except Fault as fault:
        out["fault"] = str(fault)
    client.close()
    print(json.dumps(out))


main()
