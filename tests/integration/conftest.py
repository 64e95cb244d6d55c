"""Fixtures for real ``ansible-playbook`` runs against the simulator."""

from __future__ import annotations

import itertools

import pytest
import yaml

from tests.support.playbook import TOKEN, PlaybookRun, run_playbook


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


@pytest.fixture
def run_tasks(ansible_playbook):
    """``run_tasks(module, *arguments, check=False)``: one task of ``module`` (a short name of
    this collection) per ``arguments``, on localhost, with ``--diff``; returns their results in
    order, each with ``failed`` as the task ended. The token shows up nowhere."""

    def run(module: str, *arguments: dict, check: bool = False) -> list:
        tasks = [
            {
                "name": f"Task {number}",
                f"oceanops.digitalocean.{module}": {"poll_interval": 0.05, **args},
                "check_mode": check,
                "diff": True,
                "ignore_errors": True,
            }
            for number, args in enumerate(arguments, 1)
        ]
        play = [{"name": module, "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
        result = ansible_playbook(yaml.safe_dump(play))
        assert TOKEN not in result.output
        return [
            result.outcome(record)
            for number in range(1, len(arguments) + 1)
            for record in result.records
            if record["task"] == f"Task {number}"
        ]

    return run
