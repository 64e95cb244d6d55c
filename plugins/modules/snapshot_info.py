#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: snapshot_info
short_description: List Droplet snapshots, filter them by name, age and region, and total their cost
version_added: 0.1.0
description:
  - Returns the snapshots of one Droplet, or every Droplet snapshot of the account, oldest first,
    with how many there are, their size and what they cost a month.
  - Reads every page, however many snapshots there are.
  - With O(resource_type=volume), the same for block storage volume snapshots.
  - Snapshots outlive their Droplet. With O(droplet_id) of a Droplet that no longer exists, the
    account's snapshots of that Droplet are returned.
  - Never changes anything.
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
  - oceanops.digitalocean.info
  - ansible.builtin.action_common_attributes
options:
  droplet_id:
    description:
      - Only the snapshots of the Droplet with this id.
    type: int
  droplet_name:
    description:
      - Only the snapshots of the Droplet with exactly this name. When several Droplets have it,
        the module fails and lists their ids.
    type: str
  resource_type:
    description:
      - V(droplet) lists Droplet snapshots; V(volume) lists block storage volume snapshots (with
        O(droplet_id) or O(droplet_name), those of the volumes attached to that Droplet).
    type: str
    choices: [droplet, volume]
    default: droplet
  name:
    description:
      - Only the snapshots with exactly this name.
    type: str
  name_prefix:
    description:
      - Only the snapshots whose name starts with this, such as C(nightly-).
    type: str
  older_than:
    description:
      - Only the snapshots created longer ago than this, a whole number and a unit (V(s), V(m),
        V(h), V(d) or V(w)), such as V(7d), V(12h) or V(30m). Measured by the API's clock.
    type: str
  region:
    description:
      - Only the snapshots available in this region, such as V(nyc3).
    type: str
  price_per_gb_month:
    description:
      - The price of snapshot storage per GB and month, for RV(totals.monthly_cost).
      - The default is DigitalOcean's list price in US dollars. A snapshot costs the same however
        many regions it is in.
    type: float
    default: 0.06
seealso:
  - module: oceanops.digitalocean.droplet_snapshot
  - name: DigitalOcean snapshot pricing
    description: What snapshots cost.
    link: https://docs.digitalocean.com/products/images/snapshots/details/pricing/
"""

EXAMPLES = r"""
- name: The nightly snapshots of web-01 older than a week
  oceanops.digitalocean.snapshot_info:
    droplet_name: web-01
    name_prefix: nightly-
    older_than: 7d
  register: old

- name: What the account's snapshots cost a month
  oceanops.digitalocean.snapshot_info:
  register: all_snapshots

- name: Show it
  ansible.builtin.debug:
    msg: >-
      {{ all_snapshots.totals.count }} snapshots, {{ all_snapshots.totals.size_gigabytes }} GB,
      {{ all_snapshots.totals.monthly_cost }} USD a month
"""

RETURN = r"""
snapshots:
  description:
    - The snapshots that pass every filter, oldest first (by C(created_at)). Empty when none do.
    - Each has the keys of RV(oceanops.digitalocean.droplet_snapshot#module:snapshot), and
      C(droplet_id) (or, with O(resource_type=volume), C(volume_id); a volume snapshot's C(id) is
      a string).
  returned: always
  type: list
  elements: dict
  contains:
    droplet_id:
      description: The id of the Droplet the snapshot was taken of (which may no longer exist).
      type: int
      sample: 3164444
    volume_id:
      description: With O(resource_type=volume), the id of the volume the snapshot was taken of.
      type: str
      sample: 506f78a4-e098-11e5-ad9f-000f53306ae1
  sample:
    - id: 6372321
      name: nightly-2026-11-28
      created_at: "2026-11-28T02:00:14Z"
      size_gigabytes: 2.34
      min_disk_size: 25
      regions: [nyc3]
      droplet_id: 3164444
totals:
  description: How many snapshots RV(snapshots) has, their size, and what they cost a month.
  returned: always
  type: dict
  contains:
    count:
      description: The number of snapshots.
      type: int
      sample: 7
    size_gigabytes:
      description: Their size in GB, added up.
      type: float
      sample: 16.38
    monthly_cost:
      description: Their size times O(price_per_gb_month), rounded to the cent.
      type: float
      sample: 0.98
"""

from ansible_collections.oceanops.digitalocean.plugins.module_utils import _snapshots as snapshots
from ansible_collections.oceanops.digitalocean.plugins.module_utils import _volumes as volumes
from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    DigitalOceanModule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    DropletNotFound,
    find_droplet,
)


class SnapshotInfo(DigitalOceanModule):
    argument_spec = {
        "droplet_id": {"type": "int"},
        "droplet_name": {"type": "str"},
        "resource_type": {"type": "str", "default": "droplet", "choices": ["droplet", "volume"]},
        "name": {"type": "str"},
        "name_prefix": {"type": "str"},
        "older_than": {"type": "str"},
        "region": {"type": "str"},
        "price_per_gb_month": {"type": "float", "default": snapshots.PRICE_PER_GB_MONTH},
    }
    module_options = {
        "supports_check_mode": True,
        "mutually_exclusive": [("droplet_id", "droplet_name")],
    }

    def run(self) -> dict:
        self.check_positive("droplet_id")
        self.check_not_blank("droplet_name", "name", "name_prefix", "older_than", "region")
        if self.params["price_per_gb_month"] < 0:
            self.fail(
                f"price_per_gb_month must be 0 or more, got {self.params['price_per_gb_month']}"
            )
        try:
            age = (
                snapshots.parse_age(self.params["older_than"])
                if self.params["older_than"]
                else None
            )
        except ValueError as error:
            self.fail(f"older_than: {error}")
        found = self._snapshots()
        chosen = snapshots.select(
            found,
            name=self.params["name"],
            prefix=self.params["name_prefix"],
            region=self.params["region"],
            created_before=None if age is None else self.client.server_clock() - age,
        )
        self.result["snapshots"] = [self._result(s) for s in chosen]
        self.result["totals"] = snapshots.totals(chosen, self.params["price_per_gb_month"])
        return self.result

    def _result(self, snapshot: dict) -> dict:
        if self.params["resource_type"] == "volume":
            return volumes.volume_snapshot_result(snapshot)
        return dict(snapshots.snapshot_result(snapshot), droplet_id=snapshot["droplet_id"])

    def _snapshots(self) -> list:
        """The snapshots of the Droplet asked for (even one that is gone), or the account's."""
        droplet_id = self.params["droplet_id"]
        if self.params["resource_type"] == "volume":
            return self._volume_snapshots()
        if self.params["droplet_name"] is not None:
            droplet_id = find_droplet(self.client, name=self.params["droplet_name"])["id"]
        if droplet_id is None:
            return snapshots.account_snapshots(self.client)
        try:
            own = snapshots.droplet_snapshots(self.client, droplet_id)
        except DropletNotFound:
            everyone = snapshots.account_snapshots(self.client)
            return [s for s in everyone if s["droplet_id"] == droplet_id]
        return [dict(s, droplet_id=droplet_id) for s in own if s.get("type") != "backup"]

    def _volume_snapshots(self) -> list:
        """The snapshots of the volumes attached to the Droplet asked for, or the account's."""
        if self.params["droplet_id"] is None and self.params["droplet_name"] is None:
            return volumes.account_volume_snapshots(self.client)
        droplet = find_droplet(self.client, self.params["droplet_id"], self.params["droplet_name"])
        return [
            s
            for v in droplet.get("volume_ids") or []
            for s in volumes.volume_snapshots(self.client, v)
        ]


def main() -> None:
    SnapshotInfo.execute()


if __name__ == "__main__":
    main()
