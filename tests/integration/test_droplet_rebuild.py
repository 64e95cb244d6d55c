"""droplet_rebuild as users run it: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from tests.support.returns import undocumented_keys
from tests.support.simstate import action_posts, droplet, mutating, seed, snapshots

UBUNTU_22 = 129211873  # ubuntu-22-04-x64, a public image of the simulator's catalog


@pytest.fixture
def rebuild(run_tasks):
    return lambda *arguments, check=False: run_tasks("droplet_rebuild", *arguments, check=check)


def built_from(sim, droplet_id: int) -> int:
    return droplet(sim, droplet_id)["image"]["id"]


@pytest.mark.smoke
def test_a_rollback_to_a_snapshot_by_name_forces_and_keeps_the_droplet(sim, rebuild):
    (droplet_id,) = seed(sim, {"name": "web-1", "snapshots": ["pre-maintenance"]})
    (snapshot,) = snapshots(sim, droplet_id)
    first, again = rebuild(
        {"droplet_id": droplet_id, "image": "pre-maintenance", "force": True},
        {"droplet_id": droplet_id, "image": "pre-maintenance"},
    )
    assert first["changed"] is True, first
    assert action_posts(sim) == [("rebuild", 201)]
    assert built_from(sim, droplet_id) == int(snapshot["id"])
    assert first["image"] == {"id": int(snapshot["id"]), "name": "pre-maintenance", "slug": None}
    assert first["droplet"]["image"]["id"] == int(snapshot["id"])
    assert first["droplet"]["status"] == "active"
    assert first["diff"]["after"]["image"]["name"] == "pre-maintenance"
    assert undocumented_keys("droplet_rebuild", first) == []
    assert again["changed"] is False and again["actions"] == []


@pytest.mark.parametrize("image", ["ubuntu-22-04-x64", str(UBUNTU_22)])
def test_a_public_image_by_slug_or_id_and_an_off_droplet_ends_active(sim, rebuild, image):
    (droplet_id,) = seed(sim, {"name": "web-1", "status": "off"})
    first, again = rebuild(
        {"droplet_id": droplet_id, "image": image}, {"droplet_id": droplet_id, "image": image}
    )
    assert (first["changed"], again["changed"]) == (True, False)
    assert built_from(sim, droplet_id) == UBUNTU_22
    assert droplet(sim, droplet_id)["status"] == "active"
    assert action_posts(sim) == [("rebuild", 201)]


def test_force_rebuilds_again_from_the_same_image(sim, rebuild):
    (droplet_id,) = seed(sim)
    rebuild({"droplet_id": droplet_id, "image": "ubuntu-22-04-x64"})
    (forced,) = rebuild({"droplet_id": droplet_id, "image": "ubuntu-22-04-x64", "force": True})
    assert forced["changed"] is True
    assert action_posts(sim) == [("rebuild", 201), ("rebuild", 201)]


def test_a_rebuild_digitalocean_would_refuse_fails_in_one_line_before_anything_changes(
    sim, rebuild
):
    ids = seed(
        sim,
        {"name": "web-1"},
        {"name": "other", "region": "ams3", "snapshots": ["elsewhere"]},
        {"name": "large", "size": "s-2vcpu-4gb", "snapshots": ["big"]},
    )
    elsewhere, big = (str(snapshots(sim, owner)[0]["id"]) for owner in ids[1:])
    cases = [
        ("no-such-thing", "has no snapshot named 'no-such-thing', and no public image has that"),
        ("999999999", "there is no image with id 999999999"),
        (elsewhere, "is not in region 'nyc3' of the droplet (it is in ams3); copy it there"),
        (big, "needs a 80 GB disk; the droplet has 25 GB"),
    ]
    results = rebuild(*({"droplet_id": ids[0], "image": image} for image, _says in cases))
    for (_image, says), result in zip(cases, results):
        assert result["failed"] is True
        assert says in result["msg"] and "\n" not in result["msg"], result["msg"]
        assert result["failure"]["type"] == "refused_rebuild"
    assert mutating(sim) == []


def test_check_mode_finds_the_image_and_changes_nothing(sim, rebuild):
    (droplet_id,) = seed(sim, {"name": "web-1", "snapshots": ["pre"]})
    (result,) = rebuild({"droplet_id": droplet_id, "image": "pre", "force": True}, check=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["image"]["name"] == "pre"
    assert mutating(sim) == []
