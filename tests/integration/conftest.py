"""Fixtures for real ``ansible-playbook`` runs against the simulator."""

from __future__ import annotations

import itertools

import pytest

from tests.support.playbook import PlaybookRun, run_playbook


@pytest.fixture
def ansible_playbook(sim, tmp_path, request):
    """``ansible_playbook(playbook, *args, env=None, timeout=300)`` -> :class:`PlaybookRun`.

    ``playbook`` is a path, or YAML text that is written to a file first. The simulator's URL and a
    token are in the environment, as users set them (DIGITALOCEAN_API_URL, ..._ACCESS_TOKEN).
    In a test marked ``fleet_scale``, coverage does not measure the runs.
    """
    runs = itertools.count(1)
    measured = request.node.get_closest_marker("fleet_scale") is None

    def run(playbook, *args, env=None, timeout=300) -> PlaybookRun:
        number = next(runs)
        if isinstance(playbook, str) and "\n" in playbook:
            path = tmp_path / f"playbook-{number}.yml"
            path.write_text(playbook)
            playbook = path
        results = tmp_path / f"results-{number}.json"
        return run_playbook(
            sim.url, playbook, results, *args, env=env, timeout=timeout, measured=measured
        )

    return run
