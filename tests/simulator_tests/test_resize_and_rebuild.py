"""Droplet maintenance Actions: resize, rebuild and restore, their 422s and what they change."""

from __future__ import annotations

import time

import pytest

from tests.simulator import catalog
from tests.support.simapi import Api

# Short enough that a test waits a few hundredths of a second (and few polls) per Action.
QUICK = {
    **dict.fromkeys(("resize", "rebuild", "restore", "snapshot", "transfer"), 5),
    "resize_disk": 8,
    "power_off": 2,
}


def error_of(response) -> dict:
    assert response.status_code == 422
    body = response.json()
    assert body.pop("request_id")
    return body


def refused(message: str) -> dict:
    return {"id": "unprocessable_entity", "message": message}


def seed(sim, *droplets: dict) -> list[int]:
    state = sim.reset(droplets=list(droplets), settings={"action_durations": QUICK})
    return [d["id"] for d in state["droplets"]]


def done(api: Api, response) -> dict:
    assert response.status_code == 201, response.text
    action = api.wait(response.json()["action"]["id"])
    assert action["status"] == "completed"
    return action


# -- resize ----------------------------------------------------------------------------------


def test_resize_needs_the_droplet_off(sim, api: Api):
    on, new = seed(sim, {"status": "active"}, {"status": "new", "action_durations": {"create": 1}})
    response = api.act(on, "resize", size="s-2vcpu-4gb")
    assert error_of(response) == refused(
        "Droplet is currently on. Please power it off to run this event."
    )
    api.wait(sim.state()["actions"][0]["id"])  # the create of the new Droplet
    assert api.droplet(new)["status"] == "active"
    assert api.act(new, "resize", size="s-2vcpu-4gb").status_code == 422
    assert [a["type"] for a in sim.state()["actions"]] == ["create"]  # nothing started


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Size can't be blank"),
        ({"size": ""}, "Size can't be blank"),
        ({"size": "s-64vcpu-1tb"}, "Size is invalid"),
        ({"size": 2}, "request payload validation failed"),
        ({"size": "s-2vcpu-4gb", "disk": "yes"}, "request payload validation failed"),
    ],
)
def test_resize_needs_a_known_size_slug(sim, api: Api, body, message):
    (droplet,) = seed(sim, {"status": "off"})
    assert error_of(api.act(droplet, "resize", **body)) == refused(message)


def test_resize_to_a_size_the_region_lacks_is_refused(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "region": "blr1", "size": "s-4vcpu-8gb"})
    response = api.act(droplet, "resize", size="s-8vcpu-16gb")
    assert error_of(response) == refused("Size is not available in this region.")
    assert api.droplet(droplet)["size_slug"] == "s-4vcpu-8gb"


def test_resize_to_its_own_size_is_refused(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "size": "s-2vcpu-4gb"})
    expected = refused("The droplet is already set to this size.")
    assert error_of(api.act(droplet, "resize", size="s-2vcpu-4gb")) == expected
    # its disk is already the size's, so growing it changes nothing either
    assert error_of(api.act(droplet, "resize", size="s-2vcpu-4gb", disk=True)) == expected


@pytest.mark.parametrize("disk", [False, True])
def test_a_disk_never_shrinks(sim, api: Api, disk):
    (droplet,) = seed(sim, {"status": "off", "size": "s-2vcpu-4gb"})  # 80 GB
    for smaller in ("s-1vcpu-1gb", "g-2vcpu-8gb"):  # 25 GB, even with more memory
        response = api.act(droplet, "resize", size=smaller, disk=disk)
        assert error_of(response) == refused("Size can not decrease size of Droplet's disk image")
    assert api.droplet(droplet)["size_slug"] == "s-2vcpu-4gb"


def test_cpu_and_ram_resize_changes_the_size_keeps_the_disk_and_stays_off(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "size": "s-1vcpu-1gb"})
    response = api.act(droplet, "resize", size="s-2vcpu-4gb")
    assert response.status_code == 201
    action = response.json()["action"]
    assert (action["type"], action["status"], action["resource_id"]) == (
        "resize",
        "in-progress",
        droplet,
    )
    during = api.droplet(droplet)
    assert (during["locked"], during["size_slug"]) == (True, "s-1vcpu-1gb")  # on completion only
    api.wait(action["id"])
    after = api.droplet(droplet)
    assert after["size_slug"] == "s-2vcpu-4gb"
    assert after["size"] == catalog.SIZES["s-2vcpu-4gb"]
    assert (after["memory"], after["vcpus"], after["size"]["price_monthly"]) == (4096, 2, 24.0)
    assert after["disk"] == 25
    assert after["disk_info"][0]["size"]["amount"] == 25
    assert (after["status"], after["locked"]) == ("off", False)  # not powered on again


def test_resize_with_disk_grows_the_disk(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "size": "s-1vcpu-1gb"})
    done(api, api.act(droplet, "resize", size="s-2vcpu-4gb", disk=True))
    after = api.droplet(droplet)
    assert (after["size_slug"], after["disk"], after["status"]) == ("s-2vcpu-4gb", 80, "off")
    snapshot = done(api, api.act(droplet, "snapshot", name="big"))
    assert snapshot["type"] == "snapshot"
    assert sim.state()["snapshots"][0]["min_disk_size"] == 80


def test_after_a_cpu_and_ram_resize_a_downsize_must_still_fit_the_disk(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "size": "s-1vcpu-1gb"})
    done(api, api.act(droplet, "resize", size="s-4vcpu-8gb"))  # 25 GB disk kept
    response = api.act(droplet, "resize", size="s-1vcpu-512mb-10gb")
    assert error_of(response) == refused("Size can not decrease size of Droplet's disk image")
    done(api, api.act(droplet, "resize", size="g-2vcpu-8gb"))  # a 25 GB disk: fits
    assert api.droplet(droplet)["size_slug"] == "g-2vcpu-8gb"
    done(api, api.act(droplet, "resize", size="s-1vcpu-1gb"))  # back where it started
    assert (api.droplet(droplet)["size_slug"], api.droplet(droplet)["disk"]) == ("s-1vcpu-1gb", 25)


def test_a_disk_left_behind_can_grow_to_its_own_sizes_later(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "size": "s-2vcpu-4gb", "disk": 25})
    expected = refused("The droplet is already set to this size.")
    assert error_of(api.act(droplet, "resize", size="s-2vcpu-4gb")) == expected
    done(api, api.act(droplet, "resize", size="s-2vcpu-4gb", disk=True))
    assert api.droplet(droplet)["disk"] == 80
    assert error_of(api.act(droplet, "resize", size="s-2vcpu-4gb", disk=True)) == expected


def test_resize_takes_longer_with_disk_and_per_droplet_durations_apply(sim, api: Api):
    plain, disk = seed(
        sim,
        {"status": "off", "action_durations": {"resize": 1, "resize_disk": 500}},
        {"status": "off", "action_durations": {"resize": 1, "resize_disk": 500}},
    )
    api.act(plain, "resize", size="s-2vcpu-4gb")
    slow = api.act(disk, "resize", size="s-2vcpu-4gb", disk=True).json()["action"]
    time.sleep(0.1)
    actions = {a["resource_id"]: a["status"] for a in sim.state()["actions"]}
    assert actions == {plain: "completed", disk: "in-progress"}  # 5 s at the test scale
    assert api.get(f"/actions/{slow['id']}").json()["action"]["status"] == "in-progress"


def test_default_durations_of_maintenance_actions(sim):
    durations = sim.settings()["action_durations"]
    assert {kind: durations[kind] for kind in ("resize", "resize_disk", "rebuild", "restore")} == {
        "resize": 60,
        "resize_disk": 180,
        "rebuild": 60,
        "restore": 60,
    }
    assert (durations["reboot"], durations["power_cycle"]) == (10, 10)


def test_resize_refused_while_another_action_runs(sim, api: Api):
    (droplet,) = seed(sim, {"status": "active", "action_durations": {"power_off": 500}})
    api.act(droplet, "power_off")
    response = api.act(droplet, "resize", size="s-2vcpu-4gb")
    assert error_of(response) == refused("Droplet already has a pending event.")


def test_an_errored_resize_changes_nothing(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off"})
    sim.faults({"kind": "errored", "action_type": "resize"})
    action = api.wait(api.act(droplet, "resize", size="s-2vcpu-4gb").json()["action"]["id"])
    assert action["status"] == "errored"
    assert (api.droplet(droplet)["size_slug"], api.droplet(droplet)["disk"]) == ("s-1vcpu-1gb", 25)


# -- rebuild ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["active", "off"])
@pytest.mark.parametrize("image", ["debian-12-x64", 144006963])
def test_rebuild_from_a_public_image_ends_with_the_droplet_on(sim, api: Api, status, image):
    (droplet,) = seed(sim, {"status": status, "image": "ubuntu-24-04-x64"})
    response = api.act(droplet, "rebuild", image=image)
    assert response.json()["action"]["type"] == "rebuild"
    during = api.droplet(droplet)
    assert (during["locked"], during["image"]["slug"]) == (True, "ubuntu-24-04-x64")
    done(api, response)
    after = api.droplet(droplet)
    assert after["image"] == catalog.public_image("debian-12-x64")
    assert (after["status"], after["size_slug"], after["disk"]) == ("active", "s-1vcpu-1gb", 25)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (None, "Image can't be blank"),
        ("", "Image can't be blank"),
        ("centos-5-8-x64", "Image is invalid"),
        (1, "Image is invalid"),
        ("6372321", "Image is invalid"),  # a private image has an id, no slug
    ],
)
def test_rebuild_needs_an_image_that_exists(sim, api: Api, image, message):
    (droplet,) = seed(sim, {"snapshots": ["base"]})
    params = {} if image is None else {"image": image}
    assert error_of(api.act(droplet, "rebuild", **params)) == refused(message)
    assert [a["type"] for a in sim.state()["actions"]] == []


def test_rebuild_from_an_image_still_importing_is_refused(sim, api: Api):
    (droplet,) = seed(sim, {})
    custom = api.post("/images", {"name": "c", "url": "http://e.com/c.img", "region": "nyc3"})
    image_id = custom.json()["image"]["id"]
    assert error_of(api.act(droplet, "rebuild", image=image_id)) == refused("Image is invalid")


def test_rebuild_from_a_snapshot_taken_before_a_resize_gives_back_that_image(sim, api: Api):
    (droplet,) = seed(sim, {"status": "active", "size": "s-1vcpu-1gb"})
    done(api, api.act(droplet, "snapshot", name="before-resize"))
    (snapshot,) = api.get(f"/droplets/{droplet}/snapshots").json()["snapshots"]
    assert snapshot["min_disk_size"] == 25
    done(api, api.act(droplet, "power_off"))
    done(api, api.act(droplet, "resize", size="s-2vcpu-4gb", disk=True))
    done(api, api.act(droplet, "rebuild", image=snapshot["id"]))
    after = api.droplet(droplet)
    assert after["image"] == api.get(f"/images/{snapshot['id']}").json()["image"]
    assert (after["image"]["id"], after["image"]["name"]) == (snapshot["id"], "before-resize")
    assert (after["image"]["type"], after["image"]["public"]) == ("snapshot", False)
    assert (after["status"], after["size_slug"], after["disk"]) == ("active", "s-2vcpu-4gb", 80)
    state = next(d for d in sim.state()["droplets"] if d["id"] == droplet)
    assert (state["image"]["id"], state["size_slug"], state["disk"]) == (
        snapshot["id"],
        "s-2vcpu-4gb",
        80,
    )


def test_rebuild_from_an_image_too_big_for_the_disk_is_refused(sim, api: Api):
    big, small = seed(sim, {"size": "s-2vcpu-4gb", "snapshots": ["big"]}, {"size": "s-1vcpu-1gb"})
    image_id = int(sim.state()["snapshots"][0]["id"])
    response = api.act(small, "rebuild", image=image_id)
    assert error_of(response) == refused(
        "Image needs a disk of at least 80 GB; the Droplet's disk is 25 GB"
    )
    done(api, api.act(big, "rebuild", image=image_id))


def test_rebuild_from_an_image_in_another_region_is_refused_until_transferred(sim, api: Api):
    source, elsewhere = seed(sim, {"region": "nyc3", "snapshots": ["base"]}, {"region": "fra1"})
    image_id = int(sim.state()["snapshots"][0]["id"])
    response = api.act(elsewhere, "rebuild", image=image_id)
    assert error_of(response) == refused(
        "The image you specified is not available in the selected region, "
        "you can transfer it to this region from the images pages."
    )
    transfer = api.post(f"/images/{image_id}/actions", {"type": "transfer", "region": "fra1"})
    api.wait(transfer.json()["action"]["id"])
    done(api, api.act(elsewhere, "rebuild", image=image_id))
    assert api.droplet(elsewhere)["image"]["regions"] == ["nyc3", "fra1"]
    assert api.droplet(source)["image"]["slug"] == catalog.DEFAULT_IMAGE


def test_rebuild_refused_while_another_action_runs(sim, api: Api):
    (droplet,) = seed(sim, {"action_durations": {"rebuild": 500}})
    api.act(droplet, "rebuild", image="debian-12-x64")
    response = api.act(droplet, "rebuild", image="fedora-40-x64")
    assert error_of(response) == refused("Droplet already has a pending event.")


# -- restore ---------------------------------------------------------------------------------


def test_restore_from_a_snapshot_of_the_droplet(sim, api: Api):
    (droplet,) = seed(sim, {"status": "off", "image": "debian-12-x64", "snapshots": ["base"]})
    image_id = int(sim.state()["snapshots"][0]["id"])
    action = done(api, api.act(droplet, "restore", image=image_id))
    assert action["type"] == "restore"
    after = api.droplet(droplet)
    assert (after["image"]["id"], after["image"]["name"], after["status"]) == (
        image_id,
        "base",
        "active",
    )


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (None, "Image can't be blank"),
        (1, "Image is invalid"),
        (144006963, "Image is not a backup or snapshot of this Droplet"),  # a public image
        ("other", "Image is not a backup or snapshot of this Droplet"),  # another Droplet's
        ("debian-12-x64", "request payload validation failed"),  # restore takes an id only
    ],
)
def test_restore_needs_a_snapshot_of_this_droplet(sim, api: Api, image, message):
    droplet, _other = seed(sim, {}, {"snapshots": ["theirs"]})
    if image == "other":
        image = int(sim.state()["snapshots"][0]["id"])
    params = {} if image is None else {"image": image}
    assert error_of(api.act(droplet, "restore", **params)) == refused(message)


def test_another_clients_maintenance_action_without_parameters_is_refused_quietly(sim, api: Api):
    """A ``busy`` rule's Action has no parameters: a resize or rebuild is refused (422, not a
    server error), so the request it precedes finds the Droplet as it was."""
    (droplet,) = seed(sim, {"status": "off"})
    for kind in ("resize", "rebuild", "restore"):
        sim.faults({"kind": "busy", "acts": kind, "count": 1})
        assert api.droplet(droplet)["locked"] is False
    assert sim.state()["actions"] == []
