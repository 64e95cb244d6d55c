"""A stand-in API over TLS with a self-signed certificate, on loopback."""

from __future__ import annotations

import contextlib
import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

from tests.simulator.certificate import self_signed


@contextlib.contextmanager
def https_api(directory: Path, answers: dict) -> Iterator[str]:
    """An HTTPS server answering ``GET <path>`` with ``answers[path]`` (JSON); yields its API
    URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(answers.get(self.path.split("?")[0], {})).encode()
            self.send_response(200 if self.path.split("?")[0] in answers else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    cert, key = self_signed(directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/v2"
    finally:
        server.shutdown()
        server.server_close()
