"""snapshot_info as users run it: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client
from tests.support.playbook import TOKEN
from tests.support.returns import undocumented_keys
from tests.support.simstate import api_requests, mutating

DAY = 86400
# Each a few minutes younger than its number of days.
NIGHTLY = [{"name": f"nightly-{n:02d}", "age": n * DAY - 600} for n in range(1, 11)]
MANUAL = [{"name": f"manual-{n}", "age": n * 3600} for n in range(1, 4)]


def play(*tasks: tuple) -> str:
    """A playbook of snapshot_info tasks, each ``(task name, options)``."""
    body = [
        {"name": name, "oceanops.digitalocean.snapshot_info": options} for name, options in tasks
    ]
    return yaml.safe_dump(
        [{"name": "Info", "hosts": "localhost", "gather_facts": False, "tasks": body}]
    )


@pytest.fixture
def droplets(sim) -> dict:
    sim.reset(
        droplets=[
            {"name": "web-1", "region": "nyc3", "snapshots": NIGHTLY + MANUAL},
            {"name": "web-2", "region": "ams3", "snapshots": [NIGHTLY[0]]},
        ]
    )
    sim.clear_requests()
    return {d["name"]: d["id"] for d in sim.state()["droplets"]}


def names(result: dict) -> list:
    return [s["name"] for s in result["snapshots"]]


def test_filters_sorting_totals_and_deleted_droplets(sim, ansible_playbook, droplets):
    run = ansible_playbook(
        play(
            ("All of web-1", {"droplet_name": "web-1"}),
            (
                "Old nightlies",
                {"droplet_id": droplets["web-1"], "name_prefix": "nightly-", "older_than": "7d"},
            ),
            ("One by name", {"name": "nightly-01"}),
            ("In ams3", {"region": "ams3", "price_per_gb_month": 0.1}),
            ("The account's", {"older_than": "90m"}),
        ),
        "--check",
    )
    assert run.rc == 0, run.output
    everything = run.result("All of web-1")
    assert names(everything) == [f"nightly-{n:02d}" for n in range(10, 0, -1)] + [
        "manual-3",
        "manual-2",
        "manual-1",
    ]
    assert undocumented_keys("snapshot_info", everything) == []
    assert {s["droplet_id"] for s in everything["snapshots"]} == {droplets["web-1"]}
    size = sum(s["size_gigabytes"] for s in everything["snapshots"])
    assert everything["totals"] == {
        "count": 13,
        "size_gigabytes": round(size, 2),
        "monthly_cost": round(size * 0.06, 2),
    }
    assert everything["changed"] is False

    assert names(run.result("Old nightlies")) == ["nightly-10", "nightly-09", "nightly-08"]
    one = run.result("One by name")
    assert [(s["name"], s["droplet_id"]) for s in one["snapshots"]] == [
        ("nightly-01", droplets["web-1"]),
        ("nightly-01", droplets["web-2"]),
    ]
    (ams3,) = run.result("In ams3")["snapshots"]
    assert ams3["droplet_id"] == droplets["web-2"] and ams3["regions"] == ["ams3"]
    assert run.result("In ams3")["totals"]["monthly_cost"] == round(ams3["size_gigabytes"] * 0.1, 2)
    # manual-1 is an hour old: not older than 90 minutes.
    assert len(run.result("The account's")["snapshots"]) == 13
    assert mutating(sim) == []

    # Snapshots outlive their Droplet: they are still found by its id.
    Client(TOKEN, sim.url).delete(f"/droplets/{droplets['web-2']}")
    gone = ansible_playbook(play(("Gone", {"droplet_id": droplets["web-2"]})))
    assert gone.rc == 0, gone.output
    assert names(gone.result("Gone")) == ["nightly-01"]


def test_a_thousand_snapshots_are_all_read_and_filtered(sim, ansible_playbook):
    per_droplet = [
        [
            {"name": f"{kind}-{n:03d}", "age": n * 3600 + 1800}
            for n in range(100)
            for kind in ("a", "b")
        ]
        for _droplet in range(5)
    ]
    regions = ["nyc3", "ams3", "fra1", "nyc3", "sfo3"]
    sim.reset(
        droplets=[
            {"name": f"node-{n}", "region": regions[n], "snapshots": snaps}
            for n, snaps in enumerate(per_droplet)
        ]
    )
    sim.clear_requests()
    run = ansible_playbook(
        play(
            ("All", {}),
            ("Prefix and age", {"name_prefix": "b-", "older_than": "2d"}),
            ("Region", {"region": "nyc3", "name_prefix": "a-0"}),
        )
    )
    assert run.rc == 0, run.output
    everything = run.result("All")["snapshots"]
    assert len(everything) == 1000
    assert len({s["id"] for s in everything}) == 1000
    created = [s["created_at"] for s in everything]
    assert created == sorted(created)
    # b-048 (48.5 hours old) to b-099.
    assert len(run.result("Prefix and age")["snapshots"]) == 5 * 52
    regional = run.result("Region")["snapshots"]
    assert len(regional) == 2 * 100 and {s["regions"][0] for s in regional} == {"nyc3"}
    lists = [r for r in api_requests(sim) if r["path"] == "/v2/snapshots"]
    assert len(lists) == 3 * 5  # 200 a page
