# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Droplet snapshots: listing them (a Droplet's, or the account's), picking, pruning, deleting, and
telling the trail of a run that took one and did not get to power its Droplet back on."""

from __future__ import annotations

import re
from typing import Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    CLOCK_SLACK,
    COMPLETED,
    parse_time,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import APIError, Client
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    POWER_CYCLE,
    POWER_OFF,
    POWER_ON,
    REBOOT,
    REBUILD,
    RESTORE,
    SHUTDOWN,
    SNAPSHOT,
    DropletNotFound,
)

FIELDS = ("id", "name", "created_at", "size_gigabytes", "min_disk_size", "regions")
# DigitalOcean's list price of snapshot storage, in US dollars per GB and month (the same for
# every region a snapshot is in).
PRICE_PER_GB_MONTH = 0.06
AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A power-off this close (by the server's clock) before a snapshot Action was made for it.
RESUME_WINDOW = 60.0
# The Action types after which a Droplet runs, and those after which it is off.
RUNS_AFTER = frozenset(t.name for t in (POWER_ON, REBOOT, POWER_CYCLE, REBUILD, RESTORE))
OFF_AFTER = frozenset(t.name for t in (SHUTDOWN, POWER_OFF))


def snapshot_result(snapshot: dict | None) -> dict | None:
    """The :data:`FIELDS` of a snapshot, as results carry them."""
    if snapshot is None:
        return None
    return {key: snapshot.get(key) for key in FIELDS}


def droplet_snapshots(client: Client, droplet_id: int) -> list:
    """Every snapshot of the Droplet, all pages."""
    try:
        return list(client.paginate(f"/droplets/{droplet_id}/snapshots", "snapshots"))
    except APIError as error:
        if error.status == 404:
            raise DropletNotFound(f"droplet {droplet_id} does not exist ({error})") from error
        raise


def account_snapshots(client: Client) -> list:
    """Every Droplet snapshot of the account, all pages, each with its ``droplet_id``.

    ``/v2/snapshots`` gives ids as strings and the Droplet as ``resource_id``; here they are
    integers, as a Droplet's own list gives them.
    """
    found = client.paginate("/snapshots", "snapshots", {"resource_type": "droplet"})
    return [
        dict(s, id=_integer(s.get("id")), droplet_id=_integer(s.get("resource_id"))) for s in found
    ]


def _integer(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_age(text: str) -> float:
    """``7d``, ``12h``, ``30m``, ``90s`` or ``2w`` in seconds; ValueError names what is wrong."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", str(text))
    if not match:
        raise ValueError(
            f"{text!r} is not an age: a whole number and a unit, s, m, h, d or w (such as 7d)"
        )
    return int(match[1]) * AGE_UNITS[match[2]]


def select(
    snapshots: list,
    name: str | None = None,
    prefix: str | None = None,
    region: str | None = None,
    created_before: float | None = None,
) -> list:
    """The snapshots that pass every filter given, oldest first."""
    chosen = [
        s
        for s in snapshots
        if (name is None or s.get("name") == name)
        and (prefix is None or str(s.get("name") or "").startswith(prefix))
        and (region is None or region in (s.get("regions") or []))
        and (created_before is None or (parse_time(s.get("created_at")) or 0) < created_before)
    ]
    return sorted(chosen, key=_age_key)


def beyond(snapshots: list, prefix: str, keep: int, protect: int | None = None) -> list:
    """The snapshots named ``prefix...`` other than the ``keep`` newest (never ``protect``),
    oldest first: what retention deletes."""
    candidates = select(snapshots, prefix=prefix)
    doomed = candidates[: max(0, len(candidates) - keep)]
    return [s for s in doomed if s.get("id") != protect]


def totals(snapshots: list, price: float = PRICE_PER_GB_MONTH) -> dict:
    """How many, how many GB, and what they cost a month at ``price`` per GB."""
    size = sum(float(s.get("size_gigabytes") or 0) for s in snapshots)
    return {
        "count": len(snapshots),
        "size_gigabytes": round(size, 2),
        "monthly_cost": round(size * price, 2),
    }


def _age_key(snapshot: dict) -> tuple:
    return (parse_time(snapshot.get("created_at")) or 0, snapshot.get("id") or 0)


def newest(snapshots: list) -> dict | None:
    """The most recently created snapshot (the highest id among equal times)."""
    if not snapshots:
        return None
    return max(snapshots, key=_age_key)


def named(snapshots: list, name: str) -> list:
    """The snapshots called ``name``."""
    return [s for s in snapshots if s.get("name") == name]


def delete_snapshot(client: Client, snapshot_id: int | str) -> bool:
    """Delete the snapshot (of a Droplet, or of a volume: its id is then a string); return False
    if it was already gone (404), which reaches the goal."""
    try:
        client.delete(f"/snapshots/{snapshot_id}")
    except APIError as error:
        if error.status != 404:
            raise
        return False
    return True


def interrupted_snapshot(snapshot: dict | None) -> Callable[[list], bool]:
    """Whether the Droplet's newest Actions show that a run took ``snapshot`` after powering the
    Droplet off, and stopped before powering it back on (:func:`powered_off_for`): what
    :meth:`PowerCycle.resume` is told to look for."""
    made_at = (snapshot or {}).get("created_at")
    return lambda actions: made_at is not None and powered_off_for(made_at, actions) is not None


def powered_off_for(made_at: str | None, actions: list) -> dict | None:
    """The power-off Action an unfinished run took a snapshot after, if that is what happened.

    ``actions`` are the Droplet's newest Actions; ``made_at`` is when the snapshot was created (an
    API timestamp). The trail of such a run is: the newest Action is the completed ``snapshot``
    Action, which ran when the snapshot was made, and the one before it is a completed
    ``shutdown`` or ``power_off`` that ended at most :data:`RESUME_WINDOW` seconds before the
    snapshot began. Anything since (a ``power_on``, say) means someone else has taken over.
    """
    ordered = sorted(actions, key=lambda a: a.get("id") or 0, reverse=True)
    if len(ordered) < 2:
        return None
    taken, before = ordered[0], ordered[1]
    if taken.get("type") != SNAPSHOT.name or taken.get("status") != COMPLETED:
        return None
    if (
        before.get("type") not in (SHUTDOWN.name, POWER_OFF.name)
        or before.get("status") != COMPLETED
    ):
        return None
    started, ended = parse_time(taken.get("started_at")), parse_time(taken.get("completed_at"))
    created, powered_off = parse_time(made_at), parse_time(before.get("completed_at"))
    if None in (started, ended, created, powered_off):
        return None
    if not started - CLOCK_SLACK <= created <= ended + CLOCK_SLACK:
        return None
    if started - powered_off > RESUME_WINDOW:
        return None
    return before


def powered_on_before(snapshot_action: dict, actions: list, window: float) -> dict | None:
    """The Action that had powered the Droplet on when ``snapshot_action`` started, if one had:
    then the snapshot was taken live.

    ``actions`` are the Droplet's newest Actions. DigitalOcean numbers Actions in the order they
    start, so the last power Action before the snapshot is the completed one with the highest
    lower id. It counts when the Droplet runs after it and it completed at most ``window`` seconds
    before the snapshot started (the time since the Droplet was seen off: a power-on before that
    was followed by a shutdown from inside the Droplet, which is no Action).
    """
    power = [
        a
        for a in actions
        if a.get("status") == COMPLETED
        and a.get("type") in RUNS_AFTER | OFF_AFTER
        and (a.get("id") or 0) < (snapshot_action.get("id") or 0)
    ]
    last = max(power, key=lambda a: a.get("id") or 0, default=None)
    if last is None or last.get("type") not in RUNS_AFTER:
        return None
    started = parse_time(snapshot_action.get("started_at"))
    powered_on = parse_time(last.get("completed_at"))
    if started is None or powered_on is None or started - powered_on > window + CLOCK_SLACK:
        return None
    return last
