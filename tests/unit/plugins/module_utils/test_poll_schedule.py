"""The adaptive poll schedule, on a simulated clock: how many polls and how late, by duration."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
    ActionTimeout,
    Deadline,
    PollSchedule,
)
from tests.support.simulated_wait import (
    IN_PROGRESS,
    ActionThatTakes,
    SimulatedClock,
    simulated_wait,
)


def wait_for(duration: float, schedule: PollSchedule, timeout: float = 10_000.0):
    action, polls = simulated_wait(duration, schedule, timeout)
    return action, polls, polls[-1] - duration


@pytest.mark.parametrize(
    ("duration", "max_polls"),
    [(5, 3), (60, 22), (600, 62)],
)
def test_polls_grow_with_the_log_of_the_duration_until_the_cap(duration, max_polls):
    action, polls, _lag = wait_for(duration, PollSchedule())
    assert action["status"] == "completed"
    assert len(polls) <= max_polls


@pytest.mark.parametrize("duration", [0.5, 3, 5, 10, 60, 120, 600, 3600])
def test_completion_is_noticed_within_ten_percent_of_the_duration_or_two_seconds(duration):
    _action, _polls, lag = wait_for(duration, PollSchedule())
    assert lag <= max(2.0, 0.1 * duration)


def test_never_polls_more_than_once_every_two_seconds():
    _action, polls, _lag = wait_for(600, PollSchedule())
    gaps = [b - a for a, b in zip([0.0, *polls], polls)]
    assert min(gaps) == pytest.approx(2.0)
    assert max(gaps) == pytest.approx(15.0)


def test_a_fixed_poll_interval_replaces_the_adaptive_schedule():
    _action, polls, _lag = wait_for(10, PollSchedule(fixed=2.5))
    assert polls == [2.5, 5.0, 7.5, 10.0]


def test_the_wait_timeout_is_honoured_exactly_and_names_the_action():
    with pytest.raises(ActionTimeout) as raised:
        wait_for(600, PollSchedule(), timeout=100)
    # The runner did not start this Action: no advice about re-runs, which would not start it.
    assert str(raised.value) == (
        "action 7 (snapshot) still in-progress after 100 s (wait_timeout); it goes on at "
        "DigitalOcean"
    )
    assert raised.value.failure()["action"]["id"] == 7


def test_the_last_poll_happens_at_the_deadline():
    clock = SimulatedClock()
    api = ActionThatTakes(clock, 1000)
    runner = ActionRunner(api, Deadline(100, clock), PollSchedule(), sleep=clock.sleep, clock=clock)
    with pytest.raises(ActionTimeout):
        runner.wait({"id": 7, "type": "snapshot", "status": IN_PROGRESS})
    assert api.polls[-1] == pytest.approx(100.0)
    assert clock.now == pytest.approx(100.0)
