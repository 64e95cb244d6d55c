"""Seeding the simulator and reading what happened there: its state and its request log.

Tests read outcomes where they really are, not only in the module's own result.
"""

from __future__ import annotations

import time

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import Client
from tests.support.playbook import TOKEN

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def seed(sim, *droplets: dict, **settings) -> list:
    """Reset the simulator with these Droplets (default: one active) at a fast time scale; return
    their ids."""
    sim.reset(
        droplets=list(droplets) or [{"name": "web-1", "status": "active"}],
        settings={"time_scale": 0.01, **settings},
    )
    return [d["id"] for d in sim.state()["droplets"]]


def droplet(sim, droplet_id: int) -> dict:
    """The Droplet as the simulator holds it."""
    return next(d for d in sim.state()["droplets"] if d["id"] == droplet_id)


def snapshots(sim, droplet_id: int) -> list:
    """The Droplet's snapshots as the simulator holds them."""
    return [s for s in sim.state()["snapshots"] if str(s["resource_id"]) == str(droplet_id)]


def api_requests(sim) -> list:
    """Every API request (not the admin API's), in order."""
    return [r for r in sim.requests() if r["path"].startswith("/v2")]


def mutating(sim) -> list:
    """Every API request (not the admin API's) that could change something, in order."""
    return [r for r in sim.requests() if r["method"] in MUTATING and r["path"].startswith("/v2")]


def changes(sim) -> list:
    """The mutating API requests but the power-intent tag's (creating it, tagging, untagging)."""
    return [r for r in mutating(sim) if not r["path"].startswith("/v2/tags")]


def tag_requests(sim) -> list:
    """The power-intent tag's requests, in order."""
    return [r for r in api_requests(sim) if r["path"].startswith("/v2/tags")]


def droplet_steps(requests: list, droplet_id: int) -> list:
    """What the requests asked of this Droplet, in order: its Actions (every POST) and its
    tagging and untagging (those that took, whatever other resources they carried)."""
    steps = []
    for request in requests:
        body = request.get("body") or {}
        if request["path"] == f"/v2/droplets/{droplet_id}/actions" and request["method"] == "POST":
            steps.append(body.get("type"))
        elif request["path"].startswith("/v2/tags/") and request["path"].endswith("/resources"):
            resources = [r.get("resource_id") for r in body.get("resources", [])]
            if request["status"] < 300 and str(droplet_id) in resources:
                steps.append("tag" if request["method"] == "POST" else "untag")
    return steps


def action_posts(sim) -> list:
    """``(type, status)`` of every Action POST, in order."""
    return [
        (r["body"]["type"], r["status"])
        for r in sim.requests()
        if r["method"] == "POST" and r["path"].endswith("/actions")
    ]


def finish(client: Client, action: dict) -> dict:
    """Wait until the Action (started directly through the API) has left ``in-progress``."""
    while action["status"] == "in-progress":
        time.sleep(0.01)
        action = client.get(f"/actions/{action['id']}")["action"]
    return action


def act(sim, droplet_id: int, action_type: str, **params) -> dict:
    """An Action done outside the modules, directly through the API, waited for."""
    client = Client(TOKEN, sim.url)
    body = {"type": action_type, **params}
    return finish(client, client.post(f"/droplets/{droplet_id}/actions", body)["action"])


def take_snapshot(sim, droplet_id: int, name: str) -> None:
    """A snapshot made outside the module (directly through the API)."""
    act(sim, droplet_id, "snapshot", name=name)
