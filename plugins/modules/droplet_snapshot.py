#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet_snapshot
short_description: Snapshot a DigitalOcean Droplet exactly once, powering it off and on around it
version_added: 0.1.0
description:
  - Takes a snapshot of a Droplet the way DigitalOcean recommends, in one task. The Droplet is shut
    down gracefully (or forced off when it does not stop in time), the snapshot is taken exactly
    once, and the Droplet is powered back on if it was on.
  - Idempotent by snapshot name. When the Droplet already has a snapshot with O(name), nothing is
    touched and that snapshot is returned. DigitalOcean does not enforce unique snapshot names.
    When several snapshots have the name, the newest is returned with a warning naming all of them.
  - Actions cannot be queued on a Droplet. When one is already in progress (the Droplet is locked,
    or the API answers "pending event"), the module waits for it, then looks for the snapshot
    again. So a re-run after an interrupted or timed-out run does not make a duplicate, and two
    runs at once on one Droplet make one snapshot.
  - When anything fails after the Droplet was powered off, the module first powers it back on
    (best effort), then fails with one message that names what failed, the Action ids, and the
    power state the Droplet was left in.
  - Optionally keeps only the newest snapshots of a name prefix (O(keep)) and copies the snapshot
    to other regions (O(copy_to_regions)).
  - With O(state=absent), deletes every snapshot of the Droplet that has O(name).
  - A Droplet that is neither C(active) nor C(off) (C(archive), or C(new) once its creation is
    over) is refused before anything is changed, unless its snapshot exists already.
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
      - Sends no request that changes anything and reports what a real run would do. Like a real
        run, it first waits for an Action already in progress on the Droplet, because only then
        can it tell whether that Action made the snapshot.
  diff_mode:
    support: full
    details:
      - Before and after are the names of the Droplet's snapshots and the Droplet's status
        (V(active) or V(off)).
  platform:
    platforms: all
options:
  name:
    description:
      - The name of the snapshot.
      - With O(state=present) (where it is required), no snapshot is taken when the Droplet
        already has one with this name. With O(state=absent), every snapshot of the Droplet with
        this name is deleted.
    type: str
  state:
    description:
      - V(present) takes the snapshot unless it exists; V(absent) deletes it.
      - V(absent) with O(keep) applies the retention alone, taking no snapshot (with or without
        O(name)), as C(playbooks/prune.yml) does across the fleet.
      - Either way, a Droplet that an earlier run left off and tagged (O(power_tag)) is powered
        back on.
    type: str
    choices: [present, absent]
    default: present
  power_off:
    description:
      - Power the Droplet off before the snapshot, as DigitalOcean recommends for a consistent
        file system.
      - V(false) takes a live snapshot of a running Droplet.
    type: bool
    default: true
  volumes:
    description:
      - Also snapshot every block storage volume attached to the Droplet (a Droplet snapshot does
        not include them), while the Droplet is off, before its own snapshot, so that the Droplet
        and its volumes are saved at the same moment. Each volume snapshot has O(name) too.
      - Idempotent per volume, a volume that already has a snapshot with O(name) keeps it. When
        one volume fails, the Droplet is powered back on and the message says which volumes have
        their snapshot.
      - O(keep) applies to the volumes' snapshots too, per volume.
      - DigitalOcean allows 25 snapshots per volume.
    type: bool
    default: false
  keep:
    description:
      - Retention. After the snapshot is taken (or found), delete this Droplet's oldest snapshots
        whose names start with O(keep_prefix), so that only the O(keep) newest of them remain,
        the snapshot with O(name) counted among them and never deleted.
      - Nothing is deleted when the snapshot failed or does not exist yet (O(wait=false)), nor
        any snapshot outside O(keep_prefix) or of another Droplet. A snapshot already gone
        (HTTP 404) counts as deleted.
      - Check mode and C(--diff) show exactly what would go, and delete nothing.
    type: int
  keep_prefix:
    description:
      - The name prefix of the snapshots that O(keep) applies to, such as C(nightly-). Required
        with O(keep).
    type: str
  copy_to_regions:
    description:
      - Regions to copy the snapshot to, such as V([ams3, fra1]), so that it survives the loss of
        its own region. After the snapshot is taken (or found), a C(transfer) Action copies it to
        each listed region it is not in yet, one at a time, each waited for within
        O(wait_timeout). A snapshot costs the same in any number of regions.
      - A re-run finds the regions and sends nothing; after a timeout it waits for the transfer
        still running instead of starting another.
      - Before anything is changed, the regions the snapshot is not in are looked up among
        DigitalOcean's regions (C(GET /v2/regions)). One that does not exist, or is not
        available, fails the task at once.
    type: list
    elements: str
  wait:
    description:
      - Wait for the snapshot to finish and restore the power.
      - V(false) returns as soon as the snapshot Action is started, with its id in RV(actions),
        for M(oceanops.digitalocean.action_info) to follow. The Droplet is then NOT powered back
        on by this run; it stays tagged (O(power_tag)), and a later run of the task waits for
        the snapshot and powers the Droplet back on (see the notes).
      - Either way, an Action that was already in progress on the Droplet is waited for first.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole task may take, from the first request to the last (waiting for an Action
        already in progress, the shutdown, the snapshot and the power-on, all together).
      - When it runs out, the module fails with the id of the Action still in progress. That Action
        goes on at DigitalOcean, and a re-run waits for it instead of starting it again.
      - Snapshots of large Droplets can take many minutes; run very long ones with C(async).
    type: int
    default: 1800
notes:
  - The snapshot Action does not say which snapshot it made. The module finds the snapshot by
    name once the Action has completed, and returns the newest with that name.
  - A run that stops after it powered the Droplet off (O(wait=false), an interruption, or
    O(wait_timeout)) leaves the Droplet off, tagged C(oceanops-restore-power) (O(power_tag)). A
    later run finds the tag and powers the Droplet back on (unless O(restore_power=false)).
    Without the tag, a later run that finds the snapshot still recognises such a run. When the
    newest Actions on the Droplet are a C(shutdown) or C(power_off) followed within a minute by
    the snapshot Action that made the snapshot, and the Droplet is still off, it powers the Droplet
    back on.
  - The module checks for the snapshot again right before it starts it, from the Droplet's list
    of snapshot ids as last seen (after the shutdown, at most a few seconds before); it reads the
    snapshots again only when that list has one it has not seen. Two runs at once on one Droplet
    can only both start a snapshot if the first one completes between that look and the second
    one's request.
  - A snapshot is taken with the Droplet off (unless O(power_off=false)). When another client
    powers the Droplet on between the module's last look and the snapshot Action, the Droplet's
    Actions show it once the snapshot is made; that live snapshot is deleted and taken once more
    with the Droplet off. When that happens twice, the task fails and no snapshot is left.
seealso:
  - module: oceanops.digitalocean.action_info
  - name: DigitalOcean API, Droplet Actions
    description: The shutdown, power_off, power_on and snapshot Actions.
    link: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Droplet-Actions
"""

EXAMPLES = r"""
- name: Snapshot a Droplet, powering it off and back on around the snapshot
  oceanops.digitalocean.droplet_snapshot:
    droplet_id: 3164444
    name: "web-01 before upgrade"
  register: backup

- name: Show the new snapshot's id
  ansible.builtin.debug:
    msg: "snapshot {{ backup.snapshot.id }} took {{ backup.elapsed }} s"

- name: Live snapshot of a Droplet found by name, without powering it off
  oceanops.digitalocean.droplet_snapshot:
    droplet_name: web-01
    name: "web-01 {{ ansible_date_time.date }}"
    power_off: false

- name: A large Droplet, in the background
  oceanops.digitalocean.droplet_snapshot:
    droplet_id: 3164444
    name: nightly
    shutdown_timeout: 300
    wait_timeout: 7200
  async: 7200
  poll: 30

- name: Start the snapshot and return at once (the Droplet stays off until a later run)
  oceanops.digitalocean.droplet_snapshot:
    droplet_id: 3164444
    name: nightly
    wait: false
  register: started

- name: Follow it
  oceanops.digitalocean.action_info:
    id: "{{ started.actions[-1].id }}"
    wait: true
    wait_timeout: 3600

- name: A nightly snapshot, the 7 newest kept, with a copy in two other regions
  oceanops.digitalocean.droplet_snapshot:
    droplet_id: 3164444
    name: "nightly-{{ now(utc=true, fmt='%Y-%m-%d') }}"
    keep: 7
    keep_prefix: nightly-
    copy_to_regions: [ams3, fra1]

- name: Delete every snapshot of the Droplet named nightly
  oceanops.digitalocean.droplet_snapshot:
    droplet_id: 3164444
    name: nightly
    state: absent
"""

RETURN = r"""
snapshot:
  description:
    - The snapshot with O(name); the newest when there are several.
    - V(null) with O(state=absent), in check mode before it exists, and with O(wait=false) until
      it exists.
  returned: always
  type: dict
  contains:
    id:
      description: The snapshot's id (an image id).
      type: int
      sample: 6372321
    name:
      description: The snapshot's name.
      type: str
      sample: nightly
    created_at:
      description: When the snapshot was created (ISO 8601, UTC).
      type: str
      sample: "2026-11-28T16:47:44Z"
    size_gigabytes:
      description: The size of the snapshot in GB.
      type: float
      sample: 2.34
    min_disk_size:
      description: The smallest disk, in GB, a Droplet made from this snapshot needs.
      type: int
      sample: 25
    regions:
      description: The regions the snapshot is available in.
      type: list
      elements: str
      sample: [nyc3]
deleted:
  description:
    - The snapshots deleted with O(state=absent), or by O(keep) (in check mode, those that would
      be), oldest first.
    - Each has the keys of RV(snapshot); those of volumes (O(volumes)) also C(volume_id).
  returned: when O(state=absent), or O(keep) is set and the snapshot exists (or would)
  type: list
  elements: dict
  contains:
    volume_id:
      description: For a volume snapshot, the id of its volume.
      type: str
volume_snapshots:
  description:
    - With O(volumes), the snapshot named O(name) of each volume attached to the Droplet, in the
      order of the Droplet's C(volume_ids); in check mode those that would be taken have C(id)
      V(null).
    - Each has the keys of RV(snapshot) (its C(id) a string, as DigitalOcean gives volume snapshot
      ids), and C(volume_id).
  returned: when O(volumes=true)
  type: list
  elements: dict
  contains:
    volume_id:
      description: The id of the volume the snapshot was taken of.
      type: str
      sample: 506f78a4-e098-11e5-ad9f-000f53306ae1
copied_to:
  description:
    - The regions of O(copy_to_regions) the snapshot was not in, and was copied to by this run
      (in check mode, would be). Empty when it was in all of them.
  returned: when O(copy_to_regions) is set and the snapshot exists (or would)
  type: list
  elements: str
  sample: [ams3]
droplet:
  description:
    - The Droplet, as last seen by the module.
    - Four of the keys of RV(oceanops.digitalocean.droplet_info#module:droplets), C(id),
      C(name), C(status) and C(size) (its size slug).
  returned: when the Droplet was found
  type: dict
  sample: {"id": 3164444, "name": "web-01", "status": "active", "size": "s-1vcpu-1gb"}
actions:
  description:
    - Every Action this run started, in order, in its last known state. Empty when nothing was
      started.
    - Each has the keys of RV(oceanops.digitalocean.action_info#module:actions) but
      C(region_slug). Their C(type) is V(shutdown), V(power_off), V(snapshot) or V(power_on)
      (on the Droplet), or V(transfer) (on the snapshot, with O(copy_to_regions)).
  returned: always
  type: list
  elements: dict
elapsed:
  description: Seconds the task took.
  returned: always
  type: float
  sample: 78.4
failure:
  description:
    - What went wrong, for programs to read; the task's C(msg) says the same for people, and what
      became of the Droplet's power.
    - An Action that ended C(errored) gives V(action_errored), one still in progress at
      O(wait_timeout) V(action_timeout), both with the Action; an API error V(api) with the
      request, the HTTP status, and DigitalOcean's error id, message and request id; a volume
      snapshot that failed its own type, with the volume snapshots taken before it; no such
      Droplet V(not_found); a name that several Droplets have V(ambiguous), with their ids.
  returned: failure
  type: dict
  contains:
    type:
      description: >-
        V(action_errored), V(action_timeout), V(api), V(not_found), V(ambiguous),
        V(configuration) or V(module).
      type: str
      sample: action_errored
    message:
      description: The error message.
      type: str
    action:
      description: The Action as last seen (same fields as RV(actions)).
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
      description: DigitalOcean's error id, such as V(unprocessable_entity), for V(api).
      type: str
    request_id:
      description: DigitalOcean's request id, for V(api).
      type: str
    droplet_ids:
      description: The ids of the Droplets with the name, for V(ambiguous).
      type: list
      elements: int
    volume_snapshots:
      description: When a volume snapshot failed, those taken before it (as RV(volume_snapshots)).
      type: list
      elements: dict
diff:
  description: The Droplet's snapshot names and status, before and after.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: Before the task.
      type: dict
      sample: {"snapshots": ["weekly"], "status": "active"}
    after:
      description: After the task (in check mode, what it would be).
      type: dict
      sample: {"snapshots": ["weekly", "nightly"], "status": "active"}
"""

import time

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import describe
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import APIError
from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    ONE_DROPLET,
    DigitalOceanModule,
    droplet_argument_spec,
    power_argument_spec,
    wait_argument_spec,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    POWER_ON,
    SNAPSHOT,
    droplet_facts,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._images import (
    TRANSFER,
    ImageTarget,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._power import PowerCycle
from ansible_collections.oceanops.digitalocean.plugins.module_utils._regions import check_regions
from ansible_collections.oceanops.digitalocean.plugins.module_utils._snapshots import (
    beyond,
    delete_snapshot,
    droplet_snapshots,
    interrupted_snapshot,
    named,
    newest,
    powered_on_before,
    snapshot_result,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._volumes import (
    DropletVolumes,
    volume_snapshot_result,
)

# The Droplet's facts the result shows, as last seen (a look may come from the shared view).
SHOWN = ("id", "name", "status", "size")


class DropletSnapshot(DigitalOceanModule):
    argument_spec = {
        **droplet_argument_spec(),
        **power_argument_spec(),
        "name": {"type": "str"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "power_off": {"type": "bool", "default": True},
        "keep": {"type": "int"},
        "keep_prefix": {"type": "str"},
        "copy_to_regions": {"type": "list", "elements": "str"},
        "volumes": {"type": "bool", "default": False},
        **wait_argument_spec(wait=True, wait_timeout=1800),
    }
    module_options = {
        "supports_check_mode": True,
        **ONE_DROPLET,
        "required_together": [("keep", "keep_prefix")],
        "required_if": [("state", "present", ("name",))],
    }

    volumes: DropletVolumes | None = None
    cycle: PowerCycle | None = None
    taken_by_another = False
    looked_for: set = frozenset()
    snapshot_action: dict | None = None

    def run(self) -> dict:
        self.began = time.monotonic()
        self._check_input()
        self.runner = self.action_runner()
        self.result.update(snapshot=None)
        try:
            self.target, droplet = self.droplet_target(self.runner)
            self._update(droplet)
            if self.params["state"] == "present":
                self.present()
            else:
                self.absent()
        finally:
            if self.cycle is not None:
                self._update(self.cycle.droplet)
            self.result["elapsed"] = round(time.monotonic() - self.began, 1)
        return self.result

    # -- the contract ------------------------------------------------------------------------------

    def present(self) -> None:
        """Unless the Droplet's snapshot exists, power off, snapshot, power back on; then copy it
        to other regions and delete the oldest beyond ``keep``."""
        snapshots = self._look()
        before = {
            "snapshots": [s.get("name") for s in snapshots],
            "status": self.droplet.get("status"),
        }
        cycle = self._power_cycle()
        if self.params["volumes"]:
            self.volumes = DropletVolumes(
                self.client, self.droplet.get("volume_ids"), self.params["name"]
            )
        existing = self._named(snapshots)
        if not existing:
            self.check_power_state(self.droplet, "snapshotted")
        # Regions to copy to are checked before anything changes (one read, when any is due).
        check_regions(self.client, "copy_to_regions", self._missing_regions(existing))
        if existing:
            self.result["snapshot"] = snapshot_result(existing)
        if existing or self.module.check_mode:
            self._report_volumes()
        if existing:
            resumed = cycle.resume(self.module.check_mode, interrupted_snapshot(existing))
            self.result["changed"] = resumed is not None
            status = resumed or cycle.droplet.get("status")
        elif self.module.check_mode:
            self.result["changed"] = True
            status = cycle.predicted_status()
            snapshots = [
                *snapshots,
                {"name": self.params["name"], "created_at": "9999-12-31T00:00:00Z"},
            ]
        else:
            self.result["changed"] = True
            done = self._offline_snapshot(cycle, snapshots)
            # With wait false the snapshot is still being made: it will be there.
            snapshots = self._found() if done else [*snapshots, {"name": self.params["name"]}]
            if self.taken_by_another and self.result["snapshot"]:
                # The run that took it may have left the Droplet off (wait: false just before).
                interrupted = interrupted_snapshot(self.result["snapshot"])
                if cycle.resume(check_mode=False, interrupted=interrupted):
                    self.result["changed"] = True
            status = cycle.droplet.get("status")
        if existing or self.result["snapshot"] or self.module.check_mode:
            self._copy()
            doomed = self._retain(snapshots)
            snapshots = [s for s in snapshots if s not in doomed]
        self.set_diff(before, {"snapshots": [s.get("name") for s in snapshots], "status": status})

    def absent(self) -> None:
        """Delete every snapshot of the Droplet with ``name``, and with ``keep``, the oldest of
        ``keep_prefix`` beyond the newest ``keep``; none is fine."""
        snapshots = self._look()
        cycle = self._power_cycle()
        doomed = named(snapshots, self.params["name"]) if self.params["name"] else []
        if self.params["keep"] is not None:
            rest = [s for s in snapshots if s not in doomed]
            doomed += beyond(rest, self.params["keep_prefix"], self.params["keep"])
        self._delete(doomed)
        if self.params["volumes"]:
            self.volumes = DropletVolumes(
                self.client, self.droplet.get("volume_ids"), self.params["name"]
            )
            self._delete_volume_snapshots(
                self.volumes.doomed(self.params["keep_prefix"], self.params["keep"], named_too=True)
            )
        status = self.droplet.get("status")
        resumed = cycle.resume(self.module.check_mode)  # what an earlier run left
        self.result["changed"] = self.result["changed"] or resumed is not None
        self.set_diff(
            {"snapshots": [s.get("name") for s in snapshots], "status": status},
            {
                "snapshots": [s.get("name") for s in snapshots if s not in doomed],
                "status": resumed or status,
            },
        )

    # -- steps -------------------------------------------------------------------------------------

    def _look(self) -> list:
        """The Droplet's snapshots, once no Action that could be making ours runs.

        An Action in progress may be the snapshot of an earlier, interrupted run: wait for it, then
        look again, so that a re-run does not take a second snapshot.
        """
        snapshots = self._snapshots(self.droplet)
        if self._named(snapshots) or not self.droplet.get("locked"):
            return snapshots
        self._update(self.runner.wait_for_idle(self.target))
        return self._snapshots(self.droplet)

    def _snapshots(self, droplet: dict, listed: list | None = None) -> list:
        """The Droplet's snapshots: ``listed`` when ``droplet`` (a look at it) lists no snapshot
        that is not among them (no snapshot at all, at first), else read."""
        ids = droplet.get("snapshot_ids")
        self.looked_for = set(ids) if isinstance(ids, list) else set()
        if isinstance(ids, list) and self.looked_for <= {s.get("id") for s in listed or []}:
            return list(listed or [])
        return droplet_snapshots(self.client, droplet["id"])

    def _nothing_new(self, droplet: dict) -> bool:
        """Whether ``droplet`` lists no snapshot it did not list when its snapshots were last
        looked at: else another run may have taken ours meanwhile, and powering off waits for a
        look at them."""
        ids = droplet.get("snapshot_ids")
        return not isinstance(ids, list) or set(ids) <= self.looked_for

    def _power_cycle(self) -> PowerCycle:
        self.cycle = self.power_cycle(
            self.runner,
            self.target,
            self.droplet,
            SNAPSHOT,
            power_off=self.params["power_off"],
            needed=self._nothing_new,
        )
        return self.cycle

    def _offline_snapshot(self, cycle: PowerCycle, snapshots: list) -> bool:
        """Take the snapshot in the power cycle; return whether it exists.

        When another client powered the Droplet on between this run's last look (it was off) and
        the snapshot Action, the snapshot was taken live: it is deleted and taken once more with the
        Droplet off. A second live one is deleted too, and the task fails saying so.
        """
        for attempt in (1, 2):
            with cycle:
                done = self._take_snapshot(cycle, snapshots)
            cause = self._powered_on_under(cycle)
            if cause is None:
                return done
            live = self._named(droplet_snapshots(self.client, self.droplet["id"]))
            if live is not None:
                delete_snapshot(self.client, live["id"])
            said = (
                f"{describe(cause)} powered droplet {self.droplet['id']} on right before "
                f"{describe(self.snapshot_action)} started, so the snapshot was taken live and "
                "is deleted"
            )
            if attempt == 2:
                self.fail(f"{said}, for the second time: no offline snapshot was taken")
            self.module.warn(f"{said}; it is taken again with the droplet off")
        return False  # not reached

    def _powered_on_under(self, cycle: PowerCycle) -> dict | None:
        """The Action of another client that powered the Droplet on right before the snapshot
        Action started, if one did (when the snapshot is to be taken with the Droplet off).
        A Droplet this run powered on after the snapshot was off until then: nothing is read."""
        action = self.snapshot_action
        if action is None or not (self.params["power_off"] and self.params["wait"]):
            return None
        if any(
            a.get("type") == POWER_ON.name and a["id"] > action["id"] for a in cycle.switch.started
        ):
            return None
        return powered_on_before(action, self.target.recent(), time.monotonic() - self.began)

    def _take_snapshot(self, cycle: PowerCycle, snapshots: list) -> bool:
        """Start the snapshot (the Droplet is off, if it should be); return whether it exists.

        With ``wait`` false, the snapshot Action is left running.
        """
        action = self._start_snapshot(cycle, snapshots)
        if action is None:  # another run took it meanwhile (or an earlier one, without waiting)
            self.result["changed"] = cycle.powered_off
            self.taken_by_another = True
            if "volume_snapshots" not in self.result:
                self._report_volumes()
            return True
        if self.params["wait"]:
            self.snapshot_action = self.runner.wait(action)
            return True
        if cycle.powered_off and self.params["restore_power"]:
            later = (
                f"it is tagged {cycle.tag_name}, and the next run of this task powers it back on"
                if cycle.tagged
                else "run this task again to wait for it and power the droplet back on"
            )
            self.module.warn(
                f"wait is false: droplet {self.droplet['id']} stays off while {describe(action)} "
                f"runs; {later}"
            )
        return False

    def _start_snapshot(self, cycle: PowerCycle, snapshots: list) -> dict | None:
        """Start the snapshot Action, unless the snapshot exists by now (then None).

        Looks again right before every POST: while this run waited (for the shutdown, or a pending
        event of another run), that run may have taken the snapshot, or powered the Droplet on
        (then the cycle powers it off again). The look lists the Droplet's snapshots' ids; only a
        new one among them is read. The volumes' snapshots are taken first, once the Droplet is
        off: one consistent picture.
        """
        listed = snapshots

        def taken(droplet: dict) -> bool:
            nonlocal listed
            cycle.update(droplet)
            listed = self._snapshots(droplet, listed)
            return self._named(listed) is not None

        def ready(droplet: dict) -> bool:
            if not cycle.ready_for_work(droplet):
                return False
            if self.volumes is not None and "volume_snapshots" not in self.result:
                self.result["volume_snapshots"] = self.volumes.take()
            return True

        try:
            step = self.runner.ensure(self.target, SNAPSHOT, taken, ready, name=self.params["name"])
        except APIError as error:
            if error.status == 422 and not self.params["power_off"]:
                error.explain("power_off is false: the droplet must be powered off first")
            raise
        return step.action

    # -- helpers -----------------------------------------------------------------------------------

    def _check_input(self) -> None:
        if (self.params["keep"] is None) != (self.params["keep_prefix"] is None):
            self.fail("keep and keep_prefix go together: set both or neither")
        if self.params["name"] is None and self.params["keep"] is None:
            self.fail("state=absent needs name, or keep and keep_prefix (or both)")
        self.check_positive("droplet_id", "keep")
        self.check_not_blank("droplet_name", "name", "keep_prefix")
        for region in self.params["copy_to_regions"] or []:
            if not region.strip():
                self.fail("copy_to_regions must not hold an empty region")
        self.check_shutdown_fits(self.params["state"] == "present" and self.params["power_off"])

    def _named(self, snapshots: list) -> dict | None:
        """The newest snapshot with ``name``; warns when there are several."""
        matches = named(snapshots, self.params["name"])
        found = newest(matches)
        if len(matches) > 1:
            ids = ", ".join(str(s.get("id")) for s in matches)
            self.warn_once(
                f"droplet {self.droplet['id']} has {len(matches)} snapshots named "
                f"{self.params['name']!r} (ids {ids}); using the newest, {found.get('id')}"
            )
        return found

    def _found(self) -> list:
        """The snapshot just taken, into the result (it is listed once its Action completed);
        returns the Droplet's snapshots."""
        snapshots = droplet_snapshots(self.client, self.droplet["id"])
        snapshot = self._named(snapshots)
        if snapshot is None:
            self.module.warn(
                f"the snapshot Action completed but droplet {self.droplet['id']} lists no "
                f"snapshot named {self.params['name']!r} yet"
            )
        self.result["snapshot"] = snapshot_result(snapshot)
        return snapshots

    def _report_volumes(self) -> None:
        """The volume snapshots there are (in check mode, also those that would be taken).

        When the Droplet's snapshot exists, its volumes' were taken before it, while it was off; a
        volume without one was attached later, and is not snapshotted live.
        """
        if self.volumes is None:
            return
        if self.module.check_mode and self.result["snapshot"] is None:
            self.result["volume_snapshots"] = self.volumes.take(check_mode=True)
            return
        existing = self.volumes.existing()
        self.result["volume_snapshots"] = [
            volume_snapshot_result(s) for s in existing.values() if s is not None
        ]
        for volume_id in (v for v, s in existing.items() if s is None):
            self.warn_once(
                f"volume {volume_id} of droplet {self.droplet['id']} has no snapshot named "
                f"{self.params['name']!r}, and none is taken: volumes are snapshotted only "
                "together with a new droplet snapshot, while the droplet is off"
            )

    def _missing_regions(self, snapshot: dict | None) -> list:
        """The regions of ``copy_to_regions`` the snapshot is not in (before it exists, it will
        be in the Droplet's region)."""
        snapshot = snapshot or {}
        regions = snapshot.get("regions") or [(self.droplet.get("region") or {}).get("slug")]
        return [r for r in dict.fromkeys(self.params["copy_to_regions"] or []) if r not in regions]

    def _copy(self) -> None:
        """Copy the snapshot to each of ``copy_to_regions`` it is not in yet, one at a time."""
        if not self.params["copy_to_regions"]:
            return
        snapshot = self.result["snapshot"] or {}
        missing = self._missing_regions(snapshot)
        self.result["copied_to"] = missing
        if not missing:
            return
        self.result["changed"] = True
        if self.module.check_mode or not snapshot:
            return
        image = ImageTarget(self.client, snapshot["id"])
        for region in missing:
            self._transfer(image, region)
        self._found()

    def _transfer(self, image: ImageTarget, region: str) -> None:
        """Copy the snapshot to ``region`` and wait, unless it is there by now (another run's
        transfer, waited out first, may have copied it)."""
        try:
            action = self.runner.ensure(image, TRANSFER, region=region).action
        except APIError as error:
            if error.status == 422:
                error.explain(f"copy_to_regions: is {region!r} a region?")
            raise
        if action is not None:
            self.runner.wait(action)

    def _retain(self, snapshots: list) -> list:
        """Delete the Droplet's ``keep_prefix`` snapshots beyond the ``keep`` newest, never the
        one with ``name``; return them."""
        if self.params["keep"] is None:
            return []
        protect = (self.result["snapshot"] or {}).get("id")
        doomed = beyond(snapshots, self.params["keep_prefix"], self.params["keep"], protect)
        doomed = [s for s in doomed if s.get("name") != self.params["name"]]
        self._delete(doomed)
        if self.volumes is not None:
            self._delete_volume_snapshots(
                self.volumes.doomed(self.params["keep_prefix"], self.params["keep"])
            )
        return doomed

    def _delete_volume_snapshots(self, doomed: list) -> None:
        """Delete these volume snapshots too (in check mode, add them to what would go)."""
        self._delete(doomed, volume_snapshot_result)

    def _delete(self, doomed: list, shown=snapshot_result) -> None:
        """Delete these snapshots, each added to ``deleted`` once it is gone (404 is gone
        already); in check mode, say they would go."""
        self.result.setdefault("deleted", [])
        for snapshot in doomed:
            if not self.module.check_mode:
                delete_snapshot(self.client, snapshot["id"])
            self.result["deleted"].append(shown(snapshot))
            self.result["changed"] = True

    def _update(self, droplet: dict) -> None:
        """The Droplet as last seen, and as the result shows it."""
        self.droplet = droplet
        facts = droplet_facts(droplet)
        self.result["droplet"] = {key: facts[key] for key in SHOWN}


def main() -> None:
    DropletSnapshot.execute()


if __name__ == "__main__":
    main()
