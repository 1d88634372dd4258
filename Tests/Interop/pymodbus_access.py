"""A pymodbus 3.16 client connecting from a chosen loopback address; prints one JSON object.

Usage: pymodbus_access.py PORT SOURCE_ADDRESS
Reads holding register 0 and writes holding register 1 (unit 1); reports what came back.
"""
import json
import sys

from pymodbus.client import ModbusTcpClient

client = ModbusTcpClient(
    "127.0.0.1", port=int(sys.argv[1]), source_address=(sys.argv[2], 0), timeout=2, retries=0)
out = {"connected": client.connect()}
try:
    read = client.read_holding_registers(0, count=1, device_id=1)
    out["read"] = None if read.isError() else read.registers[0]
    write = client.write_register(1, 77, device_id=1)
    out["write_exception"] = write.exception_code if write.isError() else None
except Exception as error:  # the server closed the connection
    out["error"] = type(error).__name__
client.close()
print(json.dumps(out))
