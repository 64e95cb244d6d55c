# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Droplets: reading and finding them, the facts shown about them, and their Action target."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import ActionTarget
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    DigitalOceanError,
)

OFF, ACTIVE = "off", "active"
# The facts every Droplet is shown with: the inventory plugin's host variables (prefixed
# ``droplet_``) and droplet_info's results.
FACTS = (
    "id",
    "name",
    "status",
    "locked",
    "region",
    "size",
    "tags",
    "public_ipv4",
    "private_ipv4",
    "ipv6",
)


class DropletNotFound(DigitalOceanError):
    """No Droplet has the id or the name asked for."""

    def failure(self) -> dict:
        return {"type": "not_found", "message": str(self)}


class AmbiguousDropletName(DigitalOceanError):
    """Several Droplets have the name asked for; ``ids`` lists them."""

    def __init__(self, name: str, ids: list[int]):
        self.ids = ids
        listed = ", ".join(str(i) for i in ids)
        super().__init__(f"{len(ids)} droplets are named {name!r} (ids {listed}); use droplet_id")

    def failure(self) -> dict:
        return {"type": "ambiguous", "message": str(self), "droplet_ids": self.ids}


def get_droplet(client: Client, droplet_id: int) -> dict:
    """The Droplet with this id, as the API shows it now."""
    try:
        return client.get(f"/droplets/{droplet_id}")["droplet"]
    except APIError as error:
        if error.status == 404:
            raise DropletNotFound(f"droplet {droplet_id} does not exist ({error})") from error
        raise


def list_droplets(client: Client, name: str | None = None, tag_name: str | None = None) -> list:
    """The account's Droplets; with ``name``, only those named exactly so; with ``tag_name``,
    only those with the tag (both filtered by the API)."""
    droplets = client.paginate("/droplets", "droplets", {"name": name, "tag_name": tag_name})
    return [d for d in droplets if name is None or d.get("name") == name]


def find_droplet(client: Client, droplet_id: int | None = None, name: str | None = None) -> dict:
    """The one Droplet with this id, or else with exactly this name."""
    if droplet_id is not None:
        return get_droplet(client, droplet_id)
    found = list_droplets(client, name=name)
    if not found:
        raise DropletNotFound(f"no droplet is named {name!r}")
    if len(found) > 1:
        raise AmbiguousDropletName(name, [d["id"] for d in found])
    return found[0]


def droplet_facts(droplet: dict) -> dict:
    """The :data:`FACTS` of an API Droplet object, flattened."""
    networks = droplet.get("networks") or {}
    return {
        "id": droplet["id"],
        "name": droplet.get("name"),
        "status": droplet.get("status"),
        "locked": droplet.get("locked", False),
        "region": (droplet.get("region") or {}).get("slug"),
        "size": droplet.get("size_slug") or (droplet.get("size") or {}).get("slug"),
        "tags": list(droplet.get("tags") or []),
        "public_ipv4": _address(networks.get("v4"), "public"),
        "private_ipv4": _address(networks.get("v4"), "private"),
        "ipv6": _address(networks.get("v6"), "public"),
    }


def _address(networks: list | None, kind: str) -> str | None:
    for network in networks or []:
        if network.get("type") == kind and network.get("ip_address"):
            return network["ip_address"]
    return None


class DropletTarget(ActionTarget):
    """A Droplet: it is ``locked`` while an Action runs on it; a 404 is :class:`DropletNotFound`."""

    kind = "droplet"
    view = "droplets"

    def read(self) -> dict:
        return get_droplet(self.client, self.id)

    def busy(self, resource: dict) -> bool:
        return bool(resource.get("locked"))
