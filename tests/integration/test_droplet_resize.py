"""droplet_resize as users run it: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from tests.support.crash import interrupt
from tests.support.returns import undocumented_keys
from tests.support.simstate import action_posts, droplet, mutating, seed

TAG = "oceanops-restore-power"


@pytest.fixture
def resize(run_tasks):
    return lambda *arguments, check=False: run_tasks("droplet_resize", *arguments, check=check)


def size_of(sim, droplet_id: int) -> tuple:
    found = droplet(sim, droplet_id)
    return found["size_slug"], found["disk"], found["status"]


@pytest.mark.smoke
def test_an_active_droplet_is_resized_once_and_powered_back_on_and_a_rerun_sends_nothing(
    sim, resize
):
    (droplet_id,) = seed(sim)  # s-1vcpu-1gb, 25 GB
    first, again = resize(
        {"droplet_id": droplet_id, "size": "s-2vcpu-4gb"},
        {"droplet_id": droplet_id, "size": "s-2vcpu-4gb"},
    )
    assert first["changed"] is True, first
    assert action_posts(sim) == [("shutdown", 201), ("resize", 201), ("power_on", 201)]
    assert size_of(sim, droplet_id) == ("s-2vcpu-4gb", 25, "active")  # CPU and RAM only
    assert TAG not in droplet(sim, droplet_id)["tags"]
    assert first["droplet"] == {
        "id": droplet_id,
        "name": "web-1",
        "status": "active",
        "size_slug": "s-2vcpu-4gb",
        "disk": 25,
    }
    assert first["diff"] == {
        "before": {"status": "active", "size_slug": "s-1vcpu-1gb", "disk": 25},
        "after": {"status": "active", "size_slug": "s-2vcpu-4gb", "disk": 25},
    }
    assert undocumented_keys("droplet_resize", first) == []
    assert again["changed"] is False and again["actions"] == []
    # Besides the three Actions, only the tag (created in this fresh account, put on, taken off).
    others = [r for r in mutating(sim) if not r["path"].endswith("/actions")]
    assert {r["path"].split("/")[2] for r in others} == {"tags"}


def test_disk_true_grows_the_disk_and_an_off_droplet_stays_off(sim, resize):
    (droplet_id,) = seed(sim, {"name": "db-1", "status": "off"})
    first, again = resize(
        {"droplet_name": "db-1", "size": "s-2vcpu-4gb", "disk": True},
        {"droplet_name": "db-1", "size": "s-2vcpu-4gb", "disk": True},
    )
    assert (first["changed"], again["changed"]) == (True, False)
    assert action_posts(sim) == [("resize", 201)]
    assert size_of(sim, droplet_id) == ("s-2vcpu-4gb", 80, "off")


def test_disk_true_after_a_cpu_only_resize_grows_the_disk(sim, resize):
    (droplet_id,) = seed(sim, {"name": "db-1", "status": "off"})
    resize({"droplet_id": droplet_id, "size": "s-2vcpu-4gb"})
    (grown,) = resize({"droplet_id": droplet_id, "size": "s-2vcpu-4gb", "disk": True})
    assert grown["changed"] is True
    assert size_of(sim, droplet_id) == ("s-2vcpu-4gb", 80, "off")


def test_a_resize_digitalocean_would_refuse_fails_in_one_line_before_anything_changes(sim, resize):
    (droplet_id,) = seed(sim, {"name": "web-1", "region": "blr1"})
    cases = [
        ("s-99vcpu-1tb", "size 's-99vcpu-1tb' is not a DigitalOcean Droplet size"),
        ("g-2vcpu-8gb", "size 'g-2vcpu-8gb' is not offered in region 'blr1' of the droplet"),
        (
            "s-1vcpu-512mb-10gb",
            "size 's-1vcpu-512mb-10gb' has a 10 GB disk, smaller than the droplet's 25 GB",
        ),
    ]
    results = resize(*({"droplet_id": droplet_id, "size": size} for size, _says in cases))
    for (_size, says), result in zip(cases, results):
        assert result["failed"] is True
        assert says in result["msg"] and "\n" not in result["msg"], result["msg"]
        assert result["failure"]["type"] == "refused_resize"
    assert mutating(sim) == []


def test_check_mode_checks_the_size_and_changes_nothing(sim, resize):
    (droplet_id,) = seed(sim)
    good, bad = resize(
        {"droplet_id": droplet_id, "size": "s-2vcpu-4gb", "disk": True},
        {"droplet_id": droplet_id, "size": "s-nope"},
        check=True,
    )
    assert good["changed"] is True
    assert good["diff"]["after"] == {"status": "active", "size_slug": "s-2vcpu-4gb", "disk": 80}
    assert bad["failed"] is True and "is not a DigitalOcean Droplet size" in bad["msg"]
    assert mutating(sim) == []
    assert size_of(sim, droplet_id) == ("s-1vcpu-1gb", 25, "active")


def test_a_failed_resize_powers_the_droplet_back_on(sim, resize):
    (droplet_id,) = seed(sim)
    sim.faults({"kind": "errored", "action_type": "resize"})
    (result,) = resize({"droplet_id": droplet_id, "size": "s-2vcpu-4gb"})
    assert result["failed"] is True
    assert "(resize)" in result["msg"] and "errored" in result["msg"]
    assert "the droplet was powered back on" in result["msg"], result["msg"]
    assert size_of(sim, droplet_id) == ("s-1vcpu-1gb", 25, "active")
    assert TAG not in droplet(sim, droplet_id)["tags"]


@pytest.mark.parametrize("moment", ["tagged", "shutdown", "resize", "power_on"])
def test_a_killed_resize_leaves_the_droplet_on_after_one_rerun(sim, resize, tmp_path, moment):
    """kill -9 of the whole run right after it tagged the Droplet, or while the shutdown, the
    resize or the power_on runs: one plain re-run resizes it (once) and leaves it on, untagged."""
    (droplet_id,) = seed(sim, time_scale=0.05)
    playbook = tmp_path / "resize.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - oceanops.digitalocean.droplet_resize:\n"
        f"        droplet_id: {droplet_id}\n"
        "        size: s-2vcpu-4gb\n"
        "        poll_interval: 0.05\n"
    )

    def reached() -> bool:
        state = sim.state()
        if moment == "tagged":
            return TAG in droplet(sim, droplet_id)["tags"]
        return any(a["type"] == moment and a["status"] == "in-progress" for a in state["actions"])

    interrupt(sim.url, playbook, tmp_path / "killed.json", reached)
    assert TAG in droplet(sim, droplet_id)["tags"]
    (rerun,) = resize({"droplet_id": droplet_id, "size": "s-2vcpu-4gb"})
    assert rerun["failed"] is False, rerun
    assert size_of(sim, droplet_id) == ("s-2vcpu-4gb", 25, "active")
    assert TAG not in droplet(sim, droplet_id)["tags"]
    assert [t for t, _status in action_posts(sim)].count("resize") == 1
