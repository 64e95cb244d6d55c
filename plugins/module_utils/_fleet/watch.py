# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What concurrent runs on one controller read while they wait, read once for all of them.

Forty forks that each poll their own Action send forty requests where one would do: the account's
newest Actions (``GET /v2/actions``, newest first, one page of 200) show all of them, and one page
of ``GET /v2/droplets`` shows the power state of 200 Droplets. :class:`SharedWatch` keeps both
views in shared files (``_cache.py``). A run that wants a newer view than the one it last used
first waits, up to its own poll interval, for another run to take one; only when none does, it
takes the view itself, under a lock, so one run at a time sends the request and the others read
its answer. With one run alone, that costs what polling its own Action costs.

A view is trusted for an item only when it was taken after the moment the caller names and after
the item's last change (``changes.py``: every request that may change a resource, by any run,
marks it when it is sent and when it is answered). What a view does not show (an Action older than
its page, a Droplet past the first 200, a field it does not keep) the caller reads for itself.
"""

from __future__ import annotations

import time
from typing import Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.changes import (
    KEEP,
    Changes,
)

PAGE = 200
# A view at most this old shows a resource "now", when no run on this controller changed it since
# (a first look at a Droplet, say).
FRESH = 2.0
# How often a waiting run looks at the shared files for a view another run took (no request).
TICK = 0.2
# The Droplet fields the view keeps: what waiting and deciding need, and what a module's result
# shows of the Droplet (its size slug), not the whole object (and of its region, the slug).
DROPLET_FIELDS = (
    "id",
    "name",
    "status",
    "locked",
    "snapshot_ids",
    "volume_ids",
    "tags",
    "size_slug",
)
# The fields each view keeps of its items (None: all of them).
KEPT = {"actions": None, "droplets": frozenset((*DROPLET_FIELDS, "region"))}
VIEWS = {
    "actions": ("/actions", "actions", lambda action: action),
    "droplets": (
        "/droplets",
        "droplets",
        lambda droplet: dict(
            {key: droplet.get(key) for key in DROPLET_FIELDS},
            region={"slug": _slug(droplet.get("region"))},
        ),
    ),
}


def _slug(region) -> str | None:
    return region.get("slug") if isinstance(region, dict) else None


class SharedWatch:
    """The shared views of one account's Actions and Droplets, as one run uses them."""

    def __init__(
        self,
        client: Client,
        directory: str | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        changes: Changes | None = None,
    ):
        self.client = client
        self._files = {kind: SharedFile(client.account, kind, directory) for kind in VIEWS}
        self._clock = clock
        self._sleep = sleep
        self.changes = changes or Changes(SharedFile(client.account, "changes", directory), clock)
        # When the newest view of each kind this run used was taken.
        self.used = dict.fromkeys(VIEWS, 0.0)

    def now(self) -> float:
        return self._clock()

    def current(self, view: str, item_id: int, fields: tuple = ()) -> dict | None:
        """The item as it is now: as a view shows it that was taken at most ``FRESH`` seconds ago,
        after the item's last change, and after the newest view of Actions this run used (where
        it may have seen an Action on the item end); None when no such view shows it, or the view
        does not keep all of ``fields``."""
        kept = KEPT[view]
        if kept is not None and not set(fields) <= kept:
            return None
        not_before = max(self._clock() - FRESH, self.used["actions"])
        return self.item(view, item_id, not_before)

    def item(self, view: str, item_id: int, not_before: float) -> dict | None:
        """The item (an Action, a Droplet) as a view taken at ``not_before`` or later shows it;
        None when that view does not show it."""
        return self._item(view, item_id, self._view(view, not_before))

    def next(self, view: str, item_id: int, interval: float, not_before: float) -> dict | None:
        """The item in the first view taken after ``not_before`` and after the last one this run
        used, waiting up to ``interval`` for another run to take it; None when it does not show
        the item."""
        since = max(not_before, self.used[view] + 1e-6)
        until = self._clock() + interval
        while True:
            found = self._fresh(view, since)
            if found is None and self._clock() >= until:
                found = self._view(view, since)
            if found is not None:
                return self._item(view, item_id, found)
            self._sleep(max(0.0, min(TICK, until - self._clock())))

    # -- internals ---------------------------------------------------------------------------------

    def _item(self, kind: str, item_id: int, view: dict) -> dict | None:
        """The item in the view, unless the view was taken before the item's last change."""
        self.used[kind] = max(self.used[kind], view["taken"])
        if view["taken"] <= self.changes.last(f"{kind}/{item_id}"):
            return None
        return view["items"].get(str(item_id))

    def _view(self, kind: str, not_before: float) -> dict:
        """A view taken at ``not_before`` or later: the shared one, or a new one taken now."""
        view = self._fresh(kind, not_before)
        if view is not None:
            return view
        store = self._files[kind]
        try:
            with store.locked():
                view = self._fresh(kind, not_before)  # another run took one while we waited
                if view is None:
                    view = self._take(kind)
                    store.write(view)
        except OSError:  # the shared file cannot be used: read alone
            view = self._take(kind)
        return view

    def _fresh(self, kind: str, not_before: float) -> dict | None:
        view = self._files[kind].read()
        if isinstance(view, dict) and isinstance(view.get("items"), dict):
            taken, now = view.get("taken"), self._clock()
            if isinstance(taken, (int, float)) and max(not_before, now - KEEP) <= taken <= now + 1:
                return view
        return None

    def _take(self, kind: str) -> dict:
        path, key, keep = VIEWS[kind]
        taken = self._clock()
        items = self.client.paginate(path, key, limit=PAGE)
        return {
            "taken": taken,
            "items": {str(i["id"]): keep(i) for i in items if i.get("id") is not None},
        }
