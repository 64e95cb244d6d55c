"""``ansible-inventory --list`` with the collection's inventory plugin, against the simulator."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from tests.support import REPO
from tests.support.playbook import ansible_bin, playbook_env


class Inventory:
    """Runs ``ansible-inventory --list`` on a ``*.droplets.yml`` written from a dict."""

    def __init__(self, sim, tmp_path: Path):
        self.sim = sim
        self.tmp_path = tmp_path
        self.runs = 0

    def path(self, config: dict, name: str = "test") -> Path:
        path = self.tmp_path / f"{name}.droplets.yml"
        path.write_text(yaml.safe_dump({"plugin": "oceanops.digitalocean.droplets", **config}))
        return path

    def run(self, config: dict | Path, *args: str, env: dict | None = None, unset=()):
        self.runs += 1
        path = config if isinstance(config, Path) else self.path(config)
        environment = playbook_env(self.sim.url, self.tmp_path / "unused.json")
        for name in unset:
            environment.pop(name, None)
        environment.update(env or {})
        process = subprocess.run(
            [ansible_bin("ansible-inventory"), "-i", str(path), "--list", *args],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Listing(process)


def plain(value: dict):
    """Strings as ansible-core 2.19+ writes them in --list: ``{"__ansible_unsafe": "web-1"}``."""
    return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else value


class Listing:
    def __init__(self, process: subprocess.CompletedProcess):
        self.rc = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        # With -v and more, the version banner comes first.
        start = process.stdout.find("\n{") + 1 if not process.stdout.startswith("{") else 0
        self.data = json.loads(process.stdout[start:], object_hook=plain) if self.rc == 0 else {}

    @property
    def messages(self) -> str:
        """Warnings and errors, on one line: Ansible wraps long warnings."""
        return " ".join(self.stderr.split())

    @property
    def hostvars(self) -> dict:
        return self.data.get("_meta", {}).get("hostvars", {})

    @property
    def hosts(self) -> list:
        return sorted(self.hostvars)

    def group(self, name: str) -> list:
        return sorted(self.data.get(name, {}).get("hosts", []))
