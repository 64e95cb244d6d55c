# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of every module that acts on one Droplet, documented once."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  droplet_id:
    description:
      - The id of the Droplet.
      - Exactly one of O(droplet_id) and O(droplet_name) is required.
    type: int
  droplet_name:
    description:
      - The exact name of the Droplet. When several Droplets have this name, the module fails and
        lists their ids; use O(droplet_id) then.
    type: str
"""
