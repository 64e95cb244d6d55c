# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Droplets: reading and finding them, the facts shown about them, their Action target, and the
table of their Action types."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionTarget,
    ActionType,
)
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

    failure_type = "not_found"


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
        return client.get(f"/droplets/{droplet_id}", key="droplet")
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


def _status(wanted: str):
    return lambda droplet, params: droplet.get("status") == wanted


def _resized(droplet: dict, params: dict) -> bool:
    """The Droplet has the size, and with ``disk``, the size's disk too."""
    size = droplet.get("size") or {}
    if (droplet.get("size_slug") or size.get("slug")) != params["size"]:
        return False
    return not params.get("disk") or droplet.get("disk") == size.get("disk")


def _image(droplet: dict, params: dict) -> bool:
    image = droplet.get("image") or {}
    return params["image"] in (image.get("id"), image.get("slug"))


# The Droplet Action types (godo's vocabulary): what each takes, whether DigitalOcean needs the
# Droplet off for it, how a full Droplet shows that its goal is reached already, and what a
# completed Action leaves for sure (a shutdown may complete with the guest still running; a
# snapshot changes no field of the Droplet but its snapshot_ids, which only the list of its
# snapshots is read for).
POWER_ON = ActionType(
    "power_on", done=_status(ACTIVE), fields=("status",), leaves={"status": ACTIVE}
)
SHUTDOWN = ActionType("shutdown", done=_status(OFF), fields=("status",))
POWER_OFF = ActionType("power_off", done=_status(OFF), fields=("status",), leaves={"status": OFF})
REBOOT = ActionType("reboot", leaves={"status": ACTIVE})
POWER_CYCLE = ActionType("power_cycle", leaves={"status": ACTIVE})
SNAPSHOT = ActionType("snapshot", params=("name",), leaves={})
RESIZE = ActionType(
    "resize",
    params=("size", "disk"),
    needs_off=True,
    done=_resized,
    fields=("size_slug", "size", "disk"),
)
REBUILD = ActionType("rebuild", params=("image",), done=_image, fields=("image",))
RESTORE = ActionType("restore", params=("image",), done=_image, fields=("image",))
RENAME = ActionType(
    "rename", params=("name",), done=lambda d, p: d.get("name") == p["name"], fields=("name",)
)
PASSWORD_RESET = ActionType("password_reset")
ENABLE_BACKUPS = ActionType(
    "enable_backups", done=lambda d, p: "backups" in (d.get("features") or []), fields=("features",)
)
DISABLE_BACKUPS = ActionType(
    "disable_backups",
    done=lambda d, p: "backups" not in (d.get("features") or []),
    fields=("features",),
)
ENABLE_IPV6 = ActionType(
    "enable_ipv6", done=lambda d, p: "ipv6" in (d.get("features") or []), fields=("features",)
)
DROPLET_ACTIONS = {
    kind.name: kind
    for kind in (
        POWER_ON,
        SHUTDOWN,
        POWER_OFF,
        REBOOT,
        POWER_CYCLE,
        SNAPSHOT,
        RESIZE,
        REBUILD,
        RESTORE,
        RENAME,
        PASSWORD_RESET,
        ENABLE_BACKUPS,
        DISABLE_BACKUPS,
        ENABLE_IPV6,
    )
}
