# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Droplet snapshots: listing a Droplet's, picking one by name, deleting one."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import parse_time
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import APIError, Client

FIELDS = ("id", "name", "created_at", "size_gigabytes", "min_disk_size", "regions")


def snapshot_result(snapshot: dict | None) -> dict | None:
    """The :data:`FIELDS` of a snapshot, as results carry them."""
    if snapshot is None:
        return None
    return {key: snapshot.get(key) for key in FIELDS}


def droplet_snapshots(client: Client, droplet_id: int) -> list:
    """Every snapshot of the Droplet, all pages."""
    return list(client.paginate(f"/droplets/{droplet_id}/snapshots", "snapshots"))


def newest(snapshots: list) -> dict | None:
    """The most recently created snapshot (the highest id among equal times)."""
    if not snapshots:
        return None
    return max(snapshots, key=lambda s: (parse_time(s.get("created_at")) or 0, s.get("id") or 0))


def named(snapshots: list, name: str) -> list:
    """The snapshots called ``name``."""
    return [s for s in snapshots if s.get("name") == name]


def delete_snapshot(client: Client, snapshot_id: int) -> bool:
    """Delete the snapshot; return False if it was already gone (404), which reaches the goal."""
    try:
        client.delete(f"/snapshots/{snapshot_id}")
    except APIError as error:
        if error.status != 404:
            raise
        return False
    return True
