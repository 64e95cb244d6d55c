"""Fixtures for the simulator's own tests: an authenticated API session and a Droplet."""

from __future__ import annotations

import pytest

from tests.support.simapi import Api


@pytest.fixture
def api(sim) -> Api:
    return Api(sim.url)


@pytest.fixture
def droplet_id(sim) -> int:
    """One active Droplet, the first id the simulator hands out."""
    return sim.reset(droplets=[{"name": "web-01"}])["droplets"][0]["id"]
