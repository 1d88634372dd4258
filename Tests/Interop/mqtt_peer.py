"""An MQTT peer for the tests, on paho-mqtt: collects what a broker delivers on a topic for a
while (retained messages first), or publishes one message. Prints JSON lines."""
import argparse
import json
import sys
import time

import paho.mqtt.client as mqtt


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["collect", "publish"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--count", type=int, default=0, help="stop after this many messages (0: collect for --seconds)")
    parser.add_argument("--message", default="")
    parser.add_argument("--ca", help="TLS: the CA that signed the broker's certificate")
    parser.add_argument("--username")
    parser.add_argument("--password")
    args = parser.parse_args()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    if args.ca:
        client.tls_set(ca_certs=args.ca)
    if args.username:
        client.username_pw_set(args.username, args.password)
    received = []

    def on_message(_client, _userdata, message):
        received.append(message)
        print(json.dumps({"topic": message.topic, "payload": message.payload.decode("utf-8", "replace"),
                          "retained": bool(message.retain)}), flush=True)

    client.on_message = on_message
    client.connect("127.0.0.1", args.port, keepalive=30)
    if args.command == "publish":
        info = client.publish(args.topic, args.message, qos=1)
        client.loop_start()
        info.wait_for_publish(timeout=5)
        client.loop_stop()
        client.disconnect()
        return 0 if info.is_published() else 1
    client.subscribe(args.topic, qos=1)
    client.loop_start()
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline and (args.count == 0 or len(received) < args.count):
        time.sleep(0.02)
    client.loop_stop()
    client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
