"""Interrupting a real ``ansible-playbook`` run mid-task, as a controller crash or Ctrl-C does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.support import REPO
from tests.support.playbook import playbook_env


def processes_with(marker: str) -> list[int]:
    """The pids of every process whose environment contains ``marker``.

    ansible-playbook runs each task in a worker that calls setsid(), so its module is in another
    process group: the environment, which every descendant inherits, is what finds them all.
    """
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes():
                pids.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return pids


def interrupt(
    api_url: str,
    playbook: Path,
    results: Path,
    when: Callable[[], bool],
    how: str = "crash",
    timeout: float = 30,
    args: tuple = (),
) -> None:
    """Run the playbook (with ``args``) until ``when()`` holds, then interrupt it: ``crash`` kills
    every process of the run at once (the modules' too), ``ctrl-c`` sends SIGINT to
    ansible-playbook. Returns once no process of the run is left."""
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook), *args],
        cwd=REPO,
        env=playbook_env(api_url, results),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker = f"OCEANOPS_TASK_RESULTS={results}"
    try:
        deadline = time.monotonic() + timeout
        while not when():
            assert time.monotonic() < deadline, "the moment to interrupt never came"
            time.sleep(0.02)
    finally:
        if how == "crash":
            for pid in processes_with(marker):
                os.kill(pid, signal.SIGKILL)
        else:
            process.send_signal(signal.SIGINT)
        process.wait(timeout=timeout)
    deadline = time.monotonic() + 10
    while processes_with(marker):
        assert time.monotonic() < deadline, "a process of the interrupted run is still alive"
        time.sleep(0.05)
