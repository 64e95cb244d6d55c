# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DigitalOcean's Droplet sizes, and whether a Droplet can be resized to one."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    Client,
    DigitalOceanError,
)


class RefusedResize(DigitalOceanError):
    """A resize that DigitalOcean would refuse, found before anything changed."""

    failure_type = "refused_resize"


def list_sizes(client: Client) -> dict:
    """DigitalOcean's sizes by slug."""
    return {s.get("slug"): s for s in client.paginate("/sizes", "sizes")}


def check_resize(client: Client, droplet: dict, slug: str) -> dict:
    """The size ``slug`` that ``droplet`` can be resized to; :class:`RefusedResize` says why not
    (no such size, not offered in the Droplet's region, a disk smaller than the Droplet's, which
    DigitalOcean cannot shrink)."""
    sizes = list_sizes(client)
    size = sizes.get(slug)
    if size is None:
        raise RefusedResize(
            f"size {slug!r} is not a DigitalOcean Droplet size ({len(sizes)} sizes are, such as "
            f"{', '.join(sorted(str(s) for s in sizes)[:3])})"
        )
    region = (droplet.get("region") or {}).get("slug")
    if size.get("available") is False or region not in (size.get("regions") or []):
        raise RefusedResize(f"size {slug!r} is not offered in region {region!r} of the droplet")
    disk = droplet.get("disk")
    if isinstance(disk, int) and isinstance(size.get("disk"), int) and size["disk"] < disk:
        raise RefusedResize(
            f"size {slug!r} has a {size['disk']} GB disk, smaller than the droplet's {disk} GB: "
            "a droplet's disk cannot shrink"
        )
    return size
