# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images (snapshots among them): the target of their Actions (``transfer``, ``convert``), and
the image a Droplet is rebuilt from."""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionTarget,
    ActionType,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    DigitalOceanError,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._snapshots import (
    droplet_snapshots,
    named,
    newest,
)

# An image's Action types: a copy to another region is done once the image lists the region.
TRANSFER = ActionType(
    "transfer",
    params=("region",),
    done=lambda image, params: params["region"] in (image.get("regions") or []),
    fields=("regions",),
)
CONVERT = ActionType("convert")


class ImageTarget(ActionTarget):
    """An image. It has no ``locked`` flag: its own newest Actions tell whether one runs."""

    kind = "image"


class RefusedRebuild(DigitalOceanError):
    """A rebuild that DigitalOcean would refuse, found before anything changed."""

    failure_type = "refused_rebuild"


def get_image(client: Client, key: int | str) -> dict | None:
    """The image with this id, or the public image with this slug; None when there is none."""
    try:
        return client.get(f"/images/{quote(str(key), safe='')}", key="image")
    except APIError as error:
        if error.status == 404:
            return None
        raise


def rebuild_image(client: Client, droplet: dict, image: str) -> dict:
    """The image that ``image`` names for rebuilding ``droplet``: an image id, the name of one of
    the Droplet's snapshots (the newest with that name), or a public image's slug.

    :class:`RefusedRebuild` says why there is none to rebuild from: no such image, one that is
    not in the Droplet's region, or one that needs a bigger disk than the Droplet has.
    """
    if image.isdigit():
        found = get_image(client, int(image))
        missing = f"there is no image with id {image}"
    else:
        found = newest(named(droplet_snapshots(client, droplet["id"]), image))
        found = found or get_image(client, image)
        missing = (
            f"droplet {droplet['id']} has no snapshot named {image!r}, and no public image has "
            "that slug"
        )
    if found is None:
        raise RefusedRebuild(missing)
    region = (droplet.get("region") or {}).get("slug")
    label = f"image {found.get('id')} ({found.get('slug') or found.get('name')})"
    if region not in (found.get("regions") or []):
        raise RefusedRebuild(
            f"{label} is not in region {region!r} of the droplet (it is in "
            f"{', '.join(found.get('regions') or []) or 'no region'}); copy it there first"
        )
    needs, disk = found.get("min_disk_size"), droplet.get("disk")
    if isinstance(needs, int) and isinstance(disk, int) and needs > disk:
        raise RefusedRebuild(f"{label} needs a {needs} GB disk; the droplet has {disk} GB")
    return found
