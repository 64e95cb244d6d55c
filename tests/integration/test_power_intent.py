"""The power intent: the tag a run leaves on a Droplet it powered off, and whoever finds it.

Each test runs one playbook over several Droplets at once, one host per case, with the options
in its host variables.
"""

from __future__ import annotations

import yaml

from tests.support.simstate import (
    api_requests,
    droplet,
    droplet_steps,
    mutating,
    seed,
    snapshots,
)

TAG = "oceanops-restore-power"
TAG_RESOURCES = f"/v2/tags/{TAG}/resources"

PLAY = """
- name: Snapshot
  hosts: all
  gather_facts: false
  tasks:
    - name: Snapshot
      oceanops.digitalocean.droplet_snapshot:
        droplet_id: "{{ droplet_id }}"
        name: nightly
        state: "{{ state | default('present') }}"
        wait: "{{ wait | default(true) }}"
        restore_power: "{{ restore_power | default(true) }}"
        power_tag: "{{ power_tag | default(true) }}"
        poll_interval: 0.05
      check_mode: "{{ check | default(false) }}"
      diff: true
      ignore_errors: true
"""


def cases(tmp_path, sim, cases: dict, **settings) -> dict:
    """Seed one Droplet per case (``{"droplet": seed, **host variables}``) and write the
    inventory; return the hosts' Droplet ids by case."""
    ids = seed(sim, *(case["droplet"] for case in cases.values()), **settings)
    hosts = {}
    for (name, case), droplet_id in zip(cases.items(), ids):
        variables = {k: v for k, v in case.items() if k != "droplet"}
        hosts[name] = {"ansible_connection": "local", "droplet_id": droplet_id, **variables}
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return dict(zip(cases, ids))


def run(ansible_playbook, tmp_path, forks: int = 10):
    return ansible_playbook(PLAY, "-i", str(tmp_path / "hosts.yml"), "--forks", str(forks))


def result(playbook_run, host: str) -> dict:
    """The host's task result, with ``failed`` as the task ended."""
    (found,) = [r for r in playbook_run.records if r["host"] == host]
    return playbook_run.outcome(found)


def tagged(sim, droplet_id: int) -> bool:
    return TAG in droplet(sim, droplet_id)["tags"]


def on_droplet(sim, droplet_id: int) -> list:
    """What this Droplet's run asked for, in order: its tagging and its power and snapshot
    Actions."""
    return droplet_steps(api_requests(sim), droplet_id)


def test_the_tag_is_on_while_the_droplet_is_off_and_created_once(sim, ansible_playbook, tmp_path):
    ids = cases(
        tmp_path,
        sim,
        {"first": {"droplet": {"name": "web-1"}}, "second": {"droplet": {"name": "web-2"}}},
    )
    playbook_run = run(ansible_playbook, tmp_path, forks=1)
    assert playbook_run.rc == 0, playbook_run.output
    for droplet_id in ids.values():
        assert on_droplet(sim, droplet_id) == ["tag", "shutdown", "snapshot", "power_on", "untag"]
        assert droplet(sim, droplet_id)["status"] == "active"
        assert not tagged(sim, droplet_id)
        assert len(snapshots(sim, droplet_id)) == 1
    # The first run found no such tag (404) and created it; the second tagged at once.
    creations = [r for r in api_requests(sim) if r["path"] == "/v2/tags"]
    assert [(r["method"], r["body"], r["status"]) for r in creations] == [
        ("POST", {"name": TAG}, 201)
    ]
    assert [r["status"] for r in api_requests(sim) if r["path"] == TAG_RESOURCES][:2] == [404, 204]


def test_whoever_finds_the_droplet_off_and_tagged_powers_it_on(sim, ansible_playbook, tmp_path):
    off_tagged = {"name": "web", "status": "off", "tags": [TAG]}
    with_snapshot = dict(off_tagged, snapshots=["nightly"])
    ids = cases(
        tmp_path,
        sim,
        {
            "no-snapshot-yet": {"droplet": off_tagged},
            "snapshot-exists": {"droplet": with_snapshot},
            "state-absent": {"droplet": with_snapshot, "state": "absent"},
            "check-mode": {"droplet": with_snapshot, "check": True},
            "power-tag-false": {"droplet": off_tagged, "power_tag": False},
            "restore-power-false": {"droplet": with_snapshot, "restore_power": False},
            "off-not-tagged": {"droplet": {"name": "web", "status": "off"}},
            "on-stale-tag": {"droplet": {"name": "web", "tags": [TAG]}},
        },
    )
    playbook_run = run(ansible_playbook, tmp_path)
    assert playbook_run.rc == 0, playbook_run.output
    for case in ids:
        assert result(playbook_run, case)["failed"] is False, (case, playbook_run.output)

    # Taken with the Droplet as it was (off), then powered on: the earlier run's cycle, finished.
    assert on_droplet(sim, ids["no-snapshot-yet"]) == ["snapshot", "power_on", "untag"]
    assert on_droplet(sim, ids["snapshot-exists"]) == ["power_on", "untag"]
    assert on_droplet(sim, ids["state-absent"]) == ["power_on", "untag"]
    assert snapshots(sim, ids["state-absent"]) == []
    for case in ("no-snapshot-yet", "snapshot-exists", "state-absent"):
        assert droplet(sim, ids[case])["status"] == "active", case
        assert not tagged(sim, ids[case]), case
        assert result(playbook_run, case)["changed"] is True

    checked = result(playbook_run, "check-mode")
    assert checked["changed"] is True
    assert checked["diff"]["before"]["status"] == "off"
    assert checked["diff"]["after"]["status"] == "active"
    assert on_droplet(sim, ids["check-mode"]) == []
    assert tagged(sim, ids["check-mode"])

    # Without power_tag the tag is neither written nor acted on.
    assert on_droplet(sim, ids["power-tag-false"]) == ["snapshot"]
    assert droplet(sim, ids["power-tag-false"])["status"] == "off"
    assert tagged(sim, ids["power-tag-false"])
    # A run that is to leave the Droplet off leaves another run's intent alone.
    assert on_droplet(sim, ids["restore-power-false"]) == []
    assert droplet(sim, ids["restore-power-false"])["status"] == "off"
    assert tagged(sim, ids["restore-power-false"])
    assert on_droplet(sim, ids["off-not-tagged"]) == ["snapshot"]
    assert droplet(sim, ids["off-not-tagged"])["status"] == "off"
    # A tag on a Droplet that is on: the usual cycle (the tag is sent anyway: the look that saw
    # it may be older than another run's untagging), and the tag is gone after it.
    assert on_droplet(sim, ids["on-stale-tag"]) == [
        "tag",
        "shutdown",
        "snapshot",
        "power_on",
        "untag",
    ]
    assert not tagged(sim, ids["on-stale-tag"])


def test_a_run_that_leaves_the_droplet_off_leaves_the_tag_for_the_next(
    sim, ansible_playbook, tmp_path
):
    ids = cases(
        tmp_path,
        sim,
        {
            "wait-false": {"droplet": {"name": "web"}, "wait": False},
            "power-on-errors": {"droplet": {"name": "web"}},
            "restore-power-false": {"droplet": {"name": "web"}, "restore_power": False},
        },
    )
    sim.faults(
        {
            "kind": "errored",
            "method": "POST",
            "path": f"^/v2/droplets/{ids['power-on-errors']}/actions$",
            "action_type": "power_on",
        }
    )
    first = run(ansible_playbook, tmp_path)
    assert first.rc == 0, first.output

    waiting = result(first, "wait-false")
    assert f"it is tagged {TAG}, and the next run of this task powers it back on" in (
        " ".join(waiting["warnings"])
    )
    failed = result(first, "power-on-errors")
    assert failed["failed"] is True, failed
    assert failed["msg"].endswith(f"it is tagged {TAG}, and the next run powers it back on"), (
        failed["msg"]
    )
    for case in ("wait-false", "power-on-errors"):
        assert droplet(sim, ids[case])["status"] == "off", case
        assert tagged(sim, ids[case]), case
    # restore_power false: nothing is to be powered back on, so no tag says so.
    assert on_droplet(sim, ids["restore-power-false"]) == ["shutdown", "snapshot"]
    assert droplet(sim, ids["restore-power-false"])["status"] == "off"
    assert not tagged(sim, ids["restore-power-false"])

    sim.clear_requests()
    second = run(ansible_playbook, tmp_path)
    assert second.rc == 0, second.output
    for case in ("wait-false", "power-on-errors"):
        assert result(second, case)["changed"] is True
        assert on_droplet(sim, ids[case]) == ["power_on", "untag"], case
        assert droplet(sim, ids[case])["status"] == "active", case
        assert not tagged(sim, ids[case]), case
        assert len(snapshots(sim, ids[case])) == 1
    assert [r for r in mutating(sim) if str(ids["restore-power-false"]) in r["path"]] == []
    assert droplet(sim, ids["restore-power-false"])["status"] == "off"


def test_a_droplet_powered_on_by_another_run_before_the_snapshot_is_powered_off_again(
    sim, ansible_playbook, tmp_path
):
    ids = cases(tmp_path, sim, {"web": {"droplet": {"name": "web"}}})
    # Right as our snapshot POST arrives, another client powers the Droplet on (as a run that
    # found it off and tagged would): ours is refused, looks again, and finds it on.
    sim.faults(
        {
            "kind": "busy",
            "acts": "power_on",
            "method": "POST",
            "action_type": "snapshot",
            "count": 1,
        }
    )
    playbook_run = run(ansible_playbook, tmp_path)
    assert result(playbook_run, "web")["failed"] is False, playbook_run.output
    actions = sorted(sim.state()["actions"], key=lambda a: a["id"])
    assert [a["type"] for a in actions] == [
        "shutdown",
        "power_on",  # the other client's
        "shutdown",
        "snapshot",
        "power_on",
    ]
    # The snapshot was taken of a Droplet that was off: never a live one behind our back.
    assert actions[2]["completed_at"] <= actions[3]["started_at"]
    assert droplet(sim, ids["web"])["status"] == "active"
    assert not tagged(sim, ids["web"])
    assert len(snapshots(sim, ids["web"])) == 1


def powered_on_right_before_the_snapshot(count: int) -> dict:
    """Another client's power_on that has completed when our snapshot POST arrives: the POST is
    taken, on a running Droplet (DigitalOcean takes live snapshots)."""
    return {
        "kind": "busy",
        "acts": "power_on",
        "finished": True,
        "method": "POST",
        "action_type": "snapshot",
        "count": count,
    }


def test_a_snapshot_taken_live_behind_our_back_is_deleted_and_taken_again_with_the_droplet_off(
    sim, ansible_playbook, tmp_path
):
    ids = cases(
        tmp_path,
        sim,
        {"on": {"droplet": {"name": "on"}}, "off": {"droplet": {"name": "off", "status": "off"}}},
    )
    for droplet_id in ids.values():
        sim.faults(dict(powered_on_right_before_the_snapshot(1), path=f"/{droplet_id}/"))
    playbook_run = run(ansible_playbook, tmp_path)
    for case, droplet_id in ids.items():
        outcome = result(playbook_run, case)
        assert outcome["failed"] is False, playbook_run.output
        assert any("taken live" in w for w in outcome.get("warnings", [])), outcome
        steps = [
            a["type"]
            for a in sorted(sim.state()["actions"], key=lambda a: a["id"])
            if a["resource_id"] == droplet_id
        ]
        first = ["shutdown", "power_on", "snapshot"] if case == "on" else ["power_on", "snapshot"]
        assert steps == [*first, "shutdown", "snapshot", "power_on"], steps
        (kept,) = snapshots(sim, droplet_id)
        assert str(outcome["snapshot"]["id"]) == str(kept["id"])
        assert droplet(sim, droplet_id)["status"] == "active"  # the other client wants it on
        assert not tagged(sim, droplet_id)


def test_a_second_live_snapshot_fails_the_task_and_leaves_no_snapshot(
    sim, ansible_playbook, tmp_path
):
    ids = cases(tmp_path, sim, {"web": {"droplet": {"name": "web"}}})
    sim.faults(powered_on_right_before_the_snapshot(2))
    outcome = result(run(ansible_playbook, tmp_path), "web")
    assert outcome["failed"] is True
    assert "taken live" in outcome["msg"] and "second time" in outcome["msg"], outcome["msg"]
    assert snapshots(sim, ids["web"]) == []
    assert droplet(sim, ids["web"])["status"] == "active"
    assert not tagged(sim, ids["web"])


def test_a_droplet_powered_on_after_the_snapshot_keeps_it(sim, ansible_playbook, tmp_path):
    # Found off and left off by this run: another client's power_on after the snapshot Action
    # started (here: right as the run reads the Droplet's Actions) did not make it live.
    ids = cases(tmp_path, sim, {"off": {"droplet": {"name": "off", "status": "off"}}})
    sim.faults(
        {
            "kind": "busy",
            "acts": "power_on",
            "finished": True,
            "method": "GET",
            "path": r"/actions",
            "after": {"method": "POST", "action_type": "snapshot"},
            "count": 1,
        }
    )
    outcome = result(run(ansible_playbook, tmp_path), "off")
    assert outcome["failed"] is False
    assert not any("taken live" in w for w in outcome.get("warnings", [])), outcome
    assert len(snapshots(sim, ids["off"])) == 1


def test_a_refused_shutdown_leaves_no_tag_in_the_account(sim, ansible_playbook, tmp_path):
    # A token scoped to tags but not to Droplet Actions: the tag is written, then the shutdown is
    # refused. Nothing was powered off, so neither the Droplet's tag nor the tag itself stays.
    ids = cases(tmp_path, sim, {"web": {"droplet": {"name": "web"}}})
    sim.faults(
        {
            "kind": "status",
            "status": 403,
            "method": "POST",
            "action_type": "shutdown",
            "path": f"/{ids['web']}/",
        },
    )
    playbook_run = run(ansible_playbook, tmp_path)
    refused = result(playbook_run, "web")
    assert refused["failed"] is True
    assert "403" in refused["msg"] and "\n" not in refused["msg"], refused["msg"]
    assert droplet(sim, ids["web"])["status"] == "active"
    assert TAG not in {t["name"] for t in sim.state()["tags"]}, sim.state()["tags"]
