"""A pymodbus 3.16 master against busbar's native profile; prints one JSON object.

Usage: native_map_client.py PORT UNIT < points.json
points.json: [{"name": ..., "address": ..., "count": ..., "encoding": ...}, ...]
Output: {"values": {name: decoded value}, "set_power": bool, "read_only_exception": code}
"""
import json
import math
import sys

from pymodbus.client import ModbusTcpClient

TYPES = {
    "int16": ModbusTcpClient.DATATYPE.INT16,
    "uint16": ModbusTcpClient.DATATYPE.UINT16,
    "int32": ModbusTcpClient.DATATYPE.INT32,
    "uint32": ModbusTcpClient.DATATYPE.UINT32,
    "uint64": ModbusTcpClient.DATATYPE.UINT64,
    "float32": ModbusTcpClient.DATATYPE.FLOAT32,
    "string": ModbusTcpClient.DATATYPE.STRING,
}

port, unit = int(sys.argv[1]), int(sys.argv[2])
points = json.load(sys.stdin)
client = ModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0)
client.connect()
out = {"values": {}}
for point in points:
    rr = client.read_holding_registers(point["address"], count=point["count"], device_id=unit)
    if rr.isError():
        out["values"][point["name"]] = {"exception": rr.exception_code}
        continue
    value = client.convert_from_registers(rr.registers, TYPES[point["encoding"]])
    if isinstance(value, str):
        value = value.rstrip("\x00")
    elif isinstance(value, float) and math.isnan(value):
        value = None
    out["values"][point["name"]] = value

# One FC16 of mode, power and duration on the ESS control block: SET_POWER -5000 W for 600 s.
mode = next(p for p in points if p["name"] == "site.ess.mode")
registers = [7]
registers += client.convert_to_registers(-5000, ModbusTcpClient.DATATYPE.INT32)
registers += client.convert_to_registers(600, ModbusTcpClient.DATATYPE.UINT32)
out["set_power"] = not client.write_registers(mode["address"], registers, device_id=unit).isError()

soc = next(p for p in points if p["name"] == "site.ess.soc")
refused = client.write_registers(soc["address"], [0, 0], device_id=unit)
out["read_only_exception"] = refused.exception_code if refused.isError() else None
client.close()
print(json.dumps(out))
