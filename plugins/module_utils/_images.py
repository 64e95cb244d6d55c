# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images (snapshots among them) as the target of their Actions (``transfer``, ``convert``)."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionTarget,
    ActionType,
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
