"""What the fleet benchmarks share: a simulated fleet, ``ansible-playbook`` runs over it through
the inventory plugin, and what the simulator saw of them (requests per Droplet by kind, each
Droplet's Actions on a timeline).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import yaml

from benchmarks.bench_snapshot import kind_of
from tests.simulator.client import SimClient
from tests.support.playbook import ansible_bin, playbook_env

FLEET_TAG = "fleet"
INVENTORY = "fleet.droplets.yml"


def seed_fleet(sim: SimClient, size: int, settings: dict) -> None:
    """Reset the simulator with ``size`` active Droplets (default sizes) tagged ``fleet``, named
    node-000, node-001, ..., with these settings, and an empty request log."""
    seeds = [{"name": f"node-{n:03d}", "tags": [FLEET_TAG]} for n in range(size)]
    sim.reset(droplets=seeds, settings=settings)
    sim.clear_requests()


def write_inventory(directory: Path) -> Path:
    """The inventory plugin's file in ``directory``: the Droplets tagged ``fleet``."""
    path = directory / INVENTORY
    inventory = {"plugin": "oceanops.digitalocean.droplets", "tag_name": FLEET_TAG}
    path.write_text(yaml.safe_dump(inventory))
    return path


def run_playbook(
    sim: SimClient,
    tmp: Path,
    playbook: Path,
    args: list,
    timeout: float,
    cwd: Path,
    log: Path | None = None,
):
    """``ansible-playbook -i tmp/fleet.droplets.yml playbook *args`` against the simulator: wall
    seconds, exit code (None on timeout), task records. Its output goes to ``log`` if given."""
    results = tmp / f"results-{time.monotonic_ns()}.json"
    env = playbook_env(sim.url, results, measure="none", OCEANOPS_CACHE_DIR=str(tmp / "cache"))
    command = [ansible_bin("ansible-playbook"), "-i", str(tmp / INVENTORY), str(playbook), *args]
    output = log.open("w") if log else subprocess.DEVNULL
    began = time.monotonic()
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            code = None
    finally:
        if log:
            output.close()
    wall = time.monotonic() - began
    records = json.loads(results.read_text()) if results.exists() else []
    return wall, code, records


def per_droplet(requests: list, size: int) -> dict:
    """API requests in all, per Droplet, per Droplet by kind, and how many were answered 429."""
    api = [r for r in requests if r["path"].startswith("/v2")]
    kinds = Counter(kind_of(r) for r in api)
    return {
        "requests": len(api),
        "per_droplet": round(len(api) / size, 2),
        "by_kind": {kind: round(count / size, 2) for kind, count in sorted(kinds.items())},
        "throttled": sum(r["status"] == 429 for r in api),
    }


def timeline(state: dict) -> dict:
    """Per Droplet, the (start, end, phase) of its Actions, in seconds from the first."""
    stamps = [a for a in state["actions"] if a.get("started_at")]
    if not stamps:
        return {}
    origin = min(_seconds(a["started_at"]) for a in stamps)
    bars: dict = {}
    for action in stamps:
        start = _seconds(action["started_at"]) - origin
        end = _seconds(action["completed_at"]) - origin if action["completed_at"] else start
        bars.setdefault(action["resource_id"], []).append((start, end, action["type"]))
    return bars


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


# Colour and legend of each kind of Action on a timeline; only the kinds drawn are in the legend.
PHASES = {
    "shutdown": ("#d62728", "shutting down"),
    "snapshot": ("#1f77b4", "off, snapshotting"),
    "power_on": ("#2ca02c", "powering on"),
    "resize": ("#9467bd", "off, resizing"),
    "rebuild": ("#ff7f0e", "rebuilding"),
}


def draw(bars: dict, path: Path, title: str) -> None:
    """A PNG of ``timeline``'s bars: one row per Droplet, one bar per Action."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawn = {kind for actions in bars.values() for _start, _end, kind in actions}
    figure, axes = plt.subplots(figsize=(12, max(4, len(bars) * 0.04 + 2)))
    for row, droplet in enumerate(sorted(bars)):
        for start, end, kind in bars[droplet]:
            colour = PHASES.get(kind, (None, kind))[0]
            axes.barh(row, max(end - start, 0.5), left=start, height=0.8, color=colour)
    for kind, (colour, label) in PHASES.items():
        if kind in drawn:
            axes.barh(0, 0, color=colour, label=label)
    axes.set_xlabel("seconds since the first Action")
    axes.set_ylabel("Droplet")
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
