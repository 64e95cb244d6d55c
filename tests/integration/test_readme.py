"""The README's examples run as written, against the simulator.

Every line of a ``sh`` block is a command; every ``yaml`` block that starts with ``# file: NAME``
is a file the commands use. They run in order, like a user following the page, in a directory
that holds those files, with the simulator as the API, and with the collection as users get it:
built by ``ansible-galaxy collection build`` and installed from that tarball into an empty path
(no ansible.cfg of the checkout; the page names every playbook by its collection name, so the
checkout's own copy of a playbook is never what runs). Two changes keep them fast:
ansible-playbook polls every 0.1 s and forces a hanging shutdown after 1 s, as Actions are 100
times faster than real ones. ``make demo`` is run as what it runs.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.playbook import (
    CONTROLLER_COVERAGE,
    PAYLOAD_COVERAGE,
    playbook_env,
    without,
)

DOC = REPO / "README.md"
BIN = Path(sys.executable).parent
FAST = ["-e", "poll_interval=0.1", "-e", "shutdown_timeout=1"]
NO_RATE_LIMIT = {"rate_limit": {"per_minute": 100_000, "per_hour": 1_000_000}}
# The Droplets the examples name.
SEED = [
    {"id": 12345, "name": "web-01", "tags": ["web"], "snapshots": ["before-upgrade"]},
    {"name": "web-02", "tags": ["web"], "region": "ams3", "snapshots": ["before-upgrade"]},
    {"name": "db-01", "tags": ["db"], "status": "off"},
]


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def example_files(text: str) -> dict[str, str]:
    found = {}
    for block in fenced(text, "yaml"):
        first, _newline, rest = block.partition("\n")
        if first.startswith("# file: "):
            found[first.removeprefix("# file: ").strip()] = rest
    return found


def example_commands(text: str) -> list[str]:
    lines = []
    for block in fenced(text, "sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "export ")):
                lines.append(line)
    return lines


def test_the_page_has_examples():
    text = DOC.read_text()
    assert set(example_files(text)) == {
        "nightly.yml",
        "before_upgrade.yml",
        "running.yml",
        "fleet.droplets.yml",
        "web.droplets.yml",
        "resize.yml",
        "check.yml",
    }
    commands = example_commands(text)
    assert "make demo" in commands
    assert sum(command.startswith("ansible-playbook") for command in commands) >= 6
    # Every playbook is shown as users of the installed collection run it, never by a path.
    assert not [command for command in commands if "playbooks/" in command]
    shown = {
        re.search(r"oceanops\.digitalocean\.(\w+)", c)[1] for c in commands if "oceanops." in c
    }
    assert shown >= {
        p.stem for p in (REPO / "playbooks").glob("*.yml") if p.stem != "check_targets"
    }


def installed_collection(tmp_path: Path) -> Path:
    """The collection as users get it: built into a tarball, installed into an empty path."""
    dist, path = tmp_path / "dist", tmp_path / "installed"
    galaxy = str(BIN / "ansible-galaxy")
    build = [galaxy, "collection", "build", "--output-path", str(dist), str(REPO)]
    subprocess.run(build, check=True, capture_output=True, timeout=120)
    (tarball,) = dist.glob("oceanops-digitalocean-*.tar.gz")
    install = [
        galaxy,
        "collection",
        "install",
        "--offline",
        "--force",
        "-p",
        str(path),
        str(tarball),
    ]
    subprocess.run(install, check=True, capture_output=True, timeout=120)
    return path


@pytest.mark.slow
def test_fleet_examples_run_as_written_with_the_installed_tarball(sim, tmp_path):
    sim.reset(droplets=SEED, settings=NO_RATE_LIMIT)
    text = DOC.read_text()
    work = tmp_path / "work"
    work.mkdir()
    for name, content in example_files(text).items():
        (work / name).write_text(content)
    # The code paths are measured by the smaller tests; coverage would double the cost here.
    env = playbook_env(sim.url, tmp_path / "results.json", measure="none")
    (tmp_path / "ansible.cfg").write_text("[defaults]\n")
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(installed_collection(tmp_path)),
        ANSIBLE_CONFIG=str(tmp_path / "ansible.cfg"),
    )

    for command in example_commands(text):
        if command == "make demo":
            continue  # test_make_demo
        argv = shlex.split(command)
        extra = FAST if argv[0] == "ansible-playbook" else []
        process = subprocess.run(
            [str(BIN / argv[0]), *argv[1:], *extra],
            cwd=work,
            env=dict(env, PWD=str(work)),  # as a shell in that directory sets it
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert process.returncode == 0, f"{command}\n{process.stdout}\n{process.stderr}"

    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    names = {}
    for snapshot in sim.state()["snapshots"]:
        names.setdefault(int(snapshot["resource_id"]), set()).add(snapshot["name"])
    ids = {d["name"]: d["id"] for d in sim.state()["droplets"]}
    maintained = f"pre-maintenance-{today}"
    assert names[ids["web-01"]] == {"My Snapshot", f"web-01-{today}", maintained}
    assert names[ids["web-02"]] == {f"web-02-{today}", maintained}
    assert names[ids["db-01"]] == {f"db-01-{today}", maintained}
    assert {d["name"]: d["size_slug"] for d in sim.state()["droplets"]} == dict.fromkeys(
        ("web-01", "web-02", "db-01"), "s-2vcpu-2gb"
    )
    assert {d["name"]: d["status"] for d in sim.state()["droplets"]} == {
        "web-01": "active",
        "web-02": "active",
        "db-01": "off",
    }


@pytest.mark.slow
@pytest.mark.fleet_scale
def test_make_demo_finishes_within_a_minute_and_leaves_nothing_running_or_cached(tmp_path):
    started = time.monotonic()
    env = without(
        os.environ,
        CONTROLLER_COVERAGE + PAYLOAD_COVERAGE + ("XDG_CACHE_HOME", "OCEANOPS_CACHE_DIR"),
    )
    home = tmp_path / "home"
    home.mkdir()
    process = subprocess.run(
        [sys.executable, "-m", "tests.demo"],
        cwd=REPO,
        env=dict(env, HOME=str(home), ANSIBLE_COLLECTIONS_PATH=str(REPO / ".collections")),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert process.returncode == 0, process.stdout + process.stderr
    assert elapsed < 60
    assert "Done in" in process.stdout
    (api_url,) = re.findall(r"The API is at (\S+);", process.stdout)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(api_url.replace("/v2", "/_sim/state"), timeout=2)
    assert not (home / ".cache").exists(), sorted(p.name for p in (home / ".cache").iterdir())
