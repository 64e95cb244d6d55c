# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The power policy: a Droplet is powered off for some work and left as it was found.

:class:`PowerSwitch` sends the power Actions, looking at the Droplet before every step.
:class:`PowerCycle` is the policy around the work: it powers the Droplet off on entry, powers it
back on on exit (also when the work fails, best effort), says whether this run powered it off, and
turns a failure into one message that says what became of the power.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    CLOCK_SLACK,
    ActionFailed,
    ActionRunner,
    ActionTimeout,
    Deadline,
    describe,
    parse_time,
    summarize,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    DigitalOceanError,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    ACTIVE,
    OFF,
    DropletTarget,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._tags import (
    tag_resource,
    untag_resource,
)

POWERED_OFF_BY = ("shutdown", "power_off")
# Called with a fresh look at the Droplet right before a power Action: whether to go on.
Ready = Callable[[dict], bool]


def always(droplet: dict) -> bool:
    return True


# A power-off this close (by the server's clock) before the work's Action was made for it.
RESUME_WINDOW = 60.0


class PowerStateError(DigitalOceanError):
    """A power Action completed, but the Droplet did not reach the power state it was for."""

    def __init__(self, action: dict, droplet: dict):
        self.action = action
        super().__init__(
            f"{describe(action)} completed but the droplet is still {droplet.get('status')}"
        )

    def failure(self) -> dict:
        return {"type": "power_state", "message": str(self), "action": summarize(self.action)}


class RunFailed(DigitalOceanError):
    """A failure during the work, with what became of the Droplet's power state."""

    def __init__(self, error: DigitalOceanError, note: str):
        self.error = error
        super().__init__(f"{error}; {note}")

    def failure(self) -> dict:
        return dict(self.error.failure(), message=str(self))


class _NotReady(Exception):
    """A power Action that ``ready`` declined, with the Droplet as last seen."""

    def __init__(self, droplet: dict):
        super().__init__()
        self.droplet = droplet


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

    def power_off(
        self, droplet: DropletTarget, shutdown_timeout: float, ready: Ready = always
    ) -> dict:
        """Shut the Droplet down, or force it off if it is not ``off`` within ``shutdown_timeout``.

        DigitalOcean's ``shutdown`` is best effort: its Action can complete while the guest keeps
        running. The Droplet counts as off only once its ``status`` says so. ``ready(droplet)`` is
        called with the look right before each power-off POST; when it returns false, nothing is
        started. Returns the Droplet.
        """
        try:
            if shutdown_timeout > 0:
                seen = self._shut_down(droplet, self.runner.grace(shutdown_timeout), ready)
                if seen.get("status") == OFF:
                    return seen
            return self._switch(droplet, "power_off", OFF, ready)
        except _NotReady as declined:
            return declined.droplet

    def power_on(self, droplet: DropletTarget) -> dict:
        """Power the Droplet on unless it is already ``active``; return it."""
        return self._switch(droplet, "power_on", ACTIVE)

    def _shut_down(self, droplet: DropletTarget, grace: Deadline, ready: Ready) -> dict:
        seen, action = self._start_unless(droplet, "shutdown", OFF, ready, grace)
        if action is None:
            return seen
        try:
            self.runner.wait(action, grace)
        except (ActionTimeout, ActionFailed):  # still shutting down, or it failed: force it off
            return seen
        return self.runner.wait_until(droplet, lambda d: d.get("status") == OFF, grace)

    def _switch(
        self, droplet: DropletTarget, action_type: str, wanted: str, ready: Ready = always
    ) -> dict:
        seen, action = self._start_unless(droplet, action_type, wanted, ready)
        if action is None:
            return seen
        action = self.runner.wait(action)
        seen = self.runner.look(droplet)
        if seen.get("status") != wanted:
            raise PowerStateError(action, seen)
        return seen

    def _start_unless(
        self,
        droplet: DropletTarget,
        action_type: str,
        wanted: str,
        ready: Ready,
        grace: Deadline | None = None,
    ) -> tuple[dict, dict | None]:
        """Start the Action unless the Droplet is ``wanted`` (or ``grace`` is over) when looked at;
        raise :class:`_NotReady` when ``ready`` declines it.

        Returns the Droplet as last seen, and the Action started or None. The Droplet is looked at
        again after waiting out another Action, and once after a 422 such as "The droplet is
        already off": another run changed the power state between our look and our POST.
        """
        refused = False
        while True:
            seen = self.runner.wait_for_idle(droplet)
            if seen.get("status") == wanted or (grace is not None and grace.expired()):
                return seen, None
            if not ready(seen):
                raise _NotReady(seen)
            try:
                action = self.runner.try_start(droplet, action_type)
            except APIError as error:
                if error.status != 422 or error.pending_event or refused:
                    raise
                refused = True
                continue
            if action is not None:
                self.started.append(action)
                return seen, action


@dataclass
class PowerCycle:
    """Power a Droplet off for ``work`` and back on after it, as a context manager::

        with PowerCycle(
            runner, target, droplet, power_off=True, shutdown_timeout=120, restore=True
        ):
            ...  # the snapshot

    On entry the Droplet is powered off (unless ``power_off`` is false or it is off already). On
    exit it is powered back on when this run powered it off and ``restore`` is true; when the work
    failed, that is tried first and the error is raised again as :class:`RunFailed`, which says
    what became of the power. When the work's own Action timed out, or ``wait`` is false, the
    Droplet stays off: the work still runs, and a later run powers it back on.

    With a ``tag`` (see ``_tags.py``) and ``restore``, the intent outlives this run: the Droplet
    carries the tag from before it is powered off until it is on again. A run that is to restore
    the power and finds the Droplet off and tagged takes over that earlier run's cycle: it powers
    the Droplet on after its own work, or at once when there is none. A tag is only removed by the
    run that powers the Droplet on, or from a Droplet found on and idle (left by a run that could
    not remove it).
    ``droplet`` is the Droplet of ``target`` as last seen; ``seen(droplet)`` is called with every
    new look at it. ``needed(droplet)`` is asked with the look right before each power-off: when
    it is false (another run did the work meanwhile, say), the Droplet is left as it is, and the
    caller looks again.
    """

    runner: ActionRunner
    target: DropletTarget
    droplet: dict
    power_off: bool
    shutdown_timeout: float
    restore: bool
    wait: bool = True
    tag: str | None = None
    work: str = "snapshot"
    seen: Callable[[dict], None] = lambda droplet: None
    needed: Callable[[dict], bool] = always

    def __post_init__(self):
        self.switch = PowerSwitch(self.runner)
        # The tag's name as the account spells it (tag names are kept as first written).
        self.tag_name = self.tag
        self.tagged = self._carries_tag(self.droplet)
        # Whether this run tagged it: until it removes the tag, a look that predates that (a
        # shared view) does not say otherwise.
        self.marked = False
        # Off and tagged: an earlier run powered it off and did not get to power it on.
        self.inherited = self.marked_off

    @property
    def powered_off(self) -> bool:
        """Whether this run (or the earlier run it took over from) powered the Droplet off."""
        return bool(self.switch.started) or self.inherited

    @property
    def marked_off(self) -> bool:
        """Whether the Droplet is off and carries the tag, for the next run to power it on."""
        return self.tagged and self.restore and self.droplet.get("status") == OFF

    @property
    def stale_tag(self) -> bool:
        """Whether the Droplet carries the tag while on and idle: no run needs it any more."""
        return (
            self.tagged and self.droplet.get("status") == ACTIVE and not self.droplet.get("locked")
        )

    def predicted_status(self) -> str:
        """The Droplet's status after the cycle, for check mode."""
        status = self.droplet.get("status")
        if (self.power_off and status != OFF) or self.inherited:
            return ACTIVE if self.restore and self.wait else OFF
        return status

    def __enter__(self) -> PowerCycle:
        if self.power_off and self.droplet.get("status") != OFF:
            try:
                self.power_off_now()
            except DigitalOceanError as error:
                raise self._failed(error) from error
        return self

    def __exit__(self, exc_type, error, traceback) -> bool:
        if isinstance(error, DigitalOceanError):
            raise self._failed(error) from error
        if error is None:
            try:
                self._restore(still_working=not self.wait)
            except DigitalOceanError as failure:
                note = f"the {self.work} was taken but {self.power_state()}"
                raise RunFailed(failure, self._left_tagged(note)) from failure
        return False

    def power_off_now(self) -> None:
        """Power the Droplet off, tagged first (to be restored); also when it was found on again
        right before the work (another run powered it on meanwhile). Nothing happens when the look
        right before says the work is not ``needed``. Once it is off, a tag that another run
        removed meanwhile (it saw the Droplet on) is written again."""
        self._see(self.switch.power_off(self.target, self.shutdown_timeout, self._ready))
        off = self.droplet.get("status") == OFF
        if off and self.marked and not self._carries_tag(self.droplet):
            self._mark()

    def _ready(self, droplet: dict) -> bool:
        """Right before a power-off POST: whether the work still needs it; if so, the tag first."""
        if not self.needed(droplet):
            return False
        if self.restore:
            self._mark()
        return True

    def resume(self, made_at: str | None, check_mode: bool) -> str | None:
        """Finish what an earlier run left: power the Droplet on when that run left it off (it is
        tagged, or it did the work at ``made_at`` and its trail shows it), or remove a tag left
        on a Droplet that is on and idle.

        Returns the Droplet's status after that (in check mode, as it would be), or None when
        there was nothing to finish.
        """
        status = self.droplet.get("status")
        if self.stale_tag:
            if not check_mode:
                self._unmark()
            return ACTIVE
        if not (self.restore and status == OFF):
            return None
        if not self.inherited:
            if not self.power_off:
                return None
            if powered_off_for(made_at, self.target.recent(), self.work) is None:
                return None
        if not check_mode:
            try:
                self._see(self.switch.power_on(self.target))
            except DigitalOceanError as error:
                raise RunFailed(error, self._left_tagged(self.power_state())) from error
            self._unmark()
        return ACTIVE

    def power_state(self) -> str:
        """``the droplet is off`` (read now, when possible)."""
        try:
            self._see(self.target.read())
        except DigitalOceanError:
            return f"the droplet was last seen {self.droplet.get('status')}"
        return f"the droplet is {self.droplet.get('status')}"

    def _restore(self, still_working: bool = False) -> None:
        """After the work: power the Droplet on and untag it, unless the work still runs (then the
        tag stays, for the run that powers it on)."""
        if not (self.powered_off and self.restore) or still_working:
            return
        self._see(self.switch.power_on(self.target))
        self._unmark()

    def _carries_tag(self, droplet: dict) -> bool:
        wanted = (self.tag or "").lower()
        return bool(wanted) and any(t.lower() == wanted for t in droplet.get("tags") or [])

    def _mark(self) -> None:
        """Tag the Droplet before powering it off, so that whoever finds it off knows why. Sent
        even when the Droplet was seen tagged: that look may be older than another run's untag."""
        if self.tag:
            self.tag_name = tag_resource(self.target.client, self.tag_name, self.target.id)
            self.tagged = self.marked = True

    def _unmark(self) -> None:
        if self.tagged:
            untag_resource(self.target.client, self.tag_name, self.target.id)
            self.tagged = self.marked = False

    def _left_tagged(self, note: str) -> str:
        """``note``, and what the tag still on an off Droplet means."""
        if self.marked_off:
            note += f"; it is tagged {self.tag_name}, and the next run powers it back on"
        return note

    def _failed(self, error: DigitalOceanError) -> RunFailed:
        """The error, with the power state restored first (best effort) and said in the message."""
        action = error.action if isinstance(error, ActionTimeout) else None
        if action and action.get("type") == self.work and self.powered_off:
            return RunFailed(
                error, "the droplet stays off until then, and that re-run powers it back on"
            )
        if not (self.powered_off and self.restore):
            return RunFailed(error, self._settled(self.power_state()))
        before = len(self.runner.started)
        try:
            self._restore()
        except DigitalOceanError as failure:
            note = f"powering the droplet back on failed ({failure}); {self.power_state()}"
            return RunFailed(error, self._left_tagged(note))
        started = self.runner.started[before:]
        if started:
            return RunFailed(error, f"the droplet was powered back on (action {started[-1]['id']})")
        return RunFailed(error, self._left_tagged(self.power_state()))

    def _settled(self, note: str) -> str:
        """After a failure that leaves the power as it is (``note`` read it): a tag of this run
        goes when the Droplet is on and idle (best effort); on an off Droplet it stays."""
        if self.stale_tag:
            with contextlib.suppress(DigitalOceanError):
                self._unmark()
        return self._left_tagged(note)

    def _see(self, droplet: dict) -> None:
        """The Droplet as seen now; an earlier run's tag counts as long as it shows."""
        self.droplet = droplet
        if not self.marked:
            self.tagged = self._carries_tag(droplet)
        self.seen(droplet)


def powered_off_for(made_at: str | None, actions: list, work: str = "snapshot") -> dict | None:
    """The power-off Action an unfinished run did ``work`` after, if that is what happened.

    ``actions`` are the Droplet's newest Actions; ``made_at`` is when the work's result (the
    snapshot) was created (an API timestamp). The trail of such a run is: the newest Action is the
    completed ``work`` Action, which ran when the result was made, and the one before it is a
    completed ``shutdown`` or ``power_off`` that ended at most :data:`RESUME_WINDOW` seconds before
    the work began.
    Anything since (a ``power_on``, say) means someone else has taken over the Droplet.
    """
    ordered = sorted(actions, key=lambda a: a.get("id") or 0, reverse=True)
    if len(ordered) < 2:
        return None
    taken, before = ordered[0], ordered[1]
    if taken.get("type") != work or taken.get("status") != "completed":
        return None
    if before.get("type") not in POWERED_OFF_BY or before.get("status") != "completed":
        return None
    started, ended = parse_time(taken.get("started_at")), parse_time(taken.get("completed_at"))
    created, powered_off = parse_time(made_at), parse_time(before.get("completed_at"))
    if None in (started, ended, created, powered_off):
        return None
    if not started - CLOCK_SLACK <= created <= ended + CLOCK_SLACK:
        return None
    if started - powered_off > RESUME_WINDOW:
        return None
    return before
