"""Reads device-map points with a pymodbus 3.16 client and decodes them independently of busbar.

Usage: pymodbus_read_points.py PORT UNIT < points.json
points.json is a list of {name, table, address, count, type, word_order ("big"/"little"),
scale, scale_register}. Prints one JSON object {name: engineering value}: raw x scale x
10^(value of scale_register), text without trailing NULs, bits as booleans.
"""
import json
import sys

from pymodbus.client import ModbusTcpClient

port, unit = int(sys.argv[1]), int(sys.argv[2])
points = json.load(sys.stdin)
client = ModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0)
client.connect()
types = {
    "int16": client.DATATYPE.INT16, "uint16": client.DATATYPE.UINT16,
    "int32": client.DATATYPE.INT32, "uint32": client.DATATYPE.UINT32,
    "int64": client.DATATYPE.INT64, "uint64": client.DATATYPE.UINT64,
    "float32": client.DATATYPE.FLOAT32, "float64": client.DATATYPE.FLOAT64,
    "string": client.DATATYPE.STRING,
}
raw = {}
for point in points:
    table, address, count = point["table"], point["address"], point["count"]
    if table in ("coil", "discrete"):
        read = client.read_coils if table == "coil" else client.read_discrete_inputs
        raw[point["name"]] = bool(read(address, count=1, device_id=unit).bits[0])
        continue
    read = client.read_holding_registers if table == "holding" else client.read_input_registers
    registers = read(address, count=count, device_id=unit).registers
    value = client.convert_from_registers(registers, types[point["type"]], word_order=point["word_order"])
    raw[point["name"]] = value.rstrip("\0 ") if isinstance(value, str) else value
client.close()

out = {}
for point in points:
    value = raw[point["name"]]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        exponent = raw[point["scale_register"]] if point.get("scale_register") else 0
        if point["scale"] != 1 or exponent:
            value = value * point["scale"] * 10 ** exponent
    out[point["name"]] = value
print(json.dumps(out))
