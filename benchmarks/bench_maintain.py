"""Rolling maintenance with a way back, at real Action durations and real rate limits.

    python -m benchmarks.bench_maintain [--sizes 6,40] [--timeout SECONDS] [--out DIR]

For each fleet size (6 Droplets: batch 3, forks 3; 40 Droplets: batch 10, that is 25%, forks 10;
max_fail_percent 50 for both; another size: batch and forks a quarter of it) the simulator is reset
(all Droplets active at their default size, the Action durations of tests/simulator/settings.py at
time scale 1, 5,000 requests an hour and 250 a minute per token) and
``ansible-playbook -i fleet.droplets.yml playbooks/maintain.yml -e ansible_connection=local``
runs over the inventory plugin with two tasks files: ``maintenance_tasks`` resizes the Droplet to
s-2vcpu-2gb (``oceanops.digitalocean.droplet_resize`` delegated to localhost, default polling) and
``verify_tasks`` fails on one chosen Droplet, the middle one, until it was rebuilt (as a service
broken by the change would). That run must maintain every other Droplet, roll the chosen one back
to its pre-maintenance snapshot and exit non-zero. Then the same command runs again with a check
that passes everywhere (the re-run): it must exit 0 with every Droplet maintained, and take no
second pre-maintenance snapshot.

Per run, from the simulator's request log and state and the playbook's task results: wall time;
the lower bound; requests per Droplet by kind; responses 429 and the busiest minute's requests
(the limit is 250); the exit code; the outcomes of the summary lines (maintained, rolled back,
failed, not attempted); the state checks. The lower bound of the first run is the batches (one
after the other) times the Actions on a Droplet's critical path, 150 s (the snapshot's shutdown 5
+ snapshot 60 + power_on 10, the resize's shutdown 5 + resize 60 + power_on 10), plus the
rollback in the rolled-back Droplet's batch, 135 s (rebuild 60, then the resize back: shutdown 5
+ resize 60 + power_on 10; a rebuilt Droplet boots, so restoring its power state starts no
Action), plus the controller's own cost, as in bench_fleet: the re-run's wall less its Actions.
The re-run takes no snapshot (today's is there); it resizes the rolled-back Droplet, which is back
at its old size, once more (shutdown 5 + resize 60 + power_on 10), and the other Droplets not.

The report goes to DIR/maintain.md (the figures to maintain.json, each run's output to
maintain-SIZE-first.log and maintain-SIZE-rerun.log), with a PNG timeline (Droplets x time) of
the largest first run, maintain.png.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.fleetrun import (
    draw,
    per_droplet,
    run_playbook,
    seed_fleet,
    timeline,
    write_inventory,
)
from tests.simulator.catalog import DEFAULT_SIZE
from tests.simulator.client import SimClient
from tests.simulator.settings import DEFAULT_ACTION_DURATIONS
from tests.support import REPO
from tests.support.maintenance import RESIZED_TO, check_failing_on, resize_tasks

HOURLY_BUDGET = 5000
FLEETS = {6: (3, 3), 40: (10, 10)}  # size: (forks, batch)
MAX_FAIL_PERCENT = 50
SIZE = RESIZED_TO
PLAYBOOK = REPO / "playbooks" / "maintain.yml"
SUMMARY = "Summary, one line per Droplet"
# Real durations and DigitalOcean's limits per token, whatever the simulator was started with.
SETTINGS = {
    "time_scale": 1.0,
    "action_durations": dict(DEFAULT_ACTION_DURATIONS),
    "rate_limit": {"per_hour": 5000, "per_minute": 250, "window_scale": 1.0},
}

DURATIONS = DEFAULT_ACTION_DURATIONS
# The Actions on one Droplet's critical path: the snapshot's power cycle, then the resize's.
CRITICAL_PATH = ("shutdown", "snapshot", "power_on", "shutdown", "resize", "power_on")
PATH_SECONDS = sum(DURATIONS[kind] for kind in CRITICAL_PATH)
ROLLBACK = ("rebuild", "shutdown", "resize", "power_on")  # the rebuild, then the resize back
ROLLBACK_SECONDS = sum(DURATIONS[kind] for kind in ROLLBACK)

RESIZE = resize_tasks()


def fleet_of(size: int) -> tuple:
    """(forks, batch) for a fleet of this size."""
    if size in FLEETS:
        return FLEETS[size]
    batch = max(1, math.ceil(size / 4))
    return batch, batch


def outcomes(records: list) -> dict:
    """The summary's lines by host: (outcome, line)."""
    found = [r["result"].get("msg") for r in records if r["task"] == SUMMARY]
    lines = found[0] if found and isinstance(found[0], list) else []
    kinds = (
        (": maintained; ", "maintained"),
        (": ROLLED BACK to ", "rolled back"),
        (": FAILED: ", "failed"),
        (": not attempted", "not attempted"),
    )
    by_host = {}
    for line in lines:
        outcome = next((name for marker, name in kinds if marker in line), "unknown")
        by_host[line.split(":")[0]] = (outcome, line)
    return by_host


def busiest_minute(requests: list) -> int:
    """The most API requests in any 60 s window of the log."""
    stamps = sorted(r["t"] for r in requests if r["path"].startswith("/v2"))
    most, first = 0, 0
    for last, stamp in enumerate(stamps):
        while stamp - stamps[first] >= 60:
            first += 1
        most = max(most, last - first + 1)
    return most


def failed_tasks(records: list) -> list:
    """(host, task, message) of every task that failed."""
    return [
        (r["host"], r["task"], str(r["result"].get("msg", ""))[:300])
        for r in records
        if r["status"] in ("failed", "unreachable")
    ]


def state_checks(state: dict, by_host: dict, chosen: str, rerun: bool) -> dict:
    """What the simulator holds, against what the run should have left."""
    snapshots: dict = {}
    for snapshot in state["snapshots"]:
        snapshots.setdefault(int(snapshot["resource_id"]), []).append(snapshot)
    prefix = "pre-maintenance-"
    checks = {"maintained_ok": [], "maintained_bad": [], "rolled_back_ok": None}
    for droplet in state["droplets"]:
        own = snapshots.get(droplet["id"], [])
        pre = [s for s in own if s["name"].startswith(prefix)]
        one = len(own) == len(pre) == 1
        active = droplet["status"] == "active"
        if droplet["name"] == chosen and not rerun:
            image = (droplet.get("image") or {}).get("id")
            checks["rolled_back_ok"] = (
                one
                and active
                and str(image) == str(pre[0]["id"])
                and droplet["size_slug"] == DEFAULT_SIZE  # resized back
            )
            checks["rolled_back_detail"] = (
                f"{droplet['name']}: image {image}, pre-maintenance snapshot "
                f"{[s['id'] for s in pre]}, {len(own)} snapshot(s), {droplet['status']}, "
                f"{droplet['size_slug']}"
            )
            continue
        ok = one and active and droplet["size_slug"] == SIZE
        (checks["maintained_ok"] if ok else checks["maintained_bad"]).append(droplet["name"])
        if not ok:
            checks.setdefault("details", []).append(
                f"{droplet['name']}: {droplet['size_slug']}, {droplet['status']}, "
                f"snapshots {[s['name'] for s in own]}"
            )
    checks["not_one_snapshot"] = sum(
        len(snapshots.get(d["id"], [])) != 1 for d in state["droplets"]
    )
    checks["not_active"] = sum(d["status"] != "active" for d in state["droplets"])
    checks["left_off"] = sorted({d["name"] for d in state["droplets"]} - set(by_host))
    return checks


def one_run(sim, tmp, out, size, label, verify, timeout, forks, batch) -> dict:
    args = [
        "-e",
        f"maintenance_tasks={tmp / 'upgrade.yml'}",
        "-e",
        f"verify_tasks={verify}",
        "-e",
        "ansible_connection=local",
        "-e",
        f"batch={batch}",
        "-e",
        f"max_fail_percent={MAX_FAIL_PERCENT}",
        "-f",
        str(forks),
    ]
    log = out / f"maintain-{size}-{label}.log"
    sim.clear_requests()
    wall, code, records = run_playbook(sim, tmp, PLAYBOOK, args, timeout, cwd=REPO, log=log)
    requests = sim.requests()
    state = sim.state()
    by_host = outcomes(records)
    counts = Counter(outcome for outcome, _line in by_host.values())
    posts = [
        (r.get("body") or {}).get("type")
        for r in requests
        if r["method"] == "POST" and r["path"].endswith("/actions")
    ]
    return {
        "wall": round(wall, 1),
        "exit_code": code,
        **per_droplet(requests, size),
        "busiest_minute": busiest_minute(requests),
        "actions_started": dict(Counter(posts)),
        "outcomes": {k: counts.get(k, 0) for k in ("maintained", "rolled back", "failed")}
        | {k: v for k, v in counts.items() if k not in ("maintained", "rolled back", "failed")},
        "summary": [line for _outcome, line in by_host.values()],
        "hosts": list(by_host),
        "rolled_back_hosts": [
            h for h, (outcome, _line) in by_host.items() if outcome == "rolled back"
        ],
        "failed_tasks": failed_tasks(records),
        "log": str(log),
        "_state": state,
        "_by_host": by_host,
    }


def rerun_actions(rerun: dict) -> float:
    """The seconds of the Actions the re-run started: all on one Droplet, one after the other."""
    return sum(DURATIONS[kind] * n for kind, n in rerun["actions_started"].items())


def controller_cost(rerun: dict) -> float:
    """What the controller itself takes for a run over the fleet: the re-run's wall less its
    Actions."""
    return max(rerun["wall"] - rerun_actions(rerun), 0.0)


def run_size(sim: SimClient, size: int, timeout: float, out: Path) -> dict:
    forks, batch = fleet_of(size)
    chosen = f"node-{size // 2:03d}"
    seed_fleet(sim, size, SETTINGS)
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        write_inventory(tmp)
        (tmp / "upgrade.yml").write_text(RESIZE)
        (tmp / "check.yml").write_text(check_failing_on(chosen))
        (tmp / "fixed.yml").write_text(check_failing_on())
        common = (sim, tmp, out, size)
        first = one_run(*common, "first", tmp / "check.yml", timeout, forks, batch)
        rerun = one_run(*common, "rerun", tmp / "fixed.yml", timeout, forks, batch)
    hosts = first["hosts"] or rerun["hosts"]
    position = hosts.index(chosen) if chosen in hosts else size // 2
    batches = math.ceil(size / batch)
    actions_bound = batches * PATH_SECONDS + ROLLBACK_SECONDS
    controller = controller_cost(rerun)
    bound = actions_bound + controller
    bars = timeline(first["_state"])
    first_state = state_checks(first.pop("_state"), first.pop("_by_host"), chosen, rerun=False)
    rerun_state = state_checks(rerun.pop("_state"), rerun.pop("_by_host"), chosen, rerun=True)
    return {
        "size": size,
        "forks": forks,
        "batch": batch,
        "max_fail_percent": MAX_FAIL_PERCENT,
        "chosen": chosen,
        "chosen_batch": position // batch + 1,
        "batches": batches,
        "actions_bound": actions_bound,
        "controller_cost": round(controller, 1),
        "lower_bound": round(bound, 1),
        "wall_over_bound": round(first["wall"] / bound, 3),
        "droplets_per_token_hour": round(HOURLY_BUDGET / max(first["per_droplet"], 1e-9)),
        "first": first | {"state": first_state},
        "rerun": rerun | {"state": rerun_state},
        "timeline": bars,
    }


def outcome_text(run: dict) -> str:
    o = run["outcomes"]
    extra = "".join(
        f", {n} {k}" for k, n in o.items() if k not in ("maintained", "rolled back", "failed")
    )
    return f"{o['maintained']} / {o['rolled back']} / {o['failed']}{extra}"


def state_text(r: dict, which: str) -> str:
    run, s = r[which], r[which]["state"]
    if which == "first":
        return (
            f"{len(s['maintained_ok'])}/{r['size'] - 1} maintained as expected ({SIZE}, active, "
            f"one pre-maintenance snapshot); {r['chosen']} rolled back to its snapshot, "
            f"{DEFAULT_SIZE} and active: "
            f"{'yes' if s['rolled_back_ok'] else 'NO'}; left off: {len(s['left_off'])}"
        )
    return (
        f"{len(s['maintained_ok'])}/{r['size']} {SIZE}, active, exactly one pre-maintenance "
        f"snapshot; Actions started: {sum(run['actions_started'].values())}; "
        f"left off: {len(s['left_off'])}"
    )


def report(runs: list, tree: str) -> str:
    lines = [
        f"Tree: {tree}. Real Action durations (time scale 1), 5,000 requests an hour and 250 a "
        "minute per token; `-e ansible_connection=local`.",
        "",
        "| Droplets (forks, batch, max_fail_percent) | run | wall | lower bound | wall / bound | "
        "requests (per Droplet) | 429s | busiest minute | exit code | maintained / rolled back / "
        "failed | state checks |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        name = f"{r['size']} ({r['forks']}, {r['batch']}, {r['max_fail_percent']})"
        for which, bound, ratio in (
            ("first", f"{r['lower_bound']} s", r["wall_over_bound"]),
            ("rerun", f"{rerun_actions(r['rerun']):g} s of Actions", "-"),
        ):
            run = r[which]
            lines.append(
                f"| {name} | {'first' if which == 'first' else 're-run, check fixed'} | "
                f"{run['wall']} s | {bound} | {ratio} | {run['requests']} ({run['per_droplet']}) "
                f"| {run['throttled']} | {run['busiest_minute']} | {run['exit_code']} | "
                f"{outcome_text(run)} | {state_text(r, which)} |"
            )
    lines += ["", "Lower bounds (first run):", ""]
    for r in runs:
        lines.append(
            f"- {r['size']} Droplets: {r['batches']} batches x {PATH_SECONDS:g} s "
            f"({' + '.join(f'{DURATIONS[k]:g}' for k in CRITICAL_PATH)}: "
            f"{', '.join(CRITICAL_PATH)}) + {ROLLBACK_SECONDS:g} s (the rollback of {r['chosen']}: "
            f"{', '.join(ROLLBACK)}, "
            f"batch {r['chosen_batch']}) = {r['actions_bound']:g} s of Actions, + "
            f"{r['controller_cost']} s (the controller's own cost: the re-run's wall "
            f"{r['rerun']['wall']} s less its {rerun_actions(r['rerun']):g} s of Actions) = "
            f"{r['lower_bound']} s; {r['droplets_per_token_hour']} Droplets per token-hour"
        )
    lines += ["", "Requests per Droplet by kind:", ""]
    for r in runs:
        for which in ("first", "rerun"):
            kinds = ", ".join(f"{n} {kind}" for kind, n in r[which]["by_kind"].items())
            lines.append(f"- {r['size']} {which}: {kinds}")
    lines += ["", "Actions started:", ""]
    for r in runs:
        for which in ("first", "rerun"):
            started = ", ".join(f"{n} {k}" for k, n in sorted(r[which]["actions_started"].items()))
            lines.append(f"- {r['size']} {which}: {started or 'none'}")
    lines += ["", "Tasks that failed (the chosen Droplet's check and verdict are expected):", ""]
    for r in runs:
        for which in ("first", "rerun"):
            for host, task, message in r[which]["failed_tasks"]:
                lines.append(f"- {r['size']} {which}: {host}, {task}: {message}")
    rolled = [line for r in runs for line in r["first"]["summary"] if "ROLLED BACK" in line]
    if rolled:
        lines += ["", "Rolled back:", "", *(f"- {line}" for line in rolled)]
    problems = [
        f"- {r['size']} {which}: {detail}"
        for r in runs
        for which in ("first", "rerun")
        for detail in r[which]["state"].get("details", [])
    ]
    if problems:
        lines += ["", "Droplets not as expected:", "", *problems]
    return "\n".join(lines) + "\n"


def verdicts(runs: list) -> list:
    """The bars of every size, each (text, passed)."""
    checks = []
    for r in runs:
        name = f"{r['size']} Droplets"
        first, rerun = r["first"], r["rerun"]
        fs, rs = first["state"], rerun["state"]
        o = first["outcomes"]
        checks += [
            (
                f"{name}: the first run exits non-zero ({first['exit_code']})",
                first["exit_code"] not in (0, None),
            ),
            (
                f"{name}: the first run's summary: {o['maintained']} maintained, "
                f"{o['rolled back']} rolled back, {o['failed']} failed, of {r['size']}",
                o["maintained"] == r["size"] - 1
                and o["rolled back"] == 1
                and sum(o.values()) == r["size"]
                and first["rolled_back_hosts"] == [r["chosen"]],
            ),
            (
                f"{name}: {len(fs['maintained_ok'])} of {r['size'] - 1} maintained Droplets are "
                f"{SIZE}, active, with one pre-maintenance snapshot",
                len(fs["maintained_ok"]) == r["size"] - 1 and not fs["left_off"],
            ),
            (
                f"{name}: {r['chosen']} was rebuilt from its pre-maintenance snapshot, is "
                f"{DEFAULT_SIZE} again, and active",
                bool(fs["rolled_back_ok"]),
            ),
            (
                f"{name}: {first['throttled']} and {rerun['throttled']} responses 429",
                first["throttled"] == rerun["throttled"] == 0,
            ),
            (
                f"{name}: wall {first['wall']} s <= 1.1 x the lower bound {r['lower_bound']} s",
                first["wall"] <= 1.1 * r["lower_bound"],
            ),
            (
                f"{name}: the re-run exits 0 ({rerun['exit_code']}) with "
                f"{rerun['outcomes']['maintained']} of {r['size']} maintained",
                rerun["exit_code"] == 0 and rerun["outcomes"]["maintained"] == r["size"],
            ),
            (
                f"{name}: after the re-run, {len(rs['maintained_ok'])} of {r['size']} are "
                f"{SIZE}, active, with exactly one pre-maintenance snapshot (no second one)",
                len(rs["maintained_ok"]) == r["size"] and rs["not_one_snapshot"] == 0,
            ),
        ]
    return checks


def tree_of(repo: Path) -> str:
    """The commit measured, and whether plugins/ or playbooks/ differ from it."""
    git = ["git", "-C", str(repo)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "plugins", "playbooks"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not commit:
        return "not a git checkout"
    return f"{commit}" + (" with local changes in plugins/ or playbooks/" if dirty else "")


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="6,40")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per playbook run")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tree = tree_of(REPO)
    runs = []
    with SimClient.start(time_scale=1.0) as sim:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"{size} Droplets ...", flush=True)
            result = run_size(sim, size, args.timeout, args.out)
            runs.append(result)
            print(json.dumps({k: v for k, v in result.items() if k != "timeline"}), flush=True)
    checks = verdicts(runs)
    text = (
        f"# Rolling maintenance, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n\n"
        + report(runs, tree)
        + "\n"
        + "\n".join(f"- {'PASS' if ok else 'FAIL'} {what}" for what, ok in checks)
        + "\n"
    )
    print(text)
    (args.out / "maintain.md").write_text(text)
    (args.out / "maintain.json").write_text(
        json.dumps([{k: v for k, v in r.items() if k != "timeline"} for r in runs])
    )
    largest = max(runs, key=lambda r: r["size"], default=None)
    if largest and largest["timeline"]:
        png = args.out / "maintain.png"
        draw(
            largest["timeline"],
            png,
            f"{largest['size']} Droplets, forks {largest['forks']}, batch {largest['batch']}, "
            f"{largest['chosen']} rolled back: {largest['first']['wall']} s",
        )
        print(f"timeline: {png}")
    return 0 if all(ok for _what, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
