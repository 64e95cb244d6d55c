"""The log of API requests that ``GET /_sim/requests`` returns, oldest first.

An entry: ``{"t", "method", "path", "query", "body", "status", "token_hash", "ms", "action_type"}``:
arrival time (epoch seconds), the query as an object, the parsed JSON body (null if none or not
JSON), the status answered (null when the connection was dropped), the first 12 hex digits of the
token's sha256 (never the token), the time spent in the server in milliseconds, and the ``type`` of
an Action POST. The log keeps the newest 100,000 entries, enough for any test or benchmark run.
"""

from __future__ import annotations

import hashlib
from collections import deque
from typing import Any

from .wire import Request, Response

MAX_ENTRIES = 100_000


def token_hash(token: str | None) -> str | None:
    return hashlib.sha256(token.encode()).hexdigest()[:12] if token else None


class RequestLog:
    def __init__(self) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)

    def record(self, request: Request, response: Response, ms: float) -> None:
        self._entries.append(
            {
                "t": request.received_at,
                "method": request.method,
                "path": request.path,
                "query": request.query,
                "body": request.body,
                "status": None if response.drop else response.status,
                "token_hash": token_hash(request.bearer_token),
                "ms": round(ms, 3),
                "action_type": request.action_type,
            }
        )

    def to_json(self) -> list[dict[str, Any]]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()
