"""The ``sim`` fixture: a DigitalOcean API simulator for every test that speaks HTTP.

One simulator runs per test session (per xdist worker), in a child process, with Action durations
scaled down 100x (a snapshot takes 0.6 s). Each test gets it freshly reset: no Droplets, no faults,
an empty request log, default settings at that time scale. ``sim`` is a
:class:`tests.simulator.client.SimClient`::

    def test_snapshot(sim):
        sim.reset(droplets=[{"name": "web-1"}])
        api = sim.url  # http://127.0.0.1:PORT/v2, any bearer token is accepted
"""

from __future__ import annotations

import time

import pytest

from tests.simulator.client import SimClient
from tests.support import FAULT_MATRIX

TIME_SCALE = 0.01


def pytest_collection_modifyitems(items):
    """Tests marked ``slow`` first: under ``make test`` (``--dist load``) each worker starts with
    one or two of them and the short tests fill in around them, so the workers end together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_sessionstart(session):
    session.config.started_at = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """The fault matrix, when this session ran it."""
    if FAULT_MATRIX.exists() and FAULT_MATRIX.stat().st_mtime >= config.started_at:
        terminalreporter.write_sep("-", "fault matrix (step x fault)")
        terminalreporter.write_line(FAULT_MATRIX.read_text())


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path_factory, monkeypatch):
    """Each test's module runs share their views and rate-limit budget only among themselves:
    the simulator's limits start afresh with each test. Their temporary files go to a directory
    of the test too: a module killed on purpose leaves its AnsiballZ payload directory behind,
    and pytest removes it with the test's other files."""
    monkeypatch.setenv("OCEANOPS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("TMPDIR", str(tmp_path_factory.mktemp("tmp")))


@pytest.fixture(scope="session")
def simulator_process():
    """The session's simulator; use ``sim`` in tests, which also resets it."""
    with SimClient.start(time_scale=TIME_SCALE) as client:
        yield client


@pytest.fixture
def sim(simulator_process: SimClient) -> SimClient:
    simulator_process.reset()
    return simulator_process
