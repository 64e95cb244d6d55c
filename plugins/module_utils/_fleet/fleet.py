# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the concurrent runs of one account on this controller share, behind one seam (Fleet).

A fleet run's forks, and two runs at once, share one request budget (``pacing.py``), the views
they wait on (``watch.py``), the tagging requests they would send at the same moment
(``batch.py``), and the marks of what each of them changed (``changes.py``), in files of the
per-user cache directory (``cache.py``). The core knows none of this: the client takes the fleet
as its pacer, the action runner its views, the power cycle its ``together``. A run with
``shared_cache: false`` has no fleet, and runs the same code alone.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    MUTATING,
    Client,
    Pacer,
    RetryPolicy,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.batch import SharedBatch
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import (
    SharedFile,
    cache_problem,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.changes import (
    Changes,
    changed_by,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.pacing import (
    SharedBudget,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.watch import SharedWatch


class Fleet(Pacer):
    """One run's share of what the runs of ``account`` (:func:`account_of`) have in common."""

    def __init__(
        self,
        account: str,
        directory: str | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.account = account
        self.directory = directory
        # Why the shared files cannot be used, if they cannot: the run then shares nothing.
        self.refused = cache_problem(directory)
        self.changes = Changes(self._file("changes"), clock)
        self._clock = clock
        self._sleep = sleep
        self._budget: SharedBudget | None = None
        self._budget_broken = False
        self._batch = SharedBatch(self._file("batch"), clock, sleep)

    # -- the client's pacer ------------------------------------------------------------------------

    def before(
        self,
        method: str,
        path: str,
        body: dict | None,
        headers: dict | None,
        policy: RetryPolicy,
    ) -> None:
        """The request's turn in the shared budget (alone, when its file cannot be used); a
        request that may change something marks what it changes as it goes."""
        if not self._budget_broken:
            if self._budget is None:
                self._budget = SharedBudget(self._file("budget"), policy)
            try:
                self._budget.take_turn(headers)
            except OSError:  # the shared file cannot be used: pace alone from now on
                self._budget_broken = True
        if self._budget_broken:
            super().before(method, path, body, headers, policy)
        self.after(method, path, body)

    def after(self, method: str, path: str, body: dict | None) -> None:
        if method in MUTATING:
            self.changes.mark(changed_by(path, body))

    # -- for the core ------------------------------------------------------------------------------

    def watch(self, client: Client) -> SharedWatch:
        """The shared views, for the client's :class:`ActionRunner` to wait on."""
        return SharedWatch(client, self.directory, self._clock, self._sleep, self.changes)

    def together(self, kind: str, item: Any, send: Callable[[list], Any]) -> Any:
        """``send(items)`` for this item and those of ``kind`` that other runs send at the same
        moment, in one request (``batch.py``)."""
        return self._batch.submit(kind, item, send)

    def _file(self, name: str) -> SharedFile:
        return SharedFile(self.account, name, self.directory)
