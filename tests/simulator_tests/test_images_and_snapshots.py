"""Snapshots, images and Droplet listing filters."""

from __future__ import annotations

import time

from tests.support.simapi import Api


def seed_snapshot(sim) -> tuple[int, int]:
    droplet = sim.reset(droplets=[{"name": "web-1", "snapshots": ["base"]}])["droplets"][0]
    return droplet["id"], droplet["snapshot_ids"][0]


def test_get_snapshot_by_id(sim, api: Api):
    droplet_id, snapshot_id = seed_snapshot(sim)
    snapshot = api.get(f"/snapshots/{snapshot_id}").json()["snapshot"]
    assert (snapshot["id"], snapshot["name"]) == (str(snapshot_id), "base")
    assert snapshot["resource_id"] == str(droplet_id)


def test_delete_snapshot_twice_gives_204_then_404(sim, api: Api):
    droplet_id, snapshot_id = seed_snapshot(sim)
    assert api.delete(f"/snapshots/{snapshot_id}").status_code == 204
    assert api.delete(f"/snapshots/{snapshot_id}").status_code == 404
    assert api.droplet(droplet_id)["snapshot_ids"] == []
    assert api.get(f"/droplets/{droplet_id}/snapshots").json()["meta"]["total"] == 0


def test_an_image_that_is_not_a_snapshot_is_400(sim, api: Api):
    response = api.get("/snapshots/159651797")
    assert response.status_code == 400
    assert response.json()["message"] == "the resource is not a snapshot"
    assert api.delete("/snapshots/159651797").status_code == 400


def test_an_unknown_volume_snapshot_id_is_404(api: Api):
    assert api.get("/snapshots/fbe805e8-866b-11e6-96bf-000f53315a41").status_code == 404
    assert api.delete("/snapshots/fbe805e8-866b-11e6-96bf-000f53315a41").status_code == 404


def test_snapshots_resource_type_filter(sim, api: Api):
    seed_snapshot(sim)
    assert api.get("/snapshots", params={"resource_type": "droplet"}).json()["meta"]["total"] == 1
    assert api.get("/snapshots", params={"resource_type": "volume"}).json()["meta"]["total"] == 0
    assert api.get("/snapshots", params={"resource_type": "disk"}).status_code == 400


def test_images_filters(sim, api: Api):
    seed_snapshot(sim)
    everything = api.get("/images").json()
    assert everything["meta"]["total"] == 6
    private = api.get("/images", params={"private": "true"}).json()["images"]
    assert [(i["name"], i["type"]) for i in private] == [("base", "snapshot")]
    apps = api.get("/images", params={"type": "application"}).json()["images"]
    assert [i["slug"] for i in apps] == ["docker-20-04"]
    distributions = api.get("/images", params={"type": "distribution"}).json()["meta"]["total"]
    assert distributions == 4


def test_image_by_id_or_slug_and_snapshot_image_deletion(sim, api: Api):
    _droplet_id, snapshot_id = seed_snapshot(sim)
    assert api.get("/images/debian-12-x64").json()["image"]["id"] == 144006963
    assert api.get(f"/images/{snapshot_id}").json()["image"]["type"] == "snapshot"
    assert api.delete("/images/144006963").status_code == 403
    assert api.delete(f"/images/{snapshot_id}").status_code == 204
    assert api.get("/snapshots").json()["snapshots"] == []


def test_update_image_name(sim, api: Api):
    _droplet_id, snapshot_id = seed_snapshot(sim)
    image = api.put(f"/images/{snapshot_id}", {"name": "renamed"}).json()["image"]
    assert image["name"] == "renamed"
    assert api.get(f"/snapshots/{snapshot_id}").json()["snapshot"]["name"] == "renamed"


def test_custom_image_imports_then_becomes_available(sim, api: Api):
    body = {
        "name": "mine",
        "url": "http://example.com/i.img",
        "region": "nyc3",
        "distribution": "x",
    }
    image = api.post("/images", body).json()["image"]
    assert (image["status"], image["type"], image["distribution"]) == ("NEW", "custom", "Unknown")
    time.sleep(0.65)  # the import takes 60 s at scale 1
    assert api.get(f"/images/{image['id']}").json()["image"]["status"] == "available"
    assert api.get(f"/snapshots/{image['id']}").status_code == 400


def test_image_transfer_action_adds_the_region(sim, api: Api):
    _droplet_id, snapshot_id = seed_snapshot(sim)
    response = api.post(f"/images/{snapshot_id}/actions", {"type": "transfer", "region": "ams3"})
    assert response.status_code == 201
    action = api.wait(response.json()["action"]["id"])
    assert (action["type"], action["resource_type"]) == ("transfer", "image")
    assert api.get(f"/images/{snapshot_id}").json()["image"]["regions"] == ["nyc3", "ams3"]
    listed = api.get(f"/images/{snapshot_id}/actions").json()["actions"]
    assert [a["id"] for a in listed] == [action["id"]]
    bad = api.post(f"/images/{snapshot_id}/actions", {"type": "transfer", "region": "mars1"})
    assert bad.status_code == 422
    assert api.post(f"/images/{snapshot_id}/actions", {"type": ["transfer"]}).status_code == 422


def test_an_image_takes_one_action_at_a_time(sim, api: Api):
    _droplet_id, snapshot_id = seed_snapshot(sim)
    first = api.post(f"/images/{snapshot_id}/actions", {"type": "transfer", "region": "ams3"})
    second = api.post(f"/images/{snapshot_id}/actions", {"type": "transfer", "region": "fra1"})
    assert second.status_code == 422
    assert second.json()["message"] == "Image already has a pending event."
    api.wait(first.json()["action"]["id"])
    again = api.post(f"/images/{snapshot_id}/actions", {"type": "transfer", "region": "fra1"})
    assert again.status_code == 201


def test_droplets_filter_by_name_and_tag(sim, api: Api):
    sim.reset(droplets=[{"name": "Web-1", "tags": ["web"]}, {"name": "db-1", "tags": ["db"]}])
    by_name = api.get("/droplets", params={"name": "web-1"}).json()["droplets"]
    assert [d["name"] for d in by_name] == ["Web-1"]  # exact, case-insensitive
    by_tag = api.get("/droplets", params={"tag_name": "db"}).json()["droplets"]
    assert [d["name"] for d in by_tag] == ["db-1"]
    assert api.get("/droplets", params={"type": "gpus"}).json()["droplets"] == []


def test_delete_droplets_by_tag(sim, api: Api):
    sim.reset(droplets=[{"tags": ["tmp"]}, {"tags": ["tmp"]}, {"name": "keep"}])
    assert api.delete("/droplets", params={"tag_name": "tmp"}).status_code == 204
    assert [d["name"] for d in api.get("/droplets").json()["droplets"]] == ["keep"]
    assert api.delete("/droplets").status_code == 400


def test_account(api: Api):
    account = api.get("/account").json()["account"]
    assert (account["status"], account["droplet_limit"]) == ("active", 25)
