"""A canary token goes through everything a user runs, and shows up nowhere.

The modules (successes and failures, also a revoked token), the playbooks and the inventory plugin
with its cache all run at ``-vvvv`` with one token; then their output, their task results, the
inventory cache, the shared waiting cache, the simulator's request log and what the fleet
benchmark reports of it are searched for it.
"""

from __future__ import annotations

import json
import secrets

import pytest
import yaml

from benchmarks.fleetrun import per_droplet
from tests.support import REPO
from tests.support.inventory import Inventory

CANARY = f"dop_v1_canary_{secrets.token_hex(24)}"


def tasks_play(*tasks: dict) -> str:
    body = [dict(task, ignore_errors=True) for task in tasks]
    return yaml.safe_dump(
        [{"name": "Canary", "hosts": "localhost", "gather_facts": False, "tasks": body}]
    )


@pytest.mark.slow
def test_the_token_shows_up_nowhere(sim, ansible_playbook, tmp_path):
    sim.reset(
        droplets=[
            {"name": "web-1", "tags": ["web"], "volumes": [{"name": "data-1"}]},
            {"name": "web-2", "tags": ["web"], "snapshots": ["old"]},
        ],
        settings={"tokens": [CANARY], "time_scale": 0.01},
    )
    ids = [d["id"] for d in sim.state()["droplets"]]
    env = {"DIGITALOCEAN_ACCESS_TOKEN": CANARY, "OCEANOPS_CACHE_DIR": str(tmp_path / "shared")}
    fast = {"poll_interval": 0.05}
    outputs = []

    modules = ansible_playbook(
        tasks_play(
            {
                "name": "Snapshot",
                "oceanops.digitalocean.droplet_snapshot": {
                    "droplet_id": ids[0],
                    "name": "nightly",
                    "volumes": True,
                },
            },
            {
                "name": "Missing",
                "oceanops.digitalocean.droplet_snapshot": {
                    "droplet_id": 999999,
                    "name": "nightly",
                    **fast,
                },
            },
            {
                "name": "Retain",
                "oceanops.digitalocean.droplet_snapshot": {
                    "droplet_id": ids[1],
                    "name": "new",
                    "keep": 1,
                    "keep_prefix": "",
                    **fast,
                },
            },
            {"name": "Actions", "oceanops.digitalocean.action_info": {"limit": 5}},
            {"name": "Droplets", "oceanops.digitalocean.droplet_info": {}},
            {"name": "Snapshots", "oceanops.digitalocean.snapshot_info": {}},
            {
                "name": "Bad url",
                "oceanops.digitalocean.droplet_info": {"api_url": "http://example.com/v2"},
            },
        ),
        "-vvvv",
        env=env,
    )
    assert modules.rc == 0, modules.output
    assert [s["name"] for s in sim.state()["snapshots"] if int(s["resource_id"]) == ids[0]] == [
        "nightly"
    ]
    outputs += [modules.output, json.dumps(modules.records)]

    inventory = Inventory(sim, tmp_path)
    config = {
        "cache": True,
        "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(tmp_path / "inventory-cache"),
    }
    listing = inventory.run(config, "-vvvv", env=env)
    assert listing.rc == 0, listing.stderr
    outputs.append(listing.stdout + listing.stderr)

    fleet = ansible_playbook(
        REPO / "playbooks" / "snapshot.yml",
        "-i",
        str(inventory.path(config)),
        "-vvvv",
        "-e",
        "poll_interval=0.05",
        env=env,
    )
    assert fleet.rc == 0, fleet.output
    outputs += [fleet.output, json.dumps(fleet.records)]

    # The token is revoked mid-way: the 401 says so without it.
    sim.settings(tokens=["dop_v1_another_token"])
    revoked = ansible_playbook(
        tasks_play({"name": "Revoked", "oceanops.digitalocean.droplet_info": {}}), "-vvvv", env=env
    )
    assert "the API token was refused" in revoked.result("Revoked")["msg"]
    outputs += [revoked.output, json.dumps(revoked.records)]

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("inventory-cache" in str(p) for p in files)
    assert any("shared" in str(p) for p in files)
    outputs += [p.read_text(errors="replace") for p in files]
    outputs.append(json.dumps(sim.requests()))
    # What the fleet benchmark reports of such a run: its figures are made of the request log.
    outputs.append(json.dumps(per_droplet(sim.requests(), len(ids))))

    found = [n for n, text in enumerate(outputs) if CANARY in text]
    assert found == [], f"the token shows in output {found}"
    # Nor any long piece of it.
    assert not any(CANARY[-24:] in text for text in outputs)
