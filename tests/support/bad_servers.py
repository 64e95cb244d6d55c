"""Loopback HTTP servers that answer the way a broken API, a proxy or a firewall does.

:class:`BadServer` answers every request, or only those whose path matches ``broken``, with one
wrong answer (an HTML page, a 200 that is not JSON, JSON of the wrong shape), or holds it and never
answers. Requests it does not break go on to ``upstream`` (the simulator), so a fault can strike
midway through a real run. It logs every request it receives, broken or not::

    with BadServer(upstream=sim.url) as server:
        server.answer(HTML_PAGE, content_type="text/html", broken="/snapshots")
        ...  # api_url: server.url
        assert [method for method, _path in server.requests] == ["GET", "GET"]

:func:`closed_port` is a loopback port nothing listens on.
"""

from __future__ import annotations

import re
import socket
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML_PAGE = (
    "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
    "<body>\n<h1>Welcome to nginx!</h1>\n<p>The upstream is being maintained.</p>\n"
    "</body>\n</html>\n"
)
NOT_JSON = '{"droplet": {"id": 1, "name": "web-1",'  # cut off mid-object
# Hop-by-hop and framing headers: the server sets its own.
_NOT_RELAYED = {"connection", "content-length", "transfer-encoding", "keep-alive", "server", "date"}


def closed_port() -> int:
    """A loopback port that refuses connections: bound, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BadServer:
    """One loopback HTTP server in a thread; ``url`` is its API base (``http://127.0.0.1:P/v2``)."""

    def __init__(self, upstream: str | None = None):
        self.upstream = upstream.rstrip("/") if upstream else None
        self.requests: list[tuple[str, str]] = []
        self._release = threading.Event()
        self.answer("")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v2"

    def answer(
        self,
        body: str,
        status: int = 200,
        content_type: str = "application/json",
        broken: str = "",
        hang: bool = False,
    ) -> None:
        """Answer the requests whose path ``broken`` (a regex) is found in with ``body``, or with
        nothing at all (``hang``); forward the others upstream. Clears the request log."""
        self.body, self.status, self.content_type = body.encode(), status, content_type
        self.broken, self.hang = re.compile(broken), hang
        self.requests.clear()

    def mutating(self) -> list[tuple[str, str]]:
        """The requests received that could change something."""
        return [(m, p) for m, p in self.requests if m in ("POST", "PUT", "PATCH", "DELETE")]

    def __enter__(self) -> BadServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._release.set()  # the held requests end, unanswered
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- serving ---------------------------------------------------------------------------------

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append((handler.command, handler.path))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        if self.upstream is None or self.broken.search(handler.path.split("?")[0]):
            if self.hang:
                self._release.wait()
                handler.close_connection = True
                return
            self._reply(handler, self.status, {"Content-Type": self.content_type}, self.body)
            return
        self._forward(handler, body)

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        base = self.upstream.rsplit("/v2", 1)[0]
        headers = {
            k: v for k, v in handler.headers.items() if k.lower() not in _NOT_RELAYED | {"host"}
        }
        request = urllib.request.Request(
            base + handler.path, data=body, headers=headers, method=handler.command
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, reply, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, reply, content = error.code, error.headers, error.read()
        relayed = {k: v for k, v in reply.items() if k.lower() not in _NOT_RELAYED}
        self._reply(handler, status, relayed, content)

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _handler(server: BadServer) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (ConnectionError, TimeoutError):
                self.close_connection = True

        def log_message(self, format: str, *args) -> None:
            pass

    def serve(self) -> None:
        server.serve(self)

    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
        setattr(Handler, f"do_{method}", serve)
    return Handler
