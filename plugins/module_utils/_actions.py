# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starting DigitalOcean Actions and waiting for them: the one waiter every module uses.

Every event on a Droplet (power off, snapshot, ...) returns an Action that stays ``in-progress``
until it is ``completed`` or ``errored``. Actions cannot be queued: while one runs, the Droplet is
``locked`` and the API refuses another with a 422 "pending event". :class:`ActionRunner` starts an
Action once (waiting out whatever already runs), polls it on an adaptive schedule, and turns
``errored`` and timeouts into typed errors that carry the last Action object.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    DigitalOceanError,
)

IN_PROGRESS, COMPLETED, ERRORED = "in-progress", "completed", "errored"
# After a POST that may or may not have reached the API, an Action of the same type that started
# this many seconds before the POST (by the server's clock, which has a 1 s resolution) is ours.
CLOCK_SLACK = 2.0
UNCERTAIN_RESENDS = 2


def summarize(action: dict) -> dict:
    """The fields of an Action that results and error messages carry."""
    keys = ("id", "type", "status", "started_at", "completed_at", "resource_id", "resource_type")
    return {key: action.get(key) for key in keys}


def describe(action: dict) -> str:
    """``action 36804636 (snapshot) on droplet 3164444``."""
    text = f"action {action.get('id')} ({action.get('type')})"
    if action.get("resource_id") is not None:
        text += f" on {action.get('resource_type') or 'resource'} {action['resource_id']}"
    return text


def parse_time(value: str | None) -> float | None:
    """An API timestamp (``2020-07-20T19:37:30Z``) as a Unix timestamp."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class ActionFailed(DigitalOceanError):
    """An Action ended ``errored``."""

    def __init__(self, action: dict):
        self.action = action
        super().__init__(f"{describe(action)} errored")

    def failure(self) -> dict:
        return {"type": "action_errored", "message": str(self), "action": summarize(self.action)}


class ActionTimeout(DigitalOceanError):
    """The wait ran out while an Action (or a lock held by one) was still in progress."""

    def __init__(self, action: dict | None, waited: float, what: str | None = None):
        self.action = action
        what = what or f"{describe(action or {})} still in-progress"
        super().__init__(
            f"{what} after {waited:.0f} s (wait_timeout); it goes on at DigitalOcean: "
            "a re-run waits for it instead of starting it again"
        )

    def failure(self) -> dict:
        failure = {"type": "action_timeout", "message": str(self)}
        if self.action:
            failure["action"] = summarize(self.action)
        return failure


class Deadline:
    """A monotonic deadline: ``seconds`` from when it was made."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        return self._clock() >= self._end


@dataclass
class PollSchedule:
    """When to look at an Action again.

    Adaptive by default: the first poll comes after ``floor`` seconds, and each interval is
    ``ratio`` of the time waited so far, so intervals grow geometrically (by ``1 + ratio`` per poll)
    up to ``cap``. An Action of duration D costs about log(D) / log(1 + ratio) polls until the cap,
    and its completion is noticed within ``ratio`` * D (or ``floor``, or ``cap``).
    ``fixed`` replaces all of this with one interval (the modules' ``poll_interval``).
    """

    floor: float = 1.0
    ratio: float = 0.1
    cap: float = 15.0
    fixed: float | None = None

    def interval(self, waited: float) -> float:
        if self.fixed is not None:
            return self.fixed
        return min(self.cap, max(self.floor, self.ratio * waited))


class ActionRunner:
    """Start Actions on Droplets and wait for them, all within one ``deadline``.

    ``started`` lists every Action this runner started, each in its latest known state, for the
    module result.
    """

    def __init__(
        self,
        client: Client,
        deadline: Deadline,
        schedule: PollSchedule | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.deadline = deadline
        self.schedule = schedule or PollSchedule()
        self.started: list[dict] = []
        self._sleep = sleep
        self._clock = clock
        self._by_id: dict[int, int] = {}

    def run(self, droplet_id: int, action_type: str, **params) -> dict:
        """Start an Action on the Droplet and wait until it has ``completed``."""
        return self.wait(self.start(droplet_id, action_type, **params))

    def start(self, droplet_id: int, action_type: str, **params) -> dict:
        """POST the Action exactly once and return it (``in-progress``, most likely).

        A 422 "pending event" means another Action runs on the Droplet: wait it out and try again.
        A POST that may have reached the API without an answer is not blindly re-sent: the
        Droplet's recent Actions tell whether it started (also when a later POST finds the Droplet
        busy: the Action keeping it busy may be the one the unanswered POST started).
        """
        return self._start(droplet_id, action_type, params, retry_when_busy=True)

    def try_start(self, droplet_id: int, action_type: str, **params) -> dict | None:
        """Like :meth:`start`, but after waiting out another Action's pending event, return None.

        The caller then looks at the Droplet again before it tries once more: what it wanted may
        have been done meanwhile (another run powered the Droplet off, or took the snapshot).
        """
        return self._start(droplet_id, action_type, params, retry_when_busy=False)

    def _start(
        self, droplet_id: int, action_type: str, params: dict, retry_when_busy: bool
    ) -> dict | None:
        path = f"/droplets/{droplet_id}/actions"
        body = dict(params, type=action_type)
        unanswered_since = None
        resends = 0
        while True:
            sent_at = self.client.server_clock()
            try:
                action = self.client.post(path, body)["action"]
            except APIError as error:
                if error.uncertain and resends < UNCERTAIN_RESENDS:
                    unanswered_since = unanswered_since or sent_at
                elif not error.pending_event:
                    raise
                action = None
                if unanswered_since is not None:
                    action = self._find_started(droplet_id, action_type, unanswered_since)
                if action is None:
                    if error.pending_event:
                        self.wait_for_idle(droplet_id)
                        if not retry_when_busy:
                            return None
                    else:
                        resends += 1
                    continue
            self._track(action)
            return action

    def wait(self, action: dict, deadline: Deadline | None = None) -> dict:
        """Poll the Action until it leaves ``in-progress``; return it if it ``completed``.

        Raises :class:`ActionFailed` when it ``errored`` and :class:`ActionTimeout` at the deadline
        (the runner's, or a shorter one such as :meth:`grace` gives).
        """
        deadline = deadline or self.deadline
        action = self._poll(
            action,
            lambda: self.client.get(f"/actions/{action['id']}")["action"],
            lambda latest: latest.get("status") != IN_PROGRESS,
            deadline,
        )
        self._record(action)
        if action.get("status") == IN_PROGRESS:
            raise ActionTimeout(action, deadline.seconds)
        if action.get("status") == ERRORED:
            raise ActionFailed(action)
        return action

    def wait_for_idle(self, droplet_id: int) -> dict:
        """Wait out whatever Action runs on the Droplet; return the Droplet once it is unlocked.

        The running Action is someone else's: if it errors, that is not our failure.
        """
        began = self._clock()
        while True:
            droplet = self.droplet(droplet_id)
            if not droplet.get("locked"):
                return droplet
            if self.deadline.expired():
                raise ActionTimeout(
                    None, self.deadline.seconds, f"droplet {droplet_id} still locked"
                )
            running = self.in_progress(droplet_id)
            if running is None:  # locked, but its Action is not visible yet: look again soon
                self._pause(began, self.deadline)
                continue
            with contextlib.suppress(ActionFailed):
                self.wait(running)

    def wait_for_status(self, droplet_id: int, status: str, deadline: Deadline) -> dict:
        """Poll the Droplet until its ``status`` is ``status`` or ``deadline`` expires; return it.

        The caller looks at the returned Droplet's status: this never raises on a timeout.
        """
        return self._poll(
            self.droplet(droplet_id),
            lambda: self.droplet(droplet_id),
            lambda droplet: droplet.get("status") == status,
            deadline,
        )

    def grace(self, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now, but never past the runner's own."""
        return Deadline(min(seconds, self.deadline.remaining()), self._clock)

    def droplet(self, droplet_id: int) -> dict:
        """The Droplet as the API shows it now."""
        return self.client.get(f"/droplets/{droplet_id}")["droplet"]

    def recent(self, droplet_id: int, limit: int = 20) -> list:
        """The Droplet's newest Actions, newest first."""
        actions = self.client.paginate(f"/droplets/{droplet_id}/actions", "actions", limit=limit)
        return sorted(actions, key=lambda a: a.get("id", 0), reverse=True)

    def in_progress(self, droplet_id: int) -> dict | None:
        """The Action in progress on the Droplet, if any (it is among the newest)."""
        return next((a for a in self.recent(droplet_id) if a.get("status") == IN_PROGRESS), None)

    def _find_started(self, droplet_id: int, action_type: str, sent_at: float) -> dict | None:
        """The Action an unanswered POST started, if it did: same type, started since the POST."""
        for action in self.recent(droplet_id):
            if action.get("type") != action_type:
                continue
            started = parse_time(action.get("started_at"))
            if action.get("status") == IN_PROGRESS or (
                started is not None and started >= sent_at - CLOCK_SLACK
            ):
                return action
        return None

    def _poll(
        self,
        latest: dict,
        read: Callable[[], dict],
        done: Callable[[dict], bool],
        deadline: Deadline,
    ) -> dict:
        """Read again on the poll schedule until ``done(latest)`` or the deadline; return latest.

        The last read happens at the deadline. A transient API error (throttling, 5xx, no answer)
        is retried at the next poll, never taken as done.
        """
        began = self._clock()
        while not done(latest) and not deadline.expired():
            self._pause(began, deadline)
            try:
                latest = read()
            except APIError as error:
                if not error.retryable:
                    raise
        return latest

    def _pause(self, began: float, deadline: Deadline) -> None:
        """Sleep until the next poll of something first looked at ``began``, or the deadline."""
        waited = self._clock() - began
        self._sleep(min(self.schedule.interval(waited), deadline.remaining()))

    def _record(self, action: dict) -> None:
        """Keep ``started`` up to date with the latest state of each Action this runner began."""
        index = self._by_id.get(action.get("id"))
        if index is not None:
            self.started[index] = summarize(action)

    def _track(self, action: dict) -> None:
        self._by_id[action["id"]] = len(self.started)
        self.started.append(summarize(action))


OFF, ACTIVE = "off", "active"
POWERED_OFF_BY = ("shutdown", "power_off")


class PowerStateError(DigitalOceanError):
    """A power Action completed, but the Droplet did not reach the power state it was for."""

    def __init__(self, action: dict, droplet: dict):
        self.action = action
        super().__init__(
            f"{describe(action)} completed but the droplet is still {droplet.get('status')}"
        )

    def failure(self) -> dict:
        return {"type": "power_state", "message": str(self), "action": summarize(self.action)}


class PowerSwitch:
    """Power a Droplet off (gracefully first) or on, looking at it before every step.

    Each step reads the Droplet, waiting out any Action that runs on it, and acts only if the
    Droplet is not yet as wanted. So two runs on one Droplet never send the same power Action
    twice: the later POST is refused (a pending event, or "already off"), and the run looks again
    and finds the work done. ``started`` lists the Actions this switch started (also in the
    runner's ``started``).
    """

    def __init__(self, runner: ActionRunner):
        self.runner = runner
        self.started: list[dict] = []

    def power_off(self, droplet_id: int, shutdown_timeout: float) -> dict:
        """Shut the Droplet down, or force it off if it is not ``off`` within ``shutdown_timeout``.

        DigitalOcean's ``shutdown`` is best effort: its Action can complete while the guest keeps
        running. The Droplet counts as off only once its ``status`` says so. Returns the Droplet.
        """
        if shutdown_timeout > 0:
            droplet = self._shut_down(droplet_id, self.runner.grace(shutdown_timeout))
            if droplet.get("status") == OFF:
                return droplet
        return self._switch(droplet_id, "power_off", OFF)

    def power_on(self, droplet_id: int) -> dict:
        """Power the Droplet on unless it is already ``active``; return it."""
        return self._switch(droplet_id, "power_on", ACTIVE)

    def _shut_down(self, droplet_id: int, grace: Deadline) -> dict:
        droplet, action = self._start_unless(droplet_id, "shutdown", OFF, grace)
        if action is None:
            return droplet
        try:
            self.runner.wait(action, grace)
        except (ActionTimeout, ActionFailed):  # still shutting down, or it failed: force it off
            return droplet
        return self.runner.wait_for_status(droplet_id, OFF, grace)

    def _switch(self, droplet_id: int, action_type: str, wanted: str) -> dict:
        droplet, action = self._start_unless(droplet_id, action_type, wanted)
        if action is None:
            return droplet
        action = self.runner.wait(action)
        droplet = self.runner.droplet(droplet_id)
        if droplet.get("status") != wanted:
            raise PowerStateError(action, droplet)
        return droplet

    def _start_unless(
        self, droplet_id: int, action_type: str, wanted: str, grace: Deadline | None = None
    ) -> tuple[dict, dict | None]:
        """Start the Action unless the Droplet is ``wanted`` (or ``grace`` is over) when looked at.

        Returns the Droplet as last seen, and the Action started or None. The Droplet is looked at
        again after waiting out another Action, and once after a 422 such as "The droplet is
        already off": another run changed the power state between our look and our POST.
        """
        refused = False
        while True:
            droplet = self.runner.wait_for_idle(droplet_id)
            if droplet.get("status") == wanted or (grace is not None and grace.expired()):
                return droplet, None
            try:
                action = self.runner.try_start(droplet_id, action_type)
            except APIError as error:
                if error.status != 422 or error.pending_event or refused:
                    raise
                refused = True
                continue
            if action is not None:
                self.started.append(action)
                return droplet, action
