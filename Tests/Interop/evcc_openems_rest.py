"""evcc's `openems` meter template (REST) as evcc runs it, with curl's twin urllib and jq.

Usage: evcc_openems_rest.py HOST[:PORT] PASSWORD read grid|pv|battery
       evcc_openems_rest.py HOST[:PORT] PASSWORD batterymode 1|2|3 [--battery ess0] [--maxchargepower 4200]

Follows evcc-io/evcc templates/definition/meter/openems.yaml exactly: every request carries
HTTP basic auth with user `x` and the template's password; each reading is the template's jq
expression over the answer, run by the jq binary:
  grid:    power  GET /rest/channel/_sum/GridActivePower        jq (.value // 0)
           energy GET /rest/channel/_sum/GridBuyActiveEnergy    jq (.value / 1000 // 0)
  pv:      power  GET /rest/channel/_sum/ProductionActivePower  jq (.value // 0)
           energy GET /rest/channel/_sum/ProductionActiveEnergy jq (.value / 1000 // 0)
  battery: power  GET /rest/channel/_sum/EssDischargePower      jq (.value // 0)
           soc    GET /rest/channel/_sum/EssSoc                 jq (.value // 0)
  batterymode 1 (normal) and 2 (hold): POST /rest/channel/{battery}/SetActivePowerLessOrEquals
  {"value": 0}; 3 (charge): the same with {"value": -maxchargepower}; content-type application/json.
Prints one JSON object: the readings (or the POST's status and body), and any error evcc would log.
"""
import argparse
import base64
import json
import subprocess
import urllib.error
import urllib.request

READINGS = {
    "grid": [("power", "_sum/GridActivePower", "(.value // 0)"),
             ("energy", "_sum/GridBuyActiveEnergy", "(.value / 1000 // 0)")],
    "pv": [("power", "_sum/ProductionActivePower", "(.value // 0)"),
           ("energy", "_sum/ProductionActiveEnergy", "(.value / 1000 // 0)")],
    "battery": [("power", "_sum/EssDischargePower", "(.value // 0)"),
                ("soc", "_sum/EssSoc", "(.value // 0)")],
}


def request(host, password, path, body=None):
    url = "http://%s/rest/channel/%s" % (host, path)
    data = None if body is None else body.encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    req.add_header("Authorization", "Basic " + base64.b64encode(("x:" + password).encode()).decode())
    if body is not None:
        req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def jq(expression, text):
    done = subprocess.run(["jq", "-c", expression], input=text, capture_output=True, text=True)
    if done.returncode != 0:
        raise ValueError(done.stderr.strip())
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("password")
    parser.add_argument("action", choices=["read", "batterymode"])
    parser.add_argument("what")
    parser.add_argument("--battery", default="ess0")
    parser.add_argument("--maxchargepower", type=int, default=4200)
    args = parser.parse_args()
    result = {}
    if args.action == "read":
        for name, path, expression in READINGS[args.what]:
            status, text = request(args.host, args.password, path)
            if status != 200:
                result[name + "Error"] = "HTTP %d: %s" % (status, text)
                continue
            try:
                result[name] = jq(expression, text)
            except ValueError as error:
                result[name + "Error"] = str(error)
    else:
        value = 0 if args.what in ("1", "2") else -args.maxchargepower
        status, text = request(args.host, args.password, args.battery + "/SetActivePowerLessOrEquals",
                               '{"value": %d}' % value)
        result = {"status": status, "body": text}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
