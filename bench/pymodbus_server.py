"""The pymodbus 3.16 baseline: what a Python gateway achieves serving a static register block.

A ModbusTcpServer (asyncio) on 127.0.0.1 with one SimDevice (unit 1) holding registers
0..1999 (register i holds i), the same reads as busbar's upstream benchmark can be served.

Usage: pymodbus_server.py PORT      (0 = chosen by the system)
Prints "PORTS p" and "READY" when serving.
"""
import asyncio
import logging
import sys

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    logging.getLogger("pymodbus").setLevel(logging.ERROR)
    block = [SimData(address=0, count=2000, values=list(range(2000)), datatype=DataType.REGISTERS)]
    bits = [SimData(address=0, count=16, values=0, datatype=DataType.BITS)]
    device = SimDevice(id=1, simdata=(bits, bits, block, block))
    server = ModbusTcpServer([device], address=("127.0.0.1", port))
    task = asyncio.create_task(server.serve_forever())
    bound = port
    for _ in range(100):
        await asyncio.sleep(0.02)
        transport = getattr(server, "transport", None)
        if transport is not None and hasattr(transport, "sockets") and transport.sockets:
            bound = transport.sockets[0].getsockname()[1]
            break
    print(f"PORTS {bound}", flush=True)
    print("READY", flush=True)
    await task


asyncio.run(main())
