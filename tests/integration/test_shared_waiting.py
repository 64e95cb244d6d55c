"""The forks of a fleet run share what they read and one request budget (real ansible-playbook)."""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
import yaml

from tests.support import REPO
from tests.support.playbook import TOKEN
from tests.support.simstate import api_requests

SNAPSHOT = REPO / "playbooks" / "snapshot.yml"
FLEET = [{"name": f"web-{n}", "tags": ["web"]} for n in range(1, 5)]


def fleet_run(sim, ansible_playbook, tmp_path, cache_dir) -> Counter:
    """snapshot.yml over the fleet, all at once; the requests it sent, by kind."""
    sim.reset(droplets=FLEET, settings={"time_scale": 0.01})
    inventory = tmp_path / "fleet.droplets.yml"
    inventory.write_text(yaml.safe_dump({"plugin": "oceanops.digitalocean.droplets"}))
    sim.clear_requests()
    run = ansible_playbook(
        SNAPSHOT,
        "-i",
        str(inventory),
        "-f",
        str(len(FLEET)),
        "-e",
        f"batch={len(FLEET)}",
        env={"OCEANOPS_CACHE_DIR": str(cache_dir)},
    )
    assert run.rc == 0, run.output
    state = sim.state()
    assert sorted(int(s["resource_id"]) for s in state["snapshots"]) == [
        d["id"] for d in state["droplets"]
    ]
    assert {d["status"] for d in state["droplets"]} == {"active"}
    return Counter(f"{r['method']} {re.sub(r'/[0-9]+', '', r['path'])}" for r in api_requests(sim))


@pytest.mark.slow
@pytest.mark.fleet_scale
def test_forks_share_their_polls_and_fall_back_to_their_own_without_a_private_cache(
    sim, ansible_playbook, tmp_path
):
    shared = fleet_run(sim, ansible_playbook, tmp_path, tmp_path / "cache")
    # A directory that others can read is never used: each fork reads for itself.
    (open_dir := tmp_path / "open").mkdir()
    os.chmod(open_dir, 0o755)
    alone = fleet_run(sim, ansible_playbook, tmp_path, open_dir)

    print(f"shared: {dict(shared)}; alone: {dict(alone)}")
    assert (
        shared["POST /v2/droplets/actions"] == alone["POST /v2/droplets/actions"] == 3 * len(FLEET)
    )
    # Alone, each fork looks at least once at each of its Actions; shared, a few looks for all.
    assert alone["GET /v2/actions"] >= 3 * len(FLEET)
    assert shared["GET /v2/actions"] <= alone["GET /v2/actions"] / 3
    reads = ("GET /v2/actions", "GET /v2/droplets")
    assert sum(shared[r] for r in reads) <= sum(alone[r] for r in reads) / 2
    # Besides, each Droplet is tagged while it is off and untagged after. The tag is created by
    # the first fork to find it missing, and by each that raced it: a 404, a create, a retry.
    tags = sum(n for request, n in shared.items() if "/v2/tags" in request)
    assert 1 <= shared["POST /v2/tags"] <= len(FLEET)
    assert tags == 2 * len(FLEET) + 2 * shared["POST /v2/tags"]
    assert sum(shared.values()) - tags <= 7 * len(FLEET)
    assert not list(open_dir.iterdir())
    for path in (tmp_path / "cache").iterdir():
        assert TOKEN not in path.name and TOKEN not in path.read_text()
