"""A client for the admin API, and a way to run the simulator as a child process.

Tests, benchmarks and the demo use the same few calls::

    with SimClient.start(time_scale=0.01) as sim:
        sim.reset(droplets=[{"name": "web-1"}], settings={"shutdown_fails": True})
        requests.get(f"{sim.url}/droplets", headers={"Authorization": "Bearer t"})
        sim.faults({"kind": "status", "status": 503, "path": "^/v2/droplets$", "count": 1})
        print(sim.requests())

``SimClient.start(tls=(cert, key))`` serves HTTPS instead, and trusts that certificate for its own
calls. Standard library only, like the simulator itself.
"""

from __future__ import annotations

import json
import os
import select
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class SimError(RuntimeError):
    """The admin API refused a call (its message says why) or the simulator would not start."""


class SimClient:
    """Drives one simulator at ``base`` (``http://HOST:PORT`` or ``https://...``) through
    ``/_sim/``; ``cafile`` is the certificate to trust for HTTPS, if no authority signed it."""

    def __init__(
        self,
        base: str,
        process: subprocess.Popen | None = None,
        cafile: str | Path | None = None,
    ):
        self.base = base.rstrip("/")
        self.process = process
        self.cafile = cafile
        self.context = ssl.create_default_context(cafile=str(cafile)) if cafile else None

    @property
    def url(self) -> str:
        """The API's base URL, as clients take it: ``http://HOST:PORT/v2``."""
        return f"{self.base}/v2"

    @property
    def admin_url(self) -> str:
        return f"{self.base}/_sim"

    # -- the admin API -------------------------------------------------------------------------

    def reset(self, droplets: list[dict] | None = None, settings: dict | None = None) -> dict:
        """Empty the state, restore the start-up settings merged with ``settings``, seed
        ``droplets``; returns the new state (see :meth:`state`)."""
        return self._call(
            "POST", "/reset", {"droplets": droplets or [], "settings": settings or {}}
        )

    def settings(self, **changes: Any) -> dict:
        """The settings, after merging ``changes`` if any are given."""
        return (
            self._call("PUT", "/settings", changes) if changes else self._call("GET", "/settings")
        )

    def faults(self, *rules: dict) -> list[dict]:
        """Add fault rules; returns all active rules (with none given, only returns them)."""
        return self._call("POST", "/faults", list(rules)) if rules else self._call("GET", "/faults")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def requests(self) -> list[dict]:
        """The request log, oldest first."""
        return self._call("GET", "/requests")

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def state(self) -> dict:
        """``{"droplets", "actions", "snapshots", "volumes", "volume_snapshots", "tags"}``, each a
        list as the API shows them (``snapshots`` are the Droplet snapshots)."""
        return self._call("GET", "/state")

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.admin_url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30, context=self.context) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = json.loads(error.read() or b"{}").get("message", error.reason)
            raise SimError(f"{method} /_sim{path}: {error.code} {detail}") from None
        return json.loads(payload) if payload else None

    # -- a simulator in a child process --------------------------------------------------------

    @classmethod
    def start(
        cls,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        time_scale: float | None = None,
        tokens: tuple[str, ...] = (),
        seed: str | Path | None = None,
        tls: tuple[str | Path, str | Path] | None = None,
        timeout: float = 15.0,
    ) -> SimClient:
        """Start ``python -m tests.simulator`` and wait until it listens; ``tls`` is a
        ``(certificate, key)`` pair of PEM files to serve HTTPS with."""
        command = [sys.executable, "-m", "tests.simulator", "--host", host, "--port", str(port)]
        if time_scale is not None:
            command += ["--time-scale", str(time_scale)]
        for token in tokens:
            command += ["--token", token]
        if seed is not None:
            command += ["--seed", str(seed)]
        if tls is not None:
            command += ["--tls", *map(str, tls)]
        # The simulator is no code of the collection: coverage measurement would only slow it down.
        unmeasured = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")
        env = {k: v for k, v in os.environ.items() if k not in unmeasured}
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        ready, _writable, _failed = select.select([process.stdout], [], [], timeout)
        # "listening on URL/v2", then "admin on URL/_sim", written at once.
        api = process.stdout.readline() if ready else ""
        admin = process.stdout.readline() if api else ""
        if not (api.startswith("listening on ") and admin.startswith("admin on ")):
            process.kill()
            process.wait()
            raise SimError(f"the simulator did not start (exit code {process.returncode})")
        base = api.split()[-1].removesuffix("/v2")
        return cls(base, process, cafile=tls[0] if tls else None)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the child process started by :meth:`start` (SIGTERM, then SIGKILL)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process = None

    def __enter__(self) -> SimClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
