"""Rate limits per token: the headers on every answer, 429 on burst and on the hourly budget."""

from __future__ import annotations

import time

from tests.support.simapi import Api


def test_every_answer_counts_down_the_hourly_budget(api: Api):
    first = api.get("/account")
    second = api.get("/droplets/1")  # a 404 counts too
    assert first.headers["ratelimit-limit"] == "5000"
    assert first.headers["ratelimit-remaining"] == "4999"
    assert second.headers["ratelimit-remaining"] == "4998"
    assert abs(int(first.headers["ratelimit-reset"]) - (time.time() + 3600)) < 5


def test_budgets_are_per_token(sim):
    Api(sim.url, "token-a").get("/account")
    assert Api(sim.url, "token-b").get("/account").headers["ratelimit-remaining"] == "4999"


def test_burst_over_the_minute_limit_gets_429_with_retry_after(sim, api: Api):
    sim.settings(rate_limit={"per_minute": 5})
    statuses = [api.get("/account").status_code for _request in range(5)]
    refused = api.get("/account")
    assert statuses == [200] * 5
    assert refused.status_code == 429
    assert refused.json()["id"] == "too_many_requests"
    assert refused.json()["message"] == "API rate limit exceeded."
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "4995"  # refusals do not count


def test_hourly_budget_spent_gets_429_until_reset(sim, api: Api):
    sim.settings(rate_limit={"per_hour": 3})
    for _request in range(3):
        assert api.get("/account").status_code == 200
    refused = api.get("/account")
    assert refused.status_code == 429
    assert refused.headers["ratelimit-remaining"] == "0"
    assert "retry-after" not in refused.headers


def test_windows_slide_so_budget_comes_back(sim, api: Api):
    # window_scale 0.02: the minute lasts 1.2 s
    sim.settings(rate_limit={"per_minute": 2, "window_scale": 0.02})
    assert [api.get("/account").status_code for _request in range(3)] == [200, 200, 429]
    time.sleep(1.25)
    assert api.get("/account").status_code == 200


def test_unauthorized_requests_carry_headers_but_do_not_count(sim, api: Api):
    response = Api(sim.url, token=None).get("/account")
    assert response.status_code == 401
    assert response.headers["ratelimit-limit"] == "5000"
    assert api.get("/account").headers["ratelimit-remaining"] == "4999"
