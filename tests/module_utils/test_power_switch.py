"""try_start and PowerSwitch against the simulator: look before acting, confirm the power state."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
    Deadline,
    PollSchedule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._power import PowerSwitch
from tests.support.simstate import action_posts

FAST = PollSchedule(fixed=0.02)  # Actions run 100 times faster in these tests


def switch(client, timeout=30.0) -> PowerSwitch:
    return PowerSwitch(ActionRunner(client, Deadline(timeout), FAST))


def test_try_start_returns_none_after_waiting_out_another_action(sim, client, droplet_id, droplet):
    client.post(f"/droplets/{droplet_id}/actions", {"type": "power_off"})
    runner = ActionRunner(client, Deadline(30), FAST)
    assert runner.try_start(droplet, "power_off") is None
    assert sim.state()["droplets"][0]["locked"] is False
    assert runner.started == []


def test_graceful_shutdown_is_confirmed_by_the_droplet_status(sim, client, droplet):
    power = switch(client)
    seen = power.power_off(droplet, shutdown_timeout=5)
    assert seen["status"] == "off"
    assert action_posts(sim) == [("shutdown", 201)]
    assert [a["type"] for a in power.started] == ["shutdown"]


def test_an_ignored_shutdown_is_forced_off_after_the_shutdown_timeout(sim, client, droplet):
    sim.settings(shutdown_fails=True)
    seen = switch(client).power_off(droplet, shutdown_timeout=0.3)
    assert seen["status"] == "off"
    assert action_posts(sim) == [("shutdown", 201), ("power_off", 201)]


def test_shutdown_timeout_zero_forces_the_droplet_off_at_once(sim, client, droplet):
    switch(client).power_off(droplet, shutdown_timeout=0)
    assert action_posts(sim) == [("power_off", 201)]


def test_a_droplet_already_as_wanted_gets_no_action(sim, client, droplet):
    power = switch(client)
    assert power.power_on(droplet)["status"] == "active"
    power.power_off(droplet, shutdown_timeout=5)
    assert power.power_off(droplet, shutdown_timeout=5)["status"] == "off"
    assert action_posts(sim) == [("shutdown", 201)]


def test_a_power_action_refused_because_another_run_did_it_is_no_failure(
    sim, client, monkeypatch, droplet
):
    """The Droplet is powered off by someone else between our look and our POST."""
    runner = ActionRunner(client, Deadline(30), FAST)
    power = PowerSwitch(runner)
    looked = runner.wait_for_idle

    def look_then_someone_else_powers_off(droplet):
        seen = looked(droplet)
        if not sim.state()["actions"]:
            ActionRunner(client, Deadline(30), FAST).run(droplet, "power_off")
        return seen

    monkeypatch.setattr(runner, "wait_for_idle", look_then_someone_else_powers_off)
    assert power.power_off(droplet, shutdown_timeout=0)["status"] == "off"
    assert action_posts(sim) == [("power_off", 201), ("power_off", 422)]
    assert power.started == []
