"""One clock for the whole simulation: monotonic for deadlines, wall time for timestamps.

Wall time is derived from the monotonic clock (anchored once), so an Action that started at
``started_at`` and took ``d`` seconds reports ``completed_at == started_at + d`` exactly, whatever
the system clock does in between.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


class Clock:
    def __init__(self) -> None:
        self._mono0 = time.monotonic()
        self._wall0 = time.time()

    def now(self) -> float:
        """Monotonic seconds: compare these to deadlines."""
        return time.monotonic()

    def wall(self, mono: float) -> float:
        """The epoch seconds matching a monotonic instant."""
        return self._wall0 + (mono - self._mono0)


def iso(epoch: float) -> str:
    """ISO 8601 in UTC to the second, as the API writes it: ``2020-11-14T16:29:21Z``."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
