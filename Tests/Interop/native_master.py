"""A pymodbus 3.16 master for the gateway scenarios: runs a list of operations from stdin and
prints one JSON list of results.

Usage: native_master.py < operations.json
Each operation: {"port": P, "unit": U, "op": "write", "address": A, "items": [[TYPE, VALUE], ...]}
(one FC16 of typed values, or FC6 when "fc6": true and one 16-bit item), or
{"port": P, "unit": U, "op": "read", "address": A, "type": TYPE, "count": registers (strings)}, or
{"port": P, "unit": U, "op": "coil", "address": A, "value": true|false} (FC5).
TYPE: int16 uint16 int32 uint32 uint64 float32 string. A result is {"value": ...} or {"exception": code}.
An operation may name a "session" (default 0): each session is a connection of its own, so that
two masters can interleave their requests.
"""
import json
import math
import sys

from pymodbus.client import ModbusTcpClient

T = ModbusTcpClient.DATATYPE
TYPES = {"int16": T.INT16, "uint16": T.UINT16, "int32": T.INT32, "uint32": T.UINT32, "uint64": T.UINT64, "float32": T.FLOAT32, "string": T.STRING}
SIZES = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "uint64": 4, "float32": 2}

clients = {}


def client(port, session):
    key = (port, session)
    if key not in clients:
        clients[key] = ModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0)
        clients[key].connect()
    return clients[key]


results = []
for op in json.load(sys.stdin):
    c, unit = client(op["port"], op.get("session", 0)), op["unit"]
    if op["op"] == "write":
        registers = []
        for kind, value in op["items"]:
            registers += c.convert_to_registers(float(value) if kind == "float32" else int(value), TYPES[kind])
        if op.get("fc6"):
            reply = c.write_register(op["address"], registers[0], device_id=unit)
        else:
            reply = c.write_registers(op["address"], registers, device_id=unit)
        results.append({"exception": reply.exception_code} if reply.isError() else {"value": True})
    elif op["op"] == "coil":
        reply = c.write_coil(op["address"], bool(op["value"]), device_id=unit)
        results.append({"exception": reply.exception_code} if reply.isError() else {"value": True})
    else:
        kind = op["type"]
        count = op.get("count", SIZES.get(kind, 1))
        reply = c.read_holding_registers(op["address"], count=count, device_id=unit)
        if reply.isError():
            results.append({"exception": reply.exception_code})
            continue
        value = c.convert_from_registers(reply.registers, TYPES[kind])
        if isinstance(value, float) and math.isnan(value):
            value = None
        if isinstance(value, str):
            value = value.rstrip("\0 ")
        results.append({"value": value})
for c in clients.values():
    c.close()
print(json.dumps(results))
