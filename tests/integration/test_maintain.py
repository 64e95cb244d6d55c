"""playbooks/maintain.yml as operators run it: real ansible-playbook runs against the simulator.

The maintenance tasks resize each Droplet (delegated to localhost, as API tasks are); the hosts
run their own tasks locally (``ansible_connection=local``), as they would over SSH.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from tests.support import REPO
from tests.support.maintenance import check_failing_on, resize_tasks
from tests.support.simstate import action_posts, mutating, snapshots

MAINTAIN = REPO / "playbooks" / "maintain.yml"
SUMMARY = "Summary, one line per Droplet"
VERDICT = "Fail the Droplets that did not end maintained"
FAST = ("-e", "poll_interval=0.1", "-e", "shutdown_timeout=1", "-e", "ansible_connection=local")
NO_RATE_LIMIT = {"rate_limit": {"per_minute": 100_000, "per_hour": 1_000_000}}

RESIZE = resize_tasks(poll_interval=0.1, shutdown_timeout=1)


def pre_name() -> str:
    return "pre-maintenance-" + datetime.now(timezone.utc).strftime("%Y-%m-%d")


def write(tmp_path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text)
    return str(tmp_path / name)


def fleet(sim, tmp_path, count: int) -> tuple[str, dict]:
    sim.reset(
        droplets=[{"name": f"web-{n}"} for n in range(1, count + 1)],
        settings={"time_scale": 0.01, **NO_RATE_LIMIT},
    )
    inventory = write(
        tmp_path, "fleet.droplets.yml", yaml.safe_dump({"plugin": "oceanops.digitalocean.droplets"})
    )
    return inventory, {d["name"]: d["id"] for d in sim.state()["droplets"]}


def droplets(sim) -> dict:
    return {d["name"]: d for d in sim.state()["droplets"]}


@pytest.mark.slow
@pytest.mark.fleet_scale
def test_a_failed_check_rolls_one_droplet_back_and_a_fixed_rerun_maintains_it(
    sim, ansible_playbook, tmp_path
):
    inventory, ids = fleet(sim, tmp_path, 6)
    tasks = write(tmp_path, "upgrade.yml", RESIZE)
    failing = write(tmp_path, "check.yml", check_failing_on("web-4"))
    args = ("-i", inventory, "-e", f"maintenance_tasks={tasks}", "-e", "batch=3", *FAST)

    run = ansible_playbook(
        MAINTAIN, *args, "-e", "max_fail_percent=50", "-e", f"verify_tasks={failing}"
    )
    assert run.rc == 2, run.output
    lines = run.result(SUMMARY)["msg"]
    assert [line.split(":")[0] for line in lines] == [f"web-{n}" for n in range(1, 7)]
    for n in (1, 2, 3, 5, 6):
        assert lines[n - 1].startswith(f"web-{n}: maintained; snapshot "), lines
    assert lines[3].startswith("web-4: ROLLED BACK to snapshot "), lines
    assert "after Check the service: web-4: the service does not answer" in lines[3]
    (pre,) = snapshots(sim, ids["web-4"])
    assert pre["name"] == pre_name()
    after = droplets(sim)
    assert after["web-4"]["image"]["id"] == int(pre["id"])  # rebuilt from its snapshot
    assert after["web-4"]["status"] == "active"
    assert after["web-4"]["size_slug"] == "s-1vcpu-1gb"  # resized back
    assert all(after[f"web-{n}"]["size_slug"] == "s-2vcpu-2gb" for n in (1, 2, 3, 5, 6))
    assert {r["host"]: r["status"] for r in run.records if r["task"] == VERDICT} == {
        **{f"web-{n}": "ok" for n in (1, 2, 3, 5, 6)},
        "web-4": "failed",
    }

    fixed = write(tmp_path, "fixed.yml", check_failing_on())
    rerun = ansible_playbook(MAINTAIN, *args, "-e", f"verify_tasks={fixed}")
    assert rerun.rc == 0, rerun.output
    assert all(": maintained; " in line for line in rerun.result(SUMMARY)["msg"])
    # No second pre-maintenance snapshot of any Droplet.
    assert {name: len(snapshots(sim, i)) for name, i in ids.items()} == dict.fromkeys(ids, 1)
    assert all(d["status"] == "active" for d in droplets(sim).values())


def test_one_droplet_whose_change_fails_is_rolled_back_to_its_power_state(
    sim, ansible_playbook, tmp_path
):
    sim.reset(droplets=[{"name": "db-1", "status": "off"}], settings={"time_scale": 0.01})
    (droplet_id,) = [d["id"] for d in sim.state()["droplets"]]
    broken = write(
        tmp_path,
        "broken.yml",
        RESIZE + "\n- name: Upgrade the database\n  ansible.builtin.fail:\n    msg: dpkg broke\n",
    )
    run = ansible_playbook(
        MAINTAIN, "-e", f"droplet_id={droplet_id}", "-e", f"maintenance_tasks={broken}", *FAST
    )
    assert run.rc == 2, run.output
    (line,) = run.result(SUMMARY)["msg"]
    assert line.startswith("localhost: ROLLED BACK to snapshot "), line
    assert line.endswith("after Upgrade the database: dpkg broke"), line
    (pre,) = snapshots(sim, droplet_id)
    (found,) = sim.state()["droplets"]
    assert found["image"]["id"] == int(pre["id"])
    assert found["status"] == "off"  # as it was found: rebuilt (on), then shut down again
    assert found["size_slug"] == "s-1vcpu-1gb"  # and resized back, while off
    steps = [kind for kind, _status in action_posts(sim)]
    assert steps == ["snapshot", "resize", "rebuild", "shutdown", "resize"], steps


def test_check_mode_lists_what_would_happen_and_changes_nothing(sim, ansible_playbook, tmp_path):
    inventory, _ids = fleet(sim, tmp_path, 2)
    tasks = write(tmp_path, "upgrade.yml", RESIZE)
    run = ansible_playbook(
        MAINTAIN, "-i", inventory, "-e", f"maintenance_tasks={tasks}", "--check", *FAST
    )
    assert run.rc == 0, run.output
    lines = run.result(SUMMARY)["msg"]
    assert lines == [
        f'web-{n}: would be maintained, with snapshot "{pre_name()}" to go back to' for n in (1, 2)
    ]
    assert mutating(sim) == []


def test_no_snapshot_means_no_change_and_a_failed_rollback_says_why(
    sim, ansible_playbook, tmp_path
):
    inventory, ids = fleet(sim, tmp_path, 2)
    sim.faults(
        {"kind": "errored", "path": f"/droplets/{ids['web-1']}/actions", "action_type": "snapshot"},
        {"kind": "errored", "action_type": "rebuild"},
    )
    tasks = write(tmp_path, "upgrade.yml", RESIZE)
    failing = write(tmp_path, "check.yml", check_failing_on("web-2"))
    run = ansible_playbook(
        MAINTAIN,
        "-i",
        inventory,
        "-e",
        f"maintenance_tasks={tasks}",
        "-e",
        f"verify_tasks={failing}",
        "-e",
        "max_fail_percent=100",
        *FAST,
    )
    assert run.rc == 2, run.output
    first, second = run.result(SUMMARY)["msg"]
    assert first.startswith(
        "web-1: FAILED: no pre-maintenance snapshot, nothing was changed: Take the pre-maintenance"
    ), first
    assert droplets(sim)["web-1"]["size_slug"] == "s-1vcpu-1gb"
    assert second.startswith(
        "web-2: FAILED: Check the service: web-2: the service does not answer; the rollback "
        "failed: Rebuild the Droplet from the pre-maintenance snapshot:"
    ), second
    assert "(rebuild)" in second and "errored" in second


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("-e", "maintenance_tasks=/nowhere/upgrade.yml"),
            "maintenance_tasks /nowhere/upgrade.yml is not a file",
        ),
        (("-e", "verify_tasks=missing.yml"), "missing.yml is not a file"),
        (("-e", "max_fail_percent=lots"), "max_fail_percent must be a whole number"),
    ],
)
def test_bad_variables_fail_before_any_request(sim, ansible_playbook, tmp_path, args, says):
    sim.reset(droplets=[{"name": "web-1"}])
    run = ansible_playbook(MAINTAIN, "-e", "droplet_name=web-1", *args)
    assert run.rc == 2, run.output
    assert says in run.output
    assert sim.requests() == []


def roll_back_one(sim, ansible_playbook, tmp_path, droplet: dict, *args: str) -> tuple[str, int]:
    """maintain.yml (with ``args``) on one Droplet, seeded as ``droplet``, whose check fails until
    it was rolled back: its summary line, once it was rolled back (exit 2), and its id."""
    sim.reset(droplets=[droplet], settings={"time_scale": 0.01})
    (droplet_id,) = [d["id"] for d in sim.state()["droplets"]]
    failing = write(tmp_path, "check.yml", check_failing_on("localhost"))
    run = ansible_playbook(
        MAINTAIN, "-e", f"droplet_id={droplet_id}", "-e", f"verify_tasks={failing}", *args, *FAST
    )
    assert run.rc == 2, run.output
    (line,) = run.result(SUMMARY)["msg"]
    assert line.startswith("localhost: ROLLED BACK to snapshot "), line
    return line, droplet_id


def test_a_rollback_says_that_attached_volumes_were_not_rolled_back(
    sim, ansible_playbook, tmp_path
):
    with_volume = {"name": "db-1", "volumes": [{"name": "data-1", "size_gigabytes": 10}]}
    line, _id = roll_back_one(sim, ansible_playbook, tmp_path, with_volume, "-e", "volumes=true")
    (volume_snapshot,) = sim.state()["volume_snapshots"]
    assert line.endswith(
        f"; its attached volumes were NOT rolled back (their snapshots: {volume_snapshot['id']})"
    ), line


def test_a_disk_the_change_grew_stays_and_the_summary_says_so(sim, ansible_playbook, tmp_path):
    grown = write(tmp_path, "grow.yml", resize_tasks(poll_interval=0.1, disk="true"))
    line, droplet_id = roll_back_one(
        sim, ansible_playbook, tmp_path, {"name": "web-1"}, "-e", f"maintenance_tasks={grown}"
    )
    assert "; its size was NOT rolled back: " in line and "disk" in line, line
    assert "\n" not in line
    (found,) = sim.state()["droplets"]
    (pre,) = snapshots(sim, droplet_id)
    assert found["image"]["id"] == int(pre["id"])  # the rest of the rollback stands
    assert (found["size_slug"], found["status"]) == ("s-2vcpu-2gb", "active")
    steps = [kind for kind, _status in action_posts(sim)]
    assert steps[-1] == "rebuild" and steps.count("resize") == 1, steps  # refused, not sent
