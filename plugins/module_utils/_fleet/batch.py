# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One request for what concurrent runs on one controller want at the same moment.

The forks of a fleet run each tag their Droplet right before powering it off, and untag it once it
is on again: forty forks send forty requests where one ``POST /v2/tags/{tag}/resources`` with forty
resources would do. :class:`SharedBatch` gathers such items in a shared file (``_cache.py``). A run
queues its item and, when other runs have queued items of that kind lately, waits a moment for
more; then the first run to find its item still queued takes every queued item of the kind and
sends them in one request, and the others read its outcome. A run whose item went out in a request
that failed, or whose sender died or takes too long, sends its own; so does a run that cannot use
the shared file. A run alone waits for nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from typing import Any, Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile

# How long a run waits for others to queue theirs, when other runs that are still going queued
# that kind lately (a fleet's forks; not the runs before this one, one host after another).
WINDOW = 0.5
LATELY = 10.0
# A queued item is taken by its own run this long after its window at the latest; later, its run
# is dead or stalled, and the item is not sent for it (a stalled run sends its own).
GRACE = 2.0
# Outcomes are kept this long for the runs that wait for them.
KEEP = 600.0
# A run whose item another run sends waits this long at most for its outcome, then sends its own.
PATIENCE = 60.0
# How often a waiting run reads the shared file (no request).
TICK = 0.05
LIMIT = 50  # items per request
PID = re.compile(r"[0-9]{1,7}")


class SharedBatch:
    """Items of one account's runs sent together: ``submit(kind, item, send)``."""

    def __init__(
        self,
        store: SharedFile,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        alive: Callable[[int], bool] | None = None,
    ):
        self.store = store
        self._clock = clock
        self._sleep = sleep
        self._alive = alive or _process_alive

    def submit(self, kind: str, item: Any, send: Callable[[list], Any]) -> Any:
        """``send(items)`` for this item (JSON) and the others of ``kind`` queued with it; returns
        what ``send`` returned (JSON) for the request that carried it, or raises its error."""
        key = secrets.token_hex(8)
        try:
            self._sleep(self._queue(kind, key, item))
            taken = self._take(kind, key)
        except Exception:  # the shared file cannot be used (or holds nonsense): send alone
            return send([item])
        if taken is None:
            return self._await(key, item, send)
        if len(taken) == 1:
            return send([item])
        try:
            result = send(_unique(taken))
        except Exception:
            self._settle(key, ok=False)
            return send([item])  # alone: the request may have failed for another run's item
        self._settle(key, ok=True, result=result)
        return result

    def _queue(self, kind: str, key: str, item: Any) -> float:
        """Queue the item; return how long to wait for others."""
        me = os.getpid()
        with self.store.locked():
            state, now = self._state()
            runs = state["last"].setdefault(kind, {})
            others = [_pid(pid) for pid in runs if pid != str(me)]
            state["queue"].append({"key": key, "kind": kind, "item": item, "at": now})
            runs[str(me)] = now
            self.store.write(state)
        return WINDOW if any(self._alive(pid) for pid in others) else 0.0

    def _take(self, kind: str, key: str) -> list | None:
        """This run's item and up to ``LIMIT`` of the kind, out of the queue; None when another
        run took this one."""
        with self.store.locked():
            state, now = self._state()
            mine = [entry for entry in state["queue"] if entry.get("key") == key]
            if not mine:
                return None
            others = [e for e in state["queue"] if e.get("kind") == kind and e.get("key") != key]
            taken = mine + others[: LIMIT - 1]
            keys = [entry.get("key") for entry in taken]
            state["queue"] = [entry for entry in state["queue"] if entry.get("key") not in keys]
            if len(taken) > 1:
                state["sent"].append({"keys": keys, "pid": os.getpid(), "at": now, "ok": None})
            self.store.write(state)
        return [entry.get("item") for entry in taken]

    def _settle(self, key: str, ok: bool, result: Any = None) -> None:
        """Record the outcome of the request that carried ``key`` (best effort)."""
        # Else the others send their own once they see this run gone, or after PATIENCE.
        with contextlib.suppress(Exception), self.store.locked():
            state, _now = self._state()
            sent = _sent_with(state, key)
            if sent is not None:
                sent.update(ok=ok, result=result)
            self.store.write(state)

    def _await(self, key: str, item: Any, send: Callable[[list], Any]) -> Any:
        """The outcome of the request another run sends this item in; this run's own request
        when that one failed, or its sender is gone or has not answered within ``PATIENCE``."""
        until = self._clock() + PATIENCE
        while True:
            sent = _sent_with(self.store.read(fresh=True), key)
            if sent is None or sent.get("ok") is False:
                return send([item])
            if sent.get("ok") is True:
                return sent.get("result")
            if self._clock() >= until or not self._alive(_pid(sent.get("pid"))):
                return send([item])
            self._sleep(TICK)

    def _state(self) -> tuple[dict, float]:
        """The shared state (under the lock), without what no run waits for any more."""
        now = self._clock()
        state = self.store.read()
        state = state if isinstance(state, dict) else {}
        last = state.get("last") if isinstance(state.get("last"), dict) else {}
        return {
            "queue": [e for e in _list(state, "queue") if _since(e, now) <= WINDOW + GRACE],
            "sent": [s for s in _list(state, "sent") if _since(s, now) <= KEEP],
            "last": {kind: _recent(runs, now) for kind, runs in last.items()},
        }, now


def _sent_with(state: Any, key: str) -> dict | None:
    for sent in _list(state if isinstance(state, dict) else {}, "sent"):
        if isinstance(sent, dict) and isinstance(sent.get("keys"), list) and key in sent["keys"]:
            return sent
    return None


def _list(state: dict, name: str) -> list:
    value = state.get(name)
    return value if isinstance(value, list) else []


def _since(entry: Any, now: float) -> float:
    """How long ago the entry was written (:func:`_age` of its ``at``)."""
    return _age(entry.get("at") if isinstance(entry, dict) else None, now)


def _age(at: Any, now: float) -> float:
    """How long ago ``at`` was; infinite for anything but a time, or one in the future (the
    clock was set back since)."""
    if isinstance(at, (int, float)) and now >= at:
        return now - at
    return float("inf")


def _recent(runs: Any, now: float) -> dict:
    """The runs (process id: when) that queued an item of a kind within ``LATELY``."""
    if not isinstance(runs, dict):
        return {}
    return {pid: at for pid, at in runs.items() if _pid(pid) is not None and _age(at, now) < LATELY}


def _unique(items: list) -> list:
    """The items, each once (a dead run's may repeat a live one's)."""
    return list({json.dumps(item, sort_keys=True): item for item in items}.values())


def _pid(value: Any) -> int | None:
    """A process id, from the shared file: an int, or digits."""
    if isinstance(value, str) and PID.fullmatch(value):
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 2**22 else None


def _process_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is another user's
        return True
    return True
