#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet_power
short_description: Power a DigitalOcean Droplet on or off, reboot or power-cycle it, and wait
version_added: 0.1.0
description:
  - Brings a Droplet to a power state and waits until the Droplet really is in it. A completed
    C(power_on), C(power_off), C(reboot) or C(power_cycle) puts it there; a completed C(shutdown)
    does not always, so after one the Droplet's status is read until it says C(off).
  - V(active) and V(off) are idempotent. A Droplet already in that state gets no request that
    changes anything. V(rebooted) and V(power_cycled) always act.
  - V(off) is graceful first. It sends C(shutdown), and forces C(power_off) only when the Droplet
    is not off O(shutdown_timeout) seconds after that Action started. A shutdown is best effort
    at DigitalOcean; its Action can complete while the guest keeps running.
  - Actions cannot be queued on a Droplet. An Action already in progress (another run's, say) is
    waited out first, and the Droplet looked at again, so two runs at once send one power Action.
  - A Droplet that is neither C(active) nor C(off) (C(new), C(archive)) is refused before any
    request that changes anything.
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
      - Sends no request that changes anything, and reports whether a real run would act.
  diff_mode:
    support: full
    details:
      - Before and after are the Droplet's status.
  platform:
    platforms: all
options:
  state:
    description:
      - V(active) powers the Droplet on, V(off) shuts it down (see O(shutdown_timeout)).
      - V(rebooted) reboots it gracefully, V(power_cycled) cuts its power and turns it back on.
        Both end with the Droplet C(active), and both always act.
    type: str
    choices: [active, "off", rebooted, power_cycled]
    required: true
  shutdown_timeout:
    description:
      - For O(state=off), seconds from the C(shutdown) Action until the Droplet is forced off
        with C(power_off). V(0) forces it off at once.
      - With O(wait=true), O(wait_timeout) must be more than this.
      - With O(wait=false) only the C(shutdown) is sent (C(power_off) with V(0)), and nothing
        checks that the Droplet went off.
    type: int
    default: 120
"""

EXAMPLES = r"""
- name: Shut web-01 down, forcing it off after 60 seconds
  oceanops.digitalocean.droplet_power:
    droplet_name: web-01
    state: "off"
    shutdown_timeout: 60

- name: Reboot a Droplet and wait until it is active again
  oceanops.digitalocean.droplet_power:
    droplet_id: 3164444
    state: rebooted
"""

RETURN = r"""
droplet:
  description: The Droplet as last seen.
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
      description: V(active), V(off), V(new) or V(archive); in check mode, as it would be.
      type: str
      sample: "off"
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
      RV(oceanops.digitalocean.droplet_snapshot#module:failure). Its C(type) is
      V(action_errored), V(action_timeout), V(api), V(not_found), V(ambiguous) or V(module).
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
    OFF,
    POWER_CYCLE,
    POWER_OFF,
    POWER_ON,
    REBOOT,
    SHUTDOWN,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._power import PowerSwitch

RESTARTS = {"rebooted": REBOOT, "power_cycled": POWER_CYCLE}


class DropletPower(DigitalOceanModule):
    argument_spec = {
        **droplet_argument_spec(),
        "state": {"type": "str", "required": True, "choices": ["active", "off", *RESTARTS]},
        "shutdown_timeout": {"type": "int", "default": 120},
        **wait_argument_spec(wait=True, wait_timeout=1800),
    }
    module_options = {
        "supports_check_mode": True,
        **ONE_DROPLET,
    }

    def run(self) -> dict:
        state = self.params["state"]
        self.check_positive("droplet_id")
        self.check_not_blank("droplet_name")
        self.check_shutdown_fits(state == "off" and self.params["wait"])
        runner = self.action_runner()
        target, droplet = self.droplet_target(runner)
        self.check_power_state(droplet)
        wanted = OFF if state == "off" else ACTIVE
        acts = state in RESTARTS or droplet.get("status") != wanted
        after = droplet
        if acts and self.module.check_mode:
            after = dict(droplet, status=wanted)
        elif acts:
            after = self._act(runner, target, state)
        self.result["changed"] = acts if self.module.check_mode else bool(runner.started)
        self.result["droplet"] = {k: after.get(k) for k in ("id", "name", "status")}
        self.set_diff({"status": droplet.get("status")}, {"status": after.get("status")})
        return self.result

    def _act(self, runner, target, state: str) -> dict:
        """Bring the Droplet to ``state``; with ``wait`` false, only start the Action."""
        if not self.params["wait"]:
            graceful = self.params["shutdown_timeout"] > 0
            kind = {"active": POWER_ON, "off": SHUTDOWN if graceful else POWER_OFF}.get(state)
            return runner.ensure(target, kind or RESTARTS[state]).resource
        switch = PowerSwitch(runner)
        if state == "active":
            return switch.power_on(target)
        if state == "off":
            return switch.power_off(target, self.params["shutdown_timeout"])
        return switch.restart(target, RESTARTS[state])


def main() -> None:
    DropletPower.execute()


if __name__ == "__main__":
    main()
