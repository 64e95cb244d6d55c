"""Tags: creating, listing, reading and deleting them, tagging and untagging resources, and the
``tags`` that Droplets, images, volumes and volume snapshots show."""

from __future__ import annotations

import pytest
import requests

from tests.simulator.client import SimError
from tests.support.simapi import Api

PARSE_ERROR = "error parsing request body"
RESOURCES_MISSING = "param is missing or the value is empty: resources"
INVALID_TAGS = "There was an error while trying to create your tags. Please try again."
UNTAGGABLE_TYPE = "resource_type must be one of droplet, image, volume, volume_snapshot or database"
UNKNOWN_UUID = "fbe805e8-866b-11e6-96bf-000f53315a41"
KINDS = ("droplets", "images", "volumes", "volume_snapshots", "databases")
DROPLET = {"name": "x", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}


def create(api: Api, name: str) -> dict:
    response = api.post("/tags", {"name": name})
    assert response.status_code == 201, response.text
    return response.json()["tag"]


def get(api: Api, name: str) -> dict:
    response = api.get(f"/tags/{name}")
    assert response.status_code == 200, response.text
    return response.json()["tag"]


def resources(*pairs: tuple[str, object]) -> dict:
    return {"resources": [{"resource_type": kind, "resource_id": rid} for kind, rid in pairs]}


def tag(api: Api, name: str, *pairs: tuple[str, object]) -> requests.Response:
    return api.post(f"/tags/{name}/resources", resources(*pairs))


def untag(api: Api, name: str, *pairs: tuple[str, object]) -> requests.Response:
    return api.delete(f"/tags/{name}/resources", json=resources(*pairs))


def error_of(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["id"], body["message"]


def counts(tag_object: dict) -> dict[str, int]:
    """The tag's count of resources, in all and per type."""
    found = tag_object["resources"]
    return {"count": found["count"], **{kind: found[kind]["count"] for kind in KINDS}}


def last_tagged(sim, tag_object: dict, kind: str | None = None) -> str | None:
    """The tag's ``last_tagged_uri`` (of one type, if given), relative to the server."""
    found = tag_object["resources"][kind] if kind else tag_object["resources"]
    uri = found.get("last_tagged_uri")
    return uri and uri.removeprefix(sim.base)


def untouched(name: str) -> dict:
    """A tag as it shows with nothing tagged: the spec's example of a new tag."""
    return {"name": name, "resources": {"count": 0, **{kind: {"count": 0} for kind in KINDS}}}


# -- create, list, get, delete -----------------------------------------------------------------


def test_create_get_list_and_delete_a_tag(sim, api: Api):
    response = api.post("/tags", {"name": "env:prod"})
    assert response.status_code == 201
    assert response.json() == {"tag": untouched("env:prod")}
    assert get(api, "env:prod") == untouched("env:prod")
    assert api.get("/tags").json() == {
        "tags": [untouched("env:prod")],
        "links": {},
        "meta": {"total": 1},
    }
    assert sim.state()["tags"] == [untouched("env:prod")]
    assert api.delete("/tags/env:prod").status_code == 204
    assert error_of(api.get("/tags/env:prod"))[:2] == (404, "not_found")
    assert error_of(api.delete("/tags/env:prod"))[:2] == (404, "not_found")
    assert api.get("/tags").json()["tags"] == []
    assert error_of(api.get("/tags/not.a.tag"))[:2] == (404, "not_found")


def test_creating_an_existing_tag_answers_201_with_it(api: Api, droplet_id):
    create(api, "web")
    assert tag(api, "web", ("droplet", str(droplet_id))).status_code == 204
    again = api.post("/tags", {"name": "web"})
    assert again.status_code == 201
    assert again.json()["tag"] == get(api, "web")
    assert counts(again.json()["tag"])["droplets"] == 1
    assert api.get("/tags").json()["meta"] == {"total": 1}


def test_names_keep_the_capitalization_they_were_created_with(sim, api: Api):
    create(api, "PROD")
    assert create(api, "prod")["name"] == "PROD"  # the same tag
    assert [t["name"] for t in api.get("/tags").json()["tags"]] == ["PROD"]
    # URLs use the canonical capitalization.
    assert error_of(api.get("/tags/prod"))[0] == 404
    assert error_of(tag(api, "prod", ("droplet", "1")))[0] == 404
    assert error_of(api.delete("/tags/prod"))[0] == 404
    assert get(api, "PROD")["name"] == "PROD"
    # A Droplet created with the tag in another capitalization gets the tag as it is spelled.
    droplet = api.post("/droplets", {**DROPLET, "tags": ["prod", "Prod", "new-one"]})
    assert droplet.json()["droplet"]["tags"] == ["PROD", "new-one"]
    assert [t["name"] for t in api.get("/tags").json()["tags"]] == ["PROD", "new-one"]


def test_longest_names_and_every_allowed_character_are_accepted(api: Api):
    for name in ("a" * 255, "Env:Prod-01_b", "7", ":-_"):
        assert create(api, name)["name"] == name
        assert get(api, name)["name"] == name


def test_a_percent_encoded_name_in_the_path_is_the_tag(api: Api, droplet_id):
    create(api, "env:prod")
    assert get(api, "env%3Aprod")["name"] == "env:prod"
    assert tag(api, "env%3Aprod", ("droplet", str(droplet_id))).status_code == 204
    assert api.droplet(droplet_id)["tags"] == ["env:prod"]


def rejection(name: str, problem: str) -> str:
    return f'Error validating resource tag: "tag-name \\"{name}\\" {problem}"'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "bad name"}, rejection("bad name", "contains invalid characters")),
        ({"name": "dots.are.out"}, rejection("dots.are.out", "contains invalid characters")),
        ({"name": "здорово"}, rejection("здорово", "contains invalid characters")),
        ({"name": "a/b"}, rejection("a/b", "contains invalid characters")),
        ({"name": "web\n"}, rejection("web\\\\n", "contains invalid characters")),
        ({"name": "a" * 256}, rejection("a" * 256, "is longer than 255 characters")),
        ({"name": ""}, rejection("", "must not be empty")),
        ({}, rejection("", "must not be empty")),
        ({"name": 7}, PARSE_ERROR),
        ({"name": None}, PARSE_ERROR),
        ({"name": ["web"]}, PARSE_ERROR),
        (["web"], PARSE_ERROR),
        ("web", PARSE_ERROR),
    ],
)
def test_an_invalid_name_is_the_specs_400_and_creates_nothing(sim, api: Api, body, message):
    response = api.post("/tags", body)
    assert response.status_code == 400
    assert response.json() == {
        "error": message,
        "messages": None,
        "root_causes": [f"rpc error: code = InvalidArgument desc = {message}"],
    }
    assert response.headers["x-request-id"]
    assert response.headers["ratelimit-limit"] == "5000"
    assert sim.state()["tags"] == []


def test_malformed_json_for_a_new_tag_is_400(sim, api: Api):
    response = api.session.post(
        f"{sim.url}/tags", data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]) == (400, PARSE_ERROR)
    assert sim.state()["tags"] == []


def test_tags_are_listed_in_creation_order_and_paginated(api: Api):
    names = [f"tag-{n:02d}" for n in range(25)]
    for name in reversed(names):
        create(api, name)
    first = api.get("/tags").json()
    assert [t["name"] for t in first["tags"]] == names[::-1][:20]
    assert first["meta"] == {"total": 25}
    assert set(first["links"]["pages"]) == {"next", "last"}
    page = api.get("/tags", params={"per_page": 10, "page": 3}).json()
    assert [t["name"] for t in page["tags"]] == names[::-1][20:]
    assert set(page["links"]["pages"]) == {"first", "prev"}
    assert api.get("/tags", params={"page": 0}).status_code == 400


# -- tagging and untagging Droplets ------------------------------------------------------------


def test_tagging_a_droplet_shows_everywhere(sim, api: Api):
    seeds = [{"name": "web-1"}, {"name": "db-1", "tags": ["db"]}]
    web, _db = sim.reset(droplets=seeds)["droplets"]
    create(api, "web")
    response = tag(api, "web", ("droplet", str(web["id"])))
    assert (response.status_code, response.content) == (204, b"")
    assert api.droplet(web["id"])["tags"] == ["web"]
    listed = {d["name"]: d["tags"] for d in api.get("/droplets").json()["droplets"]}
    assert listed == {"web-1": ["web"], "db-1": ["db"]}
    filtered = api.get("/droplets", params={"tag_name": "web"}).json()
    assert [d["id"] for d in filtered["droplets"]] == [web["id"]]
    assert filtered["meta"] == {"total": 1}
    found = get(api, "web")
    assert counts(found) == {"count": 1, "droplets": 1, "images": 0, "volumes": 0,
                             "volume_snapshots": 0, "databases": 0}  # fmt: skip
    assert last_tagged(sim, found) == last_tagged(sim, found, "droplets")
    assert last_tagged(sim, found) == f"/v2/droplets/{web['id']}"
    assert sim.state()["droplets"][0]["tags"] == ["web"]


def test_tagging_is_idempotent(api: Api, droplet_id):
    create(api, "web")
    for _attempt in range(3):
        assert tag(api, "web", ("droplet", str(droplet_id))).status_code == 204
    both = tag(api, "web", ("droplet", str(droplet_id)), ("droplet", str(droplet_id)))
    assert both.status_code == 204
    assert api.droplet(droplet_id)["tags"] == ["web"]
    assert counts(get(api, "web"))["count"] == 1


def test_a_droplet_keeps_its_tags_in_order(sim, api: Api):
    (droplet,) = sim.reset(droplets=[{"name": "web-1", "tags": ["b", "a"]}])["droplets"]
    create(api, "c")
    tag(api, "c", ("droplet", str(droplet["id"])))
    tag(api, "a", ("droplet", str(droplet["id"])))  # already there
    assert api.droplet(droplet["id"])["tags"] == ["b", "a", "c"]


def test_untagging_leaves_the_tag_itself(sim, api: Api, droplet_id):
    create(api, "web")
    tag(api, "web", ("droplet", str(droplet_id)))
    response = untag(api, "web", ("droplet", str(droplet_id)))
    assert (response.status_code, response.content) == (204, b"")
    assert api.droplet(droplet_id)["tags"] == []
    assert api.get("/droplets", params={"tag_name": "web"}).json()["droplets"] == []
    assert get(api, "web") == untouched("web")
    assert untag(api, "web", ("droplet", str(droplet_id))).status_code == 204  # nothing to do
    assert api.droplet(droplet_id)["tags"] == []


def test_last_tagged_uri_follows_the_latest_tagging(sim, api: Api):
    first, second = sim.reset(droplets=[{}, {}])["droplets"]
    create(api, "web")
    tag(api, "web", ("droplet", str(first["id"])))
    tag(api, "web", ("droplet", str(second["id"])))
    assert last_tagged(sim, get(api, "web")) == f"/v2/droplets/{second['id']}"
    tag(api, "web", ("droplet", str(first["id"])))  # tagged already: nothing changes
    assert last_tagged(sim, get(api, "web")) == f"/v2/droplets/{second['id']}"
    untag(api, "web", ("droplet", str(second["id"])))
    assert last_tagged(sim, get(api, "web")) == f"/v2/droplets/{first['id']}"


def test_a_locked_droplet_can_be_tagged(sim, api: Api):
    (droplet,) = sim.reset(droplets=[{"status": "new"}])["droplets"]
    create(api, "web")
    assert tag(api, "web", ("droplet", str(droplet["id"]))).status_code == 204
    assert api.droplet(droplet["id"])["locked"] is True
    assert sim.state()["actions"][0]["type"] == "create"  # tagging is no Action
    assert len(sim.state()["actions"]) == 1


def test_deleting_a_tag_untags_every_resource(sim, api: Api):
    state = sim.reset(
        droplets=[
            {"name": "web-1", "tags": ["web", "blue"], "snapshots": ["base"]},
            {"name": "web-2", "tags": ["web"]},
            {"name": "db-1", "volumes": [{"name": "data-1", "tags": ["web"], "snapshots": ["s"]}]},
        ]
    )
    (volume_snapshot,) = state["volume_snapshots"]
    tag(api, "web", ("volume_snapshot", volume_snapshot["id"]))
    # Two Droplets, the snapshot of one (which took its tags), a volume and its snapshot.
    assert counts(get(api, "web"))["count"] == 5
    assert api.delete("/tags/web").status_code == 204
    after = sim.state()
    assert [d["tags"] for d in after["droplets"]] == [["blue"], [], []]
    assert [v["tags"] for v in after["volumes"]] == [[]]
    assert [s["tags"] for s in after["snapshots"] + after["volume_snapshots"]] == [["blue"], []]
    assert [t["name"] for t in after["tags"]] == ["blue"]
    assert api.get("/droplets", params={"tag_name": "web"}).json()["droplets"] == []


def test_deleting_a_droplet_keeps_its_tags(sim, api: Api):
    (droplet,) = sim.reset(droplets=[{"name": "web-1", "tags": ["web"]}])["droplets"]
    assert api.delete(f"/droplets/{droplet['id']}").status_code == 204
    assert get(api, "web") == untouched("web")


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_tag_that_does_not_exist_is_404_before_the_body_is_read(api: Api, droplet_id, method):
    for body in (resources(("droplet", str(droplet_id))), {}, None):
        response = api.session.request(method, f"{api.base}/tags/nothing/resources", json=body)
        assert error_of(response) == (
            404,
            "not_found",
            "The resource you requested could not be found.",
        )
    assert api.droplet(droplet_id)["tags"] == []


BAD_BODIES = [
    (None, 400, "parameter_missing", RESOURCES_MISSING),
    ({}, 400, "parameter_missing", RESOURCES_MISSING),
    ([], 400, "parameter_missing", RESOURCES_MISSING),
    ({"resources": []}, 400, "parameter_missing", RESOURCES_MISSING),
    ({"resources": None}, 400, "parameter_missing", RESOURCES_MISSING),
    ({"resources": {"resource_id": "ID", "resource_type": "droplet"}}, 400, "parameter_missing",
     RESOURCES_MISSING),
    ({"resources": ["ID"]}, 400, "parameter_missing", RESOURCES_MISSING),
    (resources(("droplet", 0)), 400, "parameter_missing", RESOURCES_MISSING),  # an integer id
    (resources(("droplet", "")), 400, "parameter_missing", RESOURCES_MISSING),
    (resources(("", "ID")), 400, "parameter_missing", RESOURCES_MISSING),
    ({"resources": [{"resource_id": "ID"}]}, 400, "parameter_missing", RESOURCES_MISSING),
    ({"resources": [{"resource_type": "droplet"}]}, 400, "parameter_missing", RESOURCES_MISSING),
    (resources(("firewall", "ID")), 422, "unprocessable_entity", UNTAGGABLE_TYPE),
    (resources(("Droplet", "ID")), 422, "unprocessable_entity", UNTAGGABLE_TYPE),
    (resources(("droplet", "ID"), ("load_balancer", "ID")), 422, "unprocessable_entity",
     UNTAGGABLE_TYPE),
    (resources(("droplet", "1")), 422, "unprocessable_entity",
     "The droplet '1' could not be found."),
    (resources(("droplet", "web-1")), 422, "unprocessable_entity",
     "The droplet 'web-1' could not be found."),
    (resources(("droplet", "ID"), ("volume", UNKNOWN_UUID)), 422, "unprocessable_entity",
     f"The volume '{UNKNOWN_UUID}' could not be found."),
    (resources(("volume_snapshot", UNKNOWN_UUID)), 422, "unprocessable_entity",
     f"The volume_snapshot '{UNKNOWN_UUID}' could not be found."),
    (resources(("image", "159651797")), 422, "unprocessable_entity",  # a public image
     "The image '159651797' could not be found."),
    (resources(("database", "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30")), 422,
     "unprocessable_entity",
     "The database '9cc10173-e9ea-4176-9dbc-a4cee4c4ff30' could not be found."),
]  # fmt: skip


def with_id(value, droplet_id: int):
    """``value`` with every ``"ID"`` in it replaced by the Droplet's id."""
    if isinstance(value, dict):
        return {key: with_id(item, droplet_id) for key, item in value.items()}
    if isinstance(value, list):
        return [with_id(item, droplet_id) for item in value]
    return str(droplet_id) if value == "ID" else value


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize(("body", "status", "error_id", "message"), BAD_BODIES)
def test_a_bad_tagging_body_is_refused_and_changes_nothing(
    sim, api: Api, method, body, status, error_id, message
):
    (droplet,) = sim.reset(droplets=[{"name": "web-1", "tags": ["web"]}])["droplets"]
    create(api, "blue")
    for name in ("web", "blue"):
        path = f"{api.base}/tags/{name}/resources"
        response = api.session.request(method, path, json=with_id(body, droplet["id"]))
        assert error_of(response) == (status, error_id, message)
    assert api.droplet(droplet["id"])["tags"] == ["web"]


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_malformed_json_for_a_tagging_is_400(sim, api: Api, droplet_id, method):
    create(api, "web")
    response = api.session.request(
        method,
        f"{api.base}/tags/web/resources",
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert error_of(response) == (400, "bad_request", PARSE_ERROR)


@pytest.mark.parametrize(
    "tags", [["bad tag"], ["web", "dots.are.out"], ["a" * 256], [""], ["naïve"]]
)
def test_creating_a_droplet_with_an_invalid_tag_is_422(sim, api: Api, tags):
    response = api.post("/droplets", {**DROPLET, "tags": tags})
    assert error_of(response) == (422, "unprocessable_entity", INVALID_TAGS)
    assert sim.state()["droplets"] == [] and sim.state()["tags"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/volumes", {"name": "data-1", "size_gigabytes": 10, "region": "nyc3"}),
        ("/images", {"name": "c", "url": "http://example.com/c.img", "region": "nyc3"}),
    ],
)
def test_creating_a_volume_or_an_image_with_an_invalid_tag_is_422(sim, api: Api, path, body):
    response = api.post(path, {**body, "tags": ["bad tag"]})
    assert error_of(response) == (422, "unprocessable_entity", INVALID_TAGS)
    assert sim.state()["tags"] == [] and sim.state()["volumes"] == []
    assert api.get("/images", params={"private": "true"}).json()["images"] == []


def test_seeds_with_an_invalid_tag_are_refused(sim):
    sim.reset(droplets=[{"name": "kept", "tags": ["web"]}])
    with pytest.raises(SimError, match="invalid tag name 'bad tag'"):
        sim.reset(droplets=[{"tags": ["bad tag"]}])
    with pytest.raises(SimError, match="invalid tag name"):
        sim.reset(droplets=[{"volumes": [{"name": "data-1", "tags": ["a.b"]}]}])
    assert [t["name"] for t in sim.state()["tags"]] == ["web"]


# -- tags that resources are created with ----------------------------------------------------


def test_seeded_tags_exist_as_tags(sim, api: Api):
    state = sim.reset(
        droplets=[
            {"name": "web-1", "tags": ["web", "env:prod"]},
            {"name": "web-2", "tags": ["web"], "volumes": [{"name": "data-2", "tags": ["db"]}]},
        ]
    )
    assert [t["name"] for t in state["tags"]] == ["web", "env:prod", "db"]
    assert state["tags"] == api.get("/tags").json()["tags"] == sim.state()["tags"]
    assert counts(get(api, "web"))["droplets"] == 2
    assert counts(get(api, "db"))["volumes"] == 1
    assert last_tagged(sim, get(api, "web")) == f"/v2/droplets/{state['droplets'][1]['id']}"


def test_creating_resources_with_tags_creates_the_tags(sim, api: Api):
    body = {**DROPLET, "names": ["a", "b"], "tags": ["web", "web"]}
    del body["name"]
    created = api.post("/droplets", body)
    assert [d["tags"] for d in created.json()["droplets"]] == [["web"], ["web"]]
    volume = api.post(
        "/volumes", {"name": "data-1", "size_gigabytes": 10, "region": "nyc3", "tags": ["db"]}
    ).json()["volume"]
    snapshot = api.post(f"/volumes/{volume['id']}/snapshots", {"name": "s", "tags": ["nightly"]})
    image = api.post(
        "/images",
        {"name": "c", "url": "http://example.com/c.img", "region": "nyc3", "tags": ["base"]},
    ).json()["image"]
    assert [t["name"] for t in api.get("/tags").json()["tags"]] == ["web", "db", "nightly", "base"]
    assert counts(get(api, "web"))["droplets"] == 2
    assert last_tagged(sim, get(api, "db")) == f"/v2/volumes/{volume['id']}"
    snapshot_id = snapshot.json()["snapshot"]["id"]
    assert last_tagged(sim, get(api, "nightly")) == f"/v2/snapshots/{snapshot_id}"
    assert last_tagged(sim, get(api, "base"), "images") == f"/v2/images/{image['id']}"


# -- other resource types --------------------------------------------------------------------


def test_volumes_images_and_volume_snapshots_can_be_tagged(sim, api: Api):
    state = sim.reset(
        droplets=[
            {
                "name": "db-1",
                "snapshots": ["base"],
                "volumes": [{"name": "data-1", "snapshots": ["s"]}],
            }
        ]
    )
    (droplet,), (volume,) = state["droplets"], state["volumes"]
    (snapshot,), (volume_snapshot,) = state["snapshots"], state["volume_snapshots"]
    create(api, "keep")
    everything = [
        ("droplet", str(droplet["id"])),
        ("image", snapshot["id"]),
        ("volume", volume["id"]),
        ("volume_snapshot", volume_snapshot["id"]),
    ]
    assert tag(api, "keep", *everything).status_code == 204
    found = get(api, "keep")
    assert counts(found) == {"count": 4, "droplets": 1, "images": 1, "volumes": 1,
                             "volume_snapshots": 1, "databases": 0}  # fmt: skip
    assert last_tagged(sim, found) == f"/v2/snapshots/{volume_snapshot['id']}"
    assert last_tagged(sim, found, "images") == f"/v2/images/{snapshot['id']}"
    assert last_tagged(sim, found, "volumes") == f"/v2/volumes/{volume['id']}"
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["tags"] == ["keep"]
    assert api.get(f"/images/{snapshot['id']}").json()["image"]["tags"] == ["keep"]
    assert api.get(f"/snapshots/{snapshot['id']}").json()["snapshot"]["tags"] == ["keep"]
    by_tag = api.get("/images", params={"tag_name": "keep"}).json()["images"]
    assert [i["id"] for i in by_tag] == [int(snapshot["id"])]
    listed = api.get("/volumes/snapshots/" + volume_snapshot["id"]).json()["snapshot"]
    assert listed["tags"] == ["keep"]

    assert untag(api, "keep", *everything[1:]).status_code == 204
    assert counts(get(api, "keep"))["count"] == 1
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["tags"] == []


# -- the request pipeline --------------------------------------------------------------------


TAG_OPERATIONS = [
    ("GET", "/tags", None),
    ("POST", "/tags", {"name": "web"}),
    ("GET", "/tags/web", None),
    ("DELETE", "/tags/web", None),
    ("POST", "/tags/web/resources", resources(("droplet", "1"))),
    ("DELETE", "/tags/web/resources", resources(("droplet", "1"))),
]


@pytest.mark.parametrize(("method", "path", "body"), TAG_OPERATIONS)
def test_every_tag_operation_needs_the_bearer_token(sim, method, path, body):
    response = Api(sim.url, token=None).session.request(method, sim.url + path, json=body)
    assert error_of(response)[:2] == (401, "unauthorized")


def test_tag_requests_are_logged_and_rate_limited(sim, api: Api, droplet_id):
    sim.settings(rate_limit={"per_minute": 3})
    body = resources(("droplet", str(droplet_id)))
    assert create(api, "web")
    assert tag(api, "web", ("droplet", str(droplet_id))).headers["ratelimit-remaining"] == "4998"
    assert api.get("/tags/web").status_code == 200
    refused = untag(api, "web", ("droplet", str(droplet_id)))
    assert error_of(refused)[:2] == (429, "too_many_requests")
    assert sim.state()["droplets"][0]["tags"] == ["web"]  # the refused untagging did nothing
    log = [(r["method"], r["path"], r["body"], r["status"]) for r in sim.requests()]
    assert log[:4] == [
        ("POST", "/v2/tags", {"name": "web"}, 201),
        ("POST", "/v2/tags/web/resources", body, 204),
        ("GET", "/v2/tags/web", None, 200),
        ("DELETE", "/v2/tags/web/resources", body, 429),
    ]


RESOURCES_PATH = r"^/v2/tags/[^/]+/resources$"


def test_faults_match_tag_requests_by_method_and_path(sim, api: Api, droplet_id):
    create(api, "web")
    sim.faults(
        {"kind": "status", "status": 503, "method": "DELETE", "path": RESOURCES_PATH},
        {"kind": "status", "status": 500, "method": "POST", "path": RESOURCES_PATH,
         "phase": "after", "count": 1},
    )  # fmt: skip
    assert tag(api, "web", ("droplet", str(droplet_id))).status_code == 500
    assert api.droplet(droplet_id)["tags"] == ["web"]  # it took effect, its answer was lost
    assert untag(api, "web", ("droplet", str(droplet_id))).status_code == 503
    assert api.droplet(droplet_id)["tags"] == ["web"]  # it never reached the API
    assert api.get("/tags/web").status_code == 200
    sim.clear_faults()
    assert untag(api, "web", ("droplet", str(droplet_id))).status_code == 204


def test_state_lists_the_tags_as_the_api_does(sim, api: Api, droplet_id):
    create(api, "web")
    tag(api, "web", ("droplet", str(droplet_id)))
    create(api, "empty")
    assert sim.state()["tags"] == api.get("/tags").json()["tags"]
    assert sim.reset()["tags"] == []


def test_tags_need_a_token_from_the_allowed_list(sim):
    sim.settings(tokens=["dop_v1_good"])
    assert Api(sim.url, "dop_v1_good").get("/tags").status_code == 200
    assert Api(sim.url, "dop_v1_bad").post("/tags", {"name": "web"}).status_code == 401
    assert sim.state()["tags"] == []
