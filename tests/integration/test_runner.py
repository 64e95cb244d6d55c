"""The fleet playbook under ansible-runner, the engine of AWX and Ansible Automation Platform."""

from __future__ import annotations

import os
import sys

import pytest
import yaml

from tests.support import REPO
from tests.support.playbook import TOKEN

ansible_runner = pytest.importorskip("ansible_runner")

SNAPSHOT = REPO / "playbooks" / "snapshot.yml"
FLEET = [
    {"name": "web-1", "tags": ["web"]},
    {"name": "web-2", "tags": ["web"]},
    {"name": "db-1", "tags": ["db"], "status": "off"},
    {"name": "db-2", "tags": ["db"]},
]


def run_snapshot_playbook(sim, private_data_dir):
    """``ansible_runner.run`` as AWX drives it: a private data dir, an inventory, env vars."""
    inventory = private_data_dir / "inventory" / "fleet.droplets.yml"
    inventory.parent.mkdir(parents=True)
    inventory.write_text(
        yaml.safe_dump(
            {
                "plugin": "oceanops.digitalocean.droplets",
                "keyed_groups": [{"key": "droplet_tags", "prefix": "tag"}],
            }
        )
    )
    return ansible_runner.run(
        private_data_dir=str(private_data_dir),
        playbook=str(SNAPSHOT),
        inventory=str(inventory),
        envvars={
            "DIGITALOCEAN_API_URL": sim.url,
            "DIGITALOCEAN_ACCESS_TOKEN": TOKEN,
            "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".collections"),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]]),
        },
        extravars={"batch": 2, "poll_interval": 0.1},
        forks=2,
        quiet=True,
        timeout=300,
    )


def event_result(runner, task: str) -> dict:
    (event,) = [
        e
        for e in runner.events
        if e["event"] == "runner_on_ok" and e["event_data"].get("task") == task
    ]
    return event["event_data"]["res"]


@pytest.mark.slow
def test_fleet_playbook_runs_under_ansible_runner(sim, tmp_path):
    sim.reset(droplets=FLEET)
    runner = run_snapshot_playbook(sim, tmp_path / "runner")

    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    assert runner.stats["changed"] == {"web-1": 1, "web-2": 1, "db-1": 1, "db-2": 1}
    assert runner.stats["failures"] == {}

    lines = event_result(runner, "Summary, one line per Droplet")["msg"]
    assert len(lines) == 4 and all(" taken in " in line for line in lines)

    # The custom stats AWX shows with the job, one record per Droplet.
    (stats_event,) = [e for e in runner.events if e["event"] == "playbook_on_stats"]
    records = stats_event["event_data"]["artifact_data"]["snapshots"]
    state = sim.state()
    assert {host: record["snapshot_id"] for host, record in records.items()} == {
        d["name"]: d["snapshot_ids"][0] for d in state["droplets"]
    }
    assert not any(record["failed"] for record in records.values())
    assert {d["name"]: d["status"] for d in state["droplets"]} == {
        "web-1": "active",
        "web-2": "active",
        "db-1": "off",
        "db-2": "active",
    }
    # The token stays out of the output and the events the runner keeps (its own record of the
    # environment it was given, artifacts/*/command, holds it as AWX's does).
    (artifacts,) = (tmp_path / "runner" / "artifacts").iterdir()
    for path in [artifacts / "stdout", *(artifacts / "job_events").iterdir()]:
        assert TOKEN not in path.read_text(), path
