"""Injected faults: status, delay, drop, errored and busy rules, with count, probability, phase,
token and after."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.simulator.client import SimError
from tests.support.simapi import Api, wait_for


def test_status_fault_answers_with_the_api_error_body(sim, api: Api):
    sim.faults({"kind": "status", "status": 503, "path": "^/v2/droplets$", "retry_after": 7})
    response = api.get("/droplets")
    assert response.status_code == 503
    body = response.json()
    assert (body["id"], body["message"]) == ("service_unavailable", "Service Unavailable")
    assert response.headers["retry-after"] == "7"
    assert response.headers["ratelimit-limit"] == "5000"
    assert api.get("/account").status_code == 200  # other paths are untouched


def test_500_fault_uses_server_error(sim, api: Api):
    sim.faults({"kind": "status"})
    body = api.get("/account").json()
    assert (body["id"], body["message"]) == ("server_error", "Unexpected server-side error")


def test_fault_with_count_fires_that_many_times(sim, api: Api):
    sim.faults({"kind": "status", "status": 502, "count": 2})
    assert [api.get("/account").status_code for _request in range(3)] == [502, 502, 200]
    assert sim.faults() == []


def test_fault_matches_method(sim, api: Api, droplet_id):
    sim.faults({"kind": "status", "method": "POST", "status": 500})
    assert api.get(f"/droplets/{droplet_id}").status_code == 200
    assert api.act(droplet_id, "power_off").status_code == 500
    assert sim.state()["actions"] == []  # the request never reached the API


def test_fault_matches_action_type(sim, api: Api, droplet_id):
    sim.faults({"kind": "status", "status": 500, "action_type": "snapshot"})
    assert api.act(droplet_id, "snapshot").status_code == 500
    assert api.act(droplet_id, "power_off").status_code == 201


def test_faulted_requests_do_not_use_the_rate_limit(sim, api: Api):
    sim.faults({"kind": "status", "status": 503, "count": 1})
    api.get("/account")
    assert api.get("/account").headers["ratelimit-remaining"] == "4999"


def test_delay_fault_holds_the_answer_back(sim, api: Api):
    sim.faults({"kind": "delay", "delay": 0.3, "path": "^/v2/account$"})
    started = time.monotonic()
    assert api.get("/account").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert sim.requests()[-1]["ms"] >= 300


def test_delayed_request_does_not_block_others(sim, api: Api):
    sim.faults({"kind": "delay", "delay": 1.0, "path": "^/v2/account$", "count": 1})
    slow = threading.Thread(target=api.get, args=("/account",))
    slow.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert Api(sim.url).get("/droplets").status_code == 200
    assert time.monotonic() - started < 0.5
    slow.join()


def test_drop_fault_closes_the_connection_without_a_reply(sim, api: Api):
    sim.faults({"kind": "drop", "count": 1})
    with pytest.raises(requests.ConnectionError):
        api.get("/account")
    assert api.get("/account").status_code == 200
    assert [entry["status"] for entry in sim.requests()] == [None, 200]


def test_drop_after_phase_applies_the_post_but_loses_the_answer(sim, api: Api, droplet_id):
    sim.faults({"kind": "drop", "method": "POST", "phase": "after", "count": 1})
    with pytest.raises(requests.ConnectionError):
        api.act(droplet_id, "power_off")
    (action,) = sim.state()["actions"]
    assert action["type"] == "power_off"
    assert api.act(droplet_id, "power_off").json()["message"] == (
        "Droplet already has a pending event."
    )


def test_status_after_phase_applies_the_request_then_answers_500(sim, api: Api, droplet_id):
    sim.faults({"kind": "status", "status": 500, "phase": "after", "count": 1})
    assert api.act(droplet_id, "power_off").status_code == 500
    assert api.droplet(droplet_id)["locked"] is True


def test_errored_fault_hits_only_the_next_matching_action(sim, api: Api):
    first, second = sim.reset(droplets=[{}, {}])["droplets"]
    sim.faults(
        {
            "kind": "errored",
            "path": f"^/v2/droplets/{second['id']}/actions$",
            "action_type": "snapshot",
        }
    )
    off = api.act(second["id"], "power_off").json()["action"]["id"]
    assert api.wait(off)["status"] == "completed"
    other = api.act(first["id"], "snapshot", name="a").json()["action"]["id"]
    hit = api.act(second["id"], "snapshot", name="b").json()["action"]["id"]
    assert api.wait(other)["status"] == "completed"
    assert api.wait(hit)["status"] == "errored"
    again = api.act(second["id"], "snapshot", name="c").json()["action"]["id"]
    assert api.wait(again)["status"] == "completed"


def test_errored_fault_is_not_used_up_by_a_refused_action(sim, api: Api, droplet_id):
    api.act(droplet_id, "power_off")
    sim.faults({"kind": "errored"})
    assert api.act(droplet_id, "power_off").status_code == 422
    assert len(sim.faults()) == 1


def test_errored_fault_on_create(sim, api: Api):
    sim.faults({"kind": "errored", "path": "^/v2/droplets$"})
    body = {"name": "x", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}
    link = api.post("/droplets", body).json()["links"]["actions"][0]
    assert api.wait(link["id"])["status"] == "errored"


def test_probability_fires_some_of_the_time_reproducibly(sim, api: Api):
    def pattern() -> list[int]:
        sim.reset()
        sim.faults({"kind": "status", "status": 500, "probability": 0.5})
        return [api.get("/account").status_code for _request in range(40)]

    first = pattern()
    assert 5 < first.count(500) < 35
    assert pattern() == first


def test_probability_zero_never_fires(sim, api: Api):
    sim.faults({"kind": "drop", "probability": 0})
    assert all(api.get("/account").status_code == 200 for _request in range(10))


def test_fault_matches_one_token_only(sim, api: Api):
    other = Api(sim.url, token="dop_v1_another_client")
    sim.faults({"kind": "status", "status": 503, "token": "dop_v1_another_client"})
    assert api.get("/account").status_code == 200
    assert other.get("/account").status_code == 503


def test_fault_with_after_fires_only_once_that_request_came(sim, api: Api, droplet_id):
    sim.faults(
        {
            "kind": "status",
            "status": 401,
            "method": "GET",
            "after": {"method": "POST", "action_type": "shutdown"},
        }
    )
    assert api.get(f"/droplets/{droplet_id}").status_code == 200
    assert api.act(droplet_id, "shutdown").status_code == 201  # the trigger itself passes
    assert api.get(f"/droplets/{droplet_id}").status_code == 401


def test_delay_after_phase_applies_the_request_then_holds_the_answer(sim, api: Api, droplet_id):
    sim.faults({"kind": "delay", "delay": 1.0, "phase": "after", "method": "POST", "count": 1})
    outcome = []
    late = threading.Thread(target=lambda: outcome.append(api.act(droplet_id, "power_off")))
    late.start()
    wait_for(lambda: sim.state()["actions"])  # it took effect while its answer is held back
    assert outcome == []
    late.join()
    assert outcome[0].status_code == 201


def test_busy_fault_is_another_client_starting_an_action_first(sim, api: Api, droplet_id):
    sim.faults({"kind": "busy", "method": "POST", "action_type": "snapshot", "count": 1})
    refused = api.act(droplet_id, "snapshot", name="nightly")
    assert refused.status_code == 422
    assert refused.json()["message"] == "Droplet already has a pending event."
    (other,) = sim.state()["actions"]
    assert (other["type"], other["status"]) == ("password_reset", "in-progress")


def test_a_finished_busy_fault_has_run_its_action_before_the_request_arrives(
    sim, api: Api, droplet_id
):
    api.act(droplet_id, "power_off")
    wait_for(lambda: api.get(f"/droplets/{droplet_id}").json()["droplet"]["status"] == "off")
    sim.faults({"kind": "busy", "acts": "power_on", "finished": True, "action_type": "snapshot"})
    taken = api.act(droplet_id, "snapshot", name="live")
    assert taken.status_code == 201
    other = [a for a in sim.state()["actions"] if a["type"] == "power_on"]
    assert [(a["status"], a["id"] < taken.json()["action"]["id"]) for a in other] == [
        ("completed", True)
    ]


def test_clear_faults(sim, api: Api):
    sim.faults({"kind": "status"}, {"kind": "delay", "delay": 1})
    assert len(sim.faults()) == 2
    sim.clear_faults()
    assert sim.faults() == []
    assert api.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({}, "a fault rule needs a kind"),
        ({"kind": "explode"}, "kind must be one of"),
        ({"kind": "status", "status": 999}, "status must be an HTTP status code"),
        ({"kind": "busy", "finished": "yes"}, "finished must be true or false"),
        ({"kind": "status", "path": "("}, "path is not a valid regex"),
        ({"kind": "delay", "delay": -1}, "delay must be a non-negative number"),
        ({"kind": "drop", "count": 0}, "count must be a positive integer"),
        ({"kind": "drop", "probability": 2}, "probability must be between 0 and 1"),
        ({"kind": "drop", "phase": "during"}, "phase must be one of"),
        ({"kind": "drop", "color": "red"}, "unknown fault rule keys: color"),
        ({"kind": "drop", "after": {"colour": "red"}}, "after must be an object with"),
        ({"kind": "drop", "token": 5}, "token must be a string"),
    ],
)
def test_invalid_fault_rules_are_refused(sim, rule, message):
    with pytest.raises(SimError, match=message):
        sim.faults(rule)
    assert sim.faults() == []


def test_request_delayed_across_a_reset_cannot_touch_the_new_state(sim, api: Api, droplet_id):
    sim.faults({"kind": "delay", "delay": 0.3, "method": "POST"})
    outcome = []
    late = threading.Thread(
        target=lambda: outcome.append(_status_or_error(lambda: api.act(droplet_id, "power_off")))
    )
    late.start()
    time.sleep(0.1)
    sim.reset(droplets=[{}])  # the same Droplet id exists again
    late.join()
    assert outcome == ["ConnectionError"]
    assert sim.state()["actions"] == []
    assert sim.requests() == []


def _status_or_error(call) -> int | str:
    try:
        return call().status_code
    except requests.ConnectionError as error:
        return type(error).__name__
