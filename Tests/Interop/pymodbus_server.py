"""A pymodbus 3.16 server with known values, the independent peer of the interop tests.

Unit 1 and unit 200 hold (0-based PDU addresses):
  1201..1205  string[5]   "C2"
  1210..1211  float32     16.5        (unit 200: 21.25)
  1300..1301  int32       -123456
  1310..1313  uint64      12345678901234
  1400..1409  registers   0..9 (unit 1 only writable scratch area)
Coils and discrete inputs 0..15 exist. Anything else is undefined and answers exception 2.

Usage: pymodbus_server.py tcp PORT | rtu DEVICE
Prints READY once the server listens (TCP) or holds the device (RTU).
"""
import asyncio
import sys

from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice


def device(unit, current):
    registers = [
        SimData(address=1201, count=1, values="C2" + "\0" * 8, datatype=DataType.STRING),
        SimData(address=1210, values=current, datatype=DataType.FLOAT32),
        SimData(address=1300, values=-123456, datatype=DataType.INT32),
        SimData(address=1310, values=12345678901234, datatype=DataType.UINT64),
        SimData(address=1400, count=10, values=list(range(10)), datatype=DataType.REGISTERS),
    ]
    coils = [SimData(address=0, count=16, values=0, datatype=DataType.BITS)]
    discrete = [SimData(address=0, count=16, values=0, datatype=DataType.BITS)]
    return SimDevice(id=unit, simdata=(coils, discrete, registers, registers))


async def main():
    mode, where = sys.argv[1], sys.argv[2]
    devices = [device(1, 16.5), device(200, 21.25)]
    if mode == "tcp":
        server = ModbusTcpServer(devices, address=("127.0.0.1", int(where)))
    else:
        server = ModbusSerialServer(devices, port=where, baudrate=19200, parity="N")
    # In the background, serve_forever returns once the socket is bound and listening (or the
    # serial device is open) and raises when it cannot be: READY means a client can connect.
    await server.serve_forever(background=True)
    print("READY", flush=True)
    await server.serving


asyncio.run(main())
