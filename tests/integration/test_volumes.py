"""droplet_snapshot with volumes: true, and snapshot_info of volume snapshots, as users run them:
real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest
import yaml

from tests.support import REPO
from tests.support.returns import undocumented_keys
from tests.support.simstate import api_requests, droplet, mutating, snapshots

DAY = 86400
TASK = {"name": "nightly-00", "volumes": True, "poll_interval": 0.05}


def play(module: str = "droplet_snapshot", **args) -> str:
    return yaml.safe_dump(
        [
            {
                "name": "Play",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [{"name": "Task", f"oceanops.digitalocean.{module}": args}],
            }
        ]
    )


@pytest.fixture
def web1(sim) -> int:
    """A Droplet with two attached volumes, Actions 20 times faster than real ones."""
    sim.reset(
        droplets=[
            {
                "name": "web-1",
                "volumes": [
                    {"name": "data-1", "size_gigabytes": 100},
                    {
                        "name": "data-2",
                        "size_gigabytes": 50,
                        "snapshots": [
                            {"name": f"nightly-{n:02d}", "age": n * DAY - 600} for n in (1, 2, 3)
                        ],
                    },
                ],
            },
            {"name": "web-2", "volumes": [{"name": "other", "size_gigabytes": 10}]},
        ],
        settings={"time_scale": 0.05},
    )
    sim.clear_requests()
    return sim.state()["droplets"][0]["id"]


def volume_ids(sim, droplet_id: int) -> list:
    return droplet(sim, droplet_id)["volume_ids"]


def volume_snapshots(sim, volume_id: str) -> list:
    return [s for s in sim.state()["volume_snapshots"] if s["resource_id"] == volume_id]


def order(sim) -> list:
    """The changing requests, in order: Action types and volume snapshot POSTs."""
    steps = []
    for request in mutating(sim):
        if request["path"].endswith("/actions"):
            steps.append(request["body"]["type"])
        elif request["path"].endswith("/snapshots"):
            steps.append("volume snapshot")
    return steps


def test_volumes_are_snapshotted_while_the_droplet_is_off_and_a_rerun_sends_nothing(
    sim, ansible_playbook, web1
):
    run = ansible_playbook(play(droplet_id=web1, **TASK))
    assert run.rc == 0, run.output
    result = run.result("Task")
    assert undocumented_keys("droplet_snapshot", result) == []
    first, second = volume_ids(sim, web1)
    assert [(s["volume_id"], s["name"]) for s in result["volume_snapshots"]] == [
        (first, "nightly-00"),
        (second, "nightly-00"),
    ]
    assert [s["name"] for s in volume_snapshots(sim, first)] == ["nightly-00"]
    assert sorted(s["name"] for s in volume_snapshots(sim, second)) == [
        "nightly-00",
        "nightly-01",
        "nightly-02",
        "nightly-03",
    ]
    assert [s["name"] for s in snapshots(sim, web1)] == ["nightly-00"]
    # Both volume snapshots while the Droplet was off: after the shutdown, before the power_on.
    assert order(sim) == ["shutdown", "volume snapshot", "volume snapshot", "snapshot", "power_on"]
    assert droplet(sim, web1)["status"] == "active"

    sim.clear_requests()
    again = ansible_playbook(play(droplet_id=web1, **TASK))
    assert again.rc == 0, again.output
    assert again.result("Task")["changed"] is False
    assert len(again.result("Task")["volume_snapshots"]) == 2
    assert mutating(sim) == []


def test_check_mode_says_which_volumes_would_be_snapshotted(sim, ansible_playbook, web1):
    run = ansible_playbook(play(droplet_id=web1, **TASK), "--check")
    assert run.rc == 0, run.output
    predicted = run.result("Task")["volume_snapshots"]
    assert [(s["id"], s["name"]) for s in predicted] == [(None, "nightly-00")] * 2
    assert mutating(sim) == []


def test_a_failed_volume_powers_the_droplet_on_and_says_which_volumes_have_theirs(
    sim, ansible_playbook, web1
):
    first, second = volume_ids(sim, web1)
    sim.faults(
        {
            "kind": "status",
            "status": 500,
            "method": "POST",
            "path": f"^/v2/volumes/{second}/snapshots$",
            "count": 1,
        }
    )
    run = ansible_playbook(play(droplet_id=web1, **TASK))
    assert run.rc == 2
    message = run.result("Task")["msg"]
    assert f"the snapshot of volume {second} failed" in message
    made = volume_snapshots(sim, first)[0]["id"]
    assert f"volumes with their snapshot: {first} ({made}); without: {second}" in message
    assert "the droplet was powered back on" in message
    assert droplet(sim, web1)["status"] == "active"
    assert snapshots(sim, web1) == []  # no Droplet snapshot without its volumes'

    rerun = ansible_playbook(play(droplet_id=web1, **TASK))
    assert rerun.rc == 0, rerun.result("Task")["msg"]
    assert len(volume_snapshots(sim, first)) == 1
    assert [s["name"] for s in snapshots(sim, web1)] == ["nightly-00"]


def test_retention_applies_to_the_volume_snapshots_too(sim, ansible_playbook, web1):
    _first, second = volume_ids(sim, web1)
    run = ansible_playbook(play(droplet_id=web1, keep=2, keep_prefix="nightly-", **TASK))
    assert run.rc == 0, run.output
    gone = run.result("Task")["deleted"]
    assert [(s["name"], s["volume_id"]) for s in gone] == [
        ("nightly-03", second),
        ("nightly-02", second),
    ]
    assert sorted(s["name"] for s in volume_snapshots(sim, second)) == ["nightly-00", "nightly-01"]


def test_prune_playbook_prunes_the_volume_snapshots_too(sim, ansible_playbook, web1):
    _first, second = volume_ids(sim, web1)
    run = ansible_playbook(
        REPO / "playbooks" / "prune.yml",
        *("-e", f"droplet_id={web1}", "-e", "keep=1", "-e", "keep_prefix=nightly-"),
        *("-e", "volumes=true"),
    )
    assert run.rc == 0, run.output
    assert [s["name"] for s in volume_snapshots(sim, second)] == ["nightly-01"]
    assert run.result("Summary, one line per Droplet")["msg"][0].startswith("web-1: deleted 2 (")


def test_snapshot_info_lists_volume_snapshots(sim, ansible_playbook, web1):
    run = ansible_playbook(play("snapshot_info", droplet_id=web1, resource_type="volume"))
    assert run.rc == 0, run.output
    result = run.result("Task")
    assert undocumented_keys("snapshot_info", result) == []
    assert [s["name"] for s in result["snapshots"]] == ["nightly-03", "nightly-02", "nightly-01"]
    assert {s["volume_id"] for s in result["snapshots"]} == {volume_ids(sim, web1)[1]}
    account = ansible_playbook(
        play("snapshot_info", resource_type="volume", name_prefix="nightly-")
    )
    assert len(account.result("Task")["snapshots"]) == 3
    assert account.result("Task")["totals"]["count"] == 3
    assert [
        r["query"].get("resource_type") for r in api_requests(sim) if r["path"] == "/v2/snapshots"
    ] == ["volume"]
