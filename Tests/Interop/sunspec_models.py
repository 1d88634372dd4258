"""The SunSpec model definitions pysunspec2 ships, as the sunspec profile's tests compare them.

Usage: sunspec_models.py MODEL_ID...
Prints one JSON object: per model id, its length L and every top-level point with its offset
from the ID word, type, size in registers, scale-factor point, and the "not implemented"
registers of its type (pysunspec2's SUNS_UNIMPL_* as big-endian words).
"""
import json
import sys

from sunspec2 import mb
import sunspec2.device as device


def unimplemented(point):
    data = mb.create_unimpl_value(point["type"], point["size"] * 2)
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def model(model_id):
    definition = device.get_model_def(model_id)
    points = []
    offset = 0
    for point in definition["group"]["points"]:
        points.append({
            "name": point["name"], "offset": offset, "type": point["type"], "size": point["size"],
            "sf": point.get("sf"), "unimplemented": unimplemented(point),
        })
        offset += point["size"]
    if definition["group"].get("groups"):
        raise SystemExit(f"model {model_id} has repeating groups, which the profile does not serve")
    return {"length": offset - 2, "points": points}


print(json.dumps({str(model_id): model(int(model_id)) for model_id in sys.argv[1:]}))
