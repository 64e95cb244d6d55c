"""GET /v2/sizes, and the sizes only some regions offer."""

from __future__ import annotations

import pytest

from tests.simulator import catalog
from tests.simulator.client import SimError
from tests.support.simapi import Api

SIZE_KEYS = {
    "slug",
    "memory",
    "vcpus",
    "disk",
    "transfer",
    "price_monthly",
    "price_hourly",
    "regions",
    "available",
    "description",
    "disk_info",
}


def test_sizes_list_every_size_in_order_on_one_page(api: Api):
    body = api.get("/sizes").json()
    slugs = [size["slug"] for size in body["sizes"]]
    assert slugs == list(catalog.SIZES)
    assert slugs[:2] == ["s-1vcpu-512mb-10gb", "s-1vcpu-1gb"]
    assert body["links"] == {}
    assert body["meta"] == {"total": len(catalog.SIZES)} == {"total": 8}
    assert all(set(size) == SIZE_KEYS for size in body["sizes"])
    assert all(size["memory"] % 8 == 0 and size["available"] for size in body["sizes"])


def test_sizes_are_paginated_like_every_list(sim, api: Api):
    first = api.get("/sizes", params={"per_page": 3}).json()
    assert [s["slug"] for s in first["sizes"]] == list(catalog.SIZES)[:3]
    assert first["links"] == {
        "pages": {
            "next": f"{sim.url}/sizes?page=2&per_page=3",
            "last": f"{sim.url}/sizes?page=3&per_page=3",
        }
    }
    last = api.get("/sizes", params={"per_page": 3, "page": 3}).json()
    assert [s["slug"] for s in last["sizes"]] == list(catalog.SIZES)[6:]
    assert set(last["links"]["pages"]) == {"first", "prev"}
    assert last["meta"] == {"total": 8}
    assert api.get("/sizes", params={"page": 0}).status_code == 400


def test_sizes_need_a_token_and_count_against_the_rate_limit(sim, api: Api):
    refused = api.get("/sizes", headers={"Authorization": None})
    assert refused.status_code == 401
    assert refused.json()["id"] == "unauthorized"
    sim.settings(rate_limit={"per_minute": 1})
    assert api.get("/sizes").headers["ratelimit-limit"] == "5000"
    limited = api.get("/sizes")
    assert limited.status_code == 429
    assert limited.json()["id"] == "too_many_requests"


def test_some_sizes_are_offered_in_some_regions_only(api: Api):
    sizes = {size["slug"]: size for size in api.get("/sizes").json()["sizes"]}
    everywhere = sorted(catalog.REGIONS)
    assert sizes["s-1vcpu-1gb"]["regions"] == everywhere
    assert "blr1" not in sizes["s-8vcpu-16gb"]["regions"]
    assert len(sizes["s-8vcpu-16gb"]["regions"]) == len(everywhere) - 1
    assert {"sgp1", "blr1", "syd1"}.isdisjoint(sizes["g-2vcpu-8gb"]["regions"])
    assert "nyc3" in sizes["g-2vcpu-8gb"]["regions"]


def test_each_regions_sizes_agree_with_each_sizes_regions(api: Api):
    sizes = api.get("/sizes").json()["sizes"]
    regions = api.get("/regions").json()["regions"]
    for region in regions:
        offered = [size["slug"] for size in sizes if region["slug"] in size["regions"]]
        assert region["sizes"] == offered
    blr1 = next(region for region in regions if region["slug"] == "blr1")
    assert "s-8vcpu-16gb" not in blr1["sizes"]
    assert "s-4vcpu-8gb" in blr1["sizes"]


def test_a_droplet_of_a_size_its_region_lacks_is_refused(api: Api):
    body = {"name": "big", "region": "blr1", "size": "s-8vcpu-16gb", "image": "debian-12-x64"}
    response = api.post("/droplets", body)
    assert response.status_code == 422
    assert response.json()["message"] == "Size is not available in this region."
    assert api.post("/droplets", {**body, "region": "fra1"}).status_code == 202


def test_a_droplet_shows_its_own_disk_and_its_sizes_memory_and_price(sim, api: Api):
    state = sim.reset(droplets=[{"size": "s-2vcpu-4gb"}, {"size": "s-2vcpu-4gb", "disk": 25}])
    plain, kept = state["droplets"]
    assert (plain["disk"], plain["memory"], plain["vcpus"]) == (80, 4096, 2)
    assert plain["disk_info"] == [{"type": "local", "size": {"amount": 80, "unit": "gib"}}]
    assert plain["size"] == catalog.SIZES["s-2vcpu-4gb"]
    assert kept["disk"] == 25  # a CPU/RAM-only resize left the disk behind
    assert kept["disk_info"][0]["size"]["amount"] == 25
    assert kept["size"]["price_monthly"] == 24.0
    assert api.droplet(kept["id"])["disk"] == 25


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"region": "blr1", "size": "s-8vcpu-16gb"}, "not offered in blr1"),
        ({"size": "s-1vcpu-1gb", "disk": 50}, "disk must be from 1 to 25 GB"),
        ({"disk": 0}, "disk must be from 1 to 25 GB"),
        ({"disk": "25"}, "wrong type"),
    ],
)
def test_seeds_follow_the_size_rules(sim, seed, message):
    with pytest.raises(SimError, match=message):
        sim.reset(droplets=[seed])
