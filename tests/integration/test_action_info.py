"""action_info as users run it: real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client
from tests.support import REPO
from tests.support.playbook import TOKEN, playbook_env
from tests.support.returns import undocumented_keys
from tests.support.simstate import act

PLAY = """
- name: Read Actions
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/oceanops.digitalocean.all:
      api_url: "{api_url}"
  tasks:
    - name: Read
      oceanops.digitalocean.action_info:
{args}
"""


def play(api_url: str, **args) -> str:
    lines = "\n".join(f"        {key}: {value!r}" for key, value in args.items())
    return PLAY.format(api_url=api_url, args=lines or "        {}")


@pytest.fixture
def history(sim):
    """Two Droplets; web-1 powered off then on, web-2 powered off; all Actions finished."""
    sim.reset(
        droplets=[{"name": "web-1"}, {"name": "web-2"}],
        settings={"time_scale": 0.001},
    )
    web1, web2 = (d["id"] for d in sim.state()["droplets"])
    ids = [
        act(sim, droplet_id, action_type)["id"]
        for droplet_id, action_type in [
            (web1, "power_off"),
            (web2, "power_off"),
            (web1, "power_on"),
        ]
    ]
    sim.clear_requests()
    return {"web1": web1, "web2": web2, "actions": ids}


# A URL nothing listens on: only the api_url set through module_defaults makes these runs work.
UNUSED_URL = {"DIGITALOCEAN_API_URL": "http://127.0.0.1:9/v2"}


@pytest.mark.smoke
def test_id_returns_that_action(sim, ansible_playbook, history):
    run = ansible_playbook(play(sim.url, id=history["actions"][1]), env=UNUSED_URL)
    assert run.rc == 0, run.output
    (action,) = run.result("Read")["actions"]
    assert action["id"] == history["actions"][1]
    assert (action["type"], action["status"]) == ("power_off", "completed")
    assert action["resource_id"] == history["web2"]
    assert run.result("Read")["changed"] is False
    assert undocumented_keys("action_info", run.result("Read")) == []


def test_droplet_id_returns_that_droplets_actions_newest_first(sim, ansible_playbook, history):
    run = ansible_playbook(play(sim.url, droplet_id=history["web1"]), env=UNUSED_URL)
    assert run.rc == 0, run.output
    types = [a["type"] for a in run.result("Read")["actions"]]
    assert types[:2] == ["power_on", "power_off"]
    assert {a["resource_id"] for a in run.result("Read")["actions"]} == {history["web1"]}


def test_without_id_returns_the_accounts_actions_newest_first(sim, ansible_playbook, history):
    run = ansible_playbook(play(sim.url), env=UNUSED_URL)
    assert run.rc == 0, run.output
    ids = [a["id"] for a in run.result("Read")["actions"]]
    assert ids == sorted(ids, reverse=True)
    assert set(history["actions"]) <= set(ids)


def test_filters_select_by_type_status_and_resource(sim, ansible_playbook, history):
    run = ansible_playbook(
        play(
            sim.url,
            type="power_off",
            status="completed",
            resource_type="droplet",
            resource_id=history["web2"],
        ),
        env=UNUSED_URL,
    )
    assert run.rc == 0, run.output
    assert [a["id"] for a in run.result("Read")["actions"]] == [history["actions"][1]]


def test_limit_bounds_how_many_actions_are_read(sim, ansible_playbook, history):
    run = ansible_playbook(play(sim.url, limit=2), env=UNUSED_URL)
    assert run.rc == 0, run.output
    assert len(run.result("Read")["actions"]) == 2
    (listing,) = [r for r in sim.requests() if r["path"] == "/v2/actions"]
    assert listing["query"]["per_page"] == "2"


def test_wait_polls_until_the_action_leaves_in_progress(sim, ansible_playbook, history):
    # A 60 s snapshot takes 24 s: longer than the module takes to start on a fully loaded
    # machine (at 9 s, a CI run saw the snapshot complete before the module's first poll).
    sim.settings(time_scale=0.4)
    action = Client(TOKEN, sim.url).post(
        f"/droplets/{history['web2']}/actions", {"type": "snapshot", "name": "x"}
    )["action"]
    run = ansible_playbook(
        play(sim.url, id=action["id"], wait=True, poll_interval=0.2), env=UNUSED_URL
    )
    assert run.rc == 0, run.output
    assert run.result("Read")["actions"][0]["status"] == "completed"
    polls = [r for r in sim.requests() if r["path"] == f"/v2/actions/{action['id']}"]
    assert len(polls) >= 2


def test_wait_returns_an_errored_action_without_failing(sim, ansible_playbook, history):
    sim.settings(time_scale=0.02)
    sim.faults({"path": f"^/v2/droplets/{history['web2']}/actions$", "kind": "errored"})
    action = Client(TOKEN, sim.url).post(
        f"/droplets/{history['web2']}/actions", {"type": "power_on"}
    )["action"]
    run = ansible_playbook(play(sim.url, id=action["id"], wait=True), env=UNUSED_URL)
    assert run.rc == 0, run.output
    assert run.result("Read")["actions"][0]["status"] == "errored"


def test_wait_timeout_fails_naming_the_action(sim, ansible_playbook, history):
    sim.settings(time_scale=1)
    action = Client(TOKEN, sim.url).post(
        f"/droplets/{history['web2']}/actions", {"type": "snapshot", "name": "slow"}
    )["action"]
    run = ansible_playbook(
        play(sim.url, id=action["id"], wait=True, wait_timeout=1, poll_interval=0.2),
        env=UNUSED_URL,
    )
    assert run.rc == 2
    result = run.result("Read")
    assert result["msg"] == (
        f"action {action['id']} (snapshot) on droplet {history['web2']} still in-progress after 1 s"
        " (wait_timeout); it goes on at DigitalOcean"
    )
    assert result["failure"]["action"]["id"] == action["id"]
    assert undocumented_keys("action_info", result) == []


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 429, "retry_after": 1, "count": 2},
        {"kind": "status", "status": 503, "count": 2},
    ],
    ids=["429-retry-after", "503"],
)
def test_throttling_or_server_errors_on_the_first_requests_are_survived(
    sim, ansible_playbook, history, fault
):
    sim.faults(dict(fault, path="^/v2/actions$"))
    run = ansible_playbook(play(sim.url, limit=5), env=UNUSED_URL)
    assert run.rc == 0, run.output
    listings = [r["status"] for r in sim.requests() if r["path"] == "/v2/actions"]
    assert listings == [fault["status"]] * 2 + [200]


@pytest.mark.smoke
def test_a_refused_token_fails_in_one_line_and_never_shows_the_token(
    sim, ansible_playbook, history
):
    sim.settings(tokens=["dop_v1_some_other_token"])
    run = ansible_playbook(play(sim.url), "-vvvv", env=UNUSED_URL)
    assert run.rc == 2
    msg = run.result("Read")["msg"]
    assert re.fullmatch(
        r"GET /actions\?per_page=200 returned 401 unauthorized: Unable to authenticate you\. "
        r"\(the API token was refused: check api_token or its environment variables\) "
        r"\(request_id [0-9a-f-]{36}\)",
        msg,
    )
    assert TOKEN not in run.output
    assert TOKEN not in json.dumps(run.records)


def test_check_mode_reads_the_same(sim, ansible_playbook, history):
    run = ansible_playbook(play(sim.url, id=history["actions"][0]), "--check", env=UNUSED_URL)
    assert run.rc == 0, run.output
    assert run.result("Read")["actions"][0]["id"] == history["actions"][0]


def test_ansible_doc_renders_the_module(tmp_path):
    process = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "oceanops.digitalocean.action_info"],
        cwd=REPO,
        env=playbook_env("http://127.0.0.1:9/v2", tmp_path / "unused.json"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Every event in DigitalOcean" in process.stdout
    assert "wait_timeout" in process.stdout
