# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DigitalOcean's regions: which slugs exist, and which take new resources."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    Client,
    DigitalOceanError,
)


class UnknownRegion(DigitalOceanError):
    """A region that DigitalOcean does not have, or that does not take new resources now."""

    failure_type = "unknown_region"


def list_regions(client: Client) -> dict:
    """The account's regions by slug."""
    return {r.get("slug"): r for r in client.paginate("/regions", "regions")}


def check_regions(client: Client, option: str, wanted: list) -> None:
    """Raise :class:`UnknownRegion` (naming ``option``) unless every slug of ``wanted`` is a
    region that is available; nothing is read when ``wanted`` is empty."""
    if not wanted:
        return
    known = list_regions(client)
    for slug in wanted:
        if slug not in known:
            raise UnknownRegion(
                f"{option}: {slug!r} is not a DigitalOcean region (there are "
                f"{', '.join(sorted(str(k) for k in known))})"
            )
        if known[slug].get("available") is False:
            raise UnknownRegion(f"{option}: region {slug!r} is not available for new resources")
