#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet_info
short_description: Read DigitalOcean Droplets by id, name or tag, or all of them
version_added: 0.1.0
description:
  - Returns the Droplets of the account, or those with an id, an exact name or a tag, with the
    facts the P(oceanops.digitalocean.droplets#inventory) inventory plugin shows about each.
  - DigitalOcean does not enforce unique Droplet names; O(name) returns every Droplet with it.
  - Never changes anything.
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
  - oceanops.digitalocean.info
  - ansible.builtin.action_common_attributes
options:
  id:
    description:
      - The Droplet with this id; RV(droplets) is empty when no Droplet has it.
    type: int
  name:
    description:
      - The Droplets with exactly this name (case-sensitive).
    type: str
  tag_name:
    description:
      - The Droplets with this tag.
    type: str
notes:
  - Without O(id), O(name) or O(tag_name), every Droplet of the account is returned, read 200 per
    request. At most one of the three may be set.
seealso:
  - plugin: oceanops.digitalocean.droplets
    plugin_type: inventory
  - module: oceanops.digitalocean.droplet_snapshot
"""

EXAMPLES = r"""
- name: The Droplets named web-01 (names need not be unique)
  oceanops.digitalocean.droplet_info:
    name: web-01
  register: found

- name: Snapshot the one Droplet of that name, by id
  oceanops.digitalocean.droplet_snapshot:
    droplet_id: "{{ found.droplets[0].id }}"
    name: nightly
  when: found.droplets | length == 1

- name: The Droplets tagged web that are powered off
  oceanops.digitalocean.droplet_info:
    tag_name: web
  register: web

- name: Show their names
  ansible.builtin.debug:
    msg: "{{ web.droplets | selectattr('status', 'eq', 'off') | map(attribute='name') }}"
"""

RETURN = r"""
droplets:
  description: The Droplets found, in the API's order. Always a list, empty when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The Droplet's id.
      type: int
      sample: 3164444
    name:
      description: The Droplet's name.
      type: str
      sample: web-01
    status:
      description: V(new), V(active), V(off) or V(archive).
      type: str
      sample: active
    locked:
      description: Whether an Action is running on the Droplet, so that it takes no other.
      type: bool
      sample: false
    region:
      description: The slug of the Droplet's region.
      type: str
      sample: nyc3
    size:
      description: The slug of the Droplet's size.
      type: str
      sample: s-1vcpu-1gb
    tags:
      description: The Droplet's tags.
      type: list
      elements: str
      sample: [web, production]
    public_ipv4:
      description: The Droplet's public IPv4 address, or V(null).
      type: str
      sample: 104.236.32.182
    private_ipv4:
      description: The Droplet's private IPv4 address, or V(null).
      type: str
      sample: 10.128.192.124
    ipv6:
      description: The Droplet's public IPv6 address, or V(null).
      type: str
      sample: 2604:a880:0:1010::18a:a001
"""

from ansible_collections.oceanops.digitalocean.plugins.module_utils import _droplets as droplets
from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    DigitalOceanModule,
)


class DropletInfo(DigitalOceanModule):
    argument_spec = {
        "id": {"type": "int"},
        "name": {"type": "str"},
        "tag_name": {"type": "str"},
    }
    module_options = {
        "supports_check_mode": True,
        "mutually_exclusive": [("id", "name", "tag_name")],
    }
    api_names = ("name", "tag_name")

    def run(self) -> dict:
        self.check_positive("id")
        self.check_not_blank("name", "tag_name")
        self.result["droplets"] = [droplets.droplet_facts(d) for d in self._droplets()]
        return self.result

    def _droplets(self) -> list:
        """The Droplets asked for, as the API shows them."""
        if self.params["id"] is None:
            return droplets.list_droplets(self.client, self.params["name"], self.params["tag_name"])
        try:
            return [droplets.get_droplet(self.client, self.params["id"])]
        except droplets.DropletNotFound:
            return []


def main() -> None:
    DropletInfo.execute()


if __name__ == "__main__":
    main()
