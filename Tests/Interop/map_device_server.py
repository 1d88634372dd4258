"""A device laid out from a busbar device map, served by pymodbus 3.16: the independent peer
that the gateway's writes land in.

Usage: map_device_server.py LAYOUT.json tcp PORT | rtu DEVICE
LAYOUT.json: {"units": {"UNIT": [POINT, ...], ...}}, one datastore per unit id (a Victron GX
answers unit 100 and its VE.Bus unit 227 on one port). POINT: {"name", "table" ("holding" or
"input"), "address", "count", "type" (int16 uint16 int32 uint32 int64 uint64 float32 float64
string), "word_order" ("big" or "little"), "value" (optional: the raw value the device
holds, in the vendor's units before any scale; text for strings)}. Every point's registers
exist and are writable; addresses between points answer exception 2, as on the products.

Prints READY when serving. Then, for each line "dump PATH" on stdin, writes to PATH what
pymodbus holds and received, {"registers": {UNIT: {TABLE: {ADDRESS: word}}}, "writes":
[{"unit", "fc", "address", "values"}, ...]} (writes in arrival order), and prints
"DUMPED PATH". Exits when stdin closes.
"""
import asyncio
import functools
import json
import os
import sys

from pymodbus.client import ModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

T = ModbusTcpClient.DATATYPE
TYPES = {
    "int16": T.INT16, "uint16": T.UINT16, "int32": T.INT32, "uint32": T.UINT32,
    "int64": T.INT64, "uint64": T.UINT64, "float32": T.FLOAT32, "float64": T.FLOAT64, "string": T.STRING,
}
READ_FC = {"holding": 3, "input": 4}
BIT_FC = {1, 2, 5, 15}

writes = []


def words_of(point):
    """The point's registers: its raw value encoded by pymodbus, or zeros."""
    count = point["count"]
    if "value" not in point:
        return [0] * count
    value = point["value"]
    kind = point["type"]
    if kind != "string" and not kind.startswith("float"):
        value = int(value)
    words = ModbusTcpClient.convert_to_registers(value, TYPES[kind], word_order=point["word_order"])
    return (words + [0] * count)[:count]


def blocks(points, table):
    """Runs of adjacent registers of one table, as pymodbus SimData."""
    words = {}
    for point in points:
        if point["table"] not in READ_FC:
            raise SystemExit(f"map_device_server: {point['name']} is in table {point['table']}, only registers are laid out")
        if point["table"] != table:
            continue
        for offset, word in enumerate(words_of(point)):
            words[point["address"] + offset] = word
    runs = []
    for address in sorted(words):
        if runs and runs[-1][0] + len(runs[-1][1]) == address:
            runs[-1][1].append(words[address])
        else:
            runs.append((address, [words[address]]))
    # pymodbus wants at least one entry per table: an invalid register answers exception 2.
    return [SimData(address=start, values=values, datatype=DataType.REGISTERS) for start, values in runs] or [
        SimData(address=0, datatype=DataType.INVALID)
    ]


async def journal(unit, function_code, _start, address, _count, _registers, set_values):
    """Records every write; refuses the bit tables, which the maps laid out here do not use."""
    if function_code in BIT_FC:
        return ExcCodes.ILLEGAL_ADDRESS
    if set_values is not None:
        writes.append({"unit": unit, "fc": function_code, "address": address, "values": [int(v) for v in set_values]})
    return None


def device(unit, points):
    # pymodbus wants a bits entry in the coil and discrete tables; the journal refuses them.
    def bits():
        return [SimData(address=0, count=16, values=0, datatype=DataType.BITS)]

    return SimDevice(
        id=unit,
        simdata=(bits(), bits(), blocks(points, "holding"), blocks(points, "input")),
        action=functools.partial(journal, unit),
    )


async def state(server, layout):
    registers = {}
    for unit, points in layout["units"].items():
        tables = registers.setdefault(unit, {})
        for point in points:
            values = await server.context.async_getValues(int(unit), READ_FC[point["table"]], point["address"], point["count"])
            table = tables.setdefault(point["table"], {})
            for offset, word in enumerate(values):
                table[str(point["address"] + offset)] = word
    return {"registers": registers, "writes": writes}


async def answer_dumps(server, layout):
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command, _, path = line.strip().partition(" ")
        if command == "dump" and path:
            with open(path + ".tmp", "w", encoding="utf-8") as file:
                json.dump(await state(server, layout), file)
            os.replace(path + ".tmp", path)
            print(f"DUMPED {path}", flush=True)


async def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        layout = json.load(file)
    mode, where = sys.argv[2], sys.argv[3]
    devices = [device(int(unit), points) for unit, points in layout["units"].items()]
    if mode == "tcp":
        server = ModbusTcpServer(devices, address=("127.0.0.1", int(where)))
    else:
        server = ModbusSerialServer(devices, port=where, baudrate=19200, parity="N")
    serving = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0.3)
    print("READY", flush=True)
    await answer_dumps(server, layout)
    await server.shutdown()
    serving.cancel()


asyncio.run(main())
