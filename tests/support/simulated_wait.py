"""``ActionRunner.wait`` on a simulated clock: exactly when it polls an Action of a given duration.

The unit tests pin the schedule with it, and the snapshot benchmark prints it.
"""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
    Deadline,
    PollSchedule,
)

IN_PROGRESS = "in-progress"


class SimulatedClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


class ActionThatTakes:
    """Answers GET /actions/{id} as an Action that completes ``duration`` seconds after start."""

    def __init__(self, clock: SimulatedClock, duration: float):
        self.clock = clock
        self.duration = duration
        self.polls: list[float] = []

    def get(self, path: str, params=None) -> dict:
        self.polls.append(self.clock.now)
        done = self.clock.now >= self.duration
        status = "completed" if done else IN_PROGRESS
        return {"action": {"id": 7, "type": "snapshot", "status": status}}


def simulated_wait(
    duration: float, schedule: PollSchedule, timeout: float = 10_000.0
) -> tuple[dict, list[float]]:
    """Wait for an Action of ``duration`` seconds; return it and the times of every poll."""
    clock = SimulatedClock()
    api = ActionThatTakes(clock, duration)
    runner = ActionRunner(api, Deadline(timeout, clock), schedule, sleep=clock.sleep, clock=clock)
    action = runner.wait({"id": 7, "type": "snapshot", "status": IN_PROGRESS})
    return action, api.polls
