"""Real ``ansible-playbook`` runs against the simulator, and their task results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import REPO

CALLBACKS = REPO / "tests" / "integration" / "callback_plugins"
TOKEN = "dop_v1_integration_test_token_0123456789abcdef"


@dataclass
class PlaybookRun:
    """One finished ``ansible-playbook`` run: exit code, output, and every task result."""

    rc: int
    stdout: str
    stderr: str
    records: list = field(default_factory=list)

    @staticmethod
    def outcome(record: dict) -> dict:
        """A record's task result, with ``failed`` as the task ended (also under
        ``ignore_errors``, which leaves it out of the result)."""
        return dict(record["result"], failed=record["status"] == "failed")

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

    def assert_failed_with(self, messages: dict) -> None:
        """Each task named in ``messages`` failed with a message that contains its text, and no
        traceback shows anywhere (the tasks ran with ``ignore_errors``)."""
        assert self.rc == 0, self.output
        statuses = {record["task"]: record["status"] for record in self.records}
        for task, message in messages.items():
            assert statuses[task] == "failed", task
            assert message in self.result(task)["msg"], self.result(task)["msg"]
        assert "Traceback" not in self.output


# What ``make test`` sets to measure coverage: in Python processes (coverage's subprocess patch)
# and in the modules' AnsiballZ payloads (ansible-core's own hook).
CONTROLLER_COVERAGE = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")
PAYLOAD_COVERAGE = (
    "_ANSIBLE_ANSIBALLZ_COVERAGE_CONFIG",
    "_ANSIBLE_COVERAGE_CONFIG",
    "_ANSIBLE_COVERAGE_OUTPUT",
)


def without(env: dict, names: tuple) -> dict:
    """``env`` without the variables ``names``."""
    return {key: value for key, value in env.items() if key not in names}


def playbook_env(api_url: str, results_file: Path, measure: str = "all", **extra: str) -> dict:
    """The environment of a test run: the checkout as the collection, the simulator as the API.

    Under ``make test``, ``measure`` says what coverage measures: ``all``, or only the
    ``modules`` (in their payloads: the controller process runs collection code only through the
    inventory plugin, and measuring it doubles the cost of a run), or ``none`` (fleet-scale runs,
    whose code paths the smaller tests measure).
    """
    env = dict(os.environ)
    if measure in ("modules", "none"):
        env = without(env, CONTROLLER_COVERAGE)
    if measure == "none":
        env = without(env, PAYLOAD_COVERAGE)
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


def ansible_bin(name: str) -> str:
    """The path of an Ansible command of the running Python's environment."""
    return str(Path(sys.executable).parent / name)


def run_playbook(
    api_url: str,
    playbook: Path,
    results_file: Path,
    *args: str,
    env=None,
    timeout=300,
    measured=True,
) -> PlaybookRun:
    """Run ``ansible-playbook playbook *args`` from the checkout, recording its task results."""
    # The controller runs collection code only in the inventory plugin, which the inventory
    # tests measure (in process, and in ansible-inventory runs): measuring it here too would
    # double the cost of every fleet run for lines already counted.
    measure = "modules" if measured else "none"
    process = subprocess.run(
        [ansible_bin("ansible-playbook"), str(playbook), *args],
        cwd=REPO,
        env=playbook_env(api_url, results_file, measure, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,  # the tests assert on the exit code
    )
    records = json.loads(results_file.read_text()) if results_file.exists() else []
    return PlaybookRun(process.returncode, process.stdout, process.stderr, records)
