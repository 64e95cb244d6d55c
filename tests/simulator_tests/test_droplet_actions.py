"""The Action state machine: durations, locking, the 422 rules, errors and snapshot creation."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from tests.support.simapi import Api, wait_for

PENDING = {"id": "unprocessable_entity", "message": "Droplet already has a pending event."}
CURRENTLY_ON = {
    "id": "unprocessable_entity",
    "message": "Droplet is currently on. Please power it off to run this event.",
}


def error_of(response) -> dict:
    body = response.json()
    assert body.pop("request_id")
    return body


def seconds(timestamp: str) -> float:
    return datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").timestamp()


def test_first_ids_are_realistic_integers(sim, api: Api, droplet_id):
    action = api.act(droplet_id, "power_off").json()["action"]
    assert (droplet_id, action["id"]) == (3164444, 36804636)
    api.wait(action["id"])
    snapshot = api.wait(api.act(droplet_id, "snapshot", name="s").json()["action"]["id"])
    assert snapshot["status"] == "completed"
    assert api.droplet(droplet_id)["snapshot_ids"] == [6372321]


def test_action_starts_in_progress_and_locks_the_droplet(api: Api, droplet_id):
    response = api.act(droplet_id, "power_off")
    assert response.status_code == 201
    action = response.json()["action"]
    assert action["status"] == "in-progress"
    assert action["completed_at"] is None
    assert (action["type"], action["resource_id"], action["resource_type"]) == (
        "power_off",
        droplet_id,
        "droplet",
    )
    assert action["region_slug"] == "nyc3"
    assert api.droplet(droplet_id)["locked"] is True
    assert api.droplet(droplet_id)["status"] == "active"  # power changes on completion only


def test_action_completes_after_its_scaled_duration_and_changes_power(sim, api: Api, droplet_id):
    sim.settings(action_durations={"power_off": 30})  # 0.3 s at the test scale
    started = time.monotonic()
    action_id = api.act(droplet_id, "power_off").json()["action"]["id"]
    action = api.wait(action_id)
    assert 0.28 <= time.monotonic() - started < 2
    assert action["status"] == "completed"
    assert seconds(action["completed_at"]) - seconds(action["started_at"]) in (0, 1)
    droplet = api.droplet(droplet_id)
    assert (droplet["status"], droplet["locked"]) == ("off", False)


def test_second_action_while_locked_gets_422_pending_event(api: Api, droplet_id):
    assert api.act(droplet_id, "shutdown").status_code == 201
    response = api.act(droplet_id, "snapshot", name="too-soon")
    assert response.status_code == 422
    assert error_of(response) == PENDING


def test_rejected_action_changes_nothing(sim, api: Api, droplet_id):
    api.act(droplet_id, "shutdown")
    api.act(droplet_id, "power_off")
    assert [a["type"] for a in sim.state()["actions"]] == ["shutdown"]


def test_power_on_an_active_droplet_gets_422_currently_on(api: Api, droplet_id):
    response = api.act(droplet_id, "power_on")
    assert response.status_code == 422
    assert error_of(response) == CURRENTLY_ON


@pytest.mark.parametrize("kind", ["power_off", "shutdown"])
def test_powering_off_an_off_droplet_gets_422_already_off(sim, api: Api, kind):
    droplet_id = sim.reset(droplets=[{"status": "off"}])["droplets"][0]["id"]
    response = api.act(droplet_id, kind)
    assert response.status_code == 422
    assert error_of(response) == {
        "id": "unprocessable_entity",
        "message": "The droplet is already off.",
    }


def test_power_on_an_off_droplet_makes_it_active(sim, api: Api):
    droplet_id = sim.reset(droplets=[{"status": "off"}])["droplets"][0]["id"]
    api.wait(api.act(droplet_id, "power_on").json()["action"]["id"])
    assert api.droplet(droplet_id)["status"] == "active"


@pytest.mark.parametrize("kind", ["reboot", "power_cycle"])
def test_reboot_and_power_cycle_end_with_the_droplet_on(sim, api: Api, kind):
    droplet_id = sim.reset(droplets=[{"status": "off"}])["droplets"][0]["id"]
    assert api.wait(api.act(droplet_id, kind).json()["action"]["id"])["status"] == "completed"
    assert api.droplet(droplet_id)["status"] == "active"


def test_graceful_shutdown_turns_the_droplet_off(api: Api, droplet_id):
    api.wait(api.act(droplet_id, "shutdown").json()["action"]["id"])
    assert api.droplet(droplet_id)["status"] == "off"


def test_shutdown_that_fails_completes_but_the_droplet_stays_on(sim, api: Api, droplet_id):
    sim.settings(shutdown_fails=True)
    action = api.wait(api.act(droplet_id, "shutdown").json()["action"]["id"])
    assert action["status"] == "completed"
    assert api.droplet(droplet_id)["status"] == "active"
    api.wait(api.act(droplet_id, "power_off").json()["action"]["id"])
    assert api.droplet(droplet_id)["status"] == "off"


def test_shutdown_fails_only_for_the_droplet_seeded_so(sim, api: Api):
    hung, fine = sim.reset(droplets=[{"shutdown_fails": True}, {}])["droplets"]
    for droplet in (hung, fine):
        api.wait(api.act(droplet["id"], "shutdown").json()["action"]["id"])
    assert api.droplet(hung["id"])["status"] == "active"
    assert api.droplet(fine["id"])["status"] == "off"


def test_per_droplet_durations_override_the_settings(sim, api: Api):
    slow, fast = sim.reset(droplets=[{"action_durations": {"power_off": 500}}, {}])["droplets"]
    slow_action = api.act(slow["id"], "power_off").json()["action"]["id"]
    api.wait(api.act(fast["id"], "power_off").json()["action"]["id"])
    assert api.get(f"/actions/{slow_action}").json()["action"]["status"] == "in-progress"


def test_completed_snapshot_appears_in_all_three_lists_and_snapshot_ids(api: Api, droplet_id):
    action = api.act(droplet_id, "snapshot", name="nightly").json()["action"]
    assert api.get("/snapshots").json()["snapshots"] == []  # not before the Action completes
    api.wait(action["id"])

    (snapshot,) = api.get(f"/droplets/{droplet_id}/snapshots").json()["snapshots"]
    assert (snapshot["name"], snapshot["type"]) == ("nightly", "snapshot")
    assert snapshot["created_at"] == action["started_at"]
    assert api.droplet(droplet_id)["snapshot_ids"] == [snapshot["id"]]
    (listed,) = api.get("/snapshots").json()["snapshots"]
    assert listed["id"] == str(snapshot["id"])
    assert (listed["resource_id"], listed["resource_type"]) == (str(droplet_id), "droplet")
    (image,) = api.get("/images", params={"private": "true"}).json()["images"]
    assert (image["id"], image["type"], image["public"]) == (snapshot["id"], "snapshot", False)


def test_live_snapshot_keeps_the_droplet_active(api: Api, droplet_id):
    api.wait(api.act(droplet_id, "snapshot", name="live").json()["action"]["id"])
    assert api.droplet(droplet_id)["status"] == "active"


def test_snapshot_without_a_name_is_named_after_the_droplet(api: Api, droplet_id):
    api.wait(api.act(droplet_id, "snapshot").json()["action"]["id"])
    (snapshot,) = api.get("/snapshots").json()["snapshots"]
    assert snapshot["name"].startswith("web-01-")
    assert snapshot["name"][len("web-01-") :].isdigit()


def test_snapshot_requires_off_setting_gives_the_classic_422(sim, api: Api, droplet_id):
    sim.settings(snapshot_requires_off=True)
    response = api.act(droplet_id, "snapshot", name="x")
    assert response.status_code == 422
    assert error_of(response) == CURRENTLY_ON
    api.wait(api.act(droplet_id, "power_off").json()["action"]["id"])
    assert api.act(droplet_id, "snapshot", name="x").status_code == 201


def test_errored_action_changes_nothing_and_unlocks(sim, api: Api, droplet_id):
    sim.faults({"kind": "errored", "path": f"^/v2/droplets/{droplet_id}/actions$"})
    action = api.wait(api.act(droplet_id, "power_off").json()["action"]["id"])
    assert action["status"] == "errored"
    assert action["completed_at"] is not None
    droplet = api.droplet(droplet_id)
    assert (droplet["status"], droplet["locked"]) == ("active", False)


def test_errored_snapshot_creates_no_snapshot(sim, api: Api, droplet_id):
    sim.faults({"kind": "errored", "action_type": "snapshot"})
    action_id = api.act(droplet_id, "snapshot", name="x").json()["action"]["id"]
    assert api.wait(action_id)["status"] == "errored"
    assert api.get("/snapshots").json()["snapshots"] == []
    assert api.droplet(droplet_id)["snapshot_ids"] == []


def test_rename_changes_the_name_when_it_completes(api: Api, droplet_id):
    api.wait(api.act(droplet_id, "rename", name="web-02").json()["action"]["id"])
    assert api.droplet(droplet_id)["name"] == "web-02"


def test_backups_enable_then_disable(api: Api, droplet_id):
    api.wait(api.act(droplet_id, "enable_backups").json()["action"]["id"])
    droplet = api.droplet(droplet_id)
    assert "backups" in droplet["features"]
    assert droplet["next_backup_window"]["start"].endswith("T00:00:00Z")
    api.wait(api.act(droplet_id, "disable_backups").json()["action"]["id"])
    assert api.droplet(droplet_id)["next_backup_window"] is None
    response = api.act(droplet_id, "disable_backups")
    assert response.status_code == 422
    assert error_of(response)["message"] == "Backups have already been disabled on this Droplet."


def test_created_droplet_goes_from_new_to_active_through_a_create_action(api: Api, sim):
    response = api.post(
        "/droplets", {"name": "db-1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}
    )
    assert response.status_code == 202
    body = response.json()
    droplet, (link,) = body["droplet"], body["links"]["actions"]
    assert (droplet["status"], droplet["locked"]) == ("new", True)
    assert link["rel"] == "create"
    assert link["href"] == f"{sim.url}/actions/{link['id']}"
    assert api.act(droplet["id"], "power_off").status_code == 422
    assert api.wait(link["id"])["type"] == "create"
    assert api.droplet(droplet["id"])["status"] == "active"


def test_create_several_droplets_at_once(api: Api):
    body = {"names": ["a-1", "a-2"], "size": "s-1vcpu-1gb", "image": 159651797, "tags": ["web"]}
    response = api.post("/droplets", body)
    assert response.status_code == 202
    assert [d["name"] for d in response.json()["droplets"]] == ["a-1", "a-2"]
    assert len(response.json()["links"]["actions"]) == 2


def test_action_on_a_deleted_droplet_ends_errored_and_snapshots_survive(sim, api: Api):
    droplet_id = sim.reset(droplets=[{"snapshots": ["keep"]}])["droplets"][0]["id"]
    action_id = api.act(droplet_id, "power_off").json()["action"]["id"]
    assert api.delete(f"/droplets/{droplet_id}").status_code == 204
    assert api.get(f"/droplets/{droplet_id}").status_code == 404
    assert api.wait(action_id)["status"] == "errored"
    assert [s["name"] for s in api.get("/snapshots").json()["snapshots"]] == ["keep"]


def test_droplet_actions_list_and_get(api: Api, droplet_id):
    first = api.act(droplet_id, "power_off").json()["action"]["id"]
    api.wait(first)
    second = api.act(droplet_id, "power_on").json()["action"]["id"]
    listed = api.get(f"/droplets/{droplet_id}/actions").json()
    assert [a["id"] for a in listed["actions"]] == [second, first]  # newest first
    assert api.get(f"/droplets/{droplet_id}/actions/{first}").json()["action"]["id"] == first
    assert api.get(f"/droplets/{droplet_id}/actions/99999999").status_code == 404


def test_account_actions_list_keeps_completed_actions_newest_first(api: Api, droplet_id):
    first = api.act(droplet_id, "power_off").json()["action"]["id"]
    api.wait(first)
    second = api.act(droplet_id, "power_on").json()["action"]["id"]
    actions = api.get("/actions").json()["actions"]
    assert [(a["id"], a["status"]) for a in actions] == [
        (second, "in-progress"),
        (first, "completed"),
    ]


def test_twenty_concurrent_actions_on_one_droplet_exactly_one_wins(sim, droplet_id):
    barrier = threading.Barrier(20)
    statuses, messages = [], []

    def post() -> None:
        api = Api(sim.url)
        barrier.wait()
        response = api.act(droplet_id, "snapshot", name="race")
        statuses.append(response.status_code)
        if response.status_code == 422:
            messages.append(response.json()["message"])

    threads = [threading.Thread(target=post) for _thread in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [422] * 19
    assert set(messages) == {"Droplet already has a pending event."}
    assert len(sim.state()["actions"]) == 1


def test_a_reset_restores_the_ids_and_settings(sim, api: Api, droplet_id):
    sim.settings(shutdown_fails=True)
    api.act(droplet_id, "power_off")
    state = sim.reset(droplets=[{}])
    assert state["droplets"][0]["id"] == 3164444
    assert state["actions"] == []
    assert sim.settings()["shutdown_fails"] is False
    assert wait_for(lambda: api.act(3164444, "power_off").json()["action"]["id"]) == 36804636
