"""The admin API (/_sim/) and the command line."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.simulator.client import REPO, SimClient, SimError
from tests.support.simapi import SIM_TOKEN, Api


def test_reset_seeds_droplets_as_given(sim):
    state = sim.reset(
        droplets=[
            {"name": "web-1", "region": "fra1", "size": "s-2vcpu-4gb", "tags": ["web"]},
            {"name": "db-1", "status": "off", "image": "debian-12-x64", "snapshots": ["base"]},
            {"id": 3164450, "name": "pinned"},
        ]
    )
    web, db, pinned = state["droplets"]
    assert (web["region"]["slug"], web["size_slug"], web["tags"]) == (
        "fra1",
        "s-2vcpu-4gb",
        ["web"],
    )
    assert (db["status"], db["image"]["slug"]) == ("off", "debian-12-x64")
    assert [s["name"] for s in state["snapshots"]] == ["base"]
    assert db["snapshot_ids"] == [int(state["snapshots"][0]["id"])]
    assert pinned["id"] == 3164450


def test_seeding_a_new_droplet_runs_its_create_action(sim):
    state = sim.reset(droplets=[{"status": "new"}])
    assert state["droplets"][0]["locked"] is True
    assert [a["type"] for a in state["actions"]] == ["create"]


@pytest.mark.parametrize(
    ("droplets", "message"),
    [
        ([{"region": "mars1"}], "unknown region"),
        ([{"size": "huge"}], "unknown size"),
        ([{"status": "deleted"}], "status must be active, off, archive or new"),
        ([{"tags": "web"}], "wrong type"),
        ([{"colour": "blue"}], "unknown Droplet seed key: colour"),
        ([{"action_durations": {"snapshot": -1}}], "non-negative number"),
        (["web-1"], "must be a JSON object"),
        ([{}, {"id": 3164444}], "Droplet id 3164444 is taken"),
    ],
)
def test_bad_seeds_are_400_and_keep_the_old_state(sim, droplets, message):
    sim.reset(droplets=[{"name": "kept"}])
    with pytest.raises(SimError, match=message):
        sim.reset(droplets=droplets)
    assert [d["name"] for d in sim.state()["droplets"]] == ["kept"]


def test_settings_merge_the_keys_given(sim):
    defaults = sim.settings()
    assert defaults["action_durations"]["snapshot"] == 60
    assert defaults["time_scale"] == 0.01
    assert defaults["rate_limit"] == {"per_hour": 5000, "per_minute": 250, "window_scale": 1.0}
    changed = sim.settings(action_durations={"snapshot": 120}, rate_limit={"per_minute": 10})
    assert changed["action_durations"]["snapshot"] == 120
    assert changed["action_durations"]["shutdown"] == 5
    assert changed["rate_limit"]["per_hour"] == 5000
    assert changed["rate_limit"]["per_minute"] == 10


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_scale": 0}, "time_scale must be greater than 0"),
        ({"time_scale": "fast"}, "time_scale must be a non-negative number"),
        ({"shutdown_fails": "yes"}, "shutdown_fails must be true or false"),
        ({"tokens": "t"}, "tokens must be a list"),
        ({"rate_limit": {"per_day": 1}}, "rate_limit must be an object with keys"),
        ({"color": "blue"}, "unknown settings: color"),
    ],
)
def test_bad_settings_are_400_and_change_nothing(sim, changes, message):
    before = sim.settings()
    with pytest.raises(SimError, match=message):
        sim.settings(**changes)
    assert sim.settings() == before


def test_reset_with_settings(sim):
    sim.reset(settings={"snapshot_requires_off": True})
    assert sim.settings()["snapshot_requires_off"] is True


def test_request_log_records_each_api_request_oldest_first(sim, api: Api, droplet_id):
    api.get("/droplets", params={"tag_name": "web"})
    api.act(droplet_id, "power_off")
    api.post(f"/droplets/{droplet_id}/actions", data="{", headers={"Content-Type": "text/plain"})
    listing, action, malformed = sim.requests()
    assert set(listing) == {
        "t", "method", "path", "query", "body", "status", "token_hash", "ms", "action_type"
    }  # fmt: skip
    assert abs(listing["t"] - time.time()) < 5
    assert (listing["method"], listing["path"], listing["query"]) == (
        "GET", "/v2/droplets", {"tag_name": "web"}
    )  # fmt: skip
    assert (listing["body"], listing["status"], listing["action_type"]) == (None, 200, None)
    assert listing["token_hash"] == hashlib.sha256(SIM_TOKEN.encode()).hexdigest()[:12]
    assert 0 <= listing["ms"] < 1000
    assert (action["body"], action["status"]) == ({"type": "power_off"}, 201)
    assert action["action_type"] == "power_off"
    assert (malformed["body"], malformed["status"]) == (None, 400)


def test_request_log_never_contains_the_token(sim, api: Api):
    api.get("/account")
    assert SIM_TOKEN not in json.dumps(sim.requests())


def test_admin_requests_are_not_logged_and_log_clears(sim, api: Api):
    api.get("/account")
    sim.state()
    assert len(sim.requests()) == 1
    sim.clear_requests()
    assert sim.requests() == []


def test_state_shows_droplets_actions_and_snapshots_as_the_api_does(sim, api: Api, droplet_id):
    action = api.act(droplet_id, "snapshot", name="s1").json()["action"]
    api.wait(action["id"])
    state = sim.state()
    assert state["droplets"] == [api.droplet(droplet_id)]
    assert state["actions"] == api.get("/actions").json()["actions"]
    assert state["snapshots"] == api.get("/snapshots").json()["snapshots"]


def test_unknown_admin_path_is_404(sim):
    with pytest.raises(SimError, match="404"):
        SimClient(sim.base)._call("GET", "/nothing")


def test_cli_serves_a_seed_and_stops_on_sigterm(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"droplets": [{"name": "seeded"}]}))
    client = SimClient.start(time_scale=0.5, tokens=("only-me",), seed=seed)
    try:
        assert client.base.startswith("http://127.0.0.1:")
        assert [d["name"] for d in client.state()["droplets"]] == ["seeded"]
        assert client.settings()["time_scale"] == 0.5
        assert Api(client.url, "only-me").get("/account").status_code == 200
        assert Api(client.url, "someone-else").get("/account").status_code == 401
        process = client.process
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 0
        assert process.stdout.read() == ""  # exactly the two lines were printed
    finally:
        client.stop()


def test_cli_prints_the_api_url_with_v2_then_the_admin_url():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.simulator"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        api, admin = process.stdout.readline(), process.stdout.readline()
        found = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)/v2\n", api)
        assert found, api
        assert admin == f"admin on {found[1]}/_sim\n"
        assert Api(f"{found[1]}/v2").get("/account").status_code == 200
        assert SimClient(found[1]).state()["droplets"] == []
    finally:
        process.terminate()
        process.wait(5)
        process.stdout.close()
