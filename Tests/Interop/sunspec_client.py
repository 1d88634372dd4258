"""A SunSpec master: pysunspec2's own client scans a device and reads or writes its models.

Usage: sunspec_client.py PORT [--unit 1] [--write '{"124": {"StorCtl_Mod": 3, "OutWRte": -50}}']
Scans from the SunSpec base addresses (40000, 0, 50000) as pysunspec2 does, reads every model
found, then writes the given points (engineering values, which pysunspec2 scales by the model's
scale factors) with the model's own write (one request per run of changed points). Prints one
JSON object: the models in chain order with their addresses and lengths, and every point's
engineering value (None for "not implemented").
"""
import argparse
import json

import sunspec2.modbus.client as client

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--unit", type=int, default=1)
parser.add_argument("--write", default=None)
arguments = parser.parse_args()

device = client.SunSpecModbusClientDeviceTCP(slave_id=arguments.unit, ipaddr="127.0.0.1", ipport=arguments.port,
                                              timeout=5)
report = {"models": [], "values": {}}
try:
    device.scan()
    seen = set()
    for key, models in device.models.items():
        if not isinstance(key, int):
            continue
        for model in models:
            if id(model) in seen:
                continue
            seen.add(id(model))
            report["models"].append({"id": model.model_id, "address": model.model_addr, "length": model.model_len})
            report["values"][str(model.model_id)] = {name: point.cvalue for name, point in model.points.items()}
    report["models"].sort(key=lambda m: m["address"])
    if arguments.write:
        for model_id, points in json.loads(arguments.write).items():
            model = device.models[int(model_id)][0]
            for name, value in points.items():
                model.points[name].cvalue = value
            model.write()
            model.read()
            report["values"][model_id] = {name: point.cvalue for name, point in model.points.items()}
        report["written"] = True
except Exception as error:  # reported, not raised: the test reads what went wrong
    report["error"] = f"{type(error).__name__}: {error}"
finally:
    device.close()
print(json.dumps(report, default=str))
