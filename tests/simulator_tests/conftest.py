"""Fixtures for the simulator's own tests: an authenticated API session, a Droplet, and a
simulator over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.simulator.certificate import self_signed
from tests.simulator.client import SimClient
from tests.support.simapi import Api


@pytest.fixture
def api(sim) -> Api:
    return Api(sim.url)


@pytest.fixture
def droplet_id(sim) -> int:
    """One active Droplet, the first id the simulator hands out."""
    return sim.reset(droplets=[{"name": "web-01"}])["droplets"][0]["id"]


@pytest.fixture(scope="session")
def https_simulator(tmp_path_factory) -> Iterator[SimClient]:
    """A simulator serving HTTPS with a self-signed certificate (its ``cafile``); use
    ``https_sim``, which also resets it."""
    certificate = self_signed(tmp_path_factory.mktemp("tls"))
    with SimClient.start(time_scale=0.01, tls=certificate) as client:
        yield client


@pytest.fixture
def https_sim(https_simulator: SimClient) -> SimClient:
    """The HTTPS simulator, freshly reset, as ``sim`` is."""
    https_simulator.reset()
    return https_simulator
