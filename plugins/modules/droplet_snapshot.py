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
  - With O(state=absent), deletes every snapshot of the Droplet that has O(name).
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
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
  name:
    description:
      - The name of the snapshot.
      - With O(state=present), no snapshot is taken when the Droplet already has one with this
        name. With O(state=absent), every snapshot of the Droplet with this name is deleted.
    type: str
    required: true
  state:
    description:
      - V(present) takes the snapshot unless it exists; V(absent) deletes it.
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
  shutdown_timeout:
    description:
      - Seconds to wait for a graceful C(shutdown) to turn the Droplet off before forcing it off
        with C(power_off), like cutting the power.
      - A shutdown only asks the guest to stop; its Action can complete while the guest keeps
        running. The Droplet counts as off once its status is C(off).
      - V(0) forces the Droplet off at once.
    type: int
    default: 120
  restore_power:
    description:
      - When this run powered the Droplet off, power it back on after the snapshot, also when the
        snapshot fails.
      - V(false) leaves the Droplet off. A Droplet that was off when the run began stays off.
    type: bool
    default: true
  wait:
    description:
      - Wait for the snapshot to finish and restore the power.
      - V(false) returns as soon as the snapshot Action is started, with its id in RV(actions),
        for M(oceanops.digitalocean.action_info) to follow. The Droplet is then NOT powered back
        on by this run; a later run of the same task with V(true) waits for the snapshot and
        powers the Droplet back on (see the notes).
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
  poll_interval:
    description:
      - Seconds between two polls of an Action or the Droplet.
      - By default the interval adapts to how long the wait has lasted, from 1 second up to 15
        seconds, so a long snapshot costs few requests and the end of every Action is noticed
        quickly.
    type: float
notes:
  - The snapshot Action does not say which snapshot it made. The module finds the snapshot by
    name once the Action has completed, and returns the newest with that name.
  - A run that stops after it powered the Droplet off (O(wait=false), an interruption, or
    O(wait_timeout)) leaves the Droplet off. A later run with O(wait=true) that finds the snapshot
    recognises this. When the newest Actions on the Droplet are a C(shutdown) or C(power_off)
    followed within a minute by the snapshot Action that made the snapshot, and the Droplet is still
    off, it powers the Droplet back on (unless O(restore_power=false)).
  - The module checks for the snapshot again right before it starts it. Two runs at once on one
    Droplet can only both start a snapshot if the first one completes between that check and the
    second one's request, a window of milliseconds.
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
  description: The snapshots deleted with O(state=absent) (in check mode, those that would be).
  returned: when O(state=absent)
  type: list
  elements: dict
  contains:
    id:
      description: The snapshot's id.
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
droplet:
  description: The Droplet, as last seen by the module.
  returned: when the Droplet was found
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
      description: V(active), V(off), V(new) or V(archive).
      type: str
      sample: active
actions:
  description:
    - Every Action this run started, in order, in its last known state. Empty when nothing was
      started.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The Action's id.
      type: int
      sample: 36804640
    type:
      description: V(shutdown), V(power_off), V(snapshot) or V(power_on).
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
      description: The Droplet's id.
      type: int
      sample: 3164444
    resource_type:
      description: V(droplet).
      type: str
      sample: droplet
elapsed:
  description: Seconds the task took.
  returned: always
  type: float
  sample: 78.4
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

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ACTIVE,
    OFF,
    POWERED_OFF_BY,
    ActionTimeout,
    PowerSwitch,
    describe,
    parse_time,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    DigitalOceanError,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._base import (
    DigitalOceanModule,
)

SNAPSHOT_FIELDS = ("id", "name", "created_at", "size_gigabytes", "min_disk_size", "regions")
# A power-off this close (by the server's clock) before a snapshot Action was made for it.
RESUME_WINDOW = 60.0
CLOCK_SLACK = 2.0


def snapshot_result(snapshot: dict | None) -> dict | None:
    """The fields of a snapshot that the result carries."""
    if snapshot is None:
        return None
    return {key: snapshot.get(key) for key in SNAPSHOT_FIELDS}


def newest(snapshots: list) -> dict | None:
    """The most recently created snapshot (the highest id among equal times)."""
    if not snapshots:
        return None
    return max(snapshots, key=lambda s: (parse_time(s.get("created_at")) or 0, s.get("id") or 0))


def powered_off_for(snapshot: dict, actions: list, window: float = RESUME_WINDOW) -> dict | None:
    """The power-off Action an unfinished run took ``snapshot`` after, if that is what happened.

    ``actions`` are the Droplet's newest Actions. The trail of such a run is: the newest Action is
    the completed snapshot Action that made ``snapshot``, and the one before it is a completed
    ``shutdown`` or ``power_off`` that ended at most ``window`` seconds before the snapshot began.
    Anything since (a ``power_on``, say) means someone else has taken over the Droplet.
    """
    ordered = sorted(actions, key=lambda a: a.get("id") or 0, reverse=True)
    if len(ordered) < 2:
        return None
    taken, before = ordered[0], ordered[1]
    if taken.get("type") != "snapshot" or taken.get("status") != "completed":
        return None
    if before.get("type") not in POWERED_OFF_BY or before.get("status") != "completed":
        return None
    started, ended = parse_time(taken.get("started_at")), parse_time(taken.get("completed_at"))
    created = parse_time(snapshot.get("created_at"))
    powered_off = parse_time(before.get("completed_at"))
    if None in (started, ended, created, powered_off):
        return None
    if not started - CLOCK_SLACK <= created <= ended + CLOCK_SLACK:
        return None
    if started - powered_off > window:
        return None
    return before


class RunFailed(DigitalOceanError):
    """A failure during the run, with what became of the Droplet's power state."""

    def __init__(self, error: DigitalOceanError, note: str):
        self.error = error
        super().__init__(f"{error}; {note}")

    def failure(self) -> dict:
        return dict(self.error.failure(), message=str(self))


class DropletSnapshot(DigitalOceanModule):
    argument_spec = {
        "droplet_id": {"type": "int"},
        "droplet_name": {"type": "str"},
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "power_off": {"type": "bool", "default": True},
        "shutdown_timeout": {"type": "int", "default": 120},
        "restore_power": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 1800},
        "poll_interval": {"type": "float"},
    }
    module_options = {
        "supports_check_mode": True,
        "mutually_exclusive": [("droplet_id", "droplet_name")],
        "required_one_of": [("droplet_id", "droplet_name")],
    }

    def run(self) -> dict:
        began = time.monotonic()
        self._check_input()
        self.runner = self.action_runner(self.params["wait_timeout"], self.params["poll_interval"])
        self.power = PowerSwitch(self.runner)
        self.droplet: dict = {}
        self.warned: set = set()
        self.result.update(snapshot=None, actions=self.runner.started)
        try:
            if self.params["state"] == "present":
                self.present()
            else:
                self.absent()
        finally:
            self.result["elapsed"] = round(time.monotonic() - began, 1)
        return self.result

    # -- the contract ------------------------------------------------------------------------------

    def present(self) -> None:
        """Find the Droplet; unless its snapshot exists, power off, snapshot, power back on."""
        self._find_droplet()
        snapshots = self._look()
        names = [s.get("name") for s in snapshots]
        before = {"snapshots": names, "status": self.droplet.get("status")}
        existing = self._named(snapshots)
        if existing:
            self.result["snapshot"] = snapshot_result(existing)
            resumed = self._finish_an_unfinished_run(existing)
            after = dict(before, status=ACTIVE) if resumed else before
            self._set_diff(before, after)
            return
        self.result["changed"] = True
        if self.module.check_mode:
            self._set_diff(
                before,
                {"snapshots": [*names, self.params["name"]], "status": self._predicted_status()},
            )
            return
        self._take_snapshot()
        self._set_diff(
            before,
            {"snapshots": [*names, self.params["name"]], "status": self.droplet.get("status")},
        )

    def absent(self) -> None:
        """Delete every snapshot of the Droplet with ``name``; none is fine."""
        self._find_droplet()
        snapshots = self._look()
        doomed = [s for s in snapshots if s.get("name") == self.params["name"]]
        self.result["deleted"] = [snapshot_result(s) for s in doomed]
        self.result["changed"] = bool(doomed)
        if not self.module.check_mode:
            for snapshot in doomed:
                self._delete(snapshot)
        status = self.droplet.get("status")
        self._set_diff(
            {"snapshots": [s.get("name") for s in snapshots], "status": status},
            {"snapshots": [s.get("name") for s in snapshots if s not in doomed], "status": status},
        )

    # -- steps -------------------------------------------------------------------------------------

    def _find_droplet(self) -> None:
        """Step 1: the Droplet by id, or by its exact name (several with that name is an error)."""
        droplet_id, wanted = self.params["droplet_id"], self.params["droplet_name"]
        if droplet_id is not None:
            try:
                self._seen(self.runner.droplet(droplet_id))
            except APIError as error:
                if error.status == 404:
                    self.fail(f"droplet {droplet_id} does not exist ({error})")
                raise
            return
        found = [
            d
            for d in self.client.paginate("/droplets", "droplets", {"name": wanted})
            if d.get("name") == wanted
        ]
        if not found:
            self.fail(f"no droplet is named {wanted!r}")
        if len(found) > 1:
            ids = ", ".join(str(d["id"]) for d in found)
            self.fail(
                f"{len(found)} droplets are named {wanted!r} (ids {ids}); use droplet_id",
                droplet_ids=[d["id"] for d in found],
            )
        self._seen(found[0])

    def _look(self) -> list:
        """Steps 2-3: the Droplet's snapshots, once no Action that could be making ours runs.

        An Action in progress may be the snapshot of an earlier, interrupted run: wait for it, then
        look again, so that a re-run does not take a second snapshot.
        """
        snapshots = self._snapshots()
        if self._named(snapshots) or not self.droplet.get("locked"):
            return snapshots
        self._seen(self.runner.wait_for_idle(self.droplet["id"]))
        return self._snapshots()

    def _take_snapshot(self) -> None:
        """Steps 5-7, restoring the power before any failure is reported."""
        try:
            self._power_off_if_needed()
            action = self._start_snapshot()
            if action is None:  # another run took it meanwhile
                self.result["changed"] = bool(self.power.started)
            elif not self.params["wait"]:
                self._left_running(action)
                return
            else:
                self.runner.wait(action)
        except DigitalOceanError as error:
            raise self._failed(error) from error
        try:
            self._restore_power()
        except DigitalOceanError as error:
            raise RunFailed(error, f"the snapshot was taken but {self._power_state()}") from error
        self._found(self._snapshots())

    def _power_off_if_needed(self) -> None:
        """Step 5: graceful shutdown, then a forced power_off, until the Droplet is really off."""
        if self.params["power_off"] and self.droplet.get("status") != OFF:
            self._seen(self.power.power_off(self.droplet["id"], self.params["shutdown_timeout"]))

    def _start_snapshot(self) -> dict | None:
        """Step 6: start the snapshot Action, unless the snapshot exists by now (then None).

        Looks again right before every POST: while this run waited (for a pending event of another
        run, say), that run may have taken the snapshot.
        """
        while True:
            if self._named(self._snapshots()):
                return None
            try:
                action = self.runner.try_start(
                    self.droplet["id"], "snapshot", name=self.params["name"]
                )
            except APIError as error:
                if error.status == 422 and not self.params["power_off"]:
                    error.explain("power_off is false: the droplet must be powered off first")
                raise
            if action is not None:
                return action

    def _restore_power(self) -> None:
        """Step 7: power the Droplet back on, if this run powered it off and should restore it."""
        if self._should_restore():
            self._seen(self.power.power_on(self.droplet["id"]))

    def _finish_an_unfinished_run(self, snapshot: dict) -> bool:
        """Power the Droplet back on when an earlier run took ``snapshot`` and left it off.

        That run was interrupted, timed out, or did not wait (see the notes). Returns whether the
        Droplet is (or in check mode, would be) powered on.
        """
        if not (self._restores() and self.params["power_off"] and self._is(OFF)):
            return False
        if powered_off_for(snapshot, self.runner.recent(self.droplet["id"])) is None:
            return False
        self.result["changed"] = True
        if not self.module.check_mode:
            self._seen(self.power.power_on(self.droplet["id"]))
        return True

    # -- failures ----------------------------------------------------------------------------------

    def _failed(self, error: DigitalOceanError) -> DigitalOceanError:
        """The error, with the power state restored first (best effort) and said in the message."""
        timed_out = isinstance(error, ActionTimeout) and error.action
        if timed_out and error.action.get("type") == "snapshot" and self.power.started:
            note = "the droplet stays off until then, and that re-run powers it back on"
        else:
            note = self._restore_power_after_failure()
        return RunFailed(error, note)

    def _restore_power_after_failure(self) -> str:
        if not self._should_restore():
            return self._power_state()
        before = len(self.runner.started)
        try:
            self._restore_power()
        except DigitalOceanError as error:
            return f"powering the droplet back on failed ({error}); {self._power_state()}"
        started = self.runner.started[before:]
        if started:
            return f"the droplet was powered back on (action {started[-1]['id']})"
        return self._power_state()

    def _power_state(self) -> str:
        """``the droplet is off`` (read now, when possible)."""
        try:
            self._seen(self.runner.droplet(self.droplet["id"]))
        except DigitalOceanError:
            return f"the droplet was last seen {self.droplet.get('status')}"
        return f"the droplet is {self.droplet.get('status')}"

    # -- helpers -----------------------------------------------------------------------------------

    def _check_input(self) -> None:
        self.check_positive("droplet_id")
        for name in ("droplet_name", "name"):
            if self.params[name] is not None and not self.params[name].strip():
                self.fail(f"{name} must not be empty")
        self.check_not_negative("shutdown_timeout", "wait_timeout")
        self.check_poll_interval()

    def _snapshots(self) -> list:
        path = f"/droplets/{self.droplet['id']}/snapshots"
        return list(self.client.paginate(path, "snapshots"))

    def _named(self, snapshots: list) -> dict | None:
        """The newest snapshot with ``name``; warns when there are several."""
        named = [s for s in snapshots if s.get("name") == self.params["name"]]
        found = newest(named)
        if len(named) > 1:
            ids = ", ".join(str(s.get("id")) for s in named)
            self._warn_once(
                f"droplet {self.droplet['id']} has {len(named)} snapshots named "
                f"{self.params['name']!r} (ids {ids}); using the newest, {found.get('id')}"
            )
        return found

    def _found(self, snapshots: list) -> None:
        snapshot = self._named(snapshots)
        if snapshot is None:
            self.module.warn(
                f"the snapshot Action completed but droplet {self.droplet['id']} lists no "
                f"snapshot named {self.params['name']!r} yet"
            )
        self.result["snapshot"] = snapshot_result(snapshot)

    def _left_running(self, action: dict) -> None:
        if self.power.started:
            self.module.warn(
                f"wait is false: droplet {self.droplet['id']} stays off while {describe(action)} "
                "runs; run this task again with wait: true to wait for it and power the droplet "
                "back on"
            )

    def _delete(self, snapshot: dict) -> None:
        try:
            self.client.delete(f"/snapshots/{snapshot['id']}")
        except APIError as error:
            if error.status != 404:  # already deleted, by another run: the goal is reached
                raise

    def _should_restore(self) -> bool:
        return bool(self.power.started) and self._restores()

    def _restores(self) -> bool:
        return self.params["restore_power"] and self.params["wait"]

    def _is(self, status: str) -> bool:
        return self.droplet.get("status") == status

    def _predicted_status(self) -> str:
        status = self.droplet.get("status")
        if self.params["power_off"] and status != OFF:
            return ACTIVE if self._restores() else OFF
        return status

    def _seen(self, droplet: dict) -> None:
        self.droplet = droplet
        self.result["droplet"] = {key: droplet.get(key) for key in ("id", "name", "status")}

    def _set_diff(self, before: dict, after: dict) -> None:
        if self.module._diff:
            self.result["diff"] = {"before": before, "after": after}

    def _warn_once(self, message: str) -> None:
        if message not in self.warned:
            self.warned.add(message)
            self.module.warn(message)


def main() -> None:
    DropletSnapshot.execute()


if __name__ == "__main__":
    main()
