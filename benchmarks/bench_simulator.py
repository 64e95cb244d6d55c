"""How many requests a second the simulator serves to 50 concurrent clients on loopback.

    python -m benchmarks.bench_simulator [--clients 50] [--seconds 5]

Starts the simulator in its own process, seeds 50 Droplets, lifts the rate limits, then runs one
keep-alive connection per client thread, each polling as the collection does while it waits: its
Droplet, one of its Actions, and now and then a page of the Droplet list. It prints the throughput
and latency percentiles and exits non-zero below the bar of 1,000 requests/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit

from tests.simulator.client import SimClient

BAR = 1000.0
HEADERS = {"Authorization": "Bearer dop_v1_benchmark", "Connection": "keep-alive"}


def client_loop(host: str, port: int, droplet_id: int, action_id: int, deadline: float) -> list:
    """Poll until ``deadline``; return the latency of every answered request, in seconds."""
    paths = [f"/v2/droplets/{droplet_id}", f"/v2/actions/{action_id}"] * 4 + ["/v2/droplets"]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    latencies = []
    while time.perf_counter() < deadline:
        path = paths[len(latencies) % len(paths)]
        started = time.perf_counter()
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        latencies.append(time.perf_counter() - started)
    connection.close()
    return latencies


def run(clients: int, seconds: float) -> dict:
    with SimClient.start() as sim:
        limits = {"per_hour": 10**9, "per_minute": 10**9, "window_scale": 0.001}
        state = sim.reset(droplets=[{"name": f"bench-{n:02d}"} for n in range(clients)])
        sim.settings(rate_limit=limits)
        droplet_ids = [d["id"] for d in state["droplets"]]
        action_ids = _start_one_action_each(sim.url, droplet_ids)
        address = urlsplit(sim.url)
        deadline = time.perf_counter() + seconds
        results: list[list[float]] = [[] for _client in range(clients)]

        def worker(index: int) -> None:
            results[index] = client_loop(
                address.hostname, address.port, droplet_ids[index], action_ids[index], deadline
            )

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    latencies = sorted(latency for result in results for latency in result)
    return {
        "clients": clients,
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


def _start_one_action_each(api_url: str, droplet_ids: list[int]) -> list[int]:
    address = urlsplit(api_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    action_ids = []
    for droplet_id in droplet_ids:
        body = json.dumps({"type": "snapshot", "name": "bench"})
        headers = {**HEADERS, "Content-Type": "application/json"}
        connection.request("POST", f"/v2/droplets/{droplet_id}/actions", body, headers)
        action_ids.append(json.loads(connection.getresponse().read())["action"]["id"])
    connection.close()
    return action_ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_simulator")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    result = run(args.clients, args.seconds)
    print(
        f"simulator: {result['requests_per_second']} requests/s from {result['clients']} "
        f"concurrent keep-alive clients ({result['requests']} requests in {result['seconds']} s; "
        f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms)"
    )
    print(json.dumps(result))
    return 0 if result["requests_per_second"] >= BAR else 1


if __name__ == "__main__":
    raise SystemExit(main())
