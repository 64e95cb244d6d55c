"""``make demo``: snapshot a small simulated fleet with playbooks/snapshot.yml, then run it again.

No DigitalOcean account is needed: the API simulator runs as a child process on a free loopback
port, with every Action 50 times faster than in real life. Six Droplets, two tags, one of them
already off. The inventory is the one in playbooks/inventory/, pointed at the simulator through
the same environment variables that point it at the real API::

    DIGITALOCEAN_API_URL=http://127.0.0.1:PORT/v2 DIGITALOCEAN_ACCESS_TOKEN=... \\
        ansible-playbook -i playbooks/inventory/demo.droplets.yml playbooks/snapshot.yml

The first run shuts each Droplet down, snapshots it and powers it back on, two at a time; the
second finds every snapshot and changes nothing. The simulator is stopped on the way out, also on
Ctrl-C or a failure. Exit code 0 when both runs passed and the fleet is as it should be.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.simulator.client import SimClient

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
INVENTORY = "playbooks/inventory/demo.droplets.yml"
TIME_SCALE = 0.02  # a 60 s snapshot takes 1.2 s
FLEET = [
    {"name": "web-1", "tags": ["web"], "region": "nyc3"},
    {"name": "web-2", "tags": ["web"], "region": "nyc3"},
    {"name": "web-3", "tags": ["web"], "region": "ams3"},
    {"name": "db-1", "tags": ["db"], "region": "nyc3"},
    {"name": "db-2", "tags": ["db"], "region": "ams3", "status": "off"},
    {"name": "db-3", "tags": ["db"], "region": "ams3"},
]
# Two Droplets at a time, polled at a pace that suits Actions 50 times faster than real ones.
PLAYBOOK = ["playbooks/snapshot.yml", "-e", "batch=2", "-f", "2", "-e", "poll_interval=0.2"]


def main() -> int:
    started = time.monotonic()
    say(f"Starting the DigitalOcean API simulator (Actions {1 / TIME_SCALE:.0f}x faster)")
    sim = SimClient.start(time_scale=TIME_SCALE)
    cache = tempfile.TemporaryDirectory(prefix="oceanops-demo-")
    try:
        sim.reset(droplets=FLEET)
        env = environment(sim.url, cache.name)
        say(f"The API is at {sim.url}; the fleet, through the inventory plugin:")
        run("ansible-inventory", "-i", INVENTORY, "--graph", env=env)

        say("First run: every Droplet is shut down, snapshotted and powered on, two at a time")
        if run("ansible-playbook", "-i", INVENTORY, *PLAYBOOK, env=env) != 0:
            return fail("the first run failed")
        after_first = sim.state()

        say("Second run: every snapshot is already there, so nothing changes")
        if run("ansible-playbook", "-i", INVENTORY, *PLAYBOOK, env=env) != 0:
            return fail("the second run failed")

        problems = check(after_first, sim.state())
        if problems:
            return fail("; ".join(problems))
        say(
            f"Done in {time.monotonic() - started:.0f} s: {len(FLEET)} snapshots, each taken "
            "once, every Droplet in the power state it was found in."
        )
        return 0
    except KeyboardInterrupt:
        return fail("interrupted", code=130)
    finally:
        sim.stop()
        cache.cleanup()


def environment(api_url: str, cache_dir: str) -> dict:
    """The simulator as the API, and the fleet's shared files in a directory of the demo's own
    (removed on the way out), so that nothing is left in the user's ~/.cache."""
    env = dict(os.environ)
    env.update(
        OCEANOPS_CACHE_DIR=cache_dir,
        DIGITALOCEAN_API_URL=api_url,
        DIGITALOCEAN_ACCESS_TOKEN="dop_v1_demo_token_for_the_simulator",
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_RETRY_FILES_ENABLED="0",
    )
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".collections"))
    return env


def run(command: str, *args: str, env: dict) -> int:
    line = " ".join([command, *args])
    print(f"$ {line}", flush=True)
    return subprocess.run([str(BIN / command), *args], cwd=REPO, env=env, check=False).returncode


def check(after_first: dict, final: dict) -> list:
    """What is wrong with the fleet after both runs, if anything."""
    problems = []
    seeded = {seed["name"]: seed.get("status", "active") for seed in FLEET}
    for droplet in final["droplets"]:
        if droplet["status"] != seeded[droplet["name"]]:
            problems.append(f"{droplet['name']} is {droplet['status']}")
        if len(droplet["snapshot_ids"]) != 1:
            problems.append(f"{droplet['name']} has {len(droplet['snapshot_ids'])} snapshots")
    if len(final["actions"]) != len(after_first["actions"]):
        problems.append("the second run started Actions")
    return problems


def say(text: str) -> None:
    print(f"\n=== {text}\n", flush=True)


def fail(reason: str, code: int = 1) -> int:
    print(f"\nmake demo failed: {reason}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
