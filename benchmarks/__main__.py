"""``make bench``: every benchmark in turn; exits non-zero if any of them misses its bar."""

from __future__ import annotations

import sys

from benchmarks import (
    bench_fleet,
    bench_inventory,
    bench_maintain,
    bench_simulator,
    bench_snapshot,
)

BENCHMARKS = [
    ("simulator throughput, 50 concurrent clients", bench_simulator.main),
    ("inventory plugin listing 1,000 Droplets, with and without the cache", bench_inventory.main),
    ("droplet_snapshot at time scale 1, against the classic 2 s loop", bench_snapshot.main),
    ("fleet runs at real durations and rate limits, against fixed polling", bench_fleet.main),
    (
        "rolling maintenance with one rollback, at real durations and rate limits",
        bench_maintain.main,
    ),
]


def main() -> int:
    failed = []
    for title, run in BENCHMARKS:
        print(f"== {title}", flush=True)
        if run([]) != 0:
            failed.append(title)
    for title in failed:
        print(f"FAILED: {title}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
