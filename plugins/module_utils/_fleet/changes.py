# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When each resource last changed, as the runs on one controller changed it.

Every request that may change something (POST, PUT, PATCH, DELETE) marks the resources it may
change when it is sent and again when it is answered (the API may act on it at any moment in
between). A shared view taken at or before a resource's last mark is never used for that resource
(``watch.py``), by the run that sent the request or by any other: a re-run right after a run reads
what that run's last request left. A mark that cannot be shared is still kept by its own run.
"""

from __future__ import annotations

import os
import time
from typing import Callable
from urllib.parse import unquote

from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile

# Marks are kept this long; a view is never trusted once it is older (watch.py).
KEEP = 3600.0
# The key of a change to something no key names: every resource counts as changed.
EVERYTHING = "*"


def changed_by(path: str, body: dict | None) -> list:
    """The resources a request to ``path`` (relative to the API, with its query) with ``body``
    may change, as keys such as ``droplets/42``.

    ``/droplets/42/actions`` changes Droplet 42; ``/tags/{tag}/resources`` the resources its body
    lists (and the tag); ``/tags`` the tags; anything else, the resource its path names
    (``/snapshots/7``), or everything when its path names none.
    """
    parts = [unquote(p) for p in path.split("?", 1)[0].strip("/").split("/") if p]
    if len(parts) == 3 and parts[0] == "tags" and parts[2] == "resources":
        listed = (body or {}).get("resources") if isinstance(body, dict) else None
        keys = [f"tags/{parts[1]}"]
        for resource in listed if isinstance(listed, list) else [None]:
            if not isinstance(resource, dict) or not resource.get("resource_id"):
                return [EVERYTHING]
            keys.append(f"{resource.get('resource_type') or 'droplet'}s/{resource['resource_id']}")
        return keys
    if len(parts) >= 2:
        return [f"{parts[0]}/{parts[1]}"]
    if parts:
        return [parts[0]]
    return [EVERYTHING]


class Changes:
    """The marks of one account's changes, in a :class:`SharedFile`, and this run's own."""

    def __init__(self, store: SharedFile, clock: Callable[[], float] = time.time):
        self.store = store
        self._clock = clock
        self._own: dict = {}

    def mark(self, keys: list) -> None:
        """These resources change now."""
        now = self._clock()
        self._own.update(dict.fromkeys(keys, now))
        try:
            with self.store.locked():
                marks = self._shared(now)
                marks.update(dict.fromkeys(keys, now))
                self.store.write(marks)
        except OSError:  # other runs cannot see it: their views are theirs to trust
            pass

    def last(self, key: str) -> float:
        """When the resource ``key`` last changed (0 when no run changed it lately)."""
        marks = self._shared(self._clock())
        found = [marks.get(key), marks.get(EVERYTHING), self._own.get(key)]
        found.append(self._own.get(EVERYTHING))
        return max((t for t in found if isinstance(t, (int, float))), default=0.0)

    def _shared(self, now: float) -> dict:
        """The shared marks. A file that is there but cannot be read (damaged, or not private)
        holds marks no run can tell: everything counts as changed when it was last written."""
        marks = self.store.read()
        if not isinstance(marks, dict):
            try:
                return {EVERYTHING: os.stat(self.store.path).st_mtime}
            except OSError:  # no file: no run marked anything
                return {}
        return {
            key: at
            for key, at in marks.items()
            if isinstance(at, (int, float)) and now - KEEP <= at <= now + KEEP
        }
