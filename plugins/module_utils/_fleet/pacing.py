# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One request budget per API token for every run on this controller.

DigitalOcean allows a token 5,000 requests an hour and, in any minute, 5% of that (250), counted
over every client that uses it. The forks of a fleet run, and two runs at once, each send their
own requests; :class:`SharedBudget` gives each request a turn in one sliding minute kept in a
shared file, so together they stay under the per-minute budget instead of being answered 429.
It also keeps the last ``ratelimit-*`` headers any of them saw, and when the hourly remainder runs
low, spaces the turns so that it lasts until the reset (the formula of
:meth:`RetryPolicy.pacing_delay`, for all the runs at once).
"""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    RetryPolicy,
    _number,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile

MINUTE = 60.0
HOURLY_LIMIT = 5000  # until the API says otherwise (ratelimit-limit)
MINUTE_SHARE = 0.05  # DigitalOcean: "5% of the hourly total" in any minute
# Left for other clients of the token (doctl, the control panel's scripts, an inventory refresh).
HEADROOM = 0.96
RATE_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")


class SharedBudget:
    """Turns for requests in one sliding minute shared through a :class:`SharedFile`."""

    def __init__(self, store: SharedFile, policy: RetryPolicy):
        self.store = store
        self.policy = policy

    def per_minute(self, hourly_limit: float | None) -> int:
        """How many requests the runs together send in any minute."""
        return max(1, int((hourly_limit or HOURLY_LIMIT) * MINUTE_SHARE * HEADROOM))

    def take_turn(self, headers: dict | None) -> float:
        """Wait for this request's turn; ``headers`` are the last answer's, if any.

        Returns the seconds waited: never more than the retry policy's ``max_wait``, past which
        a 429 costs less than waiting (and a damaged file cannot hold a run up).
        """
        with self.store.locked():
            state = self.store.read()
            state = state if isinstance(state, dict) else {}
            now = self.policy.clock()
            seen = {k: headers[k] for k in RATE_HEADERS if k in (headers or {})}
            known = seen or state.get("headers")
            known = known if isinstance(known, dict) else {}
            sent = state.get("sent")
            sent = sorted(
                t
                for t in (sent if isinstance(sent, list) else [])
                if isinstance(t, (int, float)) and now - MINUTE < t <= now + self.policy.max_wait
            )
            budget = self.per_minute(_number(known.get("ratelimit-limit")))
            turn = now
            if len(sent) >= budget:
                turn = sent[-budget] + MINUTE
            if sent:
                turn = max(turn, sent[-1] + self.policy.pacing_delay(known))
            turn = min(turn, now + self.policy.max_wait)
            self.store.write({"headers": known, "sent": [*sent, turn]})
        wait = max(0.0, turn - now)
        if wait:
            self.policy.sleep(wait)
        return wait
