# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images (snapshots among them) as the target of their Actions (``transfer``, ``convert``)."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import ActionTarget


class ImageTarget(ActionTarget):
    """An image. It has no ``locked`` flag: its own newest Actions tell whether one runs."""

    kind = "image"
