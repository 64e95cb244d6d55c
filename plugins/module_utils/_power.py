# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The power policy: a Droplet is powered off for some work and left as it was found.

:class:`PowerSwitch` sends the power Actions, looking at the Droplet before every step it
does not know the state of.
:class:`PowerCycle` is the policy around the work: it powers the Droplet off on entry, powers it
back on on exit (also when the work fails, best effort), says whether this run powered it off, and
turns a failure into one message that says what became of the power.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionFailed,
    ActionRunner,
    ActionTimeout,
    ActionType,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import DigitalOceanError
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    ACTIVE,
    OFF,
    POWER_OFF,
    POWER_ON,
    SHUTDOWN,
    DropletTarget,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._tags import (
    Together,
    delete_if_unused,
    tag_resource,
    untag_resource,
)

# Asked with a fresh look at the Droplet: whether to go on (power it off, say).
Ready = Callable[[dict], bool]
# Given the Droplet's newest Actions: whether an earlier run was interrupted between doing its
# work and powering the Droplet back on (see ``_snapshots.interrupted_snapshot``).
Interrupted = Callable[[list], bool]


def always(droplet: dict) -> bool:
    return True


class RunFailed(DigitalOceanError):
    """A failure during the work, with what became of the Droplet's power state."""

    def __init__(self, error: DigitalOceanError, note: str):
        self.error = error
        super().__init__(f"{error}; {note}")

    def failure(self) -> dict:
        return dict(self.error.failure(), message=str(self))


class PowerSwitch:
    """Power a Droplet off (gracefully first) or on, through :meth:`ActionRunner.ensure`.

    Each step looks at the Droplet, waiting out any Action that runs on it (unless it is ``known``
    as this run's own completed Action left it), and acts only if the Droplet is not yet as
    wanted. So two runs on one Droplet never send the same power Action twice: the later POST is
    refused (a pending event, or "already off"), and the run looks again and finds the work done.
    ``started`` lists the Actions this switch started (also in the runner's ``started``).
    """

    def __init__(self, runner: ActionRunner):
        self.runner = runner
        self.started: list[dict] = []

    def power_off(
        self,
        droplet: DropletTarget,
        shutdown_timeout: float,
        needed: Ready = always,
        ready: Ready = always,
    ) -> dict:
        """Shut the Droplet down, or force it off if it is not ``off`` within ``shutdown_timeout``
        of its ``shutdown`` Action (the graceful shutdown is always tried first, unless
        ``shutdown_timeout`` is 0).

        DigitalOcean's ``shutdown`` is best effort: its Action can complete while the guest keeps
        running. The Droplet counts as off only once its ``status`` says so. With each look right
        before a power-off POST, ``needed(droplet)`` is asked first (when it is false, nothing is
        started, and the Droplet is returned as it is), then ``ready(droplet)``. Returns the
        Droplet as last seen.
        """

        def done(seen: dict) -> bool:
            return seen.get("status") == OFF or not needed(seen)

        if shutdown_timeout > 0:
            step = self._step(droplet, SHUTDOWN, done, ready)
            if step.action is None:  # off, or no longer needed
                return step.resource
            # The grace period counts from the shutdown Action, whatever the reads before it took.
            grace = self.runner.grace(shutdown_timeout)
            try:
                self.runner.wait(step.action, grace)
            except (ActionTimeout, ActionFailed):  # still shutting down, or it failed
                pass
            else:
                off = self.runner.wait_until(droplet, lambda d: d.get("status") == OFF, grace)
                if off.get("status") == OFF:
                    return off
        return self._switch(droplet, POWER_OFF, done, ready)

    def power_on(self, droplet: DropletTarget, known: dict | None = None) -> dict:
        """Power the Droplet on unless it is already ``active``; return it. ``known``: the
        Droplet as this run's own completed Action left it (see :meth:`ActionRunner.ensure`)."""
        return self._switch(droplet, POWER_ON, known=known)

    def restart(self, droplet: DropletTarget, kind: ActionType) -> dict:
        """Reboot or power-cycle the Droplet (``kind``: it always acts), and wait until it is
        ``active`` again; return it."""
        return self._switch(droplet, kind)

    def _switch(
        self,
        droplet: DropletTarget,
        kind: ActionType,
        done: Ready | None = None,
        ready: Ready = always,
        known: dict | None = None,
    ) -> dict:
        """Start ``kind`` unless its goal is reached, and wait for it; the Droplet after it is
        what the look before its POST showed, with what the completed Action leaves (a new look
        for a type whose completion does not say)."""
        step = self._step(droplet, kind, done, ready, known)
        if step.action is None:
            return step.resource
        self.runner.wait(step.action)
        after = kind.after(step.resource)
        return after if after is not None else self.runner.look(droplet)

    def _step(self, droplet, kind, done, ready, known=None):
        step = self.runner.ensure(droplet, kind, reached=done, ready=ready, known=known)
        if step.action is not None:
            self.started.append(step.action)
        return step


@dataclass
class PowerCycle:
    """Power a Droplet off for some work and back on after it, as a context manager::

        with PowerCycle(runner, target, droplet, SNAPSHOT, power_off=True, shutdown_timeout=120,
                        restore=True) as cycle:
            runner.ensure(target, SNAPSHOT, ...)  # the work: any Action

    ``droplet`` is the Droplet of ``target`` as last seen, and the cycle keeps it so
    (:attr:`droplet`, updated with every look the cycle takes). On entry the Droplet is powered
    off (unless ``power_off`` is false or it is off already). On exit it is powered back on when
    this run powered it off and ``restore`` is true; when the work failed, that is tried first and
    the error is raised again as :class:`RunFailed`, which says what became of the power. When the
    ``work`` Action timed out, or ``wait`` is false, the Droplet stays off: the work still runs,
    and a later run powers it back on.

    With a ``tag`` (see ``_tags.py``) and ``restore``, the intent outlives this run: the Droplet
    carries the tag from before it is powered off until it is on again. A run that is to restore
    the power and finds the Droplet off and tagged takes over that earlier run's cycle: it powers
    the Droplet on after its own work, or at once when there is none. A tag is only removed by the
    run that powers the Droplet on, or from a Droplet found on and idle (left by a run that could
    not remove it). ``together`` batches the tagging with other runs' (the fleet layer's).
    ``needed(droplet)`` is asked with the look right before each power-off: when it is false
    (another run did the work meanwhile, say), the Droplet is left as it is, and the caller looks
    again.
    """

    runner: ActionRunner
    target: DropletTarget
    droplet: dict
    work: ActionType
    power_off: bool
    shutdown_timeout: float
    restore: bool
    wait: bool = True
    tag: str | None = None
    together: Together = None
    needed: Ready = always

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
                note = f"the {self.work.name} Action went through but {self.power_state()}"
                raise RunFailed(failure, self._left_tagged(note)) from failure
        return False

    def power_off_now(self) -> None:
        """Power the Droplet off, tagged first (to be restored); also when it was found on again
        right before the work (another run powered it on meanwhile). Nothing happens when the look
        right before says the work is not ``needed``."""
        self.update(
            self.switch.power_off(self.target, self.shutdown_timeout, self.needed, self._ready)
        )

    def ready_for_work(self, droplet: dict) -> bool:
        """Right before the work's POST, with a fresh look at the Droplet: whether it is as the
        work needs it. A Droplet that is to be off but is on again (another run powered it on
        meanwhile) is powered off again first, and the caller looks again. A tag that another run
        removed while this one powered the Droplet off (it saw the Droplet on) is written again."""
        self.update(droplet)
        if self.power_off and droplet.get("status") != OFF:
            self.power_off_now()
            return False
        if self.marked and not self._carries_tag(droplet):
            self._mark()
        return True

    def _ready(self, droplet: dict) -> bool:
        """Right before a power-off POST: the tag first, when the power is to be restored."""
        if self.restore:
            self._mark()
        return True

    def resume(self, check_mode: bool, interrupted: Interrupted | None = None) -> str | None:
        """Finish what an earlier run left: power the Droplet on when that run left it off (it is
        tagged, or ``interrupted`` finds its trail in the Droplet's newest Actions), or remove a
        tag left on a Droplet that is on and idle.

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
            if not self.power_off or interrupted is None:
                return None
            if not interrupted(self.target.recent()):
                return None
        if not check_mode:
            try:
                self.update(self.switch.power_on(self.target))
            except DigitalOceanError as error:
                raise RunFailed(error, self._left_tagged(self.power_state())) from error
            self._unmark()
        return ACTIVE

    def power_state(self) -> str:
        """``the droplet is off`` (read now, when possible)."""
        try:
            self.update(self.target.read())
        except DigitalOceanError:
            return f"the droplet was last seen {self.droplet.get('status')}"
        return f"the droplet is {self.droplet.get('status')}"

    def _restore(self, still_working: bool = False) -> None:
        """After the work: power the Droplet on and untag it, unless the work still runs (then the
        tag stays, for the run that powers it on)."""
        if not (self.powered_off and self.restore) or still_working:
            return
        # The work's completed Action held the Droplet since the look before its POST.
        self.update(self.switch.power_on(self.target, known=self.work.after(self.droplet)))
        self._unmark()

    def _carries_tag(self, droplet: dict) -> bool:
        wanted = (self.tag or "").lower()
        return bool(wanted) and any(t.lower() == wanted for t in droplet.get("tags") or [])

    def _mark(self) -> None:
        """Tag the Droplet before powering it off, so that whoever finds it off knows why. Sent
        even when the Droplet was seen tagged: that look may be older than another run's untag."""
        if self.tag:
            self.tag_name = tag_resource(
                self.target.client, self.tag_name, self.target.id, together=self.together
            )
            self.tagged = self.marked = True

    def _unmark(self) -> None:
        if self.tagged:
            untag_resource(
                self.target.client, self.tag_name, self.target.id, together=self.together
            )
            self.tagged = self.marked = False

    def _left_tagged(self, note: str) -> str:
        """``note``, and what the tag still on an off Droplet means."""
        if self.marked_off:
            note += f"; it is tagged {self.tag_name}, and the next run powers it back on"
        return note

    def _failed(self, error: DigitalOceanError) -> RunFailed:
        """The error, with the power state restored first (best effort) and said in the message."""
        action = error.action if isinstance(error, ActionTimeout) else None
        if action and action.get("type") == self.work.name and self.powered_off:
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
                written = self.marked
                self._unmark()
                if written and not self.switch.started:  # tagged for a power-off never started
                    delete_if_unused(self.target.client, self.tag_name)
        return self._left_tagged(note)

    def update(self, droplet: dict) -> None:
        """A newer look at the Droplet; an earlier run's tag counts as long as it shows."""
        self.droplet = droplet
        if not self.marked:
            self.tagged = self._carries_tag(droplet)
