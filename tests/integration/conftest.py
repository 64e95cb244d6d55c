"""Run real ``ansible-playbook`` processes against the simulator and read their task results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CALLBACKS = Path(__file__).parent / "callback_plugins"
TOKEN = "dop_v1_integration_test_token_0123456789abcdef"


@dataclass
class PlaybookRun:
    """One finished ``ansible-playbook`` run: exit code, output, and every task result."""

    rc: int
    stdout: str
    stderr: str
    records: list = field(default_factory=list)

    def results(self, task: str) -> list:
        """The results of the task with this name, one per host (in completion order)."""
        found = [record["result"] for record in self.records if record["task"] == task]
        assert found, f"no task named {task!r} ran; tasks: {[r['task'] for r in self.records]}"
        return found

    def result(self, task: str) -> dict:
        """The result of a task that ran on one host."""
        (only,) = self.results(task)
        return only

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def playbook_env(api_url: str, results_file: Path, **extra: str) -> dict:
    """The environment of a test run: the checkout as the collection, the simulator as the API."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".collections"),
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
        ANSIBLE_CALLBACKS_ENABLED="task_results",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        OCEANOPS_TASK_RESULTS=str(results_file),
        DIGITALOCEAN_API_URL=api_url,
        DIGITALOCEAN_ACCESS_TOKEN=TOKEN,
    )
    env.update(extra)
    return env


@pytest.fixture
def ansible_playbook(sim, tmp_path):
    """``ansible_playbook(playbook, *args, env=None, timeout=300)`` -> :class:`PlaybookRun`.

    ``playbook`` is a path, or YAML text that is written to a file first. The simulator's URL and a
    token are in the environment, as users set them (DIGITALOCEAN_API_URL, ..._ACCESS_TOKEN).
    """
    runs = iter(range(1, 1000))

    def run(playbook, *args, env=None, timeout=300) -> PlaybookRun:
        number = next(runs)
        if isinstance(playbook, str) and "\n" in playbook:
            path = tmp_path / f"playbook-{number}.yml"
            path.write_text(playbook)
            playbook = path
        results_file = tmp_path / f"results-{number}.json"
        process = subprocess.run(
            [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook), *args],
            cwd=REPO,
            env=playbook_env(sim.url, results_file, **(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,  # the tests assert on the exit code
        )
        records = json.loads(results_file.read_text()) if results_file.exists() else []
        return PlaybookRun(process.returncode, process.stdout, process.stderr, records)

    return run
