"""DigitalOcean's rate limits: per token, an hourly and a per-minute budget, both sliding windows.

Each request has its own timer: it counts against the budget until one window length after it was
made. Over the minute ("burst") budget the answer is 429 with ``retry-after``; over the hourly one
it is 429 until ``ratelimit-reset``. Refused requests do not count. Every answer carries
``ratelimit-limit`` (the hourly budget), ``ratelimit-remaining`` and ``ratelimit-reset`` (when the
oldest counted request expires, epoch seconds).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from .clock import Clock

HOUR = 3600.0
MINUTE = 60.0


@dataclass
class Verdict:
    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    def __init__(self, clock: Clock):
        self._clock = clock
        self._windows: dict[str, tuple[deque[float], deque[float]]] = {}

    def take(self, token_key: str, limits: Mapping[str, float]) -> Verdict:
        """Count one request for this token, or refuse it."""
        hour, minute, now = self._prune(token_key, limits)
        scale = limits["window_scale"]
        if len(minute) >= limits["per_minute"]:
            verdict = Verdict(False, self._headers(hour, limits, now))
            wait = minute[0] + MINUTE * scale - now
            verdict.headers["retry-after"] = str(max(1, math.ceil(wait)))
            return verdict
        if len(hour) >= limits["per_hour"]:
            return Verdict(False, self._headers(hour, limits, now))
        hour.append(now)
        minute.append(now)
        return Verdict(True, self._headers(hour, limits, now))

    def peek(self, token_key: str, limits: Mapping[str, float]) -> dict[str, str]:
        """The headers for an answer that does not count (401s, injected faults)."""
        hour, _minute, now = self._prune(token_key, limits)
        return self._headers(hour, limits, now)

    def _prune(
        self, token_key: str, limits: Mapping[str, float]
    ) -> tuple[deque[float], deque[float], float]:
        now = self._clock.now()
        hour, minute = self._windows.setdefault(token_key, (deque(), deque()))
        for window, length in ((hour, HOUR), (minute, MINUTE)):
            horizon = now - length * limits["window_scale"]
            while window and window[0] <= horizon:
                window.popleft()
        return hour, minute, now

    def _headers(self, hour: deque[float], limits: Mapping[str, float], now: float) -> dict:
        oldest_expiry = hour[0] + HOUR * limits["window_scale"] if hour else now
        return {
            "ratelimit-limit": str(int(limits["per_hour"])),
            "ratelimit-remaining": str(max(0, int(limits["per_hour"]) - len(hour))),
            "ratelimit-reset": str(math.ceil(self._clock.wall(oldest_expiry))),
        }
