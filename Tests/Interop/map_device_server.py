"""A device laid out from a busbar device map, served by pymodbus 3.16: the independent peer
that the gateway's writes land in.

Usage: map_device_server.py LAYOUT.json tcp PORT | rtu DEVICE
LAYOUT.json: {"units": {"UNIT": [POINT, ...], ...}}, one datastore per unit id (a Victron GX
answers unit 100 and its VE.Bus unit 227 on one port). POINT: {"name", "table" ("holding",
"input" or "coil"), "address", "count", "type" (int16 uint16 int32 uint32 int64 uint64 float32
float64 string; ignored for a coil), "word_order" ("big" or "little"), "value" (optional: the
raw value the device holds, in the vendor's units before any scale; text for strings)}. Every
point's registers and coils exist and are writable; addresses between points answer
exception 2, as on the products.

Prints READY when serving. Then reads commands on stdin, one a line:
- "dump PATH": writes to PATH what pymodbus holds and received, {"registers": {UNIT: {TABLE:
  {ADDRESS: word}}}, "writes": [{"unit", "fc", "address", "values"}, ...], "refused": [{"unit",
  "fc", "address", "values", "code"}, ...], "reads": [{"unit", "fc", "address", "times"}, ...]}
  (writes and refused writes in arrival order; a coil's word is 0 or 1), and prints "DUMPED PATH".
- "refuse TABLE ADDRESS CODE": from now on every write to that register or coil (on any unit)
  is answered with exception CODE (2 or 4) and journalled as refused; prints "REFUSING".
- "accept TABLE ADDRESS": writes there are carried out again; prints "ACCEPTING".
Exits when stdin closes.
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
READ_FC = {"holding": 3, "input": 4, "coil": 1}
READ_REQUESTS = {1, 2, 3, 4}
BIT_FC = {1, 2, 5, 15}
WRITE_TABLE = {5: "coil", 15: "coil", 6: "holding", 16: "holding"}
CODES = {2: ExcCodes.ILLEGAL_ADDRESS, 4: ExcCodes.DEVICE_FAILURE}

writes = []
refused = []
# Read requests served, by (unit, fc, address): how often the gateway polled each block.
reads = {}
# (table, address) -> exception code for writes the device refuses.
refusals = {}
# The dump's own reads of the datastore are not the gateway's.
dumping = False


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
            raise SystemExit(f"map_device_server: {point['name']} is in table {point['table']}, only registers and coils are laid out")
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


def coil_addresses(points):
    return {point["address"] + offset for point in points if point["table"] == "coil" for offset in range(point["count"])}


async def journal(unit, coils, function_code, _start, address, count, _registers, set_values):
    """Records every write and read; refuses the bit tables except the coils laid out, and the
    writes told to be refused."""
    if function_code in BIT_FC and (function_code == 2 or not set(range(address, address + count)) <= coils):
        return ExcCodes.ILLEGAL_ADDRESS
    if set_values is None:
        # pymodbus also reads back what a write request set, to answer it.
        if not dumping and function_code in READ_REQUESTS:
            key = (unit, function_code, address)
            reads[key] = reads.get(key, 0) + 1
        return None
    entry = {"unit": unit, "fc": function_code, "address": address, "values": [int(v) for v in set_values]}
    if (code := refusals.get((WRITE_TABLE.get(function_code), address))) is not None:
        refused.append(entry | {"code": code})
        print(f"refused FC{function_code} to {address} on unit {unit} with exception {code}", file=sys.stderr, flush=True)
        return CODES[code]
    writes.append(entry)
    return None


def device(unit, points):
    # pymodbus wants a bits entry in the coil and discrete tables; the journal refuses what is
    # not laid out. Coils are addressed by bit, as on the wire.
    def bits(start=0):
        return SimData(address=start, count=16, values=0, datatype=DataType.BITS)

    coils = coil_addresses(points)
    starts = sorted({address - address % 16 for address in coils}) or [0]
    return SimDevice(
        id=unit,
        simdata=([bits(start) for start in starts], [bits()], blocks(points, "holding"), blocks(points, "input")),
        action=functools.partial(journal, unit, coils),
        use_bit_addressing=True,
    )


async def state(server, layout):
    global dumping
    registers = {}
    dumping = True
    try:
        for unit, points in layout["units"].items():
            tables = registers.setdefault(unit, {})
            for point in points:
                values = await server.context.async_getValues(int(unit), READ_FC[point["table"]], point["address"], point["count"])
                table = tables.setdefault(point["table"], {})
                for offset, word in enumerate(values):
                    table[str(point["address"] + offset)] = int(word)
    finally:
        dumping = False
    served = [{"unit": unit, "fc": fc, "address": address, "times": times} for (unit, fc, address), times in reads.items()]
    return {"registers": registers, "writes": writes, "refused": refused, "reads": served}


async def answer_dumps(server, layout):
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command, _, path = line.strip().partition(" ")
        if command == "dump" and path:
            with open(path + ".tmp", "w", encoding="utf-8") as file:
                json.dump(await state(server, layout), file)
            os.replace(path + ".tmp", path)
            print(f"DUMPED {path}", flush=True)
        elif command == "refuse":
            table, address, code = path.split()
            if int(code) not in CODES:
                raise SystemExit(f"map_device_server: refuse with exception 2 or 4, not {code}")
            refusals[(table, int(address))] = int(code)
            print("REFUSING", flush=True)
        elif command == "accept":
            table, address = path.split()
            refusals.pop((table, int(address)), None)
            print("ACCEPTING", flush=True)


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
