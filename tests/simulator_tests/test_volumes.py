"""Block storage volumes: creation rules, attach and detach Actions, volume snapshots, seeding."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import pytest

from tests.simulator.client import SimError
from tests.support.simapi import Api

VALIDATION_FAILED = "request payload validation failed"
PARSE_ERROR = "error parsing request body"
UNKNOWN_UUID = "fbe805e8-866b-11e6-96bf-000f53315a41"


def create(api: Api, name: str = "data-1", **fields) -> dict:
    body = {"name": name, "size_gigabytes": 10, "region": "nyc3", **fields}
    response = api.post("/volumes", body)
    assert response.status_code == 201, response.text
    return response.json()["volume"]


def act(api: Api, volume_id: str, kind: str, droplet_id: int, **params):
    return api.post(
        f"/volumes/{volume_id}/actions", {"type": kind, "droplet_id": droplet_id, **params}
    )


def attached(api: Api, volume_id: str, droplet_id: int) -> dict:
    """Attach and wait: the completed Action."""
    response = act(api, volume_id, "attach", droplet_id)
    assert response.status_code == 202, response.text
    return api.wait(response.json()["action"]["id"])


def error_of(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["id"], body["message"]


def seconds(timestamp: str) -> float:
    parsed = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ")
    return parsed.replace(tzinfo=timezone.utc).timestamp()


def is_uuid(value: str) -> bool:
    return str(uuid.UUID(value)) == value


def seed_volume(sim, **volume) -> tuple[int, dict]:
    """One Droplet in nyc3 with one attached volume; the Droplet's id and the volume."""
    state = sim.reset(droplets=[{"name": "db-1", "volumes": [{"name": "data-1", **volume}]}])
    return state["droplets"][0]["id"], state["volumes"][0]


# -- create, list, get, delete -----------------------------------------------------------------


def test_create_get_list_and_delete_a_volume(sim, api: Api):
    volume = create(
        api,
        size_gigabytes=100,
        description="Block store",
        filesystem_type="ext4",
        filesystem_label="data",
        tags=["db"],
    )
    assert is_uuid(volume["id"])
    assert abs(seconds(volume["created_at"]) - time.time()) < 5
    assert {k: v for k, v in volume.items() if k not in ("id", "created_at", "region")} == {
        "name": "data-1",
        "droplet_ids": [],
        "description": "Block store",
        "size_gigabytes": 100,
        "filesystem_type": "ext4",
        "filesystem_label": "data",
        "tags": ["db"],
    }
    assert volume["region"]["slug"] == "nyc3"
    assert api.get(f"/volumes/{volume['id']}").json()["volume"] == volume
    assert api.get("/volumes").json() == {"volumes": [volume], "links": {}, "meta": {"total": 1}}
    assert sim.state()["volumes"] == [volume]
    assert api.delete(f"/volumes/{volume['id']}").status_code == 204
    assert api.get(f"/volumes/{volume['id']}").status_code == 404
    assert api.delete(f"/volumes/{volume['id']}").status_code == 404


def test_an_unformatted_volume_has_empty_filesystem_fields(api: Api):
    volume = create(api)
    assert (volume["filesystem_type"], volume["filesystem_label"], volume["tags"]) == ("", "", [])


def test_list_filters_by_name_and_region_and_paginates(sim, api: Api):
    create(api, "data-1")
    create(api, "data-1", region="fra1")
    create(api, "logs", region="fra1")

    def names(**params) -> list[tuple[str, str]]:
        volumes = api.get("/volumes", params=params).json()["volumes"]
        return [(v["name"], v["region"]["slug"]) for v in volumes]

    assert names() == [("data-1", "nyc3"), ("data-1", "fra1"), ("logs", "fra1")]  # oldest first
    assert names(name="data-1") == [("data-1", "nyc3"), ("data-1", "fra1")]
    assert names(region="fra1") == [("data-1", "fra1"), ("logs", "fra1")]
    assert names(name="data-1", region="fra1") == [("data-1", "fra1")]
    assert names(name="nothing") == []
    page = api.get("/volumes", params={"per_page": 2, "page": 2}).json()
    assert [v["name"] for v in page["volumes"]] == ["logs"]
    assert page["meta"] == {"total": 3}
    assert set(page["links"]["pages"]) == {"first", "prev"}


def test_a_name_is_unique_per_region(api: Api):
    create(api, "data-1")
    response = api.post("/volumes", {"name": "data-1", "size_gigabytes": 5, "region": "nyc3"})
    assert error_of(response) == (
        409,
        "conflict",
        "failed to create volume: a volume named data-1 already exists in nyc3",
    )
    assert create(api, "data-1", region="sfo3")["region"]["slug"] == "sfo3"


REFUSED = "failed to create volume: "
BAD_NAME = REFUSED + "invalid volume name. names must be lowercase and alphanumeric"
BAD_SIZE = REFUSED + "size_gigabytes must be from 1 to 16384"


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"name": None}, 422, VALIDATION_FAILED),
        ({"size_gigabytes": None}, 422, VALIDATION_FAILED),
        ({"region": None}, 422, VALIDATION_FAILED),
        ({"name": "Data-1"}, 422, BAD_NAME),
        ({"name": "data_1"}, 422, BAD_NAME),
        ({"name": "1-data"}, 422, BAD_NAME),
        ({"name": "a" * 65}, 422, BAD_NAME),
        ({"size_gigabytes": 0}, 422, BAD_SIZE),
        ({"size_gigabytes": 16385}, 422, BAD_SIZE),
        ({"region": "mars1"}, 422, REFUSED + "invalid region"),
        ({"filesystem_type": "ntfs"}, 422, REFUSED + "filesystem_type must be ext4 or xfs"),
        ({"filesystem_label": "data"}, 422, REFUSED + "filesystem_label needs a type"),
        ({"filesystem_type": "xfs", "filesystem_label": "a" * 13}, 422,
         REFUSED + "xfs labels are limited to 12 characters"),
        ({"filesystem_type": "ext4", "filesystem_label": "a" * 17}, 422,
         REFUSED + "ext4 labels are limited to 16 characters"),
        ({"size_gigabytes": 10.0}, 400, PARSE_ERROR),
        ({"size_gigabytes": "10"}, 400, PARSE_ERROR),
        ({"size_gigabytes": True}, 400, PARSE_ERROR),
        ({"name": 7}, 400, PARSE_ERROR),
        ({"tags": "db"}, 400, PARSE_ERROR),
        ({"tags": [1]}, 400, PARSE_ERROR),
        ({"snapshot_id": UNKNOWN_UUID}, 404, "The resource you requested could not be found."),
    ],
)  # fmt: skip
def test_invalid_volume_creation_is_refused_and_changes_nothing(
    sim, api: Api, changes, status, message
):
    body = {"name": "data-1", "size_gigabytes": 10, "region": "nyc3", **changes}
    body = {key: value for key, value in body.items() if value is not None}
    assert error_of(api.post("/volumes", body))[::2] == (status, message)
    assert sim.state()["volumes"] == []


@pytest.mark.parametrize("body", [[], "volume", None])
def test_a_body_that_is_not_an_object_is_400(sim, api: Api, body):
    assert error_of(api.post("/volumes", body))[:2] == (400, "bad_request")


def test_longest_valid_names_and_labels_are_accepted(api: Api):
    volume = create(api, "a" * 64, filesystem_type="ext4", filesystem_label="b" * 16, tags=None)
    assert (len(volume["name"]), volume["tags"]) == (64, [])
    assert create(api, "x", filesystem_type="xfs", filesystem_label="c" * 12)["name"] == "x"


# -- attach and detach -----------------------------------------------------------------------


def test_attach_then_detach_through_actions(sim, api: Api, droplet_id):
    volume = create(api)
    response = act(api, volume["id"], "attach", droplet_id, region="nyc3")
    assert response.status_code == 202
    action = response.json()["action"]
    assert (action["type"], action["status"], action["completed_at"]) == (
        "attach_volume",
        "in-progress",
        None,
    )
    assert (action["resource_type"], action["resource_id"], action["region_slug"]) == (
        "volume",
        None,
        "nyc3",
    )
    assert api.droplet(droplet_id)["locked"] is True
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["droplet_ids"] == []  # not yet

    assert api.wait(action["id"])["status"] == "completed"
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["droplet_ids"] == [droplet_id]
    droplet = api.droplet(droplet_id)
    assert (droplet["volume_ids"], droplet["locked"]) == ([volume["id"]], False)

    detach = act(api, volume["id"], "detach", droplet_id).json()["action"]
    assert detach["type"] == "detach_volume"
    assert api.droplet(droplet_id)["volume_ids"] == [volume["id"]]  # until it completes
    api.wait(detach["id"])
    assert api.droplet(droplet_id)["volume_ids"] == []
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["droplet_ids"] == []

    listed = api.get(f"/volumes/{volume['id']}/actions").json()
    assert [a["id"] for a in listed["actions"]] == [detach["id"], action["id"]]  # newest first
    assert listed["meta"] == {"total": 2}
    assert api.get(f"/actions/{action['id']}").json()["action"]["type"] == "attach_volume"
    assert api.get(f"/droplets/{droplet_id}/actions").json()["actions"] == []  # volume Actions


def test_attach_takes_its_scaled_duration(sim, api: Api, droplet_id):
    assert sim.settings()["action_durations"]["attach_volume"] == 5
    sim.settings(action_durations={"attach_volume": 30})  # 0.3 s at the test scale
    volume = create(api)
    started = time.monotonic()
    action = attached(api, volume["id"], droplet_id)
    assert 0.28 <= time.monotonic() - started < 2
    assert seconds(action["completed_at"]) - seconds(action["started_at"]) in (0, 1)


def test_attach_to_a_droplet_in_another_region_is_422(sim, api: Api, droplet_id):
    volume = create(api, region="fra1")
    assert error_of(act(api, volume["id"], "attach", droplet_id)) == (
        422,
        "unprocessable_entity",
        "The Droplet and the volume must be in the same region.",
    )
    assert sim.state()["actions"] == []


def test_a_droplet_with_a_pending_event_refuses_volume_actions(sim, api: Api, droplet_id):
    volume = create(api)
    api.act(droplet_id, "power_off")
    assert error_of(act(api, volume["id"], "attach", droplet_id)) == (
        422,
        "unprocessable_entity",
        "Droplet already has a pending event.",
    )


def test_a_volume_action_is_a_pending_event_of_the_droplet(sim, api: Api, droplet_id):
    volume = create(api)
    action = act(api, volume["id"], "attach", droplet_id).json()["action"]
    assert error_of(api.act(droplet_id, "power_off"))[2] == "Droplet already has a pending event."
    other = create(api, "data-2")
    assert error_of(act(api, other["id"], "attach", droplet_id))[2] == (
        "Droplet already has a pending event."
    )
    api.wait(action["id"])
    assert api.act(droplet_id, "power_off").status_code == 201


def test_a_volume_takes_one_action_at_a_time(sim, api: Api):
    first, second = (d["id"] for d in sim.reset(droplets=[{}, {}])["droplets"])
    volume = create(api)
    act(api, volume["id"], "attach", first)
    assert error_of(act(api, volume["id"], "attach", second)) == (
        422,
        "unprocessable_entity",
        "Volume already has a pending event.",
    )


def test_an_attached_volume_attaches_nowhere_else(sim, api: Api):
    first, second = (d["id"] for d in sim.reset(droplets=[{}, {}])["droplets"])
    volume = create(api)
    attached(api, volume["id"], first)
    for droplet_id in (first, second):
        response = act(api, volume["id"], "attach", droplet_id)
        assert error_of(response)[::2] == (422, "This volume is already attached to a Droplet.")


def test_detach_from_a_droplet_it_is_not_attached_to_is_422(sim, api: Api):
    first, second = (d["id"] for d in sim.reset(droplets=[{}, {}])["droplets"])
    volume = create(api)
    assert error_of(act(api, volume["id"], "detach", first))[::2] == (422, "Attachment not found")
    attached(api, volume["id"], first)
    assert error_of(act(api, volume["id"], "detach", second))[::2] == (422, "Attachment not found")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"type": "resize", "size_gigabytes": 20},
        {"type": "attach"},
        {"type": "detach"},
        {"type": "attach", "droplet_id": "3164444"},
        {"type": "attach", "droplet_id": True},
        {"type": 7, "droplet_id": 3164444},
        {"type": ["attach"], "droplet_id": 3164444},
    ],
)
def test_wrong_volume_action_bodies_are_422(sim, api: Api, droplet_id, body):
    volume = create(api)
    response = api.post(f"/volumes/{volume['id']}/actions", body)
    assert error_of(response)[::2] == (422, VALIDATION_FAILED)
    assert sim.state()["actions"] == []


def test_a_region_other_than_the_volumes_is_422(api: Api, droplet_id):
    volume = create(api)
    response = act(api, volume["id"], "attach", droplet_id, region="sfo3")
    assert error_of(response)[::2] == (422, "The volume is in nyc3, not in sfo3.")


def test_unknown_volume_or_droplet_is_404(api: Api, droplet_id):
    volume = create(api)
    assert act(api, UNKNOWN_UUID, "attach", droplet_id).status_code == 404
    assert act(api, volume["id"], "attach", 1).status_code == 404
    for path in (f"/volumes/{UNKNOWN_UUID}", f"/volumes/{UNKNOWN_UUID}/actions", "/volumes/x"):
        assert api.get(path).status_code == 404, path


def test_errored_attach_changes_nothing_and_unlocks(sim, api: Api, droplet_id):
    sim.faults({"kind": "errored", "action_type": "attach"})
    volume = create(api)
    action = attached(api, volume["id"], droplet_id)
    assert (action["status"], action["completed_at"] is not None) == ("errored", True)
    assert api.droplet(droplet_id)["volume_ids"] == []
    assert api.droplet(droplet_id)["locked"] is False
    assert attached(api, volume["id"], droplet_id)["status"] == "completed"  # the rule is used up


def test_an_attached_volume_cannot_be_deleted(sim, api: Api):
    droplet_id, volume = seed_volume(sim)
    assert error_of(api.delete(f"/volumes/{volume['id']}")) == (
        409,
        "conflict",
        "A volume that's attached to a Droplet cannot be deleted. "
        "Please detach it first before deleting.",
    )
    api.wait(act(api, volume["id"], "detach", droplet_id).json()["action"]["id"])
    assert api.delete(f"/volumes/{volume['id']}").status_code == 204


def test_deleting_a_droplet_detaches_its_volumes_which_stay(sim, api: Api):
    droplet_id, volume = seed_volume(sim)
    assert api.delete(f"/droplets/{droplet_id}").status_code == 204
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["droplet_ids"] == []
    assert api.delete(f"/volumes/{volume['id']}").status_code == 204


def test_an_attach_whose_droplet_is_deleted_meanwhile_errors(sim, api: Api, droplet_id):
    volume = create(api)
    action = act(api, volume["id"], "attach", droplet_id).json()["action"]
    api.delete(f"/droplets/{droplet_id}")
    assert api.wait(action["id"])["status"] == "errored"
    assert api.get(f"/volumes/{volume['id']}").json()["volume"]["droplet_ids"] == []


def test_a_droplet_takes_at_most_fifteen_volumes(sim, api: Api):
    volumes = [{"name": f"data-{n}", "size_gigabytes": 1} for n in range(15)]
    droplet_id = sim.reset(droplets=[{"volumes": volumes}])["droplets"][0]["id"]
    assert len(api.droplet(droplet_id)["volume_ids"]) == 15
    extra = create(api, "data-15")
    response = act(api, extra["id"], "attach", droplet_id)
    assert error_of(response)[::2] == (422, "A Droplet can have at most 15 volumes attached.")


# -- volume snapshots ------------------------------------------------------------------------


def test_a_volume_snapshot_is_created_at_once(sim, api: Api):
    _droplet_id, volume = seed_volume(sim, size_gigabytes=100)
    response = api.post(f"/volumes/{volume['id']}/snapshots", {"name": "s1", "tags": ["db"]})
    assert response.status_code == 201
    snapshot = response.json()["snapshot"]
    assert is_uuid(snapshot["id"]) and snapshot["id"] != volume["id"]
    assert abs(seconds(snapshot["created_at"]) - time.time()) < 5
    assert {k: v for k, v in snapshot.items() if k not in ("id", "created_at")} == {
        "name": "s1",
        "regions": ["nyc3"],
        "min_disk_size": 100,
        "size_gigabytes": 5.0,
        "resource_id": volume["id"],
        "resource_type": "volume",
        "tags": ["db"],
    }
    assert sim.state()["actions"] == []  # synchronous: no Action
    second = api.post(f"/volumes/{volume['id']}/snapshots", {"name": "s2"}).json()["snapshot"]
    assert (second["size_gigabytes"], second["tags"]) == (6.0, [])


def test_volume_snapshots_show_in_every_list_and_by_id_on_both_paths(sim, api: Api):
    state = sim.reset(droplets=[{"snapshots": ["base"], "volumes": [{"name": "data-1"}]}])
    volume_id = state["volumes"][0]["id"]
    snapshot = api.post(f"/volumes/{volume_id}/snapshots", {"name": "s1"}).json()["snapshot"]
    droplet_snapshot = state["snapshots"][0]

    assert api.get(f"/volumes/{volume_id}/snapshots").json()["snapshots"] == [snapshot]
    assert api.get(f"/volumes/snapshots/{snapshot['id']}").json()["snapshot"] == snapshot
    assert api.get(f"/snapshots/{snapshot['id']}").json()["snapshot"] == snapshot
    by_type = {
        kind: api.get("/snapshots", params={"resource_type": kind}).json()["snapshots"]
        for kind in ("droplet", "volume")
    }
    assert by_type == {"droplet": [droplet_snapshot], "volume": [snapshot]}
    assert api.get("/snapshots").json()["snapshots"] == [droplet_snapshot, snapshot]
    state = sim.state()
    assert (state["snapshots"], state["volume_snapshots"]) == ([droplet_snapshot], [snapshot])
    assert api.get(f"/volumes/snapshots/{droplet_snapshot['id']}").status_code == 404


@pytest.mark.parametrize("path", ["/volumes/snapshots/{id}", "/snapshots/{id}"])
def test_delete_a_volume_snapshot_then_it_is_gone_everywhere(sim, api: Api, path):
    _droplet_id, volume = seed_volume(sim, snapshots=["s1"])
    (snapshot,) = sim.state()["volume_snapshots"]
    assert api.delete(path.format(id=snapshot["id"])).status_code == 204
    assert api.delete(path.format(id=snapshot["id"])).status_code == 404
    for gone in (f"/volumes/snapshots/{snapshot['id']}", f"/snapshots/{snapshot['id']}"):
        assert api.get(gone).status_code == 404
    assert api.get(f"/volumes/{volume['id']}/snapshots").json()["meta"]["total"] == 0
    assert sim.state()["volume_snapshots"] == []


def test_a_volume_has_at_most_25_snapshots(sim, api: Api):
    _droplet_id, volume = seed_volume(sim, snapshots=[f"s{n:02d}" for n in range(24)])
    path = f"/volumes/{volume['id']}/snapshots"
    assert api.post(path, {"name": "s24"}).status_code == 201
    assert error_of(api.post(path, {"name": "s25"})) == (
        422,
        "unprocessable_entity",
        "failed to create snapshot: a volume can have at most 25 snapshots",
    )
    page = api.get(path, params={"per_page": 10, "page": 3}).json()
    assert [s["name"] for s in page["snapshots"]] == [f"s{n:02d}" for n in range(20, 25)]
    assert page["meta"] == {"total": 25}
    oldest = api.get(path).json()["snapshots"][0]
    assert api.delete(f"/volumes/snapshots/{oldest['id']}").status_code == 204
    assert api.post(path, {"name": "s25"}).status_code == 201  # the limit counts what exists


def test_the_limit_is_per_volume(sim, api: Api):
    snapshots = [f"s{n:02d}" for n in range(25)]
    state = sim.reset(droplets=[{"volumes": [{"name": "full", "snapshots": snapshots}]}])
    assert len(state["volume_snapshots"]) == 25
    other = create(api, "empty")
    assert api.post(f"/volumes/{other['id']}/snapshots", {"name": "s00"}).status_code == 201


def test_snapshot_names_are_unique_per_volume(sim, api: Api):
    _droplet_id, volume = seed_volume(sim, snapshots=["nightly"])
    response = api.post(f"/volumes/{volume['id']}/snapshots", {"name": "nightly"})
    assert error_of(response) == (
        409,
        "conflict",
        "failed to create snapshot: the volume already has a snapshot named nightly",
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 422), ({"name": ""}, 422), ({"name": 7}, 400), ({"name": "s", "tags": "x"}, 400)],
)
def test_invalid_volume_snapshot_requests_are_refused(sim, api: Api, body, status):
    _droplet_id, volume = seed_volume(sim)
    assert api.post(f"/volumes/{volume['id']}/snapshots", body).status_code == status
    assert api.post(f"/volumes/{UNKNOWN_UUID}/snapshots", {"name": "s"}).status_code == 404
    assert api.get(f"/volumes/{UNKNOWN_UUID}/snapshots").status_code == 404
    assert sim.state()["volume_snapshots"] == []


def test_snapshots_outlive_their_volume_and_restore_it(sim, api: Api):
    volume = create(api, size_gigabytes=50)
    snapshot = api.post(f"/volumes/{volume['id']}/snapshots", {"name": "s1"}).json()["snapshot"]
    assert api.delete(f"/volumes/{volume['id']}").status_code == 204
    assert api.get(f"/snapshots/{snapshot['id']}").json()["snapshot"]["resource_id"] == volume["id"]
    restored = create(api, "restored", size_gigabytes=10, snapshot_id=snapshot["id"])
    assert restored["size_gigabytes"] == 50  # a restore takes the snapshot's size
    response = api.post(
        "/volumes",
        {"name": "far", "size_gigabytes": 50, "region": "fra1", "snapshot_id": snapshot["id"]},
    )
    assert error_of(response)[::2] == (422, REFUSED + "the snapshot is not available in fra1")


# -- seeding and the admin view ------------------------------------------------------------------


def test_seeded_volumes_are_attached_in_the_droplets_region_with_their_snapshots(sim, api: Api):
    state = sim.reset(
        droplets=[
            {
                "name": "db-1",
                "region": "fra1",
                "volumes": [
                    {
                        "name": "data-1",
                        "size_gigabytes": 250,
                        "description": "primary",
                        "tags": ["db"],
                        "filesystem_type": "xfs",
                        "filesystem_label": "data",
                        "snapshots": ["nightly", {"name": "weekly", "age": 86400}],
                    },
                    {"name": "logs"},
                ],
            },
            {"name": "web-1"},
        ]
    )
    db, web = state["droplets"]
    data, logs = state["volumes"]
    assert state["actions"] == []  # attached at once
    assert db["volume_ids"] == [data["id"], logs["id"]]
    assert web["volume_ids"] == []
    assert (data["droplet_ids"], logs["droplet_ids"]) == ([db["id"]], [db["id"]])
    assert {v["region"]["slug"] for v in state["volumes"]} == {"fra1"}
    assert (data["size_gigabytes"], data["tags"], data["filesystem_type"]) == (250, ["db"], "xfs")
    assert (logs["size_gigabytes"], logs["description"]) == (100, "")
    nightly, weekly = state["volume_snapshots"]
    assert (nightly["name"], weekly["name"]) == ("nightly", "weekly")
    assert seconds(nightly["created_at"]) - seconds(weekly["created_at"]) in (86400, 86401)
    assert {s["resource_id"] for s in state["volume_snapshots"]} == {data["id"]}
    assert weekly["regions"] == ["fra1"]
    assert api.get(f"/volumes/{data['id']}").json()["volume"] == data
    assert api.droplet(db["id"]) == db


def test_a_reset_hands_out_the_same_uuids_again(sim):
    seed = [{"volumes": [{"name": "data-1", "snapshots": ["s1"]}]}]
    first, second = sim.reset(droplets=seed), sim.reset(droplets=seed)
    assert first["volumes"][0]["id"] == second["volumes"][0]["id"]
    assert first["volume_snapshots"][0]["id"] == second["volume_snapshots"][0]["id"]


@pytest.mark.parametrize(
    ("volumes", "message"),
    [
        ("data-1", "Droplet seed key volumes has the wrong type"),
        (["data-1"], "each volume seed must be a JSON object"),
        ([{"size_gigabytes": 10}], "each volume seed needs a name"),
        ([{"name": "data-1", "colour": "blue"}], "unknown volume seed key: colour"),
        ([{"name": "data-1", "size_gigabytes": "1"}], "key size_gigabytes has the wrong type"),
        ([{"name": "data-1", "tags": [1]}], "tags must be a list of strings"),
        ([{"name": "data-1", "snapshots": [5]}], "a snapshot seed is a name or"),
        ([{"name": "Data-1"}], "invalid volume name"),
        ([{"name": "data-1", "size_gigabytes": 0}], "size_gigabytes must be from 1 to 16384"),
        ([{"name": "data-1", "filesystem_type": "ntfs"}], "filesystem_type must be ext4 or xfs"),
        ([{"name": "data-1"}, {"name": "data-1"}], "a volume named data-1 already exists in nyc3"),
        ([{"name": "data-1", "snapshots": ["s", "s"]}], "already has a snapshot named s"),
        ([{"name": "data-1", "snapshots": [f"s{n}" for n in range(26)]}], "at most 25 snapshots"),
        ([{"name": f"v{n}"} for n in range(16)], "a Droplet takes at most 15 volumes"),
    ],
)  # fmt: skip
def test_bad_volume_seeds_are_400_and_keep_the_old_state(sim, volumes, message):
    before = sim.reset(droplets=[{"name": "kept", "volumes": [{"name": "kept-1"}]}])
    with pytest.raises(SimError, match=message):
        sim.reset(droplets=[{"volumes": volumes}])
    assert sim.state() == before


def test_the_same_volume_name_on_two_droplets_in_one_region_is_refused(sim):
    seed = {"volumes": [{"name": "data-1"}]}
    with pytest.raises(SimError, match="400 failed to create volume: a volume named data-1"):
        sim.reset(droplets=[seed, seed])
    assert len(sim.reset(droplets=[seed, {**seed, "region": "sfo3"}])["volumes"]) == 2


# -- the request pipeline ----------------------------------------------------------------------


def test_volume_routes_go_through_auth_faults_rate_limits_and_the_log(sim, api: Api):
    assert Api(sim.url, token=None).get("/volumes").status_code == 401
    sim.faults({"kind": "status", "status": 503, "method": "POST", "path": "^/v2/volumes$"})
    assert (
        api.post("/volumes", {"name": "a", "size_gigabytes": 1, "region": "nyc3"}).status_code
        == 503
    )
    assert sim.state()["volumes"] == []
    sim.clear_faults()
    sim.faults({"kind": "status", "status": 500, "path": "/snapshots$", "phase": "after"})
    volume = create(api)
    assert api.post(f"/volumes/{volume['id']}/snapshots", {"name": "s"}).status_code == 500
    assert [s["name"] for s in sim.state()["volume_snapshots"]] == ["s"]  # it happened anyway
    sim.clear_faults()
    droplet_id = sim.reset(droplets=[{}])["droplets"][0]["id"]
    volume = create(api)
    act(api, volume["id"], "attach", droplet_id)
    logged = sim.requests()[-1]
    assert (logged["path"], logged["status"], logged["action_type"]) == (
        f"/v2/volumes/{volume['id']}/actions",
        202,
        "attach",
    )
    sim.settings(rate_limit={"per_minute": 1})
    assert api.get("/volumes").status_code == 429
