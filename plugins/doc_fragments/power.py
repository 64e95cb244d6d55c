# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of every module that powers a Droplet off for its work and back on, documented
once."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  shutdown_timeout:
    description:
      - Seconds to wait for a graceful C(shutdown) to turn the Droplet off before forcing it off
        with C(power_off), like cutting the power.
      - A shutdown only asks the guest to stop; its Action can complete while the guest keeps
        running. The Droplet counts as off once its status is C(off).
      - The time counts from the C(shutdown) Action, which is always sent first, however long the
        reads before it took. V(0) forces the Droplet off at once.
      - When the task powers the Droplet off, O(wait_timeout) must be more than this; else the
        module fails before any request.
    type: int
    default: 120
  restore_power:
    description:
      - When this run powered the Droplet off, power it back on after the work, also when the work
        fails.
      - V(false) leaves the Droplet off. A Droplet that was off when the run began stays off.
    type: bool
    default: true
  power_tag:
    description:
      - While this run has the Droplet powered off to power it back on later, the Droplet carries
        the tag C(oceanops-restore-power), added before it is powered off and removed once it is on
        again. The control panel shows it, and so why the Droplet is off. With
        O(restore_power=false) no tag is added.
      - Any later run of a module of this collection that powers the Droplet off for its work
        (with O(restore_power=true)) and finds it off and tagged powers it on and removes the tag,
        after its own work. So a run that was killed, timed out or did not wait (O(wait=false))
        never leaves a Droplet off that was found on. A tag found on a Droplet that is on and idle
        is removed.
      - The tag is created in the account when missing. It costs two requests per run, or a share
        of one in fleet runs (with O(shared_cache), forks that tag at the same moment share one
        request). It needs the token's C(tag:create), C(tag:delete) and C(droplet:update) scopes.
      - While it is on, the Droplet is also in what selects Droplets by tag (a group
        C(tag_oceanops_restore_power) of the inventory plugin, say); a tool that manages the
        Droplet's tags itself (Terraform) may remove it.
      - V(false) neither adds the tag nor acts on it.
    type: bool
    default: true
"""
