"""The state as the API shows it: plain JSON-ready dictionaries, shaped as the spec says.

Snapshots have three faces: in /v2/droplets/{id}/snapshots the id is an integer and there is a
``type``; in /v2/snapshots the id is a string and there are ``resource_id``, ``resource_type`` and
``tags`` instead; in /v2/images they are full image objects. Volume snapshots have only the
/v2/snapshots face, which /v2/volumes/... shows too.

A tag shows how many resources carry it, in all and per type, each count with the URI of the
resource tagged last (``last_tagged_uri``, left out while there is none, as in the spec's example
of a new tag). The spec's schema spells one key ``imgages``; its examples, and the API, ``images``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from . import catalog
from .clock import iso
from .state import Action, Droplet, Image, Volume, VolumeSnapshot


def action(a: Action) -> dict:
    return {
        "id": a.id,
        "status": a.status,
        "type": a.type,
        "started_at": iso(a.started_at),
        "completed_at": None if a.completed_at is None else iso(a.completed_at),
        # The spec's resource_id is an integer, which a volume's UUID is not: DigitalOcean sends
        # null for volume Actions (its volume_action_detach_response example).
        "resource_id": None if a.resource_type == "volume" else a.resource_id,
        "resource_type": a.resource_type,
        "region": catalog.REGIONS[a.region_slug],
        "region_slug": a.region_slug,
    }


def droplet(d: Droplet) -> dict:
    """``memory``, ``vcpus`` and the ``size`` object (with its prices) are the size's; ``disk``
    is the Droplet's own, which a CPU/RAM-only resize leaves behind the size's."""
    size = catalog.SIZES[d.size]
    features = ["monitoring", "droplet_agent", "private_networking"]
    features += ["backups"] * d.backups + ["ipv6"] * d.ipv6
    return {
        "id": d.id,
        "name": d.name,
        "memory": size["memory"],
        "vcpus": size["vcpus"],
        "disk": d.disk,
        "disk_info": [{"type": "local", "size": {"amount": d.disk, "unit": "gib"}}],
        "locked": d.pending is not None,
        "status": d.status,
        "kernel": None,
        "created_at": iso(d.created_at),
        "features": features,
        "backup_ids": [],
        "next_backup_window": _backup_window(d.backups_since),
        "snapshot_ids": list(d.snapshot_ids),
        "image": d.image,
        "volume_ids": list(d.volume_ids),
        "size": size,
        "size_slug": d.size,
        "networks": _networks(d),
        "region": catalog.REGIONS[d.region],
        "tags": list(d.tags),
        "vpc_uuid": f"760e09ef-dc84-11e8-981e-3cfdfe{d.id % 0xFFFFFF:06x}",
    }


def _backup_window(since: float | None) -> dict | None:
    """The first whole day after backups were enabled."""
    if since is None:
        return None
    day = datetime.fromtimestamp(since, timezone.utc).date() + timedelta(days=1)
    return {"start": f"{day}T00:00:00Z", "end": f"{day}T23:00:00Z"}


def _networks(d: Droplet) -> dict:
    """Addresses derived from the id, so every Droplet keeps its own for life."""
    high, low = (d.id >> 8) & 0xFF, d.id & 0xFF
    v4 = [
        {
            "ip_address": f"10.108.{high}.{low}",
            "netmask": "255.255.0.0",
            "gateway": "nil",
            "type": "private",
        },
        {
            "ip_address": f"104.131.{high}.{low}",
            "netmask": "255.255.0.0",
            "gateway": "104.131.0.1",
            "type": "public",
        },
    ]
    v6 = (
        [
            {
                "ip_address": f"2604:a880:400:d1::{d.id >> 16:x}:{d.id & 0xFFFF:x}",
                "netmask": 64,
                "gateway": "2604:a880:400:d1::1",
                "type": "public",
            }
        ]
        if d.ipv6
        else []
    )
    return {"v4": v4, "v6": v6}


def image(i: Image) -> dict:
    return {
        "id": i.id,
        "name": i.name,
        "type": i.type,
        "distribution": i.distribution,
        "slug": None,
        "public": False,
        "regions": list(i.regions),
        "created_at": iso(i.created_at),
        "min_disk_size": i.min_disk_size,
        "size_gigabytes": i.size_gigabytes,
        "description": i.description,
        "tags": list(i.tags),
        "status": i.status,
        "error_message": "",
    }


def _snapshot_base(s: Image | VolumeSnapshot) -> dict:
    return {
        "name": s.name,
        "created_at": iso(s.created_at),
        "regions": list(s.regions),
        "min_disk_size": s.min_disk_size,
        "size_gigabytes": s.size_gigabytes,
    }


def snapshot(s: Image | VolumeSnapshot) -> dict:
    """A Droplet or volume snapshot as /v2/snapshots shows it."""
    of_volume = isinstance(s, VolumeSnapshot)
    return {
        "id": str(s.id),
        **_snapshot_base(s),
        "resource_id": s.volume_id if of_volume else str(s.droplet_id),
        "resource_type": "volume" if of_volume else "droplet",
        "tags": list(s.tags),
    }


def droplet_snapshot(i: Image) -> dict:
    """A snapshot as /v2/droplets/{id}/snapshots shows it."""
    return {"id": i.id, **_snapshot_base(i), "type": "snapshot"}


def volume(v: Volume) -> dict:
    """A volume as the spec's volume_full shows it: the whole region object, ``""`` for a
    filesystem type or label that was not given."""
    return {
        "id": v.id,
        "name": v.name,
        "region": catalog.REGIONS[v.region],
        "droplet_ids": list(v.droplet_ids),
        "description": v.description,
        "size_gigabytes": v.size_gigabytes,
        "created_at": iso(v.created_at),
        "filesystem_type": v.filesystem_type,
        "filesystem_label": v.filesystem_label,
        "tags": list(v.tags),
    }


# Resource type -> its key in a tag's ``resources`` and the path of its URI (a volume snapshot's
# is under /v2/snapshots, as in the spec's example).
_TAGGED = {
    "droplet": ("droplets", "/v2/droplets/"),
    "image": ("images", "/v2/images/"),
    "volume": ("volumes", "/v2/volumes/"),
    "volume_snapshot": ("volume_snapshots", "/v2/snapshots/"),
    "database": ("databases", "/v2/databases/"),
}


def tag(name: str, tagged: list[tuple[int, str, str]], base_url: str) -> dict:
    """A tag, given what carries it as ``(tagging order, resource type, id)`` (see
    :meth:`World.tagged`); ``base_url`` starts the URIs."""

    def statistics(entries: list[tuple[int, str, str]]) -> dict:
        found: dict = {"count": len(entries)}
        if entries:
            _order, kind, resource_id = max(entries)
            found["last_tagged_uri"] = f"{base_url}{_TAGGED[kind][1]}{resource_id}"
        return found

    resources = statistics(tagged)
    for kind, (key, _path) in _TAGGED.items():
        resources[key] = statistics([entry for entry in tagged if entry[1] == kind])
    return {"name": name, "resources": resources}
