"""The HTTP side: a threaded HTTP/1.1 server on loopback that hands requests to the application.

Why the standard library's ``ThreadingHTTPServer``: the simulator must start anywhere the tests
run, with nothing to install, and it must never be the bottleneck. A thread per connection with
keep-alive serves 50 concurrent clients well past 1,000 requests/s on two cores (see
benchmarks/bench_simulator.py), because each request is a few dictionary operations under one
lock. A WSGI framework would add a dependency and a layer without changing that figure.

Robustness: bodies over 1 MiB are refused (413) without being read, chunked uploads (411) and bad
lengths (400) close the connection, and a request the application cannot parse still gets the
API's JSON error. Nothing a client sends can take the server down.

TLS (``tls``, an ``ssl.SSLContext``; see :func:`tls_context`): each connection's handshake runs in
that connection's own thread, so a slow client, or one speaking plain HTTP (which is dropped), holds
up no other.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .app import Simulator
from .wire import JSON, Request, Response

MAX_BODY = 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server-side TLS context for the certificate and key files (PEM); OSError if unusable."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        app: Simulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        tls: ssl.SSLContext | None = None,
    ):
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"refusing to listen on {host}: not a loopback address (use --allow-remote to "
                "expose the simulator, and its unauthenticated admin API, to the network)"
            )
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)
        self.app = app
        self.tls = tls

    def finish_request(self, request, client_address) -> None:
        """Serve one connection, first shaking hands over TLS if the server speaks it."""
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            secure = self.tls.wrap_socket(request, server_side=True)
        except OSError:  # plain HTTP, or not TLS at all, or gone mid-handshake
            return
        try:
            super().finish_request(secure, client_address)
        finally:
            self.shutdown_request(secure)

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer is no error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def scheme(self) -> str:
        return "http" if self.tls is None else "https"

    @property
    def url(self) -> str:
        """``scheme://HOST:PORT``, where the API's paths (``/v2/...``) and the admin API's start."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"{self.scheme}://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse their connection
    server_version = "do-api-simulator"
    disable_nagle_algorithm = True
    server: SimulatorServer

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            return
        url, host = urlsplit(self.path), self.headers.get("Host")
        request = Request(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers=self.headers,
            raw_body=body,
            base_url=f"{self.server.scheme}://{host}" if host else self.server.url,
            received_at=time.time(),
        )
        self._send(self.server.app.handle(request))

    def _read_body(self) -> bytes | None:
        """The request body, or None after refusing it (and closing the connection)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._refuse(411, "length_required", "send a Content-Length, not chunks")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return self._refuse(400, "bad_request", "invalid Content-Length")
        if length > MAX_BODY:
            return self._refuse(413, "request_too_large", f"bodies are limited to {MAX_BODY} bytes")
        return self.rfile.read(length)

    def _refuse(self, status: int, error_id: str, message: str) -> None:
        self.close_connection = True
        self._send(Response(status, {"id": error_id, "message": message}))

    def _send(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.payload()
        self.send_response(response.status)
        headers = {"Content-Type": JSON, **response.headers} if payload else response.headers
        for name, value in headers.items():
            self.send_header(name, value)
        if response.status != 204:
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:
        """Quiet: the request log (GET /_sim/requests) is the record."""
