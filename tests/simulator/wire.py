"""One HTTP exchange as the application sees it, free of socket details."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import errors

JSON = "application/json; charset=utf-8"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    raw_body: bytes
    base_url: str  # scheme://host:port as the client addressed this server
    received_at: float = 0.0  # epoch seconds

    @cached_property
    def _parsed(self) -> tuple[Any, bool]:
        """(value, whether it parsed); an empty body parses as None."""
        if not self.raw_body.strip():
            return None, True
        try:
            return json.loads(self.raw_body), True
        except (ValueError, RecursionError):
            return None, False

    @property
    def body(self) -> Any:
        """The JSON body, or None when there is none or it is not JSON."""
        return self._parsed[0]

    @property
    def json(self) -> Any:
        """The JSON body; malformed JSON is the API's 400 "error parsing request body"."""
        value, parsed = self._parsed
        if not parsed:
            raise errors.bad_request()
        return value

    @property
    def action_type(self) -> str | None:
        """The ``type`` of a POSTed JSON object (the Action a POST asks for), else None."""
        body = self.body
        if self.method == "POST" and isinstance(body, dict) and isinstance(body.get("type"), str):
            return body["type"]
        return None

    @property
    def bearer_token(self) -> str | None:
        scheme, _space, token = (self.headers.get("Authorization") or "").partition(" ")
        token = token.strip()
        return token if scheme.lower() == "bearer" and token else None


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode()


def ok(body: Any, status: int = 200) -> Response:
    return Response(status, body)


def no_content() -> Response:
    return Response(204)
