"""Pagination as the API does it: page/per_page in, links.pages and meta.total out."""

from __future__ import annotations

import pytest

from tests.support.simapi import Api


def seed(sim, count: int) -> None:
    sim.reset(droplets=[{"name": f"web-{n:03d}", "tags": ["web"]} for n in range(count)])


@pytest.mark.parametrize(
    ("count", "names_on_page_1", "pages"),
    [(0, 0, {}), (1, 1, {}), (20, 20, {}), (21, 20, {"next": 2, "last": 2})],
)
def test_default_page_of_twenty(sim, api: Api, count, names_on_page_1, pages):
    seed(sim, count)
    body = api.get("/droplets").json()
    assert len(body["droplets"]) == names_on_page_1
    assert body["meta"] == {"total": count}
    expected = {rel: f"{sim.url}/droplets?page={page}" for rel, page in pages.items()}
    assert body["links"] == ({"pages": expected} if expected else {})


def test_second_of_two_pages_links_back_only(sim, api: Api):
    seed(sim, 21)
    body = api.get("/droplets", params={"page": 2}).json()
    assert [d["name"] for d in body["droplets"]] == ["web-020"]
    assert body["links"] == {
        "pages": {"first": f"{sim.url}/droplets?page=1", "prev": f"{sim.url}/droplets?page=1"}
    }


def test_201_items_at_the_maximum_page_size(sim, api: Api):
    seed(sim, 201)
    first = api.get("/droplets", params={"per_page": 200}).json()
    assert len(first["droplets"]) == 200
    assert first["meta"]["total"] == 201
    assert first["links"]["pages"] == {
        "next": f"{sim.url}/droplets?page=2&per_page=200",
        "last": f"{sim.url}/droplets?page=2&per_page=200",
    }
    second = api.session.get(first["links"]["pages"]["next"]).json()
    assert [d["name"] for d in second["droplets"]] == ["web-200"]
    assert "next" not in second["links"]["pages"]


def test_per_page_above_200_is_capped(sim, api: Api):
    seed(sim, 201)
    assert len(api.get("/droplets", params={"per_page": 500}).json()["droplets"]) == 200


def test_middle_page_has_all_four_links_and_keeps_filters(sim, api: Api):
    seed(sim, 201)
    pages = api.get("/droplets", params={"tag_name": "web", "per_page": 50, "page": 3}).json()
    links = pages["links"]["pages"]
    assert links == {
        "first": f"{sim.url}/droplets?page=1&tag_name=web&per_page=50",
        "prev": f"{sim.url}/droplets?page=2&tag_name=web&per_page=50",
        "next": f"{sim.url}/droplets?page=4&tag_name=web&per_page=50",
        "last": f"{sim.url}/droplets?page=5&tag_name=web&per_page=50",
    }


def test_following_next_visits_every_item_once(sim, api: Api):
    seed(sim, 45)
    names, url = [], f"{sim.url}/droplets?per_page=10"
    while url:
        body = api.session.get(url).json()
        names += [d["name"] for d in body["droplets"]]
        url = body["links"].get("pages", {}).get("next")
    assert names == [f"web-{n:03d}" for n in range(45)]


def test_page_past_the_end_is_empty(sim, api: Api):
    seed(sim, 3)
    body = api.get("/droplets", params={"page": 5}).json()
    assert body["droplets"] == []
    assert body["meta"] == {"total": 3}


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"page": "x"}, {"per_page": 0}, {"per_page": "-1"}]
)
def test_invalid_page_parameters_are_400(sim, api: Api, params):
    response = api.get("/droplets", params=params)
    assert response.status_code == 400
    assert response.json()["id"] == "bad_request"


def test_every_list_paginates(sim, api: Api):
    seed(sim, 3)
    paths = ("/actions", "/snapshots", "/images", "/droplets/3164444/snapshots", "/volumes")
    for path in paths:
        body = api.get(path, params={"per_page": 1}).json()
        assert "meta" in body and "links" in body, path
