"""The collection's inventory plugin against the simulator: as ``ansible-inventory --list`` runs
it, or through the same ``InventoryManager`` in the test's own process."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path

import yaml

from tests.support import REPO
from tests.support.playbook import TOKEN, ansible_bin, playbook_env


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

    def parse(self, config: dict | Path, env: dict | None = None, unset=()):
        """The inventory that ``run`` lists, built by ansible-core's ``InventoryManager`` in this
        process: for what the plugin makes of its options, at a twentieth of the cost of a run."""
        from ansible.inventory.manager import InventoryManager
        from ansible.parsing.dataloader import DataLoader

        self.runs += 1
        path = config if isinstance(config, Path) else self.path(config)
        defaults = {"DIGITALOCEAN_API_URL": self.sim.url, "DIGITALOCEAN_ACCESS_TOKEN": TOKEN}
        environment = {k: v for k, v in defaults.items() if k not in unset} | (env or {})
        with patched_environ(environment, unset):
            return Parsed(InventoryManager(loader=DataLoader(), sources=[str(path)]))


@contextlib.contextmanager
def patched_environ(values: dict, unset=()):
    """``os.environ`` with ``values`` set and ``unset`` removed, restored on exit."""
    saved = dict(os.environ)
    try:
        for name in unset:
            os.environ.pop(name, None)
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


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


class Parsed:
    """What :meth:`Inventory.parse` built, read like a :class:`Listing`."""

    rc = 0
    # Set by ansible-core on every host; ansible-inventory --list leaves them out.
    SOURCE_VARS = ("inventory_file", "inventory_dir")

    def __init__(self, manager):
        self.hostvars = {
            host.name: {k: v for k, v in host.vars.items() if k not in self.SOURCE_VARS}
            for host in manager.get_hosts()
        }
        self.groups = {name: sorted(h.name for h in g.hosts) for name, g in manager.groups.items()}

    @property
    def hosts(self) -> list:
        return sorted(self.hostvars)

    def group(self, name: str) -> list:
        return self.groups.get(name, [])
