"""Starting and waiting for Actions against the simulator: locking, errors, timeouts, safety."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionFailed,
    ActionRunner,
    ActionTimeout,
    ActionType,
    Deadline,
    PollSchedule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    RetryPolicy,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    POWER_OFF,
    POWER_ON,
    SNAPSHOT,
    DropletTarget,
)

FAST = PollSchedule(fixed=0.02)  # Actions run 100 times faster in these tests


class Runner(ActionRunner):
    def run(self, target, kind, **params) -> dict:
        """Start the Action (it is not done yet in these tests) and wait until it completed."""
        step = self.ensure(target, kind, **params)
        assert step.action is not None
        return self.wait(step.action)


def runner(client, timeout=30.0, schedule=FAST) -> Runner:
    return Runner(client, Deadline(timeout), schedule)


def action_post_records(sim):
    return [r for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/actions")]


def test_run_starts_an_action_and_returns_it_completed(sim, client, droplet):
    actions = runner(client)
    action = actions.run(droplet, POWER_OFF)
    assert action["status"] == "completed"
    assert sim.state()["droplets"][0]["status"] == "off"
    assert actions.started == [{key: action[key] for key in actions.started[0]}]


def test_an_action_waits_out_the_one_already_running_instead_of_failing(
    sim, client, droplet_id, droplet
):
    first = client.post(f"/droplets/{droplet_id}/actions", {"type": "power_off"})["action"]
    second = runner(client).run(droplet, POWER_ON)
    statuses = [r["status"] for r in action_post_records(sim)]
    assert statuses[0] == 201 and statuses[-1] == 201
    assert set(statuses[1:-1]) <= {422}
    finished_first = client.get(f"/actions/{first['id']}")["action"]
    assert finished_first["completed_at"] <= second["started_at"]


def test_an_errored_action_raises_with_its_id_and_droplet(sim, client, droplet_id, droplet):
    sim.faults({"path": f"^/v2/droplets/{droplet_id}/actions$", "kind": "errored"})
    with pytest.raises(ActionFailed) as raised:
        runner(client).run(droplet, SNAPSHOT, name="nightly")
    action = raised.value.action
    assert str(raised.value) == f"action {action['id']} (snapshot) on droplet {droplet_id} errored"
    assert raised.value.failure()["type"] == "action_errored"


def test_a_timeout_names_the_action_and_leaves_it_running(sim, client, droplet_id, droplet):
    sim.settings(time_scale=1)
    with pytest.raises(ActionTimeout) as raised:
        runner(client, timeout=0.2).run(droplet, SNAPSHOT, name="nightly")
    action_id = raised.value.action["id"]
    assert str(raised.value) == (
        f"action {action_id} (snapshot) on droplet {droplet_id} still in-progress after 0 s "
        "(wait_timeout); it goes on at DigitalOcean: a re-run waits for it instead of starting it "
        "again"
    )
    assert client.get(f"/actions/{action_id}")["action"]["status"] == "in-progress"


def test_a_server_error_while_polling_is_not_taken_as_done(sim, client, droplet):
    sim.settings(time_scale=0.05)
    sim.faults(
        {"method": "GET", "path": "^/v2/actions/", "kind": "status", "status": 503, "count": 8}
    )
    action = runner(client).run(droplet, POWER_OFF)
    assert action["status"] == "completed"


def test_an_unanswered_post_that_did_not_start_anything_is_sent_once_more(sim, client, droplet):
    sim.faults({"method": "POST", "path": "/actions$", "kind": "drop", "count": 1})
    action = runner(client).run(droplet, POWER_OFF)
    assert action["status"] == "completed"
    power_offs = [a for a in sim.state()["actions"] if a["type"] == "power_off"]
    assert len(power_offs) == 1


def test_an_unanswered_post_that_started_an_action_is_adopted_not_repeated(sim, client, droplet):
    # The API acts on the POST, then the connection drops before the answer.
    sim.faults(
        {"method": "POST", "path": "/actions$", "kind": "drop", "phase": "after", "count": 1}
    )
    action = runner(client).run(droplet, SNAPSHOT, name="nightly")
    assert action["status"] == "completed"
    assert len(action_post_records(sim)) == 1
    assert [a["type"] for a in sim.state()["actions"]] == ["snapshot"]


def test_a_post_answered_too_late_is_not_repeated(sim, droplet):
    # The answer comes after the client's timeout: the API acted, the client heard nothing.
    sim.faults({"method": "POST", "path": "/actions$", "kind": "delay", "delay": 1.5, "count": 1})
    slow = Client("dop_v1_runner_tests", sim.url, timeout=0.5, retry=RetryPolicy(backoff=0.01))
    action = runner(slow).run(DropletTarget(slow, droplet.id), SNAPSHOT, name="nightly")
    assert action["status"] == "completed"
    assert [a["type"] for a in sim.state()["actions"]] == ["snapshot"]


def test_an_unanswered_post_is_not_taken_for_an_earlier_action_of_another_type(
    sim, client, droplet_id, droplet
):
    runner(client).run(droplet, POWER_OFF)
    sim.faults({"method": "POST", "path": "/actions$", "kind": "drop", "count": 1})
    action = runner(client).run(droplet, POWER_ON)
    assert action["type"] == "power_on" and action["status"] == "completed"
    assert sorted(a["type"] for a in sim.state()["actions"]) == ["power_off", "power_on"]


def test_a_post_answered_too_late_finds_its_action_also_once_it_completed(sim, droplet):
    # A power_off takes 0.03 s here: by the time the client gives up on the answer, it is done.
    sim.faults(
        {
            "method": "POST",
            "path": "/actions$",
            "kind": "delay",
            "phase": "after",
            "delay": 1.5,
            "count": 1,
        }
    )
    slow = Client("dop_v1_runner_tests", sim.url, timeout=0.5, retry=RetryPolicy(backoff=0.01))
    step = runner(slow).ensure(DropletTarget(slow, droplet.id), POWER_OFF)
    assert step.action["type"] == "power_off" and step.action["status"] == "completed"
    assert [a["type"] for a in sim.state()["actions"]] == ["power_off"]


def test_a_droplet_deleted_while_its_action_is_polled_ends_the_wait_at_once(sim, client, droplet):
    sim.faults(
        {
            "method": "GET",
            "path": "^/v2/actions/",
            "kind": "status",
            "status": 404,
            "after": {"method": "POST", "path": "/actions$"},
        }
    )
    with pytest.raises(APIError) as raised:
        runner(client).run(droplet, SNAPSHOT, name="nightly")
    assert raised.value.status == 404
    polls = [r for r in sim.requests() if r["path"].startswith("/v2/actions/")]
    assert len(polls) == 1


def test_a_non_retryable_error_from_a_post_is_raised_as_is(sim, client, droplet):
    with pytest.raises(APIError) as raised:
        runner(client).ensure(droplet, ActionType("no_such_action"))
    assert raised.value.status == 422
    assert "request payload validation failed" in str(raised.value)


def test_wait_for_idle_returns_the_droplet_once_its_action_is_done(
    sim, client, droplet_id, droplet
):
    client.post(f"/droplets/{droplet_id}/actions", {"type": "power_off"})
    seen = runner(client).wait_for_idle(droplet)
    assert seen["locked"] is False
    assert seen["status"] == "off"


def test_three_lost_replies_the_last_of_which_took_effect_find_that_action(sim, client, droplet):
    # Two POSTs are lost before the server acts, the third after it acted: it is no failure.
    sim.faults(
        {"method": "POST", "path": "/actions$", "kind": "drop", "count": 2},
        {"method": "POST", "path": "/actions$", "kind": "drop", "phase": "after", "count": 1},
    )
    action = runner(client).run(droplet, SNAPSHOT, name="nightly")
    assert action["status"] == "completed"
    assert len(action_post_records(sim)) == 3
    assert [a["type"] for a in sim.state()["actions"]] == ["snapshot"]
