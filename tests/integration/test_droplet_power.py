"""droplet_power as users run it: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from tests.support.returns import undocumented_keys
from tests.support.simstate import action_posts, droplet, mutating, seed


@pytest.fixture
def power(run_tasks):
    return lambda *arguments, check=False: run_tasks("droplet_power", *arguments, check=check)


@pytest.mark.smoke
def test_off_is_a_graceful_shutdown_and_a_rerun_sends_nothing(sim, power):
    (droplet_id,) = seed(sim)
    first, again = power(
        {"droplet_id": droplet_id, "state": "off"}, {"droplet_id": droplet_id, "state": "off"}
    )
    assert first["changed"] is True and again["changed"] is False
    assert first["droplet"] == {"id": droplet_id, "name": "web-1", "status": "off"}
    assert first["diff"] == {"before": {"status": "active"}, "after": {"status": "off"}}
    assert action_posts(sim) == [("shutdown", 201)]
    assert droplet(sim, droplet_id)["status"] == "off"
    assert undocumented_keys("droplet_power", first) == []
    assert again["actions"] == []


def test_off_forces_power_off_when_the_shutdown_does_not_stop_the_guest(sim, power):
    (droplet_id,) = seed(sim, {"name": "stubborn", "shutdown_fails": True})
    (result,) = power({"droplet_id": droplet_id, "state": "off", "shutdown_timeout": 1})
    assert result["changed"] is True, result
    assert action_posts(sim) == [("shutdown", 201), ("power_off", 201)]
    assert droplet(sim, droplet_id)["status"] == "off"


def test_active_powers_on_once_and_is_idempotent(sim, power):
    (droplet_id,) = seed(sim, {"name": "db-1", "status": "off"})
    first, again = power(
        {"droplet_name": "db-1", "state": "active"}, {"droplet_name": "db-1", "state": "active"}
    )
    assert (first["changed"], again["changed"]) == (True, False)
    assert action_posts(sim) == [("power_on", 201)]
    assert droplet(sim, droplet_id)["status"] == "active"


@pytest.mark.parametrize(
    ("state", "kind"), [("rebooted", "reboot"), ("power_cycled", "power_cycle")]
)
@pytest.mark.parametrize("status", ["active", "off"])
def test_a_restart_always_acts_and_ends_active(sim, power, state, kind, status):
    (droplet_id,) = seed(sim, {"name": "web-1", "status": status})
    first, again = power(
        {"droplet_id": droplet_id, "state": state}, {"droplet_id": droplet_id, "state": state}
    )
    assert first["changed"] is True and again["changed"] is True
    assert action_posts(sim) == [(kind, 201), (kind, 201)]
    assert again["droplet"]["status"] == "active"
    assert droplet(sim, droplet_id)["status"] == "active"


CHECK_CASES = [  # (status found, state asked, changed)
    ("active", "off", True),
    ("off", "off", False),
    ("off", "active", True),
    ("active", "active", False),
    ("active", "rebooted", True),
]


def test_check_mode_predicts_and_changes_nothing(sim, power):
    ids = seed(sim, *({"name": f"web-{n}", "status": c[0]} for n, c in enumerate(CHECK_CASES)))
    results = power(
        *({"droplet_id": i, "state": c[1]} for i, c in zip(ids, CHECK_CASES)), check=True
    )
    for (_status, state, changed), result in zip(CHECK_CASES, results):
        wanted = "off" if state == "off" else "active"
        assert result["changed"] is changed, (state, result)
        assert result["droplet"]["status"] == wanted
        assert result["diff"]["after"] == {"status": wanted}
    assert mutating(sim) == []


def test_wait_false_only_starts_the_graceful_shutdown(sim, power):
    (droplet_id,) = seed(sim)
    (result,) = power({"droplet_id": droplet_id, "state": "off", "wait": False})
    assert result["changed"] is True
    assert [(a["type"], a["status"]) for a in result["actions"]] == [("shutdown", "in-progress")]
    assert action_posts(sim) == [("shutdown", 201)]


BAD_OPTIONS = [
    (
        {"state": "off", "wait_timeout": 60, "shutdown_timeout": 60},
        "wait_timeout (60 s) must be more than shutdown_timeout (60 s)",
    ),
    ({"state": "off", "shutdown_timeout": -1}, "shutdown_timeout must be 0 or more, got -1"),
    ({"state": "sleeping"}, "value of state must be one of: active, off, rebooted,"),
    ({}, "missing required arguments: state"),
]


def test_bad_options_fail_in_one_line_before_any_request(sim, power):
    (droplet_id,) = seed(sim)
    results = power(
        *({"droplet_id": droplet_id, **arguments} for arguments, _message in BAD_OPTIONS)
    )
    for (_arguments, message), result in zip(BAD_OPTIONS, results):
        assert result["failed"] is True
        assert message in result["msg"] and "\n" not in result["msg"], result["msg"]
    assert sim.requests() == []


def test_a_droplet_neither_active_nor_off_is_refused_before_any_change(sim, power):
    ids = seed(sim, *({"name": s, "status": s, "create_errors": True} for s in ("archive", "new")))
    results = power(*({"droplet_id": i, "state": "off", "wait_timeout": 200} for i in ids))
    for droplet_id, status, result in zip(ids, ("archive", "new"), results):
        assert result["failed"] is True
        assert result["msg"] == (
            f"droplet {droplet_id} is {status}: only an active or off droplet can be powered off "
            "or on"
        )
    assert mutating(sim) == []
