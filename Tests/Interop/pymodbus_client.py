"""A pymodbus 3.16 client run against busbar's server; prints one JSON object of results.

Usage: pymodbus_client.py PORT
Expects unit 1 with holding registers 0..99 (10..11 holding float32 16.0) and coils 0..15.
"""
import json
import sys

from pymodbus.client import ModbusTcpClient

client = ModbusTcpClient("127.0.0.1", port=int(sys.argv[1]), timeout=2, retries=0)
client.connect()
out = {}
rr = client.read_holding_registers(10, count=2, device_id=1)
out["float"] = client.convert_from_registers(rr.registers, client.DATATYPE.FLOAT32)
registers = client.convert_to_registers(-123456, client.DATATYPE.INT32)
out["write_int32"] = not client.write_registers(20, registers, device_id=1).isError()
out["write_single"] = not client.write_register(30, 4242, device_id=1).isError()
out["write_coil"] = not client.write_coil(3, True, device_id=1).isError()
out["coils"] = client.read_coils(0, count=8, device_id=1).bits[:8]
undefined = client.read_holding_registers(500, count=1, device_id=1)
out["undefined_exception"] = undefined.exception_code if undefined.isError() else None
client.close()
print(json.dumps(out))
