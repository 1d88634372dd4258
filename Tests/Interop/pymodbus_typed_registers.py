"""A pymodbus 3.16 client reading (and optionally writing) typed holding registers; prints one
JSON object: {"values": [...], "written": bool|null}.

Usage: pymodbus_typed_registers.py PORT UNIT [--write ADDRESS:TYPE:VALUE] ADDRESS:TYPE[:COUNT] ...
TYPE is uint16, int16, uint32, int32, float32, float64 or string (COUNT registers).
"""
import json
import sys

from pymodbus.client import ModbusTcpClient

TYPES = {
    "uint16": ("UINT16", 1), "int16": ("INT16", 1), "uint32": ("UINT32", 2), "int32": ("INT32", 2),
    "float32": ("FLOAT32", 2), "float64": ("FLOAT64", 4),
}

port, unit, specs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
client = ModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0)
client.connect()
out = {"values": [], "written": None}
if specs and specs[0] == "--write":
    address, kind, value = specs[1].split(":")
    registers = client.convert_to_registers(float(value) if "float" in kind else int(value), getattr(client.DATATYPE, TYPES[kind][0]))
    out["written"] = not client.write_registers(int(address), registers, device_id=unit).isError()
    specs = specs[2:]
for spec in specs:
    parts = spec.split(":")
    address, kind = int(parts[0]), parts[1]
    if kind == "string":
        count = int(parts[2])
        rr = client.read_holding_registers(address, count=count, device_id=unit)
        raw = b"".join(r.to_bytes(2, "big") for r in rr.registers)
        out["values"].append(raw.rstrip(b"\0 ").decode())
    else:
        name, count = TYPES[kind]
        rr = client.read_holding_registers(address, count=count, device_id=unit)
        out["values"].append(None if rr.isError() else client.convert_from_registers(rr.registers, getattr(client.DATATYPE, name)))
client.close()
print(json.dumps(out))
