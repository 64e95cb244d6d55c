#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet_rebuild
short_description: Rebuild a DigitalOcean Droplet in place from a snapshot or an image
version_added: 0.1.0
description:
  - Rebuilds a Droplet from an image, keeping its id, IP addresses and size. The disk is replaced
    by the image's, so everything written since that image was made is lost. This is the way
    back to a snapshot taken before a change.
  - The image is a snapshot of this Droplet (by name), an image id (a snapshot, a backup or a
    custom image), or a public image's slug such as V(ubuntu-24-04-x64).
  - Unchanged when the Droplet was last built from that image, unless O(force=true). A rollback
    forces, since the Droplet may have changed since it was built from the snapshot.
  - A rebuild DigitalOcean would refuse fails in one line before anything changes. That is an
    image that does not exist, one not in the Droplet's region, or one that needs a bigger disk
    than the Droplet has.
  - The rebuild Action is started exactly once, after waiting out any Action in progress. The
    Droplet is C(active) after a rebuild, as DigitalOcean leaves it, whatever it was before.
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
  - oceanops.digitalocean.droplet
  - oceanops.digitalocean.wait
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Finds and checks the image as a real run does and sends no request that changes anything.
  diff_mode:
    support: full
    details:
      - Before and after are the image the Droplet was built from (id and slug or name) and its
        status.
  platform:
    platforms: all
options:
  image:
    description:
      - The image to rebuild from. All digits is an image id. Otherwise it is the name of a
        snapshot of this Droplet (the newest with that name), or else a public image's slug.
    type: str
    required: true
  force:
    description:
      - Rebuild also when the Droplet was last built from this image.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Roll web-01 back to the snapshot taken before the upgrade
  oceanops.digitalocean.droplet_rebuild:
    droplet_name: web-01
    image: pre-maintenance-2026-12-05
    force: true

- name: Reinstall a Droplet from Ubuntu 24.04
  oceanops.digitalocean.droplet_rebuild:
    droplet_id: 3164444
    image: ubuntu-24-04-x64
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
    image:
      description: The image the Droplet was built from, with the keys of RV(image).
      type: dict
image:
  description: The image to rebuild from, as found.
  returned: success
  type: dict
  contains:
    id:
      description: The image's id.
      type: int
      sample: 6372321
    name:
      description: The image's name.
      type: str
      sample: pre-maintenance-2026-12-05
    slug:
      description: The slug of a public image, else V(null).
      type: str
      sample: null
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
      RV(oceanops.digitalocean.droplet_snapshot#module:failure). A rebuild refused before anything
      changed gives V(refused_rebuild).
  returned: failure
  type: dict
"""

from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    ONE_DROPLET,
    DigitalOceanModule,
    droplet_argument_spec,
    wait_argument_spec,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    ACTIVE,
    REBUILD,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._images import rebuild_image


def image_result(image: dict | None) -> dict:
    return {key: (image or {}).get(key) for key in ("id", "name", "slug")}


class DropletRebuild(DigitalOceanModule):
    argument_spec = {
        **droplet_argument_spec(),
        "image": {"type": "str", "required": True},
        "force": {"type": "bool", "default": False},
        **wait_argument_spec(wait=True, wait_timeout=1800),
    }
    module_options = {
        "supports_check_mode": True,
        **ONE_DROPLET,
    }

    def run(self) -> dict:
        self.check_positive("droplet_id")
        self.check_not_blank("droplet_name", "image")
        runner = self.action_runner()
        target, droplet = self.droplet_target(runner, (*REBUILD.fields, "region", "disk"))
        image = rebuild_image(self.client, droplet, self.params["image"].strip())
        self.result["image"] = image_result(image)
        built = (droplet.get("image") or {}).get("id") == image.get("id")
        acts = self.params["force"] or not built
        after = droplet
        if acts:
            self.check_power_state(droplet)
            after = dict(droplet, image=image, status=ACTIVE)
            if not self.module.check_mode:
                after = self._rebuild(runner, target, image["id"])
        self.result["changed"] = acts if self.module.check_mode else bool(runner.started)
        self.result["droplet"] = dict(
            {key: after.get(key) for key in ("id", "name", "status")},
            image=image_result(after.get("image")),
        )
        self.set_diff(
            {"image": image_result(droplet.get("image")), "status": droplet.get("status")},
            {"image": image_result(after.get("image")), "status": after.get("status")},
        )
        return self.result

    def _rebuild(self, runner, target, image_id: int) -> dict:
        """Start the rebuild exactly once (with ``force``, also when built from the image), wait,
        and return the Droplet."""
        force = self.params["force"]
        step = runner.ensure(target, REBUILD, (lambda d: False) if force else None, image=image_id)
        if step.action is None or not self.params["wait"]:
            return step.resource
        runner.wait(step.action)
        return runner.look(target, REBUILD.fields)


def main() -> None:
    DropletRebuild.execute()


if __name__ == "__main__":
    main()
