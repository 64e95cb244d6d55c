# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starting DigitalOcean Actions and waiting for them: the one waiter every module uses.

Every event on a resource (a Droplet's power off or snapshot, an image's transfer, ...) returns
an Action that stays ``in-progress`` until it is ``completed`` or ``errored``. Actions cannot be
queued: while one runs, the resource is busy (a Droplet is ``locked``) and the API refuses another
with a 422 "pending event". :meth:`ActionRunner.ensure` is the one place that starts Actions: it
looks at an :class:`ActionTarget` (waiting out whatever already runs), starts the Action exactly
once unless its goal is reached, and :meth:`ActionRunner.wait` polls it on an adaptive schedule,
turning ``errored`` and timeouts into typed errors that carry the last Action object. The resource
modules (``_droplets.py``, ``_images.py``) provide the targets and their tables of
:class:`ActionType`. What concurrent runs share while they wait comes in as ``shared`` (the fleet
layer's views); this module knows nothing of it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Protocol

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    DigitalOceanError,
)

IN_PROGRESS, COMPLETED, ERRORED = "in-progress", "completed", "errored"
STATUSES = (IN_PROGRESS, COMPLETED, ERRORED)
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


def checked_action(action: Any, method: str, path: str) -> dict:
    """``action``, from the API's answer to ``method path``, if it is an Action; else an
    :class:`APIError` that says what it lacks (an Action without a status is never taken as done).
    """
    if not isinstance(action, dict):
        problem = "no Action"
    else:
        lacking = [
            key
            for key in ("id", "status", "type")
            if action.get(key) in (None, "") or (key == "status" and action[key] not in STATUSES)
        ]
        if not lacking:
            return action
        problem = f"an Action without a valid {', '.join(lacking)}"
    raise APIError(method, path, None, None, f"the answer holds {problem}", transient=False)


def get_action(client: Client, action_id: int, droplet_id: int | None = None) -> dict:
    """One Action by id (through its Droplet's path when ``droplet_id`` is given)."""
    path = f"/actions/{action_id}"
    if droplet_id is not None:
        path = f"/droplets/{droplet_id}{path}"
    return checked_action(client.get(path).get("action"), "GET", path)


def list_actions(client: Client, limit: int | None = None) -> Iterator[dict]:
    """The account's Actions, newest first, at most ``limit`` of them."""
    return client.paginate("/actions", "actions", limit=limit)


class ActionFailed(DigitalOceanError):
    """An Action ended ``errored``."""

    def __init__(self, action: dict):
        self.action = action
        super().__init__(f"{describe(action)} errored")

    def failure(self) -> dict:
        return {"type": "action_errored", "message": str(self), "action": summarize(self.action)}


class ActionTimeout(DigitalOceanError):
    """The wait ran out while an Action (or a lock held by one) was still in progress.

    ``resumable`` is true when the Action was started (or waited out) on the way to a goal that a
    re-run reaches without starting it again; the message then says so.
    """

    def __init__(
        self, action: dict | None, waited: float, what: str | None = None, resumable: bool = False
    ):
        self.action = action
        what = what or f"{describe(action or {})} still in-progress"
        message = f"{what} after {waited:.0f} s (wait_timeout); it goes on at DigitalOcean"
        if resumable:
            message += ": a re-run waits for it instead of starting it again"
        super().__init__(message)

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

    def remaining_past(self, grace: float) -> float:
        """Seconds until ``grace`` seconds after the deadline (negative once that is over)."""
        return self._end + grace - self._clock()

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

    floor: float = 2.0
    ratio: float = 0.1
    cap: float = 15.0
    fixed: float | None = None

    def interval(self, waited: float) -> float:
        if self.fixed is not None:
            return self.fixed
        return min(self.cap, max(self.floor, self.ratio * waited))


@dataclass(frozen=True)
class ActionType:
    """One type of Action, as godo names them: the POST's ``type``, the parameters it takes,
    whether DigitalOcean needs the resource powered off for it, how the resource shows that
    its goal is reached already: ``done(resource, params)``, reading ``fields`` of the resource
    (None: an Action that always acts, such as a reboot), and what a completed Action of this type
    leaves for sure: ``leaves``, the fields it sets (None: only a look tells, as after a shutdown,
    which DigitalOcean completes whether or not the guest stopped)."""

    name: str
    params: tuple = ()
    needs_off: bool = False
    done: Callable[[dict, dict], bool] | None = None
    fields: tuple = ()
    leaves: dict | None = field(default=None, hash=False)

    def after(self, resource: dict) -> dict | None:
        """The resource once an Action of this type on it completed, from a look taken right
        before the Action's POST (None when only a new look tells)."""
        return None if self.leaves is None else {**resource, **self.leaves}

    def body(self, params: dict) -> dict:
        """The POST body for these parameters (those that are None left out)."""
        unknown = set(params) - set(self.params)
        if unknown:
            raise ValueError(f"a {self.name} Action takes no {', '.join(sorted(unknown))}")
        return dict({k: v for k, v in params.items() if v is not None}, type=self.name)

    def reached(self, params: dict) -> Callable[[dict], bool]:
        """Whether a resource shows the goal of this Action with ``params`` reached."""
        done = self.done
        if done is None:
            return lambda resource: False
        return lambda resource: done(resource, params)


@dataclass
class Step:
    """What :meth:`ActionRunner.ensure` did: the resource as last looked at, and the Action it
    started (None when the goal was reached without one)."""

    resource: dict
    action: dict | None = None


class Shared(Protocol):
    """What concurrent runs share while they wait (the fleet layer's views), as the runner uses
    it: ``current`` is the item as it is now, ``next`` the item in the next view, waiting up to
    ``interval`` for it; None when no shared view shows it (the runner then reads it)."""

    def now(self) -> float:
        """The shared clock."""

    def current(self, view: str, item_id: int, fields: tuple = ()) -> dict | None:
        """The item as it is now, if a shared view shows it with ``fields``."""

    def next(self, view: str, item_id: int, interval: float, not_before: float) -> dict | None:
        """The item in the next view taken after ``not_before``, within ``interval``."""


class ActionTarget:
    """A resource that Actions run on: where they are posted and how to tell it is busy.

    ``kind`` is the Actions' ``resource_type``; the resource lives at ``/<kind>s/<id>`` and the API
    answers with it under the key ``kind``. :meth:`busy` is true while an Action runs on it.
    """

    kind = "resource"
    # The shared view that shows the resource, if one does.
    view: str | None = None

    def __init__(self, client: Client, resource_id: int):
        self.client = client
        self.id = resource_id

    @property
    def path(self) -> str:
        return f"/{self.kind}s/{self.id}"

    @property
    def actions_path(self) -> str:
        return f"{self.path}/actions"

    def read(self) -> dict:
        """The resource as the API shows it now."""
        return self.client.get(self.path, key=self.kind)

    def busy(self, resource: dict) -> bool:
        """Whether an Action runs on the resource. Here its newest Actions are read (a resource
        without a flag that shows it); a target whose ``resource`` shows it says so instead."""
        return self.in_progress() is not None

    def actions(self, limit: int | None = None) -> Iterator[dict]:
        """The resource's Actions as the API lists them, at most ``limit``."""
        return self.client.paginate(self.actions_path, "actions", limit=limit)

    def recent(self, limit: int = 20) -> list:
        """The resource's newest Actions, newest first."""
        return sorted(self.actions(limit), key=lambda a: a.get("id", 0), reverse=True)

    def in_progress(self) -> dict | None:
        """The Action in progress on the resource, if any (it is among the newest)."""
        return next((a for a in self.recent() if a.get("status") == IN_PROGRESS), None)

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class ActionRunner:
    """Start Actions on targets and wait for them, all within one ``deadline``.

    ``started`` lists every Action this runner started, each in its latest known state, for the
    module result. With ``shared`` views (:class:`Shared`), looks and polls read what concurrent
    runs read; without, each is a request of this run's own.
    """

    def __init__(
        self,
        client: Client,
        deadline: Deadline,
        schedule: PollSchedule | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        shared: Shared | None = None,
        started: list | None = None,
    ):
        self.client = client
        self.deadline = deadline
        self.schedule = schedule or PollSchedule()
        self.shared = shared
        self.started: list[dict] = started if started is not None else []
        self._sleep = sleep
        self._clock = clock
        self._by_id: dict[int, int] = {}
        self._waited_out: set[int] = set()

    def ensure(
        self,
        target: ActionTarget,
        kind: ActionType,
        reached: Callable[[dict], bool] | None = None,
        ready: Callable[[dict], bool] | None = None,
        known: dict | None = None,
        **params,
    ) -> Step:
        """Start the ``kind`` Action with ``params`` exactly once, unless its goal is reached.

        Looks at the target, waiting out any Action that runs on it; returns without starting
        anything when ``reached(resource)`` (by default, what ``kind`` says is done). Else
        ``ready(resource)`` is asked right before the POST: when it is false (it may have acted
        itself, such as powering the Droplet off), the target is looked at again. The POST is
        never re-sent blindly: one that may have reached the API without an answer is found
        among the target's recent Actions. After a pending event (another Action runs) the target
        is looked at again once that Action is over; so is it once after any other 422 (another
        run may have reached the goal between the look and the POST), which is raised when the
        goal is still not reached.

        ``known`` is the resource as the caller's own completed Action left it, when no look is
        needed to act on it: the first POST goes without one, unless ``known`` shows the goal
        reached (that is only believed from a look). The API refuses an Action whose goal is
        reached, and after that 422 the target is looked at.
        """
        reached = reached or kind.reached(params)
        body = kind.body(params)
        refused: APIError | None = None
        while True:
            if known is not None and not reached(known):
                resource, known = known, None
            else:
                resource = self.wait_for_idle(target, kind.fields)
            if reached(resource):
                return Step(resource)
            if refused is not None:
                raise refused
            if ready is not None and not ready(resource):
                continue
            try:
                action = self._start(target, body)
            except APIError as error:
                if error.status != 422 or error.pending_event:
                    raise
                refused = error
                continue
            if action is not None:
                return Step(resource, action)

    def _start(self, target: ActionTarget, body: dict) -> dict | None:
        """POST the Action once; None after waiting out another Action's pending event.

        A POST that may have reached the API without an answer is not blindly re-sent: the
        target's recent Actions tell whether it started (also when a later POST finds the target
        busy: the Action keeping it busy may be the one the unanswered POST started).
        """
        unanswered_since = None
        resends = 0
        while True:
            sent_at = self.client.server_clock()
            try:  # the one request in this collection that starts an Action
                answer = self.client.post(target.actions_path, body)
                action = checked_action(answer.get("action"), "POST", target.actions_path)
            except APIError as error:
                error.label(body["type"])
                if error.uncertain:
                    unanswered_since = unanswered_since or sent_at
                elif not error.pending_event:
                    raise
                action = None
                if unanswered_since is not None:  # every lost reply is looked for, the last too
                    action = self._find_started(target, body["type"], unanswered_since)
                if action is None:
                    if error.pending_event:
                        self.wait_for_idle(target)
                        return None
                    if resends >= UNCERTAIN_RESENDS:
                        raise
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
        since = self.shared.now() if self.shared is not None else 0.0
        action = self._poll(
            action,
            lambda interval: self._next_look(
                "actions",
                action["id"],
                interval,
                since,
                lambda: get_action(self.client, action["id"]),
            ),
            lambda latest: latest.get("status") != IN_PROGRESS,
            deadline,
        )
        self._record(action)
        if action.get("status") == IN_PROGRESS:
            resumable = action["id"] in self._by_id or action["id"] in self._waited_out
            raise ActionTimeout(action, deadline.seconds, resumable=resumable)
        if action.get("status") == ERRORED:
            raise ActionFailed(action)
        return action

    def wait_for_idle(self, target: ActionTarget, fields: tuple = ()) -> dict:
        """Wait out whatever Action runs on the target; return the resource once it is idle
        (with ``fields``, see :meth:`look`).

        The running Action is someone else's: if it errors, that is not our failure.
        """
        began = self._clock()
        while True:
            resource = self.look(target, fields)
            if not target.busy(resource):
                return resource
            if self.deadline.expired():
                raise ActionTimeout(
                    None, self.deadline.seconds, f"{target} still locked", resumable=True
                )
            running = target.in_progress()
            if running is None:  # busy, but its Action is not visible yet: look again soon
                self._pause(began, self.deadline)
                continue
            self._waited_out.add(running["id"])
            with contextlib.suppress(ActionFailed):
                self.wait(running)

    def wait_until(
        self, target: ActionTarget, done: Callable[[dict], bool], deadline: Deadline
    ) -> dict:
        """Poll the resource until ``done(resource)`` or ``deadline`` expires; return it.

        The caller looks at the returned resource: this never raises on a timeout.
        """
        since = self.shared.now() if self.shared is not None else 0.0
        return self._poll(
            self.look(target),
            lambda interval: self._next_look(target.view, target.id, interval, since, target.read),
            done,
            deadline,
        )

    def look(self, target: ActionTarget, fields: tuple = ()) -> dict:
        """The resource as it is now, with at least ``fields`` (beyond those a shared view keeps).

        A shared view serves when it shows the resource as it is now (see :class:`Shared`);
        otherwise the resource is read.
        """
        if self.shared is not None and target.view:
            current = self.shared.current(target.view, target.id, fields)
            if current is not None:
                return current
        return target.read()

    def grace(self, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now, but never past the runner's own."""
        return Deadline(min(seconds, self.deadline.remaining()), self._clock)

    def _find_started(self, target: ActionTarget, action_type: str, sent_at: float) -> dict | None:
        """The Action an unanswered POST started, if it did: same type, started since the POST."""
        for action in target.recent():
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
        read: Callable[[float], dict],
        done: Callable[[dict], bool],
        deadline: Deadline,
    ) -> dict:
        """Read again on the poll schedule until ``done(latest)`` or the deadline; return latest.

        ``read(interval)`` returns the next look, at most ``interval`` seconds away. The last read
        happens at the deadline. A transient API error (throttling, 5xx, no answer) is retried at
        the next poll, never taken as done.
        """
        began = self._clock()
        while not done(latest) and not deadline.expired():
            interval = min(self.schedule.interval(self._clock() - began), deadline.remaining())
            try:
                latest = read(interval)
            except APIError as error:
                if not error.retryable:
                    raise
        return latest

    def _next_look(
        self,
        view: str | None,
        item_id: int,
        interval: float,
        since: float,
        read: Callable[[], dict],
    ) -> dict:
        """The item at most ``interval`` from now: from the first shared view taken after
        ``since`` and after this run's last look, or else ``read()`` after ``interval``."""
        if self.shared is not None and view:
            shown = self.shared.next(view, item_id, interval, since)
            if shown is not None:
                return shown
        else:
            self._sleep(interval)
        return read()

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
