"""The API client against the simulator: pagination, retries, throttling, auth, POST safety."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    RetryPolicy,
)

TOKEN = "dop_v1_client_test_token_do_not_print"


class RecordedSleeps(list):
    """Stands in for time.sleep: remembers the waits instead of taking them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return RecordedSleeps()


@pytest.fixture
def client(sim, sleeps):
    return Client(TOKEN, sim.url, timeout=5, retry=RetryPolicy(sleep=sleeps))


def api_requests(sim, method=None):
    return [r for r in sim.requests() if method is None or r["method"] == method]


def seed(sim, count):
    sim.reset(droplets=[{"name": f"web-{n:04d}"} for n in range(count)])
    sim.clear_requests()


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (200, 1), (201, 2), (450, 3)])
def test_paginate_follows_next_links_two_hundred_at_a_time(sim, client, count, pages):
    seed(sim, count)
    names = [droplet["name"] for droplet in client.paginate("/droplets", "droplets")]
    assert sorted(names) == [f"web-{n:04d}" for n in range(count)]
    assert len(api_requests(sim)) == pages
    assert all(r["query"].get("per_page") == "200" for r in api_requests(sim)[:1])


def test_paginate_with_a_limit_reads_no_more_than_it_needs(sim, client):
    seed(sim, 450)
    assert len(list(client.paginate("/droplets", "droplets", limit=5))) == 5
    (only,) = api_requests(sim)
    assert only["query"]["per_page"] == "5"


def test_throttled_requests_wait_as_retry_after_says_then_succeed(sim, client, sleeps):
    sim.faults(
        {"path": "^/v2/account$", "kind": "status", "status": 429, "retry_after": 3, "count": 2}
    )
    assert client.get("/account")["account"]
    assert [r["status"] for r in api_requests(sim)] == [429, 429, 200]
    assert [round(s) for s in sleeps] == [3, 3]


def test_server_errors_are_retried_with_growing_backoff(sim, client, sleeps):
    sim.faults({"path": "^/v2/account$", "kind": "status", "status": 503, "count": 3})
    assert client.get("/account")["account"]
    assert [r["status"] for r in api_requests(sim)] == [503, 503, 503, 200]
    assert len(sleeps) == 3 and all(0.25 <= s <= 16 for s in sleeps)


def test_a_dropped_connection_on_a_get_is_retried(sim, client):
    sim.faults({"path": "^/v2/account$", "kind": "drop", "count": 1})
    assert client.get("/account")["account"]
    assert client.requests_sent == 2


def test_retries_give_up_after_the_policy_attempts_with_the_last_error(sim, client):
    sim.faults({"path": "^/v2/account$", "kind": "status", "status": 500})
    with pytest.raises(APIError) as raised:
        client.get("/account")
    assert raised.value.status == 500
    assert len(api_requests(sim)) == RetryPolicy().attempts


def test_a_wait_longer_than_max_wait_fails_at_once_with_the_reason(sim, sleeps):
    client = Client(TOKEN, sim.url, retry=RetryPolicy(sleep=sleeps, max_wait=10))
    sim.faults({"path": "^/v2/account$", "kind": "status", "status": 429, "retry_after": 600})
    with pytest.raises(APIError, match=r"asks to wait 600 s before retrying; giving up"):
        client.get("/account")
    assert sleeps == []


def test_a_post_that_failed_with_a_server_error_is_not_sent_again(sim, client):
    seed(sim, 1)
    droplet_id = sim.state()["droplets"][0]["id"]
    sim.faults({"method": "POST", "path": "/actions$", "kind": "status", "status": 503})
    with pytest.raises(APIError) as raised:
        client.post(f"/droplets/{droplet_id}/actions", {"type": "power_off"})
    assert raised.value.uncertain
    assert len(api_requests(sim, "POST")) == 1


def test_a_throttled_post_is_sent_again(sim, client):
    seed(sim, 1)
    droplet_id = sim.state()["droplets"][0]["id"]
    sim.faults(
        {
            "method": "POST",
            "path": "/actions$",
            "kind": "status",
            "status": 429,
            "retry_after": 1,
            "count": 1,
        }
    )
    action = client.post(f"/droplets/{droplet_id}/actions", {"type": "power_off"})["action"]
    assert action["type"] == "power_off"
    assert [r["status"] for r in api_requests(sim, "POST")] == [429, 201]


def test_a_refused_token_is_one_line_without_the_token(sim):
    sim.settings(tokens=["dop_v1_the_right_one"])
    client = Client(TOKEN, sim.url)
    with pytest.raises(APIError) as raised:
        client.get("/account")
    assert raised.value.status == 401
    assert "token was refused" in str(raised.value)
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value.failure())


def test_error_bodies_become_status_id_message_and_request_id(sim, client):
    with pytest.raises(APIError) as raised:
        client.get("/droplets/999999999")
    error = raised.value
    assert (error.status, error.error_id) == (404, "not_found")
    assert str(error).startswith("GET /droplets/999999999 returned 404 not_found: ")


def test_requests_slow_down_when_the_hourly_budget_runs_low(sim, sleeps):
    sim.settings(rate_limit={"per_hour": 102, "per_minute": 1000})
    client = Client(TOKEN, sim.url, retry=RetryPolicy(sleep=sleeps, slow_below=100))
    for _request in range(4):
        client.get("/account")
    assert len(sleeps) == 2 and all(s > 0 for s in sleeps)


def throttled(sim, count: int) -> None:
    sim.faults({"path": "^/v2/account$", "kind": "status", "status": 429, "count": count})


def test_with_a_deadline_a_throttled_request_is_sent_again_beyond_the_attempts(sim, sleeps):
    throttled(sim, 10)  # more than the 6 attempts: fifty forks of one token can meet that
    client = Client(
        TOKEN, sim.url, timeout=5, retry=RetryPolicy(sleep=sleeps), time_left=lambda: 60
    )
    assert client.get("/account")["account"]
    assert [r["status"] for r in api_requests(sim)] == [429] * 10 + [200]
    assert len(sleeps) == 10 and all(s <= 16 for s in sleeps)


def test_without_a_deadline_a_throttled_request_is_tried_as_many_times_as_the_policy_says(
    sim, client
):
    throttled(sim, 10)
    with pytest.raises(APIError) as raised:
        client.get("/account")
    assert raised.value.status == 429
    assert len(api_requests(sim)) == 6


def test_a_throttled_request_is_not_sent_again_past_the_deadline(sim, sleeps):
    throttled(sim, 1_000)
    left = iter([60, 60, 60, 0, 0])
    client = Client(
        TOKEN, sim.url, timeout=5, retry=RetryPolicy(sleep=sleeps), time_left=lambda: next(left)
    )
    with pytest.raises(APIError) as raised:
        client.get("/account")
    assert raised.value.status == 429 and "no time left" in str(raised.value)
    assert 1 <= len(api_requests(sim)) <= 3
