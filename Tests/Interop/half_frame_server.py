"""A Modbus/TCP peer that breaks off mid-frame: on every connection it reads one request,
answers the first three bytes of a reply's MBAP header (the request's transaction id and half
of the protocol id), and closes the connection.

Usage: half_frame_server.py PORT
Prints READY when listening.
"""
import socket
import sys
import threading


def answer(connection):
    with connection:
        request = connection.recv(260)
        if len(request) >= 2:
            connection.sendall(request[:2] + b"\x00")


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen()
print("READY", flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=answer, args=(connection,), daemon=True).start()
