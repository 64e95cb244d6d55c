"""GET /v2/firewalls: the simulator models no firewalls, and lists none like any collection."""

from __future__ import annotations

from tests.support.simapi import Api


def test_firewalls_are_an_empty_page(api: Api):
    response = api.get("/firewalls")
    assert response.status_code == 200
    assert response.json() == {"firewalls": [], "links": {}, "meta": {"total": 0}}


def test_firewalls_take_the_paging_parameters(api: Api):
    # community.digitalocean's digital_ocean_droplet reads them so, on every run
    response = api.get("/firewalls", params={"page": 1, "per_page": 40})
    assert response.json() == {"firewalls": [], "links": {}, "meta": {"total": 0}}
    assert api.get("/firewalls", params={"per_page": 0}).status_code == 400


def test_firewalls_need_a_token_and_count_against_the_rate_limit(sim, api: Api):
    assert Api(sim.url, token=None).get("/firewalls").status_code == 401
    sim.settings(rate_limit={"per_minute": 2})
    first = api.get("/firewalls")
    assert (first.status_code, first.headers["ratelimit-remaining"]) == (200, "4999")
    assert api.get("/firewalls").status_code == 200
    assert api.get("/firewalls").status_code == 429
    assert [entry["path"] for entry in sim.requests()] == ["/v2/firewalls"] * 4
