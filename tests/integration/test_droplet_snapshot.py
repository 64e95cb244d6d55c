"""droplet_snapshot as users run it: real ansible-playbook runs against the simulator.

Every test reads the outcome where it really is: the simulator's state (Droplets, Actions,
snapshots) and its request log, not only the module's own result.
"""

from __future__ import annotations

import itertools
import json

import pytest
import yaml

from tests.support.crash import interrupt
from tests.support.playbook import TOKEN
from tests.support.returns import undocumented_keys
from tests.support.simstate import (
    action_posts,
    changes,
    droplet,
    mutating,
    seed,
    snapshots,
    tag_requests,
    take_snapshot,
)

FAST = {"poll_interval": 0.05}


def play(*tasks: dict, hosts: str = "localhost") -> str:
    """A playbook (YAML text) running ``tasks``: ``{"name": ..., "args": {...}, **keywords}``."""
    body = []
    for task in tasks:
        task = dict(task)
        args = task.pop("args")
        body.append(
            {"name": task.pop("name"), "oceanops.digitalocean.droplet_snapshot": args, **task}
        )
    return yaml.safe_dump(
        [{"name": "Snapshot", "hosts": hosts, "gather_facts": False, "tasks": body}],
        sort_keys=False,
    )


def snapshot_task(task: str = "Snapshot", /, **args) -> dict:
    return {"name": task, "args": {**FAST, **args}}


@pytest.fixture
def run(ansible_playbook):
    """``run(playbook, *args)``: ansible-playbook, checking the token shows up nowhere."""

    def go(playbook: str, *args, **kwargs):
        result = ansible_playbook(playbook, *args, **kwargs)
        assert TOKEN not in result.output
        assert TOKEN not in json.dumps(result.records)
        return result

    return go


# -- the normal path ---------------------------------------------------------------------------


@pytest.mark.smoke
def test_active_droplet_is_shut_down_snapshotted_once_and_powered_back_on(sim, run):
    (droplet_id,) = seed(sim)
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    assert result.rc == 0, result.output

    snapshot = result.result("Snapshot")
    (made,) = snapshots(sim, droplet_id)
    assert made["name"] == "nightly"
    assert droplet(sim, droplet_id)["status"] == "active"
    assert action_posts(sim) == [("shutdown", 201), ("snapshot", 201), ("power_on", 201)]
    # One Action at a time: each started once the previous one had completed.
    actions = sorted(sim.state()["actions"], key=lambda a: a["id"])
    assert [a["status"] for a in actions] == ["completed"] * 3
    for previous, following in itertools.pairwise(actions):
        assert previous["completed_at"] <= following["started_at"]

    assert snapshot["changed"] is True
    assert snapshot["snapshot"]["id"] == int(made["id"])
    assert snapshot["snapshot"]["name"] == "nightly"
    assert set(snapshot["snapshot"]) == {
        "id",
        "name",
        "created_at",
        "size_gigabytes",
        "min_disk_size",
        "regions",
    }
    assert snapshot["droplet"] == {
        "id": droplet_id,
        "name": "web-1",
        "status": "active",
        "size": "s-1vcpu-1gb",
    }
    assert [(a["type"], a["status"]) for a in snapshot["actions"]] == [
        ("shutdown", "completed"),
        ("snapshot", "completed"),
        ("power_on", "completed"),
    ]
    assert [a["id"] for a in snapshot["actions"]] == [a["id"] for a in actions]
    assert snapshot["elapsed"] > 0
    assert undocumented_keys("droplet_snapshot", snapshot) == []


@pytest.mark.smoke
def test_rerun_with_existing_snapshot_sends_no_mutating_request(sim, run):
    (droplet_id,) = seed(sim)
    playbook = play(snapshot_task(droplet_id=droplet_id, name="nightly"))
    assert run(playbook).rc == 0
    first_id = snapshots(sim, droplet_id)[0]["id"]
    sim.clear_requests()

    again = run(playbook)
    assert again.rc == 0, again.output
    result = again.result("Snapshot")
    assert result["changed"] is False
    assert result["actions"] == []
    assert result["snapshot"]["id"] == int(first_id)
    assert mutating(sim) == []
    assert len(snapshots(sim, droplet_id)) == 1


RERUN_DELAYS = (0, 0.5, 1, 2, 3)


@pytest.mark.slow
def test_a_rerun_right_after_a_run_sees_its_last_change_and_changes_nothing(sim, run):
    """The same task again 0 to 3 s after a run, on the shared views of the same controller:
    a view taken before the run's last change (its untag) is never trusted for the Droplet."""
    (droplet_id,) = seed(sim)
    args = {"droplet_id": droplet_id, "name": "nightly"}  # adaptive polling: shared views
    tasks = [{"name": "First", "oceanops.digitalocean.droplet_snapshot": args}]
    for delay in RERUN_DELAYS:
        if delay:
            tasks.append({"name": f"Pause {delay} s", "ansible.builtin.command": f"sleep {delay}"})
        tasks.append(
            {"name": f"Again after {delay} s", "oceanops.digitalocean.droplet_snapshot": args}
        )
    plays = [{"name": "Snapshot", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    result = run(yaml.safe_dump(plays, sort_keys=False))
    assert result.rc == 0, result.output
    assert result.result("First")["changed"] is True
    for delay in RERUN_DELAYS:
        again = result.result(f"Again after {delay} s")
        assert (again["changed"], again["actions"]) == (False, []), delay
    assert action_posts(sim) == [("shutdown", 201), ("snapshot", 201), ("power_on", 201)]
    # The first run's tagging (its first POST finds no tag, creates it, and tags) and one untag.
    tagging = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in tag_requests(sim)]
    assert tagging == [
        ("POST", "resources"),
        ("POST", "tags"),
        ("POST", "resources"),
        ("DELETE", "resources"),
    ]
    assert len(snapshots(sim, droplet_id)) == 1


def test_droplet_found_by_name_and_an_ambiguous_name_lists_the_ids(sim, run):
    web, first, second = seed(
        sim, {"name": "web-1"}, {"name": "db"}, {"name": "db"}, time_scale=0.01
    )
    result = run(
        play(
            snapshot_task(droplet_name="web-1", name="nightly", power_off=False),
            {**snapshot_task("Ambiguous", droplet_name="db", name="x"), "ignore_errors": True},
        )
    )
    assert result.result("Snapshot")["droplet"]["id"] == web
    assert len(snapshots(sim, web)) == 1
    ambiguous = result.result("Ambiguous")
    assert [r["status"] for r in result.records if r["task"] == "Ambiguous"] == ["failed"]
    assert ambiguous["msg"] == f"2 droplets are named 'db' (ids {first}, {second}); use droplet_id"


def test_off_droplet_gets_no_power_action_and_stays_off(sim, run):
    (droplet_id,) = seed(sim, {"name": "web-1", "status": "off"})
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    assert result.rc == 0, result.output
    assert action_posts(sim) == [("snapshot", 201)]
    assert droplet(sim, droplet_id)["status"] == "off"
    assert len(snapshots(sim, droplet_id)) == 1
    assert result.result("Snapshot")["droplet"]["status"] == "off"


def test_restore_power_false_leaves_the_droplet_off(sim, run):
    (droplet_id,) = seed(sim)
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly", restore_power=False)))
    assert result.rc == 0, result.output
    assert action_posts(sim) == [("shutdown", 201), ("snapshot", 201)]
    assert droplet(sim, droplet_id)["status"] == "off"
    assert len(snapshots(sim, droplet_id)) == 1


def test_live_snapshot_with_power_off_false_touches_no_power(sim, run):
    (droplet_id,) = seed(sim)
    result = run(play(snapshot_task(droplet_id=droplet_id, name="live", power_off=False)))
    assert result.rc == 0, result.output
    assert action_posts(sim) == [("snapshot", 201)]
    assert droplet(sim, droplet_id)["status"] == "active"


def test_ignored_shutdown_falls_back_to_power_off_within_shutdown_timeout(sim, run):
    (droplet_id,) = seed(sim, shutdown_fails=True)
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly", shutdown_timeout=1)))
    assert result.rc == 0, result.output
    assert action_posts(sim) == [
        ("shutdown", 201),
        ("power_off", 201),
        ("snapshot", 201),
        ("power_on", 201),
    ]
    posts = [r for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/actions")]
    shutdown_at, power_off_at = posts[0]["t"], posts[1]["t"]
    # The grace period starts at the look right before the shutdown POST and ends 1 s later.
    assert 0.9 <= power_off_at - shutdown_at <= 2.0
    # The snapshot was taken of an off Droplet: the module saw it off right before the POST.
    last_look = [
        r
        for r in sim.requests()
        if r["path"] == f"/v2/droplets/{droplet_id}" and r["t"] < posts[2]["t"]
    ][-1]
    assert last_look["t"] > posts[1]["t"]
    assert droplet(sim, droplet_id)["status"] == "active"
    assert len(snapshots(sim, droplet_id)) == 1


def test_a_read_slower_than_shutdown_timeout_still_gets_the_graceful_shutdown_first(sim, run):
    """The look right before the shutdown answers 3 s late, with shutdown_timeout 2: the grace
    period counts from the shutdown Action, so cutting the power is never the consequence."""
    (droplet_id,) = seed(sim)
    # Finding the Droplet, and the look right before the shutdown, are 3 s late each.
    late = {"method": "GET", "path": rf"^/v2/droplets/{droplet_id}$", "kind": "delay"}
    sim.faults({**late, "delay": 3, "count": 2})
    task = snapshot_task(droplet_id=droplet_id, name="nightly", shutdown_timeout=2)
    result = run(play(task))
    assert result.rc == 0, result.output
    assert action_posts(sim) == [("shutdown", 201), ("snapshot", 201), ("power_on", 201)]
    assert droplet(sim, droplet_id)["status"] == "active"


@pytest.mark.parametrize(
    ("seeded", "status"),
    [({"status": "archive"}, "archive"), ({"status": "new", "create_errors": True}, "new")],
    ids=["archived", "new-and-idle"],
)
def test_a_droplet_neither_active_nor_off_is_refused_before_anything_changes(
    sim, run, seeded, status
):
    # A new Droplet is locked by its create, which the module waits out, then finds it still new.
    (droplet_id,) = seed(sim, {"name": "web-1", **seeded})
    result = run(
        play({**snapshot_task(droplet_id=droplet_id, name="nightly"), "ignore_errors": True})
    )
    failed = result.result("Snapshot")
    assert failed["msg"] == (
        f"droplet {droplet_id} is {status}: only an active or off droplet can be snapshotted"
    )
    assert mutating(sim) == []
    assert droplet(sim, droplet_id)["status"] == status


def test_snapshot_refused_while_on_with_power_off_false_fails_clearly_and_changes_nothing(sim, run):
    (droplet_id,) = seed(sim, snapshot_requires_off=True)
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly", power_off=False)))
    assert result.rc != 0
    failed = result.result("Snapshot")
    assert failed["msg"].startswith(
        f"POST /droplets/{droplet_id}/actions (snapshot) returned 422 unprocessable_entity: "
        "Droplet is "
        "currently on. Please power it off to run this event. (power_off is false: the droplet "
        "must be powered off first)"
    )
    assert failed["msg"].endswith("; the droplet is active")
    assert failed["actions"] == []
    assert action_posts(sim) == [("snapshot", 422)]
    assert snapshots(sim, droplet_id) == []
    assert droplet(sim, droplet_id)["status"] == "active"


# -- failures after the power-off -----------------------------------------------------------------


def test_errored_snapshot_fails_with_the_action_id_and_powers_the_droplet_back_on(sim, run):
    (droplet_id,) = seed(sim)
    sim.faults({"kind": "errored", "action_type": "snapshot"})
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    assert result.rc != 0
    failed = result.result("Snapshot")
    shutdown, snapshot, power_on = failed["actions"]
    assert failed["msg"] == (
        f"action {snapshot['id']} (snapshot) on droplet {droplet_id} errored; "
        f"the droplet was powered back on (action {power_on['id']})"
    )
    assert [shutdown["type"], snapshot["status"], power_on["status"]] == [
        "shutdown",
        "errored",
        "completed",
    ]
    assert failed["failure"]["type"] == "action_errored"
    assert failed["failure"]["action"]["id"] == snapshot["id"]
    assert failed["droplet"]["status"] == "active"
    assert droplet(sim, droplet_id)["status"] == "active"
    assert snapshots(sim, droplet_id) == []


def test_timeout_names_the_action_and_a_rerun_finishes_without_a_duplicate(sim, run):
    (droplet_id,) = seed(sim, time_scale=0.05)  # the snapshot takes 3 s
    task = snapshot_task(droplet_id=droplet_id, name="nightly", wait_timeout=1, shutdown_timeout=0)
    result = run(play(task))
    assert result.rc != 0
    failed = result.result("Snapshot")
    snapshot = failed["actions"][-1]
    assert failed["msg"] == (
        f"action {snapshot['id']} (snapshot) on droplet {droplet_id} still in-progress after 1 s "
        "(wait_timeout); it goes on at DigitalOcean: a re-run waits for it instead of starting it "
        "again; the droplet stays off until then, and that re-run powers it back on"
    )
    assert droplet(sim, droplet_id)["status"] == "off"

    again = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    assert again.rc == 0, again.output
    assert [a["type"] for a in again.result("Snapshot")["actions"]] == ["power_on"]
    assert len(snapshots(sim, droplet_id)) == 1
    assert droplet(sim, droplet_id)["status"] == "active"


def test_ctrl_c_then_rerun_completes_with_exactly_one_snapshot(sim, run, tmp_path):
    """Ctrl-C on ansible-playbook mid-snapshot (kill -9 at every moment is in
    test_interruptions.py)."""
    # The snapshot takes 6 s.
    (droplet_id,) = seed(sim, time_scale=0.1)
    playbook = tmp_path / "interrupted.yml"
    playbook.write_text(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    interrupt(
        sim.url,
        playbook,
        tmp_path / "interrupted.json",
        lambda: ("snapshot", 201) in action_posts(sim),
        how="ctrl-c",
    )
    # The module runs on in its own session (as Ansible's workers do on Ctrl-C): the snapshot may
    # still run, and that module may power the Droplet on before or while the re-run does.
    again = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    assert again.rc == 0, again.output
    result = again.result("Snapshot")
    assert [a["type"] for a in result["actions"]] in (["power_on"], [])
    assert result["changed"] or not result["actions"]
    assert [kind for kind, status in action_posts(sim) if status == 201].count("power_on") == 1
    assert len(snapshots(sim, droplet_id)) == 1
    assert result["snapshot"]["id"] == int(snapshots(sim, droplet_id)[0]["id"])
    assert droplet(sim, droplet_id)["status"] == "active"


def two_runs_at_once(run, tmp_path, droplet_id: int):
    """The snapshot task on two hosts, both on this Droplet, at the same time."""
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("first ansible_connection=local\nsecond ansible_connection=local\n")
    return run(
        play(snapshot_task(droplet_id=droplet_id, name="nightly"), hosts="all"),
        "-i",
        str(inventory),
        "--forks",
        "2",
    )


def test_two_runs_at_once_on_one_droplet_make_exactly_one_snapshot(sim, run, tmp_path):
    (droplet_id,) = seed(sim, time_scale=0.05)
    result = two_runs_at_once(run, tmp_path, droplet_id)
    assert result.rc == 0, result.output
    first, second = result.results("Snapshot")
    (made,) = snapshots(sim, droplet_id)
    assert first["snapshot"]["id"] == second["snapshot"]["id"] == int(made["id"])
    assert droplet(sim, droplet_id)["status"] == "active"
    # Each power Action and the snapshot were started once; the other run's POSTs were refused.
    started = [kind for kind, status in action_posts(sim) if status == 201]
    assert started == ["shutdown", "snapshot", "power_on"]
    assert {status for _kind, status in action_posts(sim)} <= {201, 422}


def test_a_run_that_sees_the_snapshot_taken_meanwhile_leaves_the_power_alone(sim, run, tmp_path):
    (droplet_id,) = seed(sim, time_scale=0.02)
    # One run's first look at the Droplet is answered late: by then the other run has taken the
    # snapshot and powered the Droplet back on.
    sim.faults(
        {
            "kind": "delay",
            "phase": "after",
            "delay": 8.0,
            "count": 1,
            "method": "GET",
            "path": r"^/v2/droplets/\d+$",
        }
    )
    result = two_runs_at_once(run, tmp_path, droplet_id)
    assert result.rc == 0, result.output
    (made,) = snapshots(sim, droplet_id)
    outcomes = sorted(
        (r["changed"], [a["type"] for a in r["actions"]], r["snapshot"]["id"])
        for r in result.results("Snapshot")
    )
    assert outcomes == [
        (False, [], int(made["id"])),
        (True, ["shutdown", "snapshot", "power_on"], int(made["id"])),
    ]
    assert [kind for kind, _status in action_posts(sim)] == ["shutdown", "snapshot", "power_on"]
    assert droplet(sim, droplet_id)["status"] == "active"
    assert droplet(sim, droplet_id)["tags"] == []
    # Only the run that powered the Droplet off tagged it (and untagged it after).
    tagging = [r["method"] for r in tag_requests(sim) if r["path"].endswith("/resources")]
    assert [m for m in tagging if m == "DELETE"] == ["DELETE"]


# -- wait: false, async ----------------------------------------------------------------------------


def test_wait_false_returns_once_the_snapshot_started_and_a_later_run_restores_power(sim, run):
    (droplet_id,) = seed(sim, time_scale=0.05)
    started = run(play(snapshot_task(droplet_id=droplet_id, name="nightly", wait=False)))
    assert started.rc == 0, started.output
    result = started.result("Snapshot")
    assert [(a["type"], a["status"]) for a in result["actions"]] == [
        ("shutdown", "completed"),
        ("snapshot", "in-progress"),
    ]
    assert result["changed"] is True and result["snapshot"] is None
    assert result["warnings"] == [
        f"wait is false: droplet {droplet_id} stays off while action {result['actions'][1]['id']} "
        f"(snapshot) on droplet {droplet_id} runs; it is tagged oceanops-restore-power, and the "
        "next run of this task powers it back on"
    ]

    again = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")))
    assert again.rc == 0, again.output
    assert [a["type"] for a in again.result("Snapshot")["actions"]] == ["power_on"]
    assert len(snapshots(sim, droplet_id)) == 1
    assert droplet(sim, droplet_id)["status"] == "active"


def test_the_next_task_right_after_wait_false_waits_and_restores_power(sim, run):
    (droplet_id,) = seed(sim, time_scale=0.05)
    # The second task starts within the shared Droplet view's 2 s of the first one's look.
    both = run(
        play(
            snapshot_task("Start", droplet_id=droplet_id, name="nightly", wait=False),
            {"name": "Finish", "args": {"droplet_name": "web-1", "name": "nightly"}},
        )
    )
    assert both.rc == 0, both.output
    finish = both.result("Finish")
    assert finish["changed"] is True
    assert [a["type"] for a in finish["actions"]] == ["power_on"]
    assert len(snapshots(sim, droplet_id)) == 1
    assert droplet(sim, droplet_id)["status"] == "active"


def test_works_under_async_and_poll(sim, run):
    (droplet_id,) = seed(sim)
    task = {**snapshot_task(droplet_id=droplet_id, name="nightly"), "async": 60, "poll": 1}
    result = run(play(task))
    assert result.rc == 0, result.output
    assert result.result("Snapshot")["snapshot"]["name"] == "nightly"
    assert len(snapshots(sim, droplet_id)) == 1
    assert droplet(sim, droplet_id)["status"] == "active"


# -- check mode and diff -----------------------------------------------------------------------


CHECK_CASES = {
    "active droplet": ({"status": "active"}, {}, None, True, ("active", "active")),
    "off droplet": ({"status": "off"}, {}, None, True, ("off", "off")),
    "no power restore": (
        {"status": "active"},
        {"restore_power": False},
        None,
        True,
        ("active", "off"),
    ),
    "snapshot exists": ({"status": "active"}, {}, "nightly", False, ("active", "active")),
    "absent, exists": (
        {"status": "active"},
        {"state": "absent"},
        "nightly",
        True,
        ("active", "active"),
    ),
    "absent, none": (
        {"status": "active"},
        {"state": "absent"},
        "other",
        False,
        ("active", "active"),
    ),
}


@pytest.mark.parametrize("case", CHECK_CASES, ids=list(CHECK_CASES))
def test_check_mode_sends_nothing_mutating_and_predicts_the_real_run(sim, run, case):
    seeded, args, existing, changed, (status_before, status_after) = CHECK_CASES[case]
    (droplet_id,) = seed(sim, {"name": "web-1", **seeded})
    if existing:
        take_snapshot(sim, droplet_id, existing)
    sim.clear_requests()
    task = snapshot_task(droplet_id=droplet_id, name="nightly", **args)
    result = run(
        play(
            {**task, "name": "Predict", "check_mode": True, "diff": True}, {**task, "name": "Apply"}
        )
    )
    assert result.rc == 0, result.output
    predicted, applied = result.result("Predict"), result.result("Apply")
    assert predicted["changed"] is applied["changed"] is changed
    # Only the real run sent anything that changes state: one POST per Action it started, and
    # the tag's requests when it powered the Droplet off.
    expected_posts = len(applied["actions"]) + len(
        applied.get("deleted", []) if applied["changed"] else []
    )
    assert len(changes(sim)) == expected_posts
    powered_off = {"shutdown", "power_off"} & {a["type"] for a in applied["actions"]}
    assert bool(tag_requests(sim)) == bool(powered_off and args.get("restore_power", True))
    before = [existing] if existing else []
    after = list(before)
    if args.get("state") == "absent":
        after = [n for n in before if n != "nightly"]
    elif not existing:
        after = [*before, "nightly"]
    assert predicted["diff"] == {
        "before": {"snapshots": before, "status": status_before},
        "after": {"snapshots": after, "status": status_after},
    }
    assert droplet(sim, droplet_id)["status"] == status_after


def test_state_absent_deletes_every_snapshot_with_the_name_and_warns_about_duplicates(sim, run):
    (droplet_id,) = seed(sim, time_scale=0.001)
    for name in ("nightly", "weekly", "nightly"):
        take_snapshot(sim, droplet_id, name)
    ids = [int(s["id"]) for s in snapshots(sim, droplet_id) if s["name"] == "nightly"]
    sim.clear_requests()
    result = run(
        play(
            snapshot_task("Present", droplet_id=droplet_id, name="nightly"),
            {
                **snapshot_task("Absent", droplet_id=droplet_id, name="nightly", state="absent"),
                "diff": True,
            },
            snapshot_task("Absent again", droplet_id=droplet_id, name="nightly", state="absent"),
        )
    )
    assert result.rc == 0, result.output
    present = result.result("Present")
    assert present["changed"] is False
    assert present["snapshot"]["id"] == max(ids)
    assert present["warnings"] == [
        f"droplet {droplet_id} has 2 snapshots named 'nightly' (ids {ids[0]}, {ids[1]}); "
        f"using the newest, {max(ids)}"
    ]
    absent = result.result("Absent")
    assert absent["changed"] is True
    assert sorted(s["id"] for s in absent["deleted"]) == ids
    assert absent["diff"]["after"]["snapshots"] == ["weekly"]
    assert result.result("Absent again")["changed"] is False
    assert [s["name"] for s in snapshots(sim, droplet_id)] == ["weekly"]
    deletes = [r["path"] for r in mutating(sim)]
    assert sorted(deletes) == sorted(f"/v2/snapshots/{i}" for i in ids)
    assert undocumented_keys("droplet_snapshot", absent) == []


# -- refusals before anything happens ------------------------------------------------------------
# (Bad input, from wrong types to broken servers: test_bad_input.py.)


def test_refused_token_fails_in_one_line_without_the_token(sim, run):
    (droplet_id,) = seed(sim)
    sim.settings(tokens=["dop_v1_some_other_token"])
    result = run(play(snapshot_task(droplet_id=droplet_id, name="nightly")), "-vvvv")
    assert result.rc != 0
    msg = result.result("Snapshot")["msg"]
    assert msg.startswith(
        f"GET /droplets/{droplet_id} returned 401 unauthorized: Unable to authenticate you. "
        "(the API token was refused: check api_token or its environment variables)"
    )
    assert "\n" not in msg
    assert mutating(sim) == []
