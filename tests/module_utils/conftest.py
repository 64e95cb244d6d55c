"""Fixtures for the module_utils tests that run against the simulator.

The collection is importable once pytest is configured, after this file is loaded: the fixtures
import it when they run.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def droplet_id(sim):
    """One active Droplet, Actions 100 times faster than real ones, an empty request log."""
    sim.reset(droplets=[{"name": "web-1", "status": "active"}], settings={"time_scale": 0.01})
    sim.clear_requests()
    return sim.state()["droplets"][0]["id"]


@pytest.fixture
def client(sim):
    """A client of the simulator that retries after 10 ms instead of seconds."""
    from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
        Client,
        RetryPolicy,
    )

    return Client("dop_v1_module_utils_tests", sim.url, timeout=5, retry=RetryPolicy(backoff=0.01))


@pytest.fixture
def droplet(client, droplet_id):
    """That Droplet as the target of Actions."""
    from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
        DropletTarget,
    )

    return DropletTarget(client, droplet_id)
