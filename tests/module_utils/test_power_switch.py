"""ensure and PowerSwitch against the simulator: look before acting, confirm a shutdown by the
Droplet's status, believe a completed power Action."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
    Deadline,
    PollSchedule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    DigitalOceanError,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    POWER_OFF,
    POWER_ON,
    SNAPSHOT,
    DropletTarget,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._power import (
    PowerCycle,
    PowerSwitch,
    RunFailed,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._tags import (
    RESTORE_POWER_TAG,
    tag_resource,
    untag_resource,
)
from tests.support.simstate import action_posts, api_requests, tag_requests

FAST = PollSchedule(fixed=0.02)  # Actions run 100 times faster in these tests


def switch(client, timeout=30.0) -> PowerSwitch:
    return PowerSwitch(ActionRunner(client, Deadline(timeout), FAST))


def test_ensure_starts_nothing_when_the_action_it_waited_out_reached_the_goal(
    sim, client, droplet_id, droplet
):
    client.post(f"/droplets/{droplet_id}/actions", {"type": "power_off"})
    runner = ActionRunner(client, Deadline(30), FAST)
    step = runner.ensure(droplet, POWER_OFF)
    assert step.action is None and step.resource["status"] == "off"
    assert sim.state()["droplets"][0]["locked"] is False
    assert runner.started == []
    assert action_posts(sim) == [("power_off", 201)]


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


def droplet_reads(sim) -> int:
    return sum(
        r["method"] == "GET" and r["path"].startswith("/v2/droplets") for r in api_requests(sim)
    )


def test_a_completed_power_action_is_believed_without_reading_the_droplet_again(
    sim, client, droplet
):
    power = switch(client)
    power.power_off(droplet, shutdown_timeout=0)
    sim.clear_requests()
    assert power.power_on(droplet)["status"] == "active"
    assert action_posts(sim) == [("power_on", 201)]
    assert droplet_reads(sim) == 1  # the look before the POST, none after the Action
    assert sim.state()["droplets"][0]["status"] == "active"


def test_a_known_droplet_is_powered_on_without_a_look_first(sim, client, droplet):
    power = switch(client)
    off = power.power_off(droplet, shutdown_timeout=0)
    sim.clear_requests()
    assert power.power_on(droplet, known=off)["status"] == "active"
    assert action_posts(sim) == [("power_on", 201)]
    assert droplet_reads(sim) == 0


def test_a_stale_known_droplet_costs_a_refused_post_and_a_look_never_a_second_action(
    sim, client, droplet_id, droplet
):
    power = switch(client)
    off = power.power_off(droplet, shutdown_timeout=0)
    switch(client).power_on(droplet)  # another run powers it on meanwhile
    sim.clear_requests()
    seen = power.power_on(droplet, known=off)
    assert seen["status"] == "active"
    assert action_posts(sim) == [("power_on", 422)]
    assert power.started[-1]["type"] == "power_off"  # nothing more of its own
    assert droplet_reads(sim) == 1


def test_a_known_droplet_that_shows_the_goal_reached_is_looked_at_before_believing_it(
    sim, client, droplet
):
    power = switch(client)
    on = sim.state()["droplets"][0]
    power.power_off(droplet, shutdown_timeout=0)
    sim.clear_requests()
    assert power.power_on(droplet, known=on)["status"] == "active"
    assert action_posts(sim) == [("power_on", 201)]
    assert sim.state()["droplets"][0]["status"] == "active"


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

    def look_then_someone_else_powers_off(droplet, fields=()):
        seen = looked(droplet, fields)
        if not sim.state()["actions"]:
            other = ActionRunner(client, Deadline(30), FAST)
            other.wait(other.ensure(droplet, POWER_OFF).action)
        return seen

    monkeypatch.setattr(runner, "wait_for_idle", look_then_someone_else_powers_off)
    assert power.power_off(droplet, shutdown_timeout=0)["status"] == "off"
    assert action_posts(sim) == [("power_off", 201), ("power_off", 422)]
    assert power.started == []


def cycle(client, droplet, **options) -> PowerCycle:
    runner = ActionRunner(client, Deadline(30), FAST)
    return PowerCycle(
        runner,
        droplet,
        droplet.read(),
        SNAPSHOT,
        **{
            "power_off": True,
            "shutdown_timeout": 5,
            "restore": True,
            "tag": RESTORE_POWER_TAG,
            **options,
        },
    )


def test_the_tag_goes_on_right_before_the_power_off_and_again_if_another_run_removed_it(
    sim, client, droplet, droplet_id, monkeypatch
):
    power = cycle(client, droplet)
    post = client.post

    def post_then_another_run_untags(path, *args, **kwargs):
        answer = post(path, *args, **kwargs)
        if path.endswith("/actions"):
            # Another run, which saw the Droplet on a moment ago, removes "its stale tag".
            untag_resource(client, RESTORE_POWER_TAG, droplet_id)
        return answer

    monkeypatch.setattr(client, "post", post_then_another_run_untags)
    power.power_off_now()
    monkeypatch.setattr(client, "post", post)
    assert power.ready_for_work(droplet.read())  # the look right before the work
    assert sim.state()["droplets"][0]["status"] == "off"
    assert RESTORE_POWER_TAG in sim.state()["droplets"][0]["tags"]
    tagging = [r["method"] for r in tag_requests(sim) if r["path"].endswith("/resources")]
    assert [m for m in tagging if m == "DELETE"] == ["DELETE"] and tagging[-1] == "POST"


def test_a_power_off_the_work_no_longer_needs_is_neither_tagged_nor_sent(sim, client, droplet):
    looked_at = []

    def needed(seen: dict) -> bool:
        looked_at.append(seen["status"])
        return False

    power = cycle(client, droplet, needed=needed)
    power.power_off_now()
    assert looked_at == ["active"]
    assert power.droplet["status"] == "active" and not power.powered_off
    assert action_posts(sim) == [] and tag_requests(sim) == []


def test_a_tag_nobody_removed_is_written_once_whether_shut_down_or_forced_off(sim, client, droplet):
    for shutdown_timeout in (5, 0):
        sim.reset(droplets=[{"name": "web-1", "status": "active"}], settings={"time_scale": 0.01})
        sim.clear_requests()
        target = DropletTarget(client, sim.state()["droplets"][0]["id"])
        power = cycle(client, target, shutdown_timeout=shutdown_timeout)
        power.power_off_now()
        assert power.ready_for_work(target.read())
        tagging = [
            (r["method"], r["status"])
            for r in tag_requests(sim)
            if r["path"].endswith("/resources")
        ]  # a fresh account: the first tagging finds no tag, which is created
        assert tagging == [("POST", 404), ("POST", 204)], (shutdown_timeout, tagging)


def test_a_shutdown_that_errors_is_followed_by_a_forced_power_off(sim, client, droplet):
    sim.faults(
        {"method": "POST", "path": "/actions$", "action_type": "shutdown", "kind": "errored"}
    )
    assert switch(client).power_off(droplet, shutdown_timeout=5)["status"] == "off"
    assert action_posts(sim) == [("shutdown", 201), ("power_off", 201)]


class WorkFailed(DigitalOceanError):
    pass


def work_that_fails(power: PowerCycle, meanwhile) -> None:
    with power:
        assert power.droplet["status"] == "off"
        meanwhile()
        raise WorkFailed("the work failed")


def fail_the_work(power: PowerCycle, meanwhile) -> str:
    """The message of the run's failure when, the Droplet off, ``meanwhile()`` happens and the
    work fails."""
    with pytest.raises(RunFailed) as raised:
        work_that_fails(power, meanwhile)
    return str(raised.value)


def test_a_failed_power_on_after_failed_work_says_so_and_leaves_the_tag(sim, client, droplet):
    def token_revoked():
        sim.faults({"kind": "status", "status": 401})

    message = fail_the_work(cycle(client, droplet), token_revoked)
    assert message.startswith("the work failed; powering the droplet back on failed (POST ")
    assert message.endswith(
        f"the droplet was last seen off; it is tagged {RESTORE_POWER_TAG}, "
        "and the next run powers it back on"
    )
    sim.clear_faults()
    assert sim.state()["droplets"][0]["status"] == "off"
    assert RESTORE_POWER_TAG in sim.state()["droplets"][0]["tags"]


def test_failed_work_on_a_droplet_another_run_powered_on_says_what_it_is(sim, client, droplet):
    def another_run_powers_it_on():
        other = ActionRunner(client, Deadline(30), FAST)
        other.wait(other.ensure(droplet, POWER_ON).action)

    power = cycle(client, droplet)
    message = fail_the_work(power, another_run_powers_it_on)
    assert message == "the work failed; the droplet is active"
    assert [a["type"] for a in power.runner.started] == ["shutdown"]
    assert action_posts(sim)[-1] == ("power_on", 422)


def test_a_tag_that_cannot_be_written_or_removed_is_an_error(sim, client, droplet_id):
    sim.faults({"method": "POST", "path": "^/v2/tags/", "kind": "status", "status": 401})
    with pytest.raises(APIError) as raised:
        tag_resource(client, RESTORE_POWER_TAG, droplet_id)
    assert raised.value.status == 401
    sim.clear_faults()
    tag_resource(client, RESTORE_POWER_TAG, droplet_id)
    sim.faults({"method": "DELETE", "path": "^/v2/tags/", "kind": "status", "status": 401})
    with pytest.raises(APIError) as raised:
        untag_resource(client, RESTORE_POWER_TAG, droplet_id)
    assert raised.value.status == 401
    assert RESTORE_POWER_TAG in sim.state()["droplets"][0]["tags"]
