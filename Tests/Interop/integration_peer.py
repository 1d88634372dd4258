"""Reads and runs the Home Assistant and evcc configurations `busbar map` generates, as those
programs would, with pymodbus 3.16: exactly the addresses, types, scales and templates written
in them. Prints one JSON object.

Usage:
  integration_peer.py homeassistant CONFIG            every sensor: {unique_id: value}
  integration_peer.py homeassistant-script CONFIG ID FIELD=VALUE...
                                                      runs script ID (its Jinja templates rendered)
  integration_peer.py evcc CONFIG                     every meter's getters: {meter: {role: value}}
  integration_peer.py evcc-batterymode CONFIG METER MODE
                                                      sets the meter's batterymode (1-4)
"""
import ast
import json
import math
import struct
import sys

import jinja2
import yaml
from pymodbus.client import ModbusTcpClient

# Home Assistant's and evcc's type names, as struct formats (big-endian, high word first).
FORMATS = {
    "int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "int64": ">q", "uint64": ">Q",
    "float32": ">f", "float64": ">d",
}
# evcc's "nan" encodings: the sentinel that reads as an error.
EVCC_NAN = {
    "int16": -0x8000, "uint16": 0xFFFF, "int32": -0x80000000, "uint32": 0xFFFFFFFF,
    "int64": -0x8000000000000000, "uint64": 0xFFFFFFFFFFFFFFFF,
}
clients = {}


def client(host, port):
    key = (host, int(port))
    if key not in clients:
        clients[key] = ModbusTcpClient(host, port=int(port), timeout=3, retries=1)
        if not clients[key].connect():
            sys.exit(f"cannot connect to {host}:{port}")
    return clients[key]


def read(modbus, function, address, count, unit):
    if function == "input":
        answer = modbus.read_input_registers(address, count=count, device_id=unit)
    else:
        answer = modbus.read_holding_registers(address, count=count, device_id=unit)
    if answer.isError():
        sys.exit(f"read of {count} at {address} failed: {answer}")
    return answer.registers


def words_to_bytes(words):
    return b"".join(struct.pack(">H", word) for word in words)


def decode(words, data_type):
    if data_type == "string":
        return words_to_bytes(words).decode("utf-8", errors="replace").rstrip("\x00")
    return struct.unpack(FORMATS[data_type], words_to_bytes(words))[0]


def encode(value, data_type):
    fmt = FORMATS[data_type]
    if "f" not in fmt and "d" not in fmt:
        value = int(value)
    raw = struct.pack(fmt, value)
    return [struct.unpack(">H", raw[i:i + 2])[0] for i in range(0, len(raw), 2)]


# MARK: - Home Assistant

def ha_hub(config):
    return config["modbus"][0]


def ha_sensor_value(modbus, sensor):
    data_type = sensor["data_type"]
    count = sensor.get("count") or struct.calcsize(FORMATS[data_type]) // 2
    raw = decode(read(modbus, sensor.get("input_type", "holding"), sensor["address"], count, sensor["slave"]),
                 data_type)
    if data_type == "string":
        return raw
    nan = sensor.get("nan_value")
    if isinstance(nan, str):
        nan = int(nan, 16)
    # Home Assistant's rule: the raw value equal to nan_value or to its negation is unknown.
    if nan is not None and raw in (nan, -nan):
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    value = sensor.get("scale", 1) * raw + sensor.get("offset", 0)
    precision = sensor.get("precision")
    return round(value, precision) if precision else (round(value) if precision == 0 else value)


def homeassistant(path):
    config = yaml.safe_load(open(path))
    hub = ha_hub(config)
    modbus = client(hub["host"], hub["port"])
    return {sensor["unique_id"]: ha_sensor_value(modbus, sensor) for sensor in hub["sensors"]}


def homeassistant_script(path, script_id, assignments):
    config = yaml.safe_load(open(path))
    hubs = {hub["name"]: hub for hub in config["modbus"]}
    script = config["script"][script_id]
    variables = {}
    for assignment in assignments:
        name, value = assignment.split("=", 1)
        variables[name] = value
    environment = jinja2.Environment()
    writes = []
    for step in script["sequence"]:
        assert step["action"] == "modbus.write_register", step
        data = step["data"]
        value = data["value"]
        if isinstance(value, str):
            value = ast.literal_eval(environment.from_string(value).render(**variables))
        hub = hubs[data["hub"]]
        modbus = client(hub["host"], hub["port"])
        values = value if isinstance(value, list) else [value]
        answer = modbus.write_registers(data["address"], values, device_id=data["slave"])
        writes.append({"address": data["address"], "values": values,
                       "exception": answer.exception_code if answer.isError() else None})
    return {"writes": writes}


# MARK: - evcc

def evcc_read(getter):
    """A `source: modbus` getter: value = raw × scale, a nan encoding's sentinel an error (None)."""
    assert getter["source"] == "modbus", getter
    host, port = getter["uri"].rsplit(":", 1)
    register = getter["register"]
    encoding = register.get("encoding") or register["decode"]
    base = encoding[:-3] if encoding.endswith("nan") else encoding
    count = struct.calcsize(FORMATS[base]) // 2
    raw = decode(read(client(host, port), register["type"], register["address"], count, getter["id"]), base)
    if encoding.endswith("nan") and raw == EVCC_NAN[base]:
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    return raw * getter.get("scale", 1)


def openems_modbus_template(meter):
    """evcc's openems-modbus template rendered with the meter's parameters (its render: block)."""
    uri = f"{meter['host']}:{meter.get('port', 502)}"
    unit = meter.get("id", 1)

    def getter(address, type_, encoding, scale=None):
        out = {"source": "modbus", "uri": uri, "id": unit,
               "register": {"address": address, "type": type_, "encoding": encoding}}
        if scale is not None:
            out["scale"] = scale
        return out

    def setter(value):
        return {"source": "const", "value": value,
                "set": {"source": "modbus", "uri": uri, "id": unit,
                        "register": {"address": meter.get("battery_set_register", 710), "type": "writemultiple",
                                     "encoding": "float32"}}}

    usage = meter["usage"]
    if usage == "grid":
        return {"power": getter(meter.get("grid_power_register", 315), "input", "float32"),
                "energy": getter(meter.get("grid_energy_register", 359), "holding", "float64", 0.001)}
    if usage == "pv":
        return {"power": getter(meter.get("pv_power_register", 327), "input", "float32"),
                "energy": getter(meter.get("pv_energy_register", 367), "holding", "float64", 0.001)}
    rendered = {"power": getter(meter.get("battery_power_register", 415), "input", "float32"),
                "soc": getter(meter.get("battery_soc_register", 302), "input", "uint16"),
                "capacity": meter.get("capacity")}
    if meter.get("battery"):
        cases = [{"case": 1, "set": setter(0)}, {"case": 2, "set": setter(0)}]
        if meter.get("maxchargepower"):
            cases.append({"case": 3, "set": setter(-meter["maxchargepower"])})
        rendered["batterymode"] = {"source": "watchdog", "timeout": meter.get("watchdog", "60s"), "reset": 1,
                                   "set": {"source": "switch", "switch": cases,
                                           "default": {"source": "error", "error": "ErrNotAvailable"}}}
    return rendered


def evcc_meters(path):
    config = yaml.safe_load(open(path))
    meters = {}
    for meter in config["meters"]:
        if meter["type"] == "template":
            assert meter["template"] == "openems-modbus", meter
            meters[meter["name"]] = openems_modbus_template(meter)
        else:
            assert meter["type"] == "custom", meter
            meters[meter["name"]] = meter
    return config, meters


def evcc_set(plugin, value, writes):
    """Runs an evcc setter chain (watchdog, switch, sequence, const, modbus) with `value`."""
    source = plugin["source"]
    if source == "watchdog":
        evcc_set(plugin["set"], value, writes)
    elif source == "switch":
        chosen = next((case["set"] for case in plugin["switch"] if case["case"] == value), plugin.get("default"))
        if chosen is None or chosen["source"] == "error":
            raise SystemExit(f"batterymode {value}: {chosen and chosen.get('error')}")
        evcc_set(chosen, value, writes)
    elif source == "sequence":
        for step in plugin["set"]:
            evcc_set(step, value, writes)
    elif source == "const":
        evcc_set(plugin["set"], plugin["value"], writes)
    elif source == "modbus":
        host, port = plugin["uri"].rsplit(":", 1)
        register = plugin["register"]
        words = encode(value, register.get("encoding") or register["decode"])
        modbus = client(host, port)
        if register["type"] in ("writesingle", "writeholding"):
            assert len(words) == 1, register
            answer = modbus.write_register(register["address"], words[0], device_id=plugin["id"])
        else:
            answer = modbus.write_registers(register["address"], words, device_id=plugin["id"])
        writes.append({"address": register["address"], "values": words,
                       "exception": answer.exception_code if answer.isError() else None})
    else:
        raise SystemExit(f"unknown evcc source {source}")


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "homeassistant":
        out = homeassistant(path)
    elif command == "homeassistant-script":
        out = homeassistant_script(path, sys.argv[3], sys.argv[4:])
    elif command == "evcc":
        config, meters = evcc_meters(path)
        out = {"site": config["site"], "meters": {
            name: {role: evcc_read(meter[role]) for role in ("power", "energy", "soc") if role in meter}
            for name, meter in meters.items()}}
        for name, values in out["meters"].items():
            values["capacity"] = meters[name].get("capacity")
    elif command == "evcc-batterymode":
        _, meters = evcc_meters(path)
        writes = []
        evcc_set(meters[sys.argv[3]]["batterymode"], int(sys.argv[4]), writes)
        out = {"writes": writes}
    else:
        sys.exit(__doc__)
    print(json.dumps(out))
    for modbus in clients.values():
        modbus.close()


main()
