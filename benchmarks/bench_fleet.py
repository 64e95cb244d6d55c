"""Fleet runs at real Action durations and DigitalOcean's real rate limits.

    python -m benchmarks.bench_fleet [--sizes 40,200] [--configs shared,alone,poll2,poll10]
        [--out DIR]

For each fleet size (40 Droplets with forks 40 in one batch of 40; 200 Droplets with forks 50 in
batches of 40) and each configuration, the simulator is reset (all Droplets active, shutdown 5 s,
snapshot 60 s, power_on 10 s, 5,000 requests an hour and 250 a minute per token) and
``ansible-playbook -i fleet.droplets.yml playbooks/snapshot.yml`` runs over the inventory plugin,
then once more (the idempotent re-run). The configurations are the module as users run it
(``shared``: adaptive polling, the shared waiting and budget) and three baselines: the same
adaptive polling with nothing shared (``alone``: ``-e shared_cache=false``), and the module
polling its own Actions every 2 s and every 10 s (``-e poll_interval=2`` / ``10``).

Per run, from the simulator's request log and state: wall time; the lower bound (the batches times
the 75 s of Actions, plus the re-run's wall as the controller's own cost); requests per Droplet by
kind; responses 429; failed Droplets; Droplets left with other than one snapshot or not active;
Droplets per token-hour (5,000 / requests per Droplet). The report goes to DIR/fleet.md, with a
PNG timeline (Droplets x time: off, snapshotting, powering on) of the largest shared run.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

from benchmarks.fleetrun import (
    draw,
    per_droplet,
    run_playbook,
    seed_fleet,
    timeline,
    write_inventory,
)
from tests.simulator.client import SimClient
from tests.support import REPO

ACTIONS_SECONDS = 5 + 60 + 10
HOURLY_BUDGET = 5000
FLEETS = {40: (40, 40), 200: (50, 40)}  # size: (forks, batch)
CONFIGS = {
    "shared": (),
    "alone": ("-e", "shared_cache=false"),
    "poll2": ("-e", "poll_interval=2"),
    "poll10": ("-e", "poll_interval=10"),
}
PLAYBOOK = REPO / "playbooks" / "snapshot.yml"
TASK = "Shut down, snapshot and power on again"


def playbook(sim: SimClient, tmp: Path, forks: int, batch: int, extra: tuple, timeout: float):
    """One ``ansible-playbook`` run: wall seconds, exit code (None on timeout), task records."""
    args = ["-f", str(forks), "-e", f"batch={batch}", *extra]
    return run_playbook(sim, tmp, PLAYBOOK, args, timeout, cwd=REPO)


def run_config(sim: SimClient, size: int, name: str, timeout: float) -> dict:
    forks, batch = FLEETS[size]
    seed_fleet(sim, size, {"time_scale": 1.0})
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        write_inventory(tmp)
        wall, code, records = playbook(sim, tmp, forks, batch, CONFIGS[name], timeout)
        first = per_droplet(sim.requests(), size)
        state = sim.state()
        sim.clear_requests()
        rerun_wall, rerun_code, rerun_records = playbook(
            sim, tmp, forks, batch, CONFIGS[name], timeout
        )
        rerun = per_droplet(sim.requests(), size)
    snapshots = Counter(int(s["resource_id"]) for s in state["snapshots"])
    tasks = [r for r in records if r["task"] == TASK]
    bound = math.ceil(size / batch) * ACTIONS_SECONDS + rerun_wall
    return {
        "size": size,
        "config": name,
        "forks": forks,
        "batch": batch,
        "wall": round(wall, 1),
        "exit_code": code,
        "lower_bound": round(bound, 1),
        "wall_over_bound": round(wall / bound, 3),
        "failed": sum(r["status"] == "failed" for r in tasks) + (size - len(tasks)),
        "not_one_snapshot": sum(snapshots.get(d["id"], 0) != 1 for d in state["droplets"]),
        "not_active": sum(d["status"] != "active" for d in state["droplets"]),
        **first,
        "droplets_per_token_hour": round(HOURLY_BUDGET / max(first["per_droplet"], 1e-9)),
        "rerun_wall": round(rerun_wall, 1),
        "rerun_exit_code": rerun_code,
        "rerun_changed": sum(r["status"] == "changed" for r in rerun_records if r["task"] == TASK),
        "rerun_per_droplet": rerun["per_droplet"],
        "rerun_throttled": rerun["throttled"],
        "timeline": timeline(state) if name == "shared" else None,
    }


def report(runs: list) -> str:
    lines = [
        "| Droplets (forks, batch) | run | wall | lower bound | wall / bound | requests per "
        "Droplet | 429s | failed | per token-hour | re-run: wall, requests per Droplet |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        lines.append(
            f"| {r['size']} ({r['forks']}, {r['batch']}) | {r['config']} | {r['wall']} s | "
            f"{r['lower_bound']} s | {r['wall_over_bound']} | {r['per_droplet']} | "
            f"{r['throttled']} | {r['failed']} | {r['droplets_per_token_hour']} | "
            f"{r['rerun_wall']} s, {r['rerun_per_droplet']} |"
        )
    lines += ["", "Requests per Droplet by kind:", ""]
    for r in runs:
        kinds = ", ".join(f"{count} {kind}" for kind, count in r["by_kind"].items())
        lines.append(f"- {r['size']} {r['config']}: {kinds}")
    return "\n".join(lines) + "\n"


def verdicts(runs: list) -> list:
    """The bars of the shared runs, each (text, passed)."""
    checks = []
    for r in (r for r in runs if r["config"] == "shared"):
        name = f"{r['size']} Droplets"
        checks += [
            (
                f"{name}: {r['failed']} failed, {r['throttled']} answered 429, "
                f"{r['not_one_snapshot']} without exactly one snapshot, "
                f"{r['not_active']} not active",
                r["failed"] == r["throttled"] == r["not_one_snapshot"] == r["not_active"] == 0,
            ),
            (
                f"{name}: wall {r['wall']} s <= 1.1 x the lower bound {r['lower_bound']} s",
                r["wall"] <= 1.1 * r["lower_bound"],
            ),
            (
                f"{name}: {r['per_droplet']} requests per Droplet <= 6",
                r["per_droplet"] <= 6,
            ),
            (
                f"{name}: the re-run changed {r['rerun_changed']} and sent "
                f"{r['rerun_per_droplet']} requests per Droplet <= 2",
                r["rerun_changed"] == 0 and r["rerun_per_droplet"] <= 2,
            ),
        ]
        same = {b["config"]: b for b in runs if b["size"] == r["size"]}
        if "alone" in same:
            checks.append(
                (
                    f"{name}: fewer requests than the same polling with nothing shared "
                    f"({r['requests']} < {same['alone']['requests']})",
                    r["requests"] < same["alone"]["requests"],
                )
            )
        if "poll10" in same:
            checks.append(
                (
                    f"{name}: fewer requests than polling every 10 s "
                    f"({r['requests']} < {same['poll10']['requests']})",
                    r["requests"] < same["poll10"]["requests"],
                )
            )
        if "poll2" in same:
            checks.append(
                (
                    f"{name}: sooner than polling every 2 s ({r['wall']} s < "
                    f"{same['poll2']['wall']} s)",
                    r["wall"] < same["poll2"]["wall"],
                )
            )
    return checks


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="40,200")
    parser.add_argument("--configs", default="shared,alone,poll2,poll10")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per playbook run")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    runs = []
    with SimClient.start(time_scale=1.0) as sim:
        for size in (int(s) for s in args.sizes.split(",")):
            for name in args.configs.split(","):
                print(f"{size} Droplets, {name} ...", flush=True)
                result = run_config(sim, size, name, args.timeout)
                runs.append(result)
                shown = {k: v for k, v in result.items() if k != "timeline"}
                print(json.dumps(shown), flush=True)
    checks = verdicts(runs)
    text = (
        report(runs)
        + "\n"
        + "\n".join(f"- {'PASS' if ok else 'FAIL'} {what}" for what, ok in checks)
    )
    print(text)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"fleet-{stamp}.md").write_text(text)
    (args.out / f"fleet-{stamp}.json").write_text(json.dumps(runs))
    shared = [r for r in runs if r["timeline"]]
    if shared:
        largest = max(shared, key=lambda r: r["size"])
        png = args.out / f"fleet-{stamp}.png"
        draw(
            largest["timeline"],
            png,
            f"{largest['size']} Droplets, forks {largest['forks']}, "
            f"batch {largest['batch']}: {largest['wall']} s",
        )
        print(f"timeline: {png}")
    return 0 if all(ok for _what, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
