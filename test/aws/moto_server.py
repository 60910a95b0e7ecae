#!/usr/bin/env python3
"""Test-only moto server on 127.0.0.1 and a free port. Prints the port as the first stdout line; exits when stdin
closes, so a crashed test never leaves it running. The account id comes from MOTO_ACCOUNT_ID."""
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server._server.server_port, flush=True)
try:
    sys.stdin.read()
finally:
    server.stop()
