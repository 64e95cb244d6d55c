"""The fault matrix: every step of a snapshot run, and the steps of a resize and a rebuild of
their own, under every fault a network and the API have.

One ansible-playbook run takes a snapshot of (or resizes, or rebuilds) one Droplet per cell
(step x fault): one play for each kind of work, all of its cells at once.
Each cell's host has its own token, and its faults match only that token's requests: the cells
share one simulator without touching each other, and each keeps its shared views to itself.
Then the cells that failed run again without faults. Every cell must end as expected (the run
succeeds after retrying, or fails once, naming the step), and in every cell: no second snapshot,
no Action started twice, the Droplet on again (or off, tagged for the re-run), and the re-run
converges. The matrix is written to tests/output/fault-matrix.md and shown after the tests.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from tests.support import FAULT_MATRIX
from tests.support.simstate import seed

TAG = "oceanops-restore-power"
ACTIONS = r"^/v2/droplets/\d+/actions$"
TIMEOUT = 2  # the module's HTTP timeout: a slow reply takes longer


def post(action_type: str) -> dict:
    return {"method": "POST", "path": ACTIONS, "action_type": action_type}


# Each step: the request it sends (``match``), a request that comes before it in the flow when
# the same request is also sent earlier (``after``), and the task options that make the run go
# through it. The errored and busy faults only exist for the steps that start an Action.
STEPS = {
    "find": {"match": {"method": "GET", "path": r"^/v2/droplets(/\d+)?$"}},
    "look": {"match": {"method": "GET", "path": r"^/v2/droplets/\d+/snapshots$"}},
    "tag": {"match": {"method": "POST", "path": r"^/v2/tags/[^/]+/resources$"}},
    "shutdown": {"match": post("shutdown"), "action": True},
    "verify off": {
        "match": {"method": "GET", "path": r"^/v2/droplets(/\d+)?$"},
        "after": post("shutdown"),
    },
    "power_off": {"match": post("power_off"), "action": True, "options": {"shutdown_timeout": 0}},
    "snapshot": {"match": post("snapshot"), "action": True},
    "poll": {"match": {"method": "GET", "path": r"^/v2/actions"}, "after": post("snapshot")},
    "power_on": {"match": post("power_on"), "action": True},
    "untag": {"match": {"method": "DELETE", "path": r"^/v2/tags/[^/]+/resources$"}},
    "sizes": {"match": {"method": "GET", "path": r"^/v2/sizes$"}, "options": {"work": "resize"}},
    "resize": {"match": post("resize"), "action": True, "options": {"work": "resize"}},
    "rebuild": {"match": post("rebuild"), "action": True, "options": {"work": "rebuild"}},
}
# What the resize and rebuild cells ask for: what a Droplet that went through looks like.
SIZE = "s-2vcpu-2gb"
IMAGE = 129211873  # ubuntu-22-04-x64


def once(**rule):
    return lambda step: [{**step, **rule, "count": 1}]


def from_then_on(status: int, scope: dict):
    """The step's request and every later one in ``scope`` answer ``status``."""
    return lambda step: [
        {**step, "kind": "status", "status": status},
        {**scope, "kind": "status", "status": status, "after": step},
    ]


FAULTS = {
    "429 retry-after": once(kind="status", status=429, retry_after=1),
    "429": once(kind="status", status=429),
    "500": once(kind="status", status=500),
    "502": once(kind="status", status=502),
    "503": once(kind="status", status=503),
    "504": once(kind="status", status=504),
    "drop before": once(kind="drop"),
    "drop after": once(kind="drop", phase="after"),
    "slow reply": once(kind="delay", phase="after", delay=TIMEOUT + 1.5),
    "errored": once(kind="errored"),
    "404 deleted": from_then_on(404, {"path": r"^/v2/droplets/\d+"}),
    "401 revoked": from_then_on(401, {}),
    "422 busy": once(kind="busy"),
}
ACTION_ONLY = {"errored", "422 busy"}
# Faults that stop the run; the others are retried or waited out.
FATAL = {"404 deleted", "401 revoked", "errored"}

PLAY = f"""
- name: Fault matrix, snapshot cells
  hosts: snapshot
  gather_facts: false
  tasks:
    - name: Snapshot
      oceanops.digitalocean.droplet_snapshot:
        api_token: "{{{{ token }}}}"
        droplet_id: "{{{{ droplet_id }}}}"
        name: nightly
        shutdown_timeout: "{{{{ shutdown_timeout | default(120) }}}}"
        timeout: {TIMEOUT}
        wait_timeout: 300
      ignore_errors: true

- name: Fault matrix, resize cells
  hosts: resize
  gather_facts: false
  tasks:
    - name: Resize
      oceanops.digitalocean.droplet_resize:
        api_token: "{{{{ token }}}}"
        droplet_id: "{{{{ droplet_id }}}}"
        size: {SIZE}
        timeout: {TIMEOUT}
        wait_timeout: 300
      ignore_errors: true

- name: Fault matrix, rebuild cells
  hosts: rebuild
  gather_facts: false
  tasks:
    - name: Rebuild
      oceanops.digitalocean.droplet_rebuild:
        api_token: "{{{{ token }}}}"
        droplet_id: "{{{{ droplet_id }}}}"
        image: "{IMAGE}"
        timeout: {TIMEOUT}
        wait_timeout: 300
      ignore_errors: true
"""


def request(step: str) -> dict:
    """What the step's request matches: its own, once the request it comes after came."""
    spec = STEPS[step]
    return {**spec["match"], "after": spec["after"]} if "after" in spec else dict(spec["match"])


def cells() -> list[tuple[str, str]]:
    return [
        (step, fault)
        for step, spec in STEPS.items()
        for fault in FAULTS
        if spec.get("action") or fault not in ACTION_ONLY
    ]


def expected(step: str, fault: str) -> str:
    if fault == "errored" and step == "shutdown":
        return "ok"  # the Droplet is forced off instead
    return "fails" if fault in FATAL else "ok"


def names_step(message: str, step: str, fault: str) -> bool:
    """The failure says which request failed, or which Action errored."""
    if fault == "errored":
        return f"({step})" in message
    if fault == "404 deleted" and re.match(r"droplet \d+ does not exist", message):
        return True  # the step's 404 is a tag gone, and the next request finds the Droplet gone
    spec = STEPS[step]["match"]
    path = spec["path"].strip("^$").replace("/v2", "", 1).replace(r"(/\d+)?", r"(/\d+)?")
    what = rf" \({spec['action_type']}\)" if "action_type" in spec else ""
    return re.search(rf"{spec['method']} {path}(\?\S*)?{what} returned", message) is not None


# 155 Droplets at once: the paths the faults take are measured by the client, runner and power
# tests (tests/module_utils/), which run them in process.
@pytest.mark.slow
@pytest.mark.fleet_scale
def test_every_step_under_every_fault(sim, ansible_playbook, tmp_path):
    table = cells()
    ids = seed(
        sim,
        *({"name": f"cell-{n}", "snapshots": ["weekly"]} for n in range(len(table))),
    )
    groups = {"snapshot": {}, "resize": {}, "rebuild": {}}
    tokens = {}
    for n, ((step, fault), droplet_id) in enumerate(zip(table, ids)):
        host = f"cell-{n:03d}"
        tokens[host] = f"dop_v1_fault_matrix_{n:03d}_{'0' * 40}"
        options = dict(STEPS[step].get("options", {}))
        groups[options.pop("work", "snapshot")][host] = {
            "ansible_connection": "local",
            "droplet_id": droplet_id,
            "token": tokens[host],
            **options,
        }
        for rule in FAULTS[fault](request(step)):
            sim.faults({**rule, "token": tokens[host]})
    inventory = tmp_path / "cells.yml"
    inventory.write_text(
        yaml.safe_dump({"all": {"children": {k: {"hosts": v} for k, v in groups.items()}}})
    )

    first = ansible_playbook(PLAY, "-i", str(inventory), "--forks", "40", timeout=600)
    assert first.rc == 0, first.output
    results = {
        record["host"]: first.outcome(record)
        for record in first.records
        if record["status"] != "skipped"
    }
    state, rules = sim.state(), sim.faults()
    outcome, problems = {}, []
    for n, ((step, fault), droplet_id) in enumerate(zip(table, ids)):
        host = f"cell-{n:03d}"
        result = results[host]
        got = "fails" if result.get("failed") else "ok"
        outcome[step, fault] = got
        problems += [f"{step} x {fault}: {p}" for p in invariants(state, droplet_id)]
        if got != expected(step, fault):
            problems.append(f"{step} x {fault}: {got}, expected {expected(step, fault)}: {result}")
        if got == "fails":
            message = result["msg"]
            if "\n" in message or "Traceback" in message or not names_step(message, step, fault):
                problems.append(f"{step} x {fault}: unclear failure: {message!r}")
        if not fired(rules, tokens[host]):
            problems.append(f"{step} x {fault}: the fault never fired")
    write_matrix(table, outcome)
    assert problems == [], "\n".join(problems)

    # Those that failed (or left a tag behind) run again, the faults gone: all converge.
    again = [
        f"cell-{n:03d}"
        for n, droplet_id in enumerate(ids)
        if converged(state, droplet_id, table[n][0])
    ]
    sim.clear_faults()
    rerun = ansible_playbook(
        PLAY, "-i", str(inventory), "--limit", ",".join(again), "--forks", "40"
    )
    assert rerun.rc == 0, rerun.output
    state = sim.state()
    for record in rerun.records:
        assert record["status"] != "failed", record
    for n, droplet_id in enumerate(ids):
        wrong = converged(state, droplet_id, table[n][0])
        assert wrong == [], (table[n], wrong)


def invariants(state: dict, droplet_id: int) -> list[str]:
    """What must hold after any run, failed or not: no Action started twice, no second snapshot,
    the Droplet on, or off and tagged for the re-run."""
    found = []
    mine = [a for a in state["actions"] if a["resource_id"] == droplet_id]
    twice = {k: n for k, n in Counter(a["type"] for a in mine).items() if n > 1}
    if twice:
        found.append(f"actions started twice: {twice}")
    if nightly(state, droplet_id) > 1:
        found.append("a second snapshot")
    droplet = next(d for d in state["droplets"] if d["id"] == droplet_id)
    if droplet["status"] != "active" and TAG not in droplet["tags"]:
        found.append(f"left {droplet['status']}, untagged")
    return found


def converged(state: dict, droplet_id: int, step: str) -> list[str]:
    """What is wrong with the Droplet after a run that ended well: one snapshot (or the size, or
    the image, asked for), on, no tag. (A re-run after a failure may start the same Actions
    again: the run that failed stopped.)"""
    droplet = next(d for d in state["droplets"] if d["id"] == droplet_id)
    work = STEPS[step].get("options", {}).get("work")
    if work == "resize":
        found = [] if droplet["size_slug"] == SIZE else [f"size {droplet['size_slug']}"]
    elif work == "rebuild":
        found = [] if droplet["image"]["id"] == IMAGE else [f"image {droplet['image']['id']}"]
    else:
        count = nightly(state, droplet_id)
        found = [] if count == 1 else [f"{count} snapshots"]
    if droplet["status"] != "active" or TAG in droplet["tags"]:
        found.append(f"{droplet['status']}, tags {droplet['tags']}")
    return found


def nightly(state: dict, droplet_id: int) -> int:
    return [
        s["name"] for s in state["snapshots"] if str(s["resource_id"]) == str(droplet_id)
    ].count("nightly")


def fired(rules: list, token: str) -> bool:
    """Whether the cell's fault was used: no rule of it that fires once is left unspent."""
    return not any(rule["token"] == token and rule["count"] for rule in rules)


def write_matrix(table: list, outcome: dict) -> None:
    faults = list(FAULTS)
    lines = [
        f"Fault matrix: {len(table)} cells, {sum(v == 'ok' for v in outcome.values())} succeed "
        f"after retrying, {sum(v == 'fails' for v in outcome.values())} fail naming the step; "
        "invariants held in every cell.",
        "",
        "| step | " + " | ".join(faults) + " |",
        "|---|" + "---|" * len(faults),
    ]
    for step in STEPS:
        row = [outcome.get((step, fault), "-") for fault in faults]
        lines.append(f"| {step} | " + " | ".join(row) + " |")
    FAULT_MATRIX.parent.mkdir(parents=True, exist_ok=True)
    FAULT_MATRIX.write_text("\n".join(lines) + "\n")
