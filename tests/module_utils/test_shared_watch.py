"""The account-wide views that concurrent runs share while they wait, against the simulator."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
    Deadline,
    PollSchedule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client, account_of
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    POWER_OFF,
    DropletTarget,
    droplet_facts,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet import watch as _watch
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.fleet import Fleet
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.watch import SharedWatch
from ansible_collections.oceanops.digitalocean.plugins.modules.droplet_snapshot import SHOWN
from tests.support.simstate import act, api_requests

TOKEN = "dop_v1_shared_watch_tests"


def run(sim, directory) -> SharedWatch:
    """One run's view of the shared files (its own client, as each fork has)."""
    fleet = Fleet(account_of(sim.url, TOKEN), str(directory))
    return fleet.watch(Client(TOKEN, sim.url, timeout=5, pacer=fleet))


def gets(sim, path: str) -> int:
    return sum(r["method"] == "GET" and r["path"] == path for r in api_requests(sim))


def test_a_view_one_run_took_serves_the_others(sim, droplet_id, tmp_path):
    first, second = run(sim, tmp_path), run(sim, tmp_path)
    now = time.time()
    assert first.item("droplets", droplet_id, now)["status"] == "active"
    assert second.item("droplets", droplet_id, now)["status"] == "active"
    assert gets(sim, "/v2/droplets") == 1
    # Only what waiting and deciding need is kept.
    kept = second.item("droplets", droplet_id, now)
    assert set(kept) == {*_watch.DROPLET_FIELDS, "region"} and kept["region"] == {"slug": "nyc3"}


def test_a_droplet_from_a_view_has_every_fact_a_module_result_shows(sim, droplet_id, tmp_path):
    """droplet_snapshot shows the Droplet's id, name, status and size as last seen, and
    maintain.yml resizes a rolled-back Droplet to that size: a shared view must carry them."""
    kept = run(sim, tmp_path).item("droplets", droplet_id, time.time())
    (droplet,) = sim.state()["droplets"]
    full = DropletTarget(Client(TOKEN, sim.url, timeout=5), droplet_id).read()
    shown = {key: droplet_facts(kept)[key] for key in SHOWN}
    assert shown == {key: droplet_facts(full)[key] for key in SHOWN}
    assert shown == {
        "id": droplet_id,
        "name": droplet["name"],
        "status": "active",
        "size": droplet["size_slug"],
    }


def test_a_view_older_than_asked_for_is_never_trusted(sim, droplet_id, tmp_path):
    first, second = run(sim, tmp_path), run(sim, tmp_path)
    first.item("droplets", droplet_id, time.time())
    act(sim, droplet_id, "power_off")
    assert second.item("droplets", droplet_id, time.time())["status"] == "off"
    assert gets(sim, "/v2/droplets") == 2


def test_an_unreadable_shared_file_is_never_trusted(sim, droplet_id, tmp_path):
    first = run(sim, tmp_path)
    first.item("droplets", droplet_id, time.time())
    for path in tmp_path.glob("*.droplets.json"):
        path.write_text('{"taken": 9e99, "items": {"')
    assert run(sim, tmp_path).item("droplets", droplet_id, 0.0)["status"] == "active"
    assert gets(sim, "/v2/droplets") == 2


def test_a_waiting_run_takes_the_view_another_run_took_without_a_request(sim, droplet_id, tmp_path):
    waiting, other = run(sim, tmp_path), run(sim, tmp_path)
    waiting.item("droplets", droplet_id, time.time())
    timer = threading.Timer(0.3, lambda: other.item("droplets", droplet_id, time.time()))
    timer.start()
    began = time.monotonic()
    assert waiting.next("droplets", droplet_id, 5.0, 0.0)["status"] == "active"
    timer.join()
    assert time.monotonic() - began < 2.0  # not the whole interval
    assert gets(sim, "/v2/droplets") == 2  # the first look, and the other run's


def test_a_waiting_run_alone_takes_the_next_view_itself_after_its_interval(
    sim, droplet_id, tmp_path
):
    alone = run(sim, tmp_path)
    alone.item("droplets", droplet_id, time.time())
    began = time.monotonic()
    alone.next("droplets", droplet_id, 0.5, 0.0)
    assert 0.5 <= time.monotonic() - began < 1.5
    assert gets(sim, "/v2/droplets") == 2


def test_an_action_older_than_the_view_s_page_is_read_by_itself(
    sim, droplet_id, tmp_path, monkeypatch
):
    monkeypatch.setattr(_watch, "PAGE", 1)
    older = act(sim, droplet_id, "power_off")
    act(sim, droplet_id, "power_on")
    sim.clear_requests()
    watch = run(sim, tmp_path)
    assert watch.item("actions", older["id"], time.time()) is None
    runner = ActionRunner(watch.client, Deadline(10), PollSchedule(fixed=0.05), shared=watch)
    assert runner.wait(dict(older, status="in-progress"))["status"] == "completed"
    assert gets(sim, f"/v2/actions/{older['id']}") == 1


@pytest.mark.parametrize("runs", [1, 4])
def test_runs_at_once_wait_for_their_actions_on_one_shared_view(sim, tmp_path, runs):
    sim.reset(droplets=[{"name": f"web-{n}"} for n in range(runs)], settings={"time_scale": 0.05})
    ids = [d["id"] for d in sim.state()["droplets"]]
    sim.clear_requests()
    done = []

    def power_off(droplet_id: int) -> None:
        watch = run(sim, tmp_path)
        runner = ActionRunner(
            watch.client, Deadline(30), PollSchedule(floor=0.1, ratio=0.1), shared=watch
        )
        step = runner.ensure(DropletTarget(watch.client, droplet_id), POWER_OFF)
        done.append(runner.wait(step.action))

    threads = [threading.Thread(target=power_off, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a["status"] for a in done] == ["completed"] * runs
    assert {d["status"] for d in sim.state()["droplets"]} == {"off"}
    # A power_off lasts 0.15 s here: a run alone polls about twice; runs at once share the polls.
    assert gets(sim, "/v2/actions") <= 4
    assert not any(r["path"].startswith("/v2/actions/") for r in api_requests(sim))


def test_a_view_taken_before_any_run_changed_a_droplet_is_never_used_for_it(sim, tmp_path):
    sim.reset(droplets=[{"name": "web-1"}, {"name": "web-2"}])
    changed, untouched = (d["id"] for d in sim.state()["droplets"])
    first, second = run(sim, tmp_path), run(sim, tmp_path)
    assert first.current("droplets", changed)["status"] == "active"
    # Another run powers one Droplet off: its POST marks it changed.
    second.client.post(f"/droplets/{changed}/actions", {"type": "power_off"})
    assert first.current("droplets", changed) is None  # the view predates the change: read it
    assert first.current("droplets", untouched)["status"] == "active"
    assert gets(sim, "/v2/droplets") == 1
    runner = ActionRunner(first.client, Deadline(10), PollSchedule(fixed=0.05), shared=first)
    assert runner.look(DropletTarget(first.client, changed))["id"] == changed
    assert gets(sim, f"/v2/droplets/{changed}") == 1


def test_a_look_that_needs_fields_the_view_does_not_keep_reads_the_whole_droplet(sim, tmp_path):
    sim.reset(droplets=[{"name": "web-1"}])
    (droplet_id,) = (d["id"] for d in sim.state()["droplets"])
    watch = run(sim, tmp_path)
    runner = ActionRunner(watch.client, Deadline(10), PollSchedule(fixed=0.05), shared=watch)
    target = DropletTarget(watch.client, droplet_id)
    assert "disk" not in runner.look(target)  # the shared view's reduced Droplet
    assert runner.look(target, ("disk",))["disk"]
    assert gets(sim, "/v2/droplets") == 1 and gets(sim, f"/v2/droplets/{droplet_id}") == 1
