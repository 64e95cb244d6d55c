"""droplet_snapshot's retention (keep, keep_prefix) and copies (copy_to_regions), as users run
them: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client
from tests.support import REPO
from tests.support.playbook import TOKEN
from tests.support.returns import undocumented_keys
from tests.support.simstate import changes, mutating, snapshots

DAY = 86400
NIGHTLY = [{"name": f"nightly-{n:02d}", "age": n * DAY - 600} for n in range(1, 11)]
MANUAL = [{"name": f"manual-{n}", "age": n * 3600} for n in range(1, 4)]
RETAIN = {"name": "nightly-00", "keep": 7, "keep_prefix": "nightly-", "poll_interval": 0.05}


def play(droplet_id: int, **args) -> str:
    task = {"droplet_id": droplet_id, **RETAIN, **args}
    return yaml.safe_dump(
        [
            {
                "name": "Snapshot",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [{"name": "Snapshot", "oceanops.digitalocean.droplet_snapshot": task}],
            }
        ]
    )


@pytest.fixture
def droplets(sim) -> dict:
    sim.reset(
        droplets=[
            {"name": "web-1", "snapshots": NIGHTLY + MANUAL},
            {"name": "web-2", "snapshots": [NIGHTLY[-1]]},
        ],
        settings={"time_scale": 0.01},
    )
    sim.clear_requests()
    return {d["name"]: d["id"] for d in sim.state()["droplets"]}


def names(sim, droplet_id: int) -> list:
    return sorted(s["name"] for s in snapshots(sim, droplet_id))


def test_keep_leaves_the_newest_of_the_prefix_and_nothing_else_check_mode_first(
    sim, ansible_playbook, droplets
):
    web1 = droplets["web-1"]
    check = ansible_playbook(play(web1), "--check", "--diff")
    assert check.rc == 0, check.output
    predicted = check.result("Snapshot")
    assert [s["name"] for s in predicted["deleted"]] == [f"nightly-{n:02d}" for n in (10, 9, 8, 7)]
    assert predicted["diff"]["after"]["snapshots"] == [
        *(f"nightly-{n:02d}" for n in range(1, 7)),
        "manual-1",
        "manual-2",
        "manual-3",
        "nightly-00",
    ]
    assert mutating(sim) == []

    run = ansible_playbook(play(web1))
    assert run.rc == 0, run.output
    result = run.result("Snapshot")
    assert undocumented_keys("droplet_snapshot", result) == []
    assert [s["name"] for s in result["deleted"]] == [s["name"] for s in predicted["deleted"]]
    kept = [f"nightly-{n:02d}" for n in range(7)]
    assert names(sim, web1) == sorted([*kept, "manual-1", "manual-2", "manual-3"])
    assert names(sim, droplets["web-2"]) == ["nightly-10"]
    deletes = [r for r in changes(sim) if r["method"] == "DELETE"]
    assert len(deletes) == 4

    sim.clear_requests()
    again = ansible_playbook(play(web1))
    assert again.rc == 0, again.output
    assert again.result("Snapshot")["changed"] is False
    assert again.result("Snapshot")["deleted"] == []
    assert mutating(sim) == []


def test_a_failed_snapshot_deletes_nothing(sim, ansible_playbook, droplets):
    web1 = droplets["web-1"]
    sim.faults(
        {
            "kind": "errored",
            "method": "POST",
            "path": f"^/v2/droplets/{web1}/actions$",
            "action_type": "snapshot",
        }
    )
    run = ansible_playbook(play(web1))
    assert run.rc == 2
    assert "errored" in run.result("Snapshot")["msg"]
    assert [r for r in changes(sim) if r["method"] == "DELETE"] == []
    assert len(snapshots(sim, web1)) == 13


def test_copies_in_other_regions_and_a_rerun_sends_nothing(sim, ansible_playbook, droplets):
    web2 = droplets["web-2"]
    regions = ["ams3", "fra1", "nyc3", "ams3"]
    check = ansible_playbook(play(web2, copy_to_regions=regions), "--check")
    assert check.rc == 0, check.output
    assert check.result("Snapshot")["copied_to"] == ["ams3", "fra1"]
    assert mutating(sim) == []
    run = ansible_playbook(play(web2, copy_to_regions=regions))
    assert run.rc == 0, run.output
    result = run.result("Snapshot")
    assert result["copied_to"] == ["ams3", "fra1"]
    assert result["snapshot"]["regions"] == ["nyc3", "ams3", "fra1"]
    assert [a["type"] for a in result["actions"]][-2:] == ["transfer", "transfer"]
    (taken,) = [s for s in snapshots(sim, web2) if s["name"] == "nightly-00"]
    assert taken["regions"] == ["nyc3", "ams3", "fra1"]

    sim.clear_requests()
    again = ansible_playbook(play(web2, copy_to_regions=["ams3", "fra1"]))
    assert again.rc == 0, again.output
    assert again.result("Snapshot")["copied_to"] == []
    assert again.result("Snapshot")["changed"] is False
    assert mutating(sim) == []


def test_a_rerun_waits_for_the_transfer_still_running_instead_of_starting_another(
    sim, ansible_playbook, droplets
):
    web2 = droplets["web-2"]
    (existing,) = snapshots(sim, web2)
    sim.settings(action_durations={"transfer": 600})  # 6 s at this time scale
    # An earlier run started this transfer and timed out.
    Client(TOKEN, sim.url).post(
        f"/images/{existing['id']}/actions", {"type": "transfer", "region": "ams3"}
    )
    sim.clear_requests()
    run = ansible_playbook(play(web2, name="nightly-10", copy_to_regions=["ams3"]))
    assert run.rc == 0, run.output
    assert run.result("Snapshot")["snapshot"]["regions"] == ["nyc3", "ams3"]
    transfers = [a for a in sim.state()["actions"] if a["type"] == "transfer"]
    assert len(transfers) == 1
    # The run looked first, found that transfer running, waited it out: nothing was sent.
    assert mutating(sim) == []


BAD_OPTIONS = [
    ({"keep": 0}, "keep must be a positive integer, got 0"),
    ({"keep_prefix": " "}, "keep_prefix must not be empty"),
    ({"keep_prefix": None}, "keep and keep_prefix go together: set both or neither"),
    ({"copy_to_regions": ["ams3", ""]}, "copy_to_regions must not hold an empty region"),
    ({"copy_to_regions": ["mars1"]}, "copy_to_regions: 'mars1' is not a DigitalOcean region"),
]


def test_bad_retention_and_copy_options_are_one_clear_error_each(sim, ansible_playbook, droplets):
    tasks = [
        {
            "name": f"Bad {n}",
            "oceanops.digitalocean.droplet_snapshot": {
                "droplet_id": droplets["web-2"],
                **RETAIN,
                "name": "nightly-10",
                **args,
            },
            "ignore_errors": True,
        }
        for n, (args, _message) in enumerate(BAD_OPTIONS)
    ]
    run = ansible_playbook(
        yaml.safe_dump(
            [{"name": "Bad", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
        )
    )
    run.assert_failed_with({f"Bad {n}": message for n, (_args, message) in enumerate(BAD_OPTIONS)})
    assert [r for r in mutating(sim) if r["status"] < 300] == []


# -- the playbooks -------------------------------------------------------------------------------

PRUNE = REPO / "playbooks" / "prune.yml"
SNAPSHOT = REPO / "playbooks" / "snapshot.yml"
SUMMARY = "Summary, one line per Droplet"


def test_prune_playbook_check_mode_first_then_fleet_wide(sim, ansible_playbook, tmp_path):
    sim.reset(
        droplets=[
            {"name": "web-1", "tags": ["web"], "snapshots": NIGHTLY + MANUAL},
            {"name": "web-2", "tags": ["web"], "snapshots": NIGHTLY[:1]},
            {"name": "web-3", "tags": ["web"], "snapshots": NIGHTLY[:8]},
        ]
    )
    inventory = tmp_path / "fleet.droplets.yml"
    inventory.write_text(yaml.safe_dump({"plugin": "oceanops.digitalocean.droplets"}))
    sim.clear_requests()
    keep = ("-i", str(inventory), "-e", "keep=7", "-e", "keep_prefix=nightly-")

    check = ansible_playbook(PRUNE, *keep, "--check", "--diff")
    assert check.rc == 0, check.output
    lines = check.result(SUMMARY)["msg"]
    assert [line.split(" (")[0] for line in lines] == [
        "web-1: would delete 3",
        "web-2: would delete 0",
        "web-3: would delete 1",
    ]
    assert mutating(sim) == []

    run = ansible_playbook(PRUNE, *keep)
    assert run.rc == 0, run.output
    state = sim.state()
    left = {d["name"]: names(sim, d["id"]) for d in state["droplets"]}
    assert left["web-1"] == sorted(
        [*(f"nightly-{n:02d}" for n in range(1, 8)), "manual-1", "manual-2", "manual-3"]
    )
    assert left["web-2"] == ["nightly-01"]
    assert left["web-3"] == [f"nightly-{n:02d}" for n in range(1, 8)]
    web1 = next(line for line in run.result(SUMMARY)["msg"] if line.startswith("web-1"))
    kept_gb = round(
        sum(
            s["size_gigabytes"]
            for s in snapshots(sim, state["droplets"][0]["id"])
            if s["name"].startswith("nightly-")
        ),
        2,
    )
    assert web1.endswith(f"kept 7 ({kept_gb} GB, {round(kept_gb * 0.06, 2)} USD a month)")

    sim.clear_requests()
    again = ansible_playbook(PRUNE, *keep)
    assert again.rc == 0, again.output
    assert mutating(sim) == []


def test_prune_playbook_reports_a_failed_droplet_and_fails_it(sim, ansible_playbook):
    sim.reset(droplets=[{"name": "web-1", "snapshots": NIGHTLY}])
    sim.faults({"kind": "status", "status": 403, "method": "DELETE", "path": "^/v2/snapshots/"})
    run = ansible_playbook(
        PRUNE, "-e", "droplet_name=web-1", "-e", "keep=7", "-e", "keep_prefix=nightly-"
    )
    assert run.rc == 2, run.output
    (line,) = run.result(SUMMARY)["msg"]
    assert line.startswith("web-1: deleted 0 (0 GB), then FAILED: DELETE /snapshots/")
    assert "403" in line
    assert len(snapshots(sim, sim.state()["droplets"][0]["id"])) == 10


def test_prune_playbook_needs_keep_and_a_prefix(sim, ansible_playbook):
    sim.reset(droplets=[{"name": "web-1", "snapshots": NIGHTLY}])
    sim.clear_requests()
    run = ansible_playbook(PRUNE, "-e", "droplet_name=web-1", "-e", "keep=7")
    assert run.rc == 2
    assert "-e keep=7 -e keep_prefix=nightly-" in run.output
    assert sim.requests() == []


def test_snapshot_playbook_passes_retention_and_copies_through(sim, ansible_playbook, droplets):
    web1 = droplets["web-1"]
    run = ansible_playbook(
        SNAPSHOT,
        "-e",
        f"droplet_id={web1}",
        "-e",
        "snapshot_name=nightly-00",
        "-e",
        "keep=7",
        "-e",
        "keep_prefix=nightly-",
        "-e",
        "copy_to_regions=ams3",
        "-e",
        "poll_interval=0.05",
    )
    assert run.rc == 0, run.output
    (line,) = run.result(SUMMARY)["msg"]
    assert '"nightly-00" taken in ' in line and "; deleted 4 older; kept 7 (" in line
    (taken,) = [s for s in snapshots(sim, web1) if s["name"] == "nightly-00"]
    assert taken["regions"] == ["nyc3", "ams3"]
