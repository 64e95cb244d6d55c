# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Block storage volumes and their snapshots, which a Droplet snapshot does not include.

A volume snapshot is made at once (the API answers with it; no Action to wait for), so it is taken
while the Droplet is off, for a consistent picture of the Droplet and its volumes.
"""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    Client,
    DigitalOceanError,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._snapshots import (
    beyond,
    named,
    newest,
    snapshot_result,
)


def volume_snapshot_result(snapshot: dict) -> dict:
    """A volume snapshot as results carry it: a snapshot's fields and its ``volume_id``."""
    return dict(snapshot_result(snapshot), volume_id=snapshot.get("resource_id"))


def volume_snapshots(client: Client, volume_id: str) -> list:
    """Every snapshot of the volume, all pages."""
    return list(client.paginate(f"/volumes/{volume_id}/snapshots", "snapshots"))


def account_volume_snapshots(client: Client) -> list:
    """Every volume snapshot of the account, all pages."""
    return list(client.paginate("/snapshots", "snapshots", {"resource_type": "volume"}))


def take_volume_snapshot(client: Client, volume_id: str, name: str) -> dict:
    """Snapshot the volume now; the API answers with the snapshot."""
    return client.post(f"/volumes/{volume_id}/snapshots", {"name": name}, key="snapshot")


class VolumeSnapshotsFailed(DigitalOceanError):
    """Snapshotting one of a Droplet's volumes failed; says which volumes have their snapshot."""

    def __init__(self, error: DigitalOceanError, volume_id: str, done: list, missing: list):
        self.error = error
        self.done = done
        have = ", ".join(f"{s['volume_id']} ({s['id']})" for s in done) or "none"
        super().__init__(
            f"the snapshot of volume {volume_id} failed: {error}; volumes with their snapshot: "
            f"{have}; without: {', '.join(missing)}"
        )

    def failure(self) -> dict:
        return dict(self.error.failure(), message=str(self), volume_snapshots=self.done)


class DropletVolumes:
    """The volumes attached to a Droplet and their snapshots named ``name``.

    Each volume's snapshots are read once and kept up to date with what this run takes, so that
    taking, reporting and retention read nothing twice.
    """

    def __init__(self, client: Client, volume_ids: list, name: str):
        self.client = client
        self.ids = [str(v) for v in volume_ids or []]
        self.name = name
        self._snapshots: dict[str, list] = {}

    def snapshots(self, volume_id: str) -> list:
        """The volume's snapshots (read the first time)."""
        if volume_id not in self._snapshots:
            self._snapshots[volume_id] = volume_snapshots(self.client, volume_id)
        return self._snapshots[volume_id]

    def existing(self) -> dict:
        """Per volume, its snapshot named ``name`` (the newest), or None."""
        return {v: newest(named(self.snapshots(v), self.name)) for v in self.ids}

    def take(self, check_mode: bool = False) -> list:
        """Snapshot each volume that has no snapshot named ``name`` yet (in check mode, say which
        would be), in order; return every volume's snapshot (id None for a predicted one).

        A failure raises :class:`VolumeSnapshotsFailed`, which says which volumes have theirs.
        """
        done: list = []
        for volume_id, snapshot in self.existing().items():
            if snapshot is None and check_mode:
                snapshot = {"name": self.name, "resource_id": volume_id}
            elif snapshot is None:
                try:
                    snapshot = take_volume_snapshot(self.client, volume_id, self.name)
                except DigitalOceanError as error:
                    missing = self.ids[len(done) :]
                    raise VolumeSnapshotsFailed(error, volume_id, done, missing) from error
                self._snapshots[volume_id].append(snapshot)
            done.append(volume_snapshot_result(snapshot))
        return done

    def doomed(self, prefix: str | None, keep: int | None, named_too: bool = False) -> list:
        """What retention deletes: per volume, its ``prefix`` snapshots other than the ``keep``
        newest (with ``keep``), never the one named ``name`` unless ``named_too``, which deletes
        those too (``state: absent``)."""
        found: list = []
        for volume_id in self.ids:
            snapshots = self.snapshots(volume_id)
            gone = named(snapshots, self.name) if named_too and self.name else []
            if keep is not None:
                gone += [
                    s
                    for s in beyond(snapshots, prefix, keep)
                    if s not in gone and (named_too or s.get("name") != self.name)
                ]
            found += gone
        return found
