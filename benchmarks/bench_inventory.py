"""How long the droplets inventory plugin takes to list a large account, and what it costs.

    python -m benchmarks.bench_inventory [--droplets 1000] [--runs 3]

Starts the simulator, seeds ``--droplets`` Droplets over four regions, eleven tags and two
statuses, then runs ``ansible-inventory --list`` (a whole process, as users run it) with keyed
groups by region, tag and status: ``--runs`` times without a cache, then once to fill a cache and
once more from it. It prints the wall time (median), the requests each listing sent, and checks
that every Droplet is listed and that the cached run sent none.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.simulator.client import SimClient

REPO = Path(__file__).resolve().parents[1]
REGIONS = ["nyc3", "ams3", "sfo3", "fra1"]
CONFIG = """\
plugin: oceanops.digitalocean.droplets
keyed_groups:
  - {key: droplet_region, prefix: region}
  - {key: droplet_tags, prefix: tag}
  - {key: droplet_status, prefix: status}
"""
CACHE = """\
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {path}
"""


def fleet(count: int) -> list:
    return [
        {
            "name": f"node-{n:05d}",
            "region": REGIONS[n % len(REGIONS)],
            "tags": ["fleet", f"shard-{n % 10}"],
            "status": "off" if n % 7 == 0 else "active",
        }
        for n in range(count)
    ]


def list_inventory(sim: SimClient, config: Path) -> tuple[float, int, dict]:
    """One ``ansible-inventory --list``: wall time, API requests sent, the parsed listing."""
    env = dict(
        os.environ,
        DIGITALOCEAN_API_URL=sim.url,
        DIGITALOCEAN_ACCESS_TOKEN="dop_v1_benchmark",
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".collections"),
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
    )
    sim.clear_requests()
    started = time.perf_counter()
    process = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(config), "--list"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, len(sim.requests()), json.loads(process.stdout)


def run(count: int, runs: int) -> dict:
    limits = {"per_hour": 10**9, "per_minute": 10**9}
    with SimClient.start() as sim, tempfile.TemporaryDirectory() as tmp:
        sim.reset(droplets=fleet(count), settings={"rate_limit": limits})
        plain = Path(tmp) / "bench.droplets.yml"
        plain.write_text(CONFIG)
        cached = Path(tmp) / "cached.droplets.yml"
        cached.write_text(CONFIG + CACHE.format(path=Path(tmp) / "cache"))

        times, requests = [], set()
        for _run in range(runs):
            elapsed, sent, listing = list_inventory(sim, plain)
            times.append(elapsed)
            requests.add(sent)
        hosts = len(listing["_meta"]["hostvars"])
        groups = len([name for name in listing if name not in ("_meta", "all", "ungrouped")])
        list_inventory(sim, cached)
        cached_time, cached_requests, _listing = list_inventory(sim, cached)
    return {
        "droplets": count,
        "hosts": hosts,
        "groups": groups,
        "seconds_median": round(statistics.median(times), 2),
        "seconds_all": [round(t, 2) for t in times],
        "requests": sorted(requests),
        "cached_seconds": round(cached_time, 2),
        "cached_requests": cached_requests,
    }


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_inventory")
    parser.add_argument("--droplets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    result = run(options.droplets, options.runs)
    print(json.dumps(result, indent=1))
    print(
        f"{result['droplets']:,} Droplets -> {result['hosts']:,} hosts in {result['groups']} "
        f"groups: {result['seconds_median']} s and {result['requests']} requests per listing; "
        f"from the cache {result['cached_seconds']} s and {result['cached_requests']} requests"
    )
    ok = result["hosts"] == result["droplets"] and result["cached_requests"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
