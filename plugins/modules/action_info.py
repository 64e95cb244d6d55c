#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: action_info
short_description: Read DigitalOcean Actions, and optionally wait for one to finish
version_added: 0.1.0
description:
  - Every event in DigitalOcean (power off, snapshot, ...) is an Action that is C(in-progress) until
    it is C(completed) or C(errored). This module reads them.
  - With O(id), returns that Action; with O(droplet_id), that Droplet's Actions; with neither, the
    account's Actions. Lists are newest first.
  - With O(wait=true) and O(id), polls the Action until it leaves C(in-progress), replacing an
    C(until)/C(retries) loop in a playbook.
  - Never changes anything.
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
  - oceanops.digitalocean.wait
  - oceanops.digitalocean.info
  - ansible.builtin.action_common_attributes
options:
  id:
    description:
      - The id of one Action.
      - With O(droplet_id) as well, the Action must belong to that Droplet.
    type: int
  droplet_id:
    description:
      - Read the Actions of this Droplet only.
    type: int
  type:
    description:
      - Only Actions of this type, for example V(snapshot), V(power_off) or V(shutdown).
    type: str
  status:
    description:
      - Only Actions with this status.
    type: str
    choices: [in-progress, completed, errored]
  resource_type:
    description:
      - Only Actions on this kind of resource, for example V(droplet) or V(image).
    type: str
  resource_id:
    description:
      - Only Actions on the resource with this id.
    type: int
  limit:
    description:
      - How many of the newest Actions to read before filtering; an account's history can be long.
      - V(0) reads them all.
    type: int
    default: 200
  wait:
    description:
      - With O(id), poll the Action until it is no longer C(in-progress). An Action that ends
        C(errored) is returned, not treated as a failure of this module.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds O(wait=true) waits at most. When the Action is still C(in-progress) then,
        the module fails with its id.
    type: int
    default: 600
notes:
  - The API has no server-side filters for Actions; O(type), O(status), O(resource_type) and
    O(resource_id) filter the O(limit) newest Actions.
seealso:
  - name: DigitalOcean API, Actions
    description: The Action object and its endpoints.
    link: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Actions
"""

EXAMPLES = r"""
- name: Wait for a snapshot Action started earlier (for example with droplet_snapshot wait=false)
  oceanops.digitalocean.action_info:
    id: "{{ snapshot.actions[-1].id }}"
    wait: true
    wait_timeout: 3600
  register: snapshot_action

- name: Actions still running on a Droplet
  oceanops.digitalocean.action_info:
    droplet_id: 3164444
    status: in-progress
  register: running

- name: Errored snapshot Actions among the account's 500 newest Actions
  oceanops.digitalocean.action_info:
    type: snapshot
    status: errored
    limit: 500
  register: errored_snapshots

- name: Set the connection once for every module of the collection
  module_defaults:
    group/oceanops.digitalocean.all:
      api_url: http://127.0.0.1:8080/v2
  block:
    - name: Newest Actions of the account
      oceanops.digitalocean.action_info:
        limit: 20
"""

RETURN = r"""
actions:
  description: The Actions found, newest first. Always a list (one element with O(id)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The Action's id.
      type: int
      sample: 36804636
    type:
      description: What the Action does.
      type: str
      sample: snapshot
    status:
      description: V(in-progress), V(completed) or V(errored).
      type: str
      sample: completed
    started_at:
      description: When the Action started (ISO 8601, UTC).
      type: str
      sample: "2026-11-28T17:45:11Z"
    completed_at:
      description: When the Action ended, or V(null) while it is in progress.
      type: str
      sample: "2026-11-28T17:46:13Z"
    resource_id:
      description: The id of the resource the Action is about, such as the Droplet's id.
      type: int
      sample: 3164444
    resource_type:
      description: The kind of resource, such as V(droplet).
      type: str
      sample: droplet
    region_slug:
      description: The region of the resource.
      type: str
      sample: nyc3
failure:
  description:
    - What went wrong, for programs to read; the task's C(msg) says the same for people.
    - O(wait=true) timing out gives V(action_timeout) with the last state of the Action; an API
      error gives V(api) with the request, the HTTP status, and DigitalOcean's error id, message
      and request id.
  returned: failure
  type: dict
  contains:
    type:
      description: V(api), V(action_timeout), V(configuration) or V(module).
      type: str
      sample: action_timeout
    message:
      description: The error message.
      type: str
    action:
      description: The Action as last seen (same fields as RV(actions)), for V(action_timeout).
      type: dict
    method:
      description: The HTTP method of the failed request, for V(api).
      type: str
    path:
      description: The path of the failed request, for V(api).
      type: str
    status:
      description: The HTTP status, or V(null) when no answer came, for V(api).
      type: int
    id:
      description: DigitalOcean's error id, such as V(unauthorized), for V(api).
      type: str
    request_id:
      description: DigitalOcean's request id, for V(api).
      type: str
"""

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionFailed,
    checked_action,
    get_action,
    list_actions,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    DigitalOceanModule,
    wait_argument_spec,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import DropletTarget

FIELDS = (
    "id",
    "type",
    "status",
    "started_at",
    "completed_at",
    "resource_id",
    "resource_type",
    "region_slug",
)
FILTERS = ("type", "status", "resource_type", "resource_id")


class ActionInfo(DigitalOceanModule):
    argument_spec = {
        "id": {"type": "int"},
        "droplet_id": {"type": "int"},
        "type": {"type": "str"},
        "status": {"type": "str", "choices": ["in-progress", "completed", "errored"]},
        "resource_type": {"type": "str"},
        "resource_id": {"type": "int"},
        "limit": {"type": "int", "default": 200},
        **wait_argument_spec(wait=False, wait_timeout=600),
    }
    module_options = {
        "supports_check_mode": True,
        "required_if": [("wait", True, ["id"])],
    }

    def run(self) -> dict:
        self._check_input()
        if self.params["id"] is not None:
            actions = [self._one()]
        else:
            actions = [action for action in self._many() if self._wanted(action)]
        self.result["actions"] = [{key: action.get(key) for key in FIELDS} for action in actions]
        return self.result

    def _check_input(self) -> None:
        self.check_positive("id", "droplet_id", "resource_id")
        self.check_not_blank("type", "resource_type")
        if self.params["limit"] < 0:
            self.fail(f"limit must be 0 (no limit) or more, got {self.params['limit']}")

    def _one(self) -> dict:
        action = get_action(self.client, self.params["id"], self.params["droplet_id"])
        if not self.params["wait"]:
            return action
        try:
            return self.action_runner().wait(action)
        except ActionFailed as failed:
            return failed.action

    def _many(self) -> list:
        limit = self.params["limit"] or None
        if self.params["droplet_id"] is None:
            path, actions = "/actions", list_actions(self.client, limit)
        else:
            target = DropletTarget(self.client, self.params["droplet_id"])
            path, actions = target.actions_path, target.actions(limit)
        return [checked_action(action, "GET", path) for action in actions]

    def _wanted(self, action: dict) -> bool:
        return all(
            self.params[name] is None or action.get(name) == self.params[name] for name in FILTERS
        )


def main() -> None:
    ActionInfo.execute()


if __name__ == "__main__":
    main()
