"""playbooks/*.yml as operators run them: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pytest
import yaml

from tests.support import REPO
from tests.support.simstate import api_requests, changes, mutating

SNAPSHOT = REPO / "playbooks" / "snapshot.yml"
ACTIONS = REPO / "playbooks" / "actions.yml"
DELETE = REPO / "playbooks" / "delete_snapshot.yml"
MAINTAIN = REPO / "playbooks" / "maintain.yml"
SUMMARY = "Summary, one line per Droplet"
SNAPSHOT_TASK = "Shut down, snapshot and power on again"
VERDICT = "Fail the Droplets that have no snapshot"
# Polls at a pace that suits Actions scaled down 100x; shutdowns that hang are forced after 1 s.
FAST = ("-e", "poll_interval=0.1", "-e", "shutdown_timeout=1")
# Enough for the number of requests a fleet run sends in a few seconds.
NO_RATE_LIMIT = {"rate_limit": {"per_minute": 100_000, "per_hour": 1_000_000}}


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def write_inventory(tmp_path, **config) -> str:
    path = tmp_path / "fleet.droplets.yml"
    config = {
        "plugin": "oceanops.digitalocean.droplets",
        "keyed_groups": [{"key": "droplet_tags", "prefix": "tag"}],
        **config,
    }
    path.write_text(yaml.safe_dump(config))
    return str(path)


def droplets_by_name(sim) -> dict:
    return {d["name"]: d for d in sim.state()["droplets"]}


def statuses(run, task: str) -> dict:
    return {r["host"]: r["status"] for r in run.records if r["task"] == task}


def off_windows(sim) -> dict:
    """Per Droplet that this run powered off: (first shutdown or power_off POST, last request
    about it), in the request log's precise time. Each window covers the time the Droplet was
    off, and more: it ends after the module saw the power_on Action complete."""
    actions = sim.state()["actions"]
    droplet_of_action = {a["id"]: a["resource_id"] for a in actions}
    powered_off = {a["resource_id"] for a in actions if a["type"] in ("shutdown", "power_off")}
    windows: dict[int, list] = {}
    for request in sim.requests():
        match = re.match(r"^/v2/(droplets|actions)/(\d+)", request["path"])
        if not match:
            continue
        number = int(match[2])
        droplet_id = number if match[1] == "droplets" else droplet_of_action.get(number)
        if droplet_id not in powered_off:
            continue
        starts = request["method"] == "POST" and request.get("action_type") in (
            "shutdown",
            "power_off",
        )
        if starts and droplet_id not in windows:
            windows[droplet_id] = [request["t"], request["t"]]
        elif droplet_id in windows:
            windows[droplet_id][1] = request["t"]
    return {droplet_id: tuple(window) for droplet_id, window in windows.items()}


def most_at_once(windows: dict) -> int:
    starts = [(start, 1) for start, _end in windows.values()]
    ends = [(end, -1) for _start, end in windows.values()]
    now = peak = 0
    # sorted puts an end before a start at the same instant
    for _time, step in sorted(starts + ends):
        now += step
        peak = max(peak, now)
    return peak


# -- one Droplet -------------------------------------------------------------------------------


@pytest.fixture
def web1(sim) -> dict:
    (droplet,) = sim.reset(droplets=[{"name": "web-1", "tags": ["web"]}])["droplets"]
    return droplet


@pytest.mark.smoke
def test_one_droplet_by_id_with_a_name(sim, ansible_playbook, web1):
    run = ansible_playbook(
        SNAPSHOT, "-e", f"droplet_id={web1['id']}", "-e", "snapshot_name='My Snapshot'", *FAST
    )
    assert run.rc == 0, run.output
    result = run.result(SNAPSHOT_TASK)
    assert result["changed"] is True
    assert result["snapshot"]["name"] == "My Snapshot"
    (line,) = run.result(SUMMARY)["msg"]
    assert re.fullmatch(
        rf'web-1: snapshot {result["snapshot"]["id"]} "My Snapshot" taken in .+ s', line
    )
    assert droplets_by_name(sim)["web-1"]["status"] == "active"
    assert [s["name"] for s in sim.state()["snapshots"]] == ["My Snapshot"]


def test_a_name_with_spaces_that_lost_its_quotes_stops_the_run(sim, ansible_playbook, web1):
    # What the shell passes for: -e droplet_id=... -e snapshot_name="My Snapshot"
    run = ansible_playbook(
        SNAPSHOT, "-e", f"droplet_id={web1['id']}", "-e", "snapshot_name=My Snapshot"
    )
    assert run.rc == 2
    message = run.result("Refuse an -e value that lost words to missing quotes")["msg"]
    assert 'dropped "Snapshot"' in message
    assert message.endswith("""Quote the whole value: -e "snapshot_name='My Snapshot'\"""")
    assert sim.requests() == []


PRUNE = REPO / "playbooks" / "prune.yml"
NO_TARGET = "This run targets no Droplet"
# The playbooks over the fleet, with the variables each needs.
FLEET_PLAYBOOKS = [
    (SNAPSHOT, ()),
    (PRUNE, ("-e", "keep=7", "-e", "keep_prefix=nightly-")),
    (DELETE, ("-e", "snapshot_name=old")),
    (MAINTAIN, ()),
]
FLEET_PLAYBOOK_IDS = ["snapshot", "prune", "delete_snapshot", "maintain"]


@pytest.mark.parametrize(("playbook", "args"), FLEET_PLAYBOOKS, ids=FLEET_PLAYBOOK_IDS)
def test_a_run_without_inventory_or_droplet_fails_before_any_request(
    sim, ansible_playbook, web1, playbook, args
):
    run = ansible_playbook(playbook, *args)
    assert run.rc == 2, run.output
    assert run.result("Refuse a run that targets no Droplet")["msg"].startswith(NO_TARGET)
    assert sim.requests() == []


UNREAD = "Refuse a fleet run whose Droplet inventory could not be read"


@pytest.mark.parametrize(("playbook", "args"), FLEET_PLAYBOOKS, ids=FLEET_PLAYBOOK_IDS)
def test_a_fleet_run_whose_inventory_reached_no_droplet_fails_naming_why(
    sim, ansible_playbook, tmp_path, playbook, args
):
    """The inventory plugin's token is refused: no host, Ansible's warning, and a failed run
    whose failure says why."""
    sim.reset(droplets=[{"name": "web-1"}], settings={"tokens": ["dop_v1_another_token"]})
    run = ansible_playbook(playbook, "-i", write_inventory(tmp_path), *args)
    assert run.rc == 2, run.output
    message = run.result(UNREAD)["msg"]
    assert message.startswith("The Droplet inventory could not be read, so this run would miss")
    assert "fleet.droplets.yml: oceanops.digitalocean.droplets: could not list the Droplets: " in (
        message
    )
    assert "returned 401" in message and "\n" not in message, message
    assert mutating(sim) == []


@pytest.mark.parametrize(
    ("case", "environment"),
    [
        ("no token", {"DIGITALOCEAN_ACCESS_TOKEN": "", "DO_API_TOKEN": "", "DO_API_KEY": ""}),
        ("403", {}),
        ("unreachable", {"DIGITALOCEAN_API_URL": "http://127.0.0.1:9/v2"}),
    ],
)
def test_every_inventory_failure_fails_the_run_even_beside_another_source(
    sim, ansible_playbook, tmp_path, case, environment
):
    """A second source that did give hosts does not hide the failed one: a nightly run over
    part of the fleet would report success."""
    sim.reset(droplets=[{"name": "web-1"}])
    if case == "403":
        sim.faults({"kind": "status", "status": 403, "path": "^/v2/droplets$"})
    other = tmp_path / "other.yml"
    other.write_text("all:\n  hosts:\n    extra:\n      ansible_connection: local\n")
    run = ansible_playbook(
        SNAPSHOT, "-i", write_inventory(tmp_path), "-i", str(other), env=environment
    )
    assert run.rc == 2, run.output
    message = run.result(UNREAD)["msg"]
    assert "fleet.droplets.yml: oceanops.digitalocean.droplets: " in message, message
    assert mutating(sim) == []


def test_a_misspelt_droplet_variable_fails_instead_of_targeting_the_fleet(
    sim, ansible_playbook, tmp_path
):
    sim.reset(droplets=[{"name": "web-1"}, {"name": "web-2"}])
    run = ansible_playbook(SNAPSHOT, "-i", write_inventory(tmp_path), "-e", "droplet_idd=5")
    assert run.rc == 2, run.output
    message = run.result("Refuse a misspelt Droplet or snapshot variable")["msg"]
    assert message.startswith("Unknown variable droplet_idd: this run takes droplet_id,")
    assert mutating(sim) == []


@pytest.mark.parametrize("value", ["abc", "101", "-1", "50%", "2.5"])
def test_a_max_fail_percent_that_is_not_a_percentage_fails_before_any_request(
    sim, ansible_playbook, web1, value
):
    run = ansible_playbook(
        SNAPSHOT, "-e", f"droplet_id={web1['id']}", "-e", f"max_fail_percent={value}"
    )
    assert run.rc == 2, run.output
    message = run.result("Refuse a max_fail_percent that is not a percentage")["msg"]
    assert message.startswith("max_fail_percent must be a whole number from 0 to 100")
    assert sim.requests() == []


def test_the_play_keyword_max_fail_percentage_as_a_variable_is_refused(sim, ansible_playbook, web1):
    run = ansible_playbook(
        SNAPSHOT, "-e", f"droplet_id={web1['id']}", "-e", "max_fail_percentage=50"
    )
    assert run.rc == 2, run.output
    message = run.result("Refuse a max_fail_percent that is not a percentage")["msg"]
    assert message.startswith("This run takes -e max_fail_percent=N, not max_fail_percentage")
    assert sim.requests() == []


@pytest.mark.parametrize(
    ("playbook", "args"),
    [
        (SNAPSHOT, ("-e", "wait_timeout=abc")),
        (SNAPSHOT, ("-e", "power_off=maybe")),
        (SNAPSHOT, ("-e", "keep=-1", "-e", "keep_prefix=nightly-")),
        (PRUNE, ("-e", "keep=many", "-e", "keep_prefix=nightly-")),
        (DELETE, ("-e", "snapshot_name=old", "-e", "droplet_id=abc")),
    ],
    ids=["snapshot-wait_timeout", "snapshot-power_off", "snapshot-keep", "prune", "delete"],
)
def test_a_module_option_refused_is_the_droplets_failure_in_the_summary(
    sim, ansible_playbook, web1, playbook, args
):
    run = ansible_playbook(playbook, "-e", f"droplet_id={web1['id']}", *args)
    assert run.rc == 2, run.output
    assert "Finalization of task args" not in run.output, run.output
    assert "Traceback" not in run.output
    assert mutating(sim) == []


@pytest.mark.parametrize("batch", ["abc", "0", "1.5"])
def test_a_batch_that_is_not_a_positive_number_or_percentage_fails_before_any_request(
    sim, ansible_playbook, web1, batch
):
    run = ansible_playbook(SNAPSHOT, "-e", f"droplet_id={web1['id']}", "-e", f"batch={batch}")
    assert run.rc == 2, run.output
    message = run.result("Refuse a batch that is not a positive number or percentage")["msg"]
    assert message.startswith("batch must be a positive whole number or percentage")
    assert "Traceback" not in run.output
    assert sim.requests() == []


def test_one_droplet_by_id_gets_a_dated_name_and_a_rerun_changes_nothing(
    sim, ansible_playbook, web1
):
    first = ansible_playbook(SNAPSHOT, "-e", f"droplet_id={web1['id']}", *FAST)
    assert first.rc == 0, first.output
    assert first.result(SNAPSHOT_TASK)["snapshot"]["name"] == f"web-1-{today()}"
    sim.clear_requests()

    second = ansible_playbook(SNAPSHOT, "-e", f"droplet_id={web1['id']}", *FAST)
    assert second.rc == 0, second.output
    assert second.result(SNAPSHOT_TASK)["changed"] is False
    assert mutating(sim) == []
    (line,) = second.result(SUMMARY)["msg"]
    assert line.endswith(f'"web-1-{today()}" already there, nothing changed')


def test_one_droplet_by_name(sim, ansible_playbook, web1):
    run = ansible_playbook(SNAPSHOT, "-e", "droplet_name=web-1", *FAST)
    assert run.rc == 0, run.output
    assert run.result(SNAPSHOT_TASK)["snapshot"]["name"] == f"web-1-{today()}"


def test_an_unknown_droplet_fails_with_the_reason_in_the_summary(sim, ansible_playbook, web1):
    run = ansible_playbook(SNAPSHOT, "-e", "droplet_id=999999", "-e", "snapshot_name=x", *FAST)
    assert run.rc == 2
    (line,) = run.result(SUMMARY)["msg"]
    assert line.startswith("localhost: FAILED after")
    assert "404" in line
    assert mutating(sim) == []


def test_check_mode_sends_nothing_that_changes_anything(sim, ansible_playbook, web1):
    run = ansible_playbook(SNAPSHOT, "-e", f"droplet_id={web1['id']}", "--check", *FAST)
    assert run.rc == 0, run.output
    assert run.result(SUMMARY)["msg"] == [f'web-1: would take snapshot "web-1-{today()}"']
    assert mutating(sim) == []


# -- a fleet -----------------------------------------------------------------------------------

FLEET = [{"name": f"web-{n:02d}", "tags": ["web"], "region": "nyc3"} for n in range(1, 14)] + [
    {"name": f"db-{n:02d}", "tags": ["db"], "region": "ams3"} for n in range(1, 8)
]
ALREADY_OFF = "web-05"
HANGS_ON_SHUTDOWN = "db-03"
SNAPSHOT_ERRORS = "web-13"
BATCH = 4  # the default serial: 20% of 20 Droplets (one failure is the default 25%)


@pytest.fixture
def fleet(sim) -> dict:
    seeds = [dict(seed) for seed in FLEET]
    for seed in seeds:
        if seed["name"] == ALREADY_OFF:
            seed["status"] = "off"
        if seed["name"] == HANGS_ON_SHUTDOWN:
            seed["shutdown_fails"] = True
    state = sim.reset(droplets=seeds, settings=NO_RATE_LIMIT)
    ids = {d["name"]: d["id"] for d in state["droplets"]}
    sim.faults(
        {
            "kind": "errored",
            "method": "POST",
            "path": f"^/v2/droplets/{ids[SNAPSHOT_ERRORS]}/actions$",
            "action_type": "snapshot",
        }
    )
    return ids


@pytest.mark.slow
@pytest.mark.fleet_scale
def test_fleet_rolls_in_batches_reports_the_failure_and_a_rerun_changes_nothing(
    sim, ansible_playbook, fleet, tmp_path
):
    inventory = write_inventory(tmp_path)
    started = time.monotonic()
    run = ansible_playbook(SNAPSHOT, "-i", inventory, "-f", str(BATCH), *FAST)
    took, sent = time.monotonic() - started, len(api_requests(sim))

    # The errored snapshot fails the run at the end, and only that Droplet.
    assert run.rc == 2, run.output
    verdicts = statuses(run, VERDICT)
    assert len(verdicts) == len(FLEET)
    assert {host for host, status in verdicts.items() if status == "failed"} == {SNAPSHOT_ERRORS}
    assert re.search(
        rf"{SNAPSHOT_ERRORS} +: ok=\d+ +changed=\d+ +unreachable=0 +failed=1", run.output
    )

    # ... and is reported clearly, once at the end, with the Action that errored.
    lines = run.result(SUMMARY)["msg"]
    assert len(lines) == len(FLEET)
    errored = next(a for a in sim.state()["actions"] if a["status"] == "errored")
    (failure,) = [line for line in lines if "FAILED" in line]
    assert failure.startswith(f"{SNAPSHOT_ERRORS}: FAILED after ")
    assert str(errored["id"]) in failure and "errored" in failure
    assert sum(" taken in " in line for line in lines) == len(FLEET) - 1

    # Every other Droplet snapshotted exactly once, with the day's name.
    state = sim.state()
    snapshot_actions = [a for a in state["actions"] if a["type"] == "snapshot"]
    assert sorted(a["resource_id"] for a in snapshot_actions) == sorted(fleet.values())
    snapshots = {int(s["resource_id"]): s["name"] for s in state["snapshots"]}
    assert len(state["snapshots"]) == len(FLEET) - 1
    assert snapshots == {
        droplet_id: f"{name}-{today()}"
        for name, droplet_id in fleet.items()
        if name != SNAPSHOT_ERRORS
    }

    # Never more than one batch off at a time; each Droplet back in its original power state.
    windows = off_windows(sim)
    assert len(windows) == len(FLEET) - 1  # all but the one already off
    assert 1 < most_at_once(windows) <= BATCH
    for name, droplet in droplets_by_name(sim).items():
        assert droplet["status"] == ("off" if name == ALREADY_OFF else "active"), name
    # The Droplet that ignored its shutdown was forced off.
    forced = [a for a in state["actions"] if a["resource_id"] == fleet[HANGS_ON_SHUTDOWN]]
    assert [a["type"] for a in sorted(forced, key=lambda a: a["id"])] == [
        "shutdown",
        "power_off",
        "snapshot",
        "power_on",
    ]

    # A re-run takes the missing snapshot and sends nothing that changes the other Droplets.
    sim.clear_requests()
    started = time.monotonic()
    rerun = ansible_playbook(SNAPSHOT, "-i", inventory, "-f", str(BATCH), *FAST)
    assert rerun.rc == 0, rerun.output
    print(
        f"fleet of {len(FLEET)}: {took:.1f} s and {sent} requests; the re-run "
        f"{time.monotonic() - started:.1f} s and {len(api_requests(sim))} requests"
    )
    tasks = statuses(rerun, SNAPSHOT_TASK)
    assert {host for host, status in tasks.items() if status == "changed"} == {SNAPSHOT_ERRORS}
    assert set(tasks.values()) == {"ok", "changed"}
    others = [line for line in rerun.result(SUMMARY)["msg"] if SNAPSHOT_ERRORS not in line]
    assert len(others) == len(FLEET) - 1
    assert all(line.endswith("already there, nothing changed") for line in others)
    assert {r["path"] for r in changes(sim)} == {f"/v2/droplets/{fleet[SNAPSHOT_ERRORS]}/actions"}
    assert len(sim.state()["snapshots"]) == len(FLEET)


def test_too_many_failures_stop_the_rollout_before_the_next_batch(sim, ansible_playbook, tmp_path):
    state = sim.reset(
        droplets=[{"name": f"web-{n}", "tags": ["web"]} for n in range(1, 7)],
        settings=NO_RATE_LIMIT,
    )
    first_batch = [d["id"] for d in state["droplets"][:2]]
    sim.faults(
        *(
            {
                "kind": "errored",
                "path": f"^/v2/droplets/{droplet_id}/actions$",
                "action_type": "snapshot",
            }
            for droplet_id in first_batch
        )
    )
    inventory = write_inventory(tmp_path)
    run = ansible_playbook(
        SNAPSHOT, "-i", inventory, "-e", "batch=2", "-e", "max_fail_percent=50", *FAST
    )

    assert run.rc == 2
    assert "Stopping: 2 of 2 Droplets of this batch failed" in run.output
    lines = run.result(SUMMARY)["msg"]
    assert [line.split(":")[0] for line in lines] == [f"web-{n}" for n in range(1, 7)]
    assert all("FAILED" in line for line in lines[:2])
    assert lines[2:] == [
        f"web-{n}: not attempted, the rollout stopped before its batch" for n in range(3, 7)
    ]
    touched = {r["path"] for r in mutating(sim)}
    assert all(str(d["id"]) not in path for d in state["droplets"][2:] for path in touched)
    assert statuses(run, VERDICT) == {f"web-{n}": "failed" for n in range(1, 7)}


@pytest.mark.slow
def test_a_failure_within_max_fail_percent_goes_on(sim, ansible_playbook, tmp_path):
    state = sim.reset(droplets=[{"name": f"web-{n}"} for n in range(1, 5)], settings=NO_RATE_LIMIT)
    sim.faults(
        {
            "kind": "errored",
            "path": f"^/v2/droplets/{state['droplets'][0]['id']}/actions$",
            "action_type": "snapshot",
        }
    )
    inventory = write_inventory(tmp_path)
    run = ansible_playbook(
        SNAPSHOT, "-i", inventory, "-e", "batch=2", "-e", "max_fail_percent=50", "-f", "2", *FAST
    )
    assert run.rc == 2
    assert "Stopping" not in run.output
    assert "reserved name" not in run.output
    assert statuses(run, VERDICT) == {
        "web-1": "failed",
        "web-2": "ok",
        "web-3": "ok",
        "web-4": "ok",
    }


def test_limit_and_batch_as_numbers(sim, ansible_playbook, tmp_path):
    sim.reset(droplets=FLEET[:4] + FLEET[-2:], settings=NO_RATE_LIMIT)
    inventory = write_inventory(tmp_path)
    run = ansible_playbook(SNAPSHOT, "-i", inventory, "-l", "tag_db", "-e", "batch=1", *FAST)
    assert run.rc == 0, run.output
    assert sorted(statuses(run, SNAPSHOT_TASK)) == [seed["name"] for seed in FLEET[-2:]]
    assert {int(s["resource_id"]) for s in sim.state()["snapshots"]} == {
        d["id"] for d in sim.state()["droplets"] if d["name"].startswith("db-")
    }


# -- the other maintenance playbooks -----------------------------------------------------------


@pytest.mark.slow
def test_delete_snapshot_across_the_fleet_check_mode_first(sim, ansible_playbook, tmp_path):
    sim.reset(
        droplets=[
            {"name": "web-1", "snapshots": ["before-upgrade", "weekly"]},
            {"name": "web-2", "snapshots": ["before-upgrade"]},
            {"name": "web-3", "snapshots": ["weekly"]},
        ]
    )
    inventory = write_inventory(tmp_path)
    args = ("-i", inventory, "-e", "snapshot_name=before-upgrade")

    check = ansible_playbook(DELETE, *args, "--check")
    assert check.rc == 0, check.output
    assert statuses(check, "Delete the snapshot") == {
        "web-1": "changed",
        "web-2": "changed",
        "web-3": "ok",
    }
    assert mutating(sim) == []

    real = ansible_playbook(DELETE, *args)
    assert real.rc == 0, real.output
    assert sorted(s["name"] for s in sim.state()["snapshots"]) == ["weekly", "weekly"]
    assert [r["method"] for r in mutating(sim)] == ["DELETE", "DELETE"]

    again = ansible_playbook(DELETE, *args)
    assert set(statuses(again, "Delete the snapshot").values()) == {"ok"}


def test_delete_snapshot_needs_a_name(sim, ansible_playbook, tmp_path):
    sim.reset(droplets=[{"name": "web-1", "snapshots": ["weekly"]}])
    run = ansible_playbook(DELETE, "-i", write_inventory(tmp_path))
    assert run.rc != 0
    assert "snapshot_name" in run.output
    assert mutating(sim) == []


def test_actions_lists_what_is_running_and_what_errored(sim, ansible_playbook, tmp_path):
    state = sim.reset(droplets=[{"name": "web-1"}, {"name": "web-2"}], settings=NO_RATE_LIMIT)
    web1 = state["droplets"][0]["id"]
    sim.faults(
        {"kind": "errored", "path": f"^/v2/droplets/{web1}/actions$", "action_type": "snapshot"}
    )
    failed = ansible_playbook(SNAPSHOT, "-i", write_inventory(tmp_path), *FAST)
    assert failed.rc == 2

    run = ansible_playbook(ACTIONS)
    assert run.rc == 0, run.output
    report = run.result("Show Actions that are in progress or errored")["msg"]
    errored = [a for a in sim.state()["actions"] if a["status"] == "errored"]
    assert len(errored) == 1
    assert any(str(errored[0]["id"]) in line and "errored" in line for line in report)
