#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet_resize
short_description: Resize a DigitalOcean Droplet, powering it off and back on around it
version_added: 0.1.0
description:
  - Resizes a Droplet to another size (CPU and RAM, and with O(disk=true) the disk). DigitalOcean
    resizes only a Droplet that is off, so the module shuts it down gracefully first (forced off
    after O(shutdown_timeout)), resizes it exactly once, waits, and powers it back on when it was
    on, also when the resize fails.
  - Idempotent. A Droplet that already has the size (and with O(disk=true), the size's disk) is
    not touched. A Droplet that an earlier run left off and tagged (O(power_tag)) is powered back
    on.
  - A resize DigitalOcean would refuse fails in one line before anything changes. That is a size
    it does not have, one not offered in the Droplet's region, or one whose disk is smaller than
    the Droplet's (a disk cannot shrink). The sizes are read from C(GET /v2/sizes).
  - Without O(disk) the resize is reversible. With O(disk=true) the disk grows to the size's, and
    the Droplet can never be resized to a size with a smaller disk again.
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
  - oceanops.digitalocean.droplet
  - oceanops.digitalocean.wait
  - oceanops.digitalocean.power
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Checks the size as a real run does and sends no request that changes anything.
  diff_mode:
    support: full
    details:
      - Before and after are the Droplet's size slug, disk (GB) and status.
  platform:
    platforms: all
options:
  size:
    description:
      - The slug of the size, such as V(s-2vcpu-4gb).
    type: str
    required: true
  disk:
    description:
      - Also grow the disk to the size's. This cannot be undone.
      - V(false) changes CPU and RAM only, so the Droplet can be resized back.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Give web-01 more CPU and RAM, keeping its disk (reversible)
  oceanops.digitalocean.droplet_resize:
    droplet_name: web-01
    size: s-2vcpu-4gb

- name: Grow db-01 with its disk, and see the change first
  oceanops.digitalocean.droplet_resize:
    droplet_name: db-01
    size: s-4vcpu-8gb
    disk: true
  check_mode: true
  diff: true
"""

RETURN = r"""
droplet:
  description: The Droplet as last seen; in check mode, as it would be.
  returned: always
  type: dict
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
      description: V(active) or V(off).
      type: str
      sample: active
    size_slug:
      description: The Droplet's size.
      type: str
      sample: s-2vcpu-4gb
    disk:
      description: The Droplet's disk, in GB.
      type: int
      sample: 25
actions:
  description:
    - The Actions this run started, in order, in their last known state, with the keys of
      RV(oceanops.digitalocean.action_info#module:actions).
  returned: always
  type: list
  elements: dict
failure:
  description:
    - What went wrong, for programs to read, with the keys of
      RV(oceanops.digitalocean.droplet_snapshot#module:failure). A resize refused before anything
      changed gives V(refused_resize).
  returned: failure
  type: dict
"""

from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    ONE_DROPLET,
    DigitalOceanModule,
    droplet_argument_spec,
    power_argument_spec,
    wait_argument_spec,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import RESIZE
from ansible_collections.oceanops.digitalocean.plugins.module_utils._sizes import check_resize

FIELDS = ("id", "name", "status", "size_slug", "disk")


class DropletResize(DigitalOceanModule):
    argument_spec = {
        **droplet_argument_spec(),
        "size": {"type": "str", "required": True},
        "disk": {"type": "bool", "default": False},
        **power_argument_spec(),
        **wait_argument_spec(wait=True, wait_timeout=1800),
    }
    module_options = {
        "supports_check_mode": True,
        **ONE_DROPLET,
    }

    def run(self) -> dict:
        self.check_positive("droplet_id")
        self.check_not_blank("droplet_name", "size")
        self.check_shutdown_fits()
        runner = self.action_runner()
        target, droplet = self.droplet_target(runner, (*RESIZE.fields, "region", "status"))
        wanted = {"size": self.params["size"].strip(), "disk": self.params["disk"] or None}
        cycle = self.power_cycle(runner, target, droplet, RESIZE)
        resized = RESIZE.reached(wanted)(droplet)
        resumed = None
        if resized:  # only what an earlier run left to do: power it on, or remove its tag
            resumed = cycle.resume(self.module.check_mode)
            after = dict(droplet, status=resumed or droplet["status"])
        else:
            self.check_power_state(droplet)
            size = check_resize(self.client, droplet, wanted["size"])
            after = dict(droplet, size_slug=size["slug"], status=cycle.predicted_status())
            if wanted["disk"]:
                after["disk"] = size.get("disk")
            if not self.module.check_mode:
                with cycle:
                    step = runner.ensure(target, RESIZE, ready=cycle.ready_for_work, **wanted)
                    if step.action is not None and self.params["wait"]:
                        runner.wait(step.action)
                after = runner.look(target, RESIZE.fields)
        would = self.module.check_mode and not resized
        self.result["changed"] = bool(runner.started) or resumed is not None or would
        self.result["droplet"] = {key: after.get(key) for key in FIELDS}
        self.set_diff(
            {key: droplet.get(key) for key in FIELDS[2:]},
            {key: after.get(key) for key in FIELDS[2:]},
        )
        return self.result


def main() -> None:
    DropletResize.execute()


if __name__ == "__main__":
    main()
