"""pymodbus 3.16's Modbus/TCP Security client against a TLS listener; prints one JSON object.

Usage: pymodbus_tls.py PORT CA_FILE NAME=CERT,KEY | NAME= ...
For each NAME it connects with an ssl context that trusts CA_FILE and presents CERT and KEY
(no client certificate when empty), reads holding register 0 and writes 77 to holding
register 1 (unit 1), and reports {"read": value or null, "write_exception": code or null,
"error": what failed}.
"""
import json
import ssl
import sys

from pymodbus.client import ModbusTlsClient


def attempt(port, ca, cert, key):
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    context.check_hostname = False  # pymodbus wraps the socket without a server name
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert:
        context.load_cert_chain(cert, key)
    client = ModbusTlsClient("127.0.0.1", port=port, sslctx=context, timeout=2, retries=0)
    out = {"read": None, "write_exception": None}
    try:
        if not client.connect():
            out["error"] = "connect"
            return out
        read = client.read_holding_registers(0, count=1, device_id=1)
        out["read"] = None if read.isError() else read.registers[0]
        write = client.write_register(1, 77, device_id=1)
        out["write_exception"] = write.exception_code if write.isError() else None
    except Exception as error:  # refused at the handshake: the server closed the connection
        out["error"] = type(error).__name__
    finally:
        client.close()
    return out


port, ca = int(sys.argv[1]), sys.argv[2]
results = {}
for spec in sys.argv[3:]:
    name, _, files = spec.partition("=")
    cert, _, key = files.partition(",")
    results[name] = attempt(port, ca, cert or None, key or None)
print(json.dumps(results))
