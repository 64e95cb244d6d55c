"""The request budget shared by the runs of one token: turns in a sliding minute, hourly spacing."""

from __future__ import annotations

import os

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client, RetryPolicy
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.pacing import (
    SharedBudget,
)
from tests.support.simulated_wait import SimulatedClock

TOKEN = "dop_v1_pacing_canary_0123456789"


def budgets(tmp_path, count: int, clock: SimulatedClock) -> list:
    """``count`` runs of one token (each its own SharedBudget over the same file)."""
    account = Client(TOKEN, "https://api.digitalocean.com/v2").account
    policy = RetryPolicy(sleep=clock.sleep, clock=clock)
    return [
        SharedBudget(SharedFile(account, "budget", str(tmp_path / "cache")), policy)
        for _run in range(count)
    ]


def test_runs_together_stay_under_the_minute_budget_of_five_percent_of_the_hour(tmp_path):
    clock = SimulatedClock()
    clock.now = 1_000_000.0
    runs = budgets(tmp_path, 3, clock)
    headers = {"ratelimit-limit": "5000", "ratelimit-remaining": "4990", "ratelimit-reset": "0"}
    waits = [runs[n % 3].take_turn(headers) for n in range(240)]
    assert waits == [0.0] * 240  # 96% of 250, left for other clients of the token
    assert runs[0].take_turn(headers) == pytest.approx(60.0)  # the first turn's minute is over
    assert clock.now == pytest.approx(1_000_060.0)


def test_the_minute_budget_follows_the_hourly_limit_the_api_announces(tmp_path):
    clock = SimulatedClock()
    (run,) = budgets(tmp_path, 1, clock)
    headers = {"ratelimit-limit": "1000", "ratelimit-remaining": "900", "ratelimit-reset": "0"}
    waits = [run.take_turn(headers) for _turn in range(49)]
    assert waits[:48] == [0.0] * 48 and waits[48] == pytest.approx(60.0)


def test_a_low_hourly_remainder_spaces_every_run_s_turns_until_the_reset(tmp_path):
    clock = SimulatedClock()
    clock.now = 1_000_000.0
    first, second = budgets(tmp_path, 2, clock)
    low = {"ratelimit-limit": "5000", "ratelimit-remaining": "10", "ratelimit-reset": "1000100"}
    first.take_turn(low)
    # The second run has seen no headers of its own: the shared file tells it.
    assert second.take_turn(None) == pytest.approx(10.0)
    assert first.take_turn(None) == pytest.approx(9.0)  # (reset - now) / remaining


def test_the_shared_files_are_private_and_never_hold_the_token(tmp_path):
    clock = SimulatedClock()
    (run,) = budgets(tmp_path, 1, clock)
    run.take_turn({"ratelimit-limit": "5000"})
    directory = tmp_path / "cache"
    assert oct(directory.stat().st_mode & 0o777) == "0o700"
    for path in directory.iterdir():
        assert TOKEN not in path.name
        assert TOKEN not in path.read_text()


def test_a_directory_others_can_read_is_never_used(tmp_path):
    clock = SimulatedClock()
    (directory := tmp_path / "cache").mkdir(mode=0o755)
    os.chmod(directory, 0o755)
    (run,) = budgets(tmp_path, 1, clock)
    with pytest.raises(OSError, match="not private"):
        run.take_turn(None)
    assert run.store.read() is None


@pytest.mark.parametrize(
    "content",
    ['{"sent": [1e30, "x", null], "headers": [1]}', "[]", '{"sent": 5}', "not json"],
)
def test_a_damaged_budget_file_holds_no_run_up(tmp_path, content):
    clock = SimulatedClock()
    clock.now = 1_000_000.0
    (run,) = budgets(tmp_path, 1, clock)
    run.take_turn(None)
    with open(run.store.path, "w", encoding="utf-8") as damaged:
        damaged.write(content)
    assert run.take_turn(None) == 0.0
