"""make build: the galaxy tarball carries no junk, installs into an empty path, and runs from there.

The playbook run switches by what the tarball holds: the demo playbook
(oceanops.digitalocean.snapshot, playbooks/snapshot.yml) when it is there, otherwise a play that
runs oceanops.digitalocean.action_info. Either way it goes against the simulator.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.gates import gate

BIN = Path(sys.executable).parent
DIST = REPO / "dist"
TOKEN = "dop_v1_build_check_token_0123456789abcdef"

# Path components and file names that must never ship.
JUNK_PARTS = {
    ".ansible",
    ".ci",
    ".collections",
    ".git",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".simulator",
    "__pycache__",
    "collections",
    "dist",
    "htmlcov",
}
JUNK_NAMES = [".venv*", ".coverage*", "*.pyc", "*.tar.gz", ".gitignore", ".plugin-cache.yaml"]
JUNK_PREFIXES = ["tests/output/", "benchmarks/results/"]


def junk(name: str) -> bool:
    parts = name.split("/")
    return (
        any(part in JUNK_PARTS for part in parts)
        or any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in JUNK_NAMES)
        or any((name + "/").startswith(prefix) for prefix in JUNK_PREFIXES)
    )


@pytest.fixture(scope="module")
def tarball() -> Path:
    DIST.mkdir(exist_ok=True)
    for old in DIST.glob("oceanops-digitalocean-*.tar.gz"):
        old.unlink()
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(DIST)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = DIST.glob("oceanops-digitalocean-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory) -> Path:
    """An empty collections path with only the tarball installed in it."""
    path = tmp_path_factory.mktemp("collections")
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(path)},
    )
    return path


def test_junk_detector_knows_junk():
    assert all(
        junk(name)
        for name in [
            ".venv/bin/python",
            ".venv-2.16/pyvenv.cfg",
            "plugins/modules/__pycache__/x.cpython-311.pyc",
            "tests/output/ansible-test/x",
            ".ci/run",
            ".coverage.ansiballz=python-3.11=coverage.x",
            "dist/oceanops-digitalocean-0.1.0.tar.gz",
            ".collections/ansible_collections/oceanops/digitalocean",
        ]
    )
    assert not any(junk(name) for name in ["plugins/modules/action_info.py", "README.md"])


@gate
def test_tarball_has_no_junk(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "MANIFEST.json" in names
    assert "plugins/modules/action_info.py" in names
    assert [name for name in names if junk(name)] == []


@gate
def test_installed_tarball_runs_a_playbook_against_the_simulator(installed, sim, tmp_path):
    collection = installed / "ansible_collections" / "oceanops" / "digitalocean"
    assert (collection / "MANIFEST.json").is_file()
    sim.reset(droplets=[{"name": "build-check"}], settings={"time_scale": 0.001})
    (droplet,) = sim.state()["droplets"]

    if (collection / "playbooks" / "snapshot.yml").is_file():
        command = [
            "oceanops.digitalocean.snapshot",
            "-e",
            f"droplet_id={droplet['id']}",
            "-e",
            "snapshot_name=build-check",
        ]
    else:
        playbook = tmp_path / "action_info.yml"
        playbook.write_text(
            "- name: Read Actions from the installed collection\n"
            "  hosts: localhost\n"
            "  gather_facts: false\n"
            "  tasks:\n"
            "    - name: Read\n"
            "      oceanops.digitalocean.action_info:\n"
            "      register: read\n"
            "    - name: Check\n"
            "      ansible.builtin.assert:\n"
            "        that: read.actions is sequence\n"
        )
        command = [str(playbook)]

    # Outside the checkout (its ansible.cfg would point at .collections), with only the install.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANSIBLE_", "_ANSIBLE_", "COVERAGE_"))
    }
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(installed),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_NOCOLOR="1",
        DIGITALOCEAN_API_URL=sim.url,
        DIGITALOCEAN_ACCESS_TOKEN=TOKEN,
    )
    run = subprocess.run(
        [str(BIN / "ansible-playbook"), *command],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "failed=0" in run.stdout
