"""The forks of a fleet run share what they read and one request budget (real ansible-playbook)."""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
import yaml

from tests.support import REPO
from tests.support.playbook import TOKEN
from tests.support.simstate import api_requests, droplet_steps

SNAPSHOT = REPO / "playbooks" / "snapshot.yml"
FLEET = [{"name": f"web-{n}", "tags": ["web"]} for n in range(1, 5)]


def fleet_run(sim, ansible_playbook, tmp_path, cache_dir) -> tuple[Counter, dict]:
    """snapshot.yml over the fleet, all at once; the requests it sent, by kind, and how many
    requests tagged and untagged the Droplets (each Droplet once)."""
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
    assert {tuple(d["tags"]) for d in state["droplets"]} == {("web",)}
    requests = api_requests(sim)
    # Each Droplet's own order, whatever request carried its tag: tagged before it was powered
    # off, untagged once it was on again.
    for d in state["droplets"]:
        steps = droplet_steps(requests, d["id"])
        assert steps[:2] == ["tag", "shutdown"] and steps[-2:] == ["power_on", "untag"], steps
    tagging = {
        method: sum(
            r["method"] == method and r["path"].endswith("/resources") and r["status"] < 300
            for r in requests
        )
        for method in ("POST", "DELETE")
    }
    return Counter(f"{r['method']} {re.sub(r'/[0-9]+', '', r['path'])}" for r in requests), tagging


@pytest.mark.slow
@pytest.mark.fleet_scale
def test_forks_share_their_polls_and_fall_back_to_their_own_without_a_private_cache(
    sim, ansible_playbook, tmp_path
):
    shared, shared_tagging = fleet_run(sim, ansible_playbook, tmp_path, tmp_path / "cache")
    # A directory that others can read is never used: each fork reads for itself.
    (open_dir := tmp_path / "open").mkdir()
    os.chmod(open_dir, 0o755)
    alone, alone_tagging = fleet_run(sim, ansible_playbook, tmp_path, open_dir)

    print(f"shared: {dict(shared)}; alone: {dict(alone)}")
    assert (
        shared["POST /v2/droplets/actions"] == alone["POST /v2/droplets/actions"] == 3 * len(FLEET)
    )
    # Alone, each fork looks at least once at each of its Actions; shared, a few looks for all.
    assert alone["GET /v2/actions"] >= 3 * len(FLEET)
    assert shared["GET /v2/actions"] <= alone["GET /v2/actions"] / 3
    reads = ("GET /v2/actions", "GET /v2/droplets")
    assert sum(shared[r] for r in reads) <= sum(alone[r] for r in reads) / 2
    # Besides, each Droplet is tagged while it is off and untagged after: alone, one request
    # each; shared, the forks that tag at the same moment share one. The tag is created by the
    # first fork to find it missing, and by each that raced it: a 404, a create, a retry.
    print(f"tagging requests: shared {shared_tagging}; alone {alone_tagging}")
    assert alone_tagging == {"POST": len(FLEET), "DELETE": len(FLEET)}
    assert all(1 <= n <= len(FLEET) for n in shared_tagging.values())
    for counts, tagging in ((shared, shared_tagging), (alone, alone_tagging)):
        tags = sum(n for request, n in counts.items() if "/v2/tags" in request)
        assert 1 <= counts["POST /v2/tags"] <= len(FLEET)
        assert tags == sum(tagging.values()) + 2 * counts["POST /v2/tags"]
    assert sum(shared.values()) - tags <= 7 * len(FLEET)
    assert not list(open_dir.iterdir())
    for path in (tmp_path / "cache").iterdir():
        assert TOKEN not in path.name and TOKEN not in path.read_text()
