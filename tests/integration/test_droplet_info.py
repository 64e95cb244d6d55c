"""droplet_info as users run it: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest
import yaml

from tests.support.inventory import Inventory
from tests.support.playbook import TOKEN
from tests.support.returns import undocumented_keys

FLEET = [
    {"name": "web-1", "region": "nyc3", "tags": ["web", "blue"]},
    {"name": "web-2", "region": "ams3", "tags": ["web"], "status": "off"},
    {"name": "db", "region": "nyc3", "tags": ["db"], "size": "s-2vcpu-4gb"},
    {"name": "db", "region": "fra1", "tags": []},
]


def info_play(**args) -> str:
    """A playbook with one droplet_info task named Read."""
    task = {"name": "Read", "oceanops.digitalocean.droplet_info": args}
    return yaml.safe_dump(
        [{"name": "Info", "hosts": "localhost", "gather_facts": False, "tasks": [task]}]
    )


@pytest.fixture
def fleet(sim) -> dict:
    """The seeded Droplets' ids by position, and the request log cleared."""
    sim.reset(droplets=FLEET)
    sim.clear_requests()
    return [d["id"] for d in sim.state()["droplets"]]


def read(ansible_playbook, *args, **options) -> tuple[int, dict]:
    """``(exit code, the task's result)`` of a playbook running droplet_info with ``options``."""
    run = ansible_playbook(info_play(**options), *args)
    assert TOKEN not in run.output
    return run.rc, run.result("Read")


def names(result: dict) -> list:
    return [d["name"] for d in result["droplets"]]


@pytest.mark.smoke
def test_every_droplet_with_the_inventory_plugins_facts(sim, ansible_playbook, fleet, tmp_path):
    rc, result = read(ansible_playbook)
    assert rc == 0
    assert result["changed"] is False
    assert names(result) == ["web-1", "web-2", "db", "db"]
    assert undocumented_keys("droplet_info", result) == []
    web1 = result["droplets"][0]
    assert web1["tags"] == ["web", "blue"] and web1["region"] == "nyc3"
    assert web1["status"] == "active" and web1["locked"] is False
    assert web1["public_ipv4"]

    hostvars = Inventory(sim, tmp_path).run({"hostname": "id"}).hostvars
    for droplet in result["droplets"]:
        shown = hostvars[str(droplet["id"])]
        assert {k: shown[f"droplet_{k}"] for k in droplet} == droplet


def test_by_id_reads_that_droplet_alone(sim, ansible_playbook, fleet):
    _rc, result = read(ansible_playbook, id=fleet[1])
    assert names(result) == ["web-2"]
    assert result["droplets"][0]["status"] == "off"
    assert [r["path"] for r in sim.requests()] == [f"/v2/droplets/{fleet[1]}"]


def test_an_id_nobody_has_is_an_empty_list(sim, ansible_playbook, fleet):
    rc, result = read(ansible_playbook, id=999_999_999)
    assert rc == 0
    assert result["droplets"] == []


def test_by_name_returns_every_droplet_with_exactly_that_name(sim, ansible_playbook, fleet):
    _rc, result = read(ansible_playbook, name="db")
    assert [d["id"] for d in result["droplets"]] == fleet[2:]
    assert read(ansible_playbook, name="DB")[1]["droplets"] == []
    assert read(ansible_playbook, name="web")[1]["droplets"] == []


def test_by_tag_is_filtered_by_the_api(sim, ansible_playbook, fleet):
    _rc, result = read(ansible_playbook, tag_name="web")
    assert names(result) == ["web-1", "web-2"]
    (listing,) = sim.requests()
    assert listing["query"]["tag_name"] == "web"


def test_check_mode_reads_the_same(sim, ansible_playbook, fleet):
    rc, result = read(ansible_playbook, "--check", tag_name="db")
    assert rc == 0
    assert names(result) == ["db"]


def test_a_thousand_droplets_are_read_two_hundred_at_a_time(sim, ansible_playbook):
    sim.reset(droplets=[{"name": f"web-{n:04d}"} for n in range(1000)])
    sim.clear_requests()
    _rc, result = read(ansible_playbook)
    assert len(result["droplets"]) == 1000
    assert len({d["id"] for d in result["droplets"]}) == 1000
    assert len(sim.requests()) == 5


def test_an_api_error_is_one_line_with_the_request(sim, ansible_playbook, fleet):
    sim.faults({"path": "^/v2/droplets$", "kind": "status", "status": 403, "count": 1})
    rc, result = read(ansible_playbook)
    assert rc == 2
    assert result["msg"].startswith("GET /droplets?per_page=200 returned 403")
    assert "\n" not in result["msg"]
    assert result["failure"]["status"] == 403
