"""Raw HTTP against the simulator's /v2, for the simulator's own tests."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

SIM_TOKEN = "dop_v1_simulator_tests"


class Api:
    """``requests`` against the simulator's /v2 with a bearer token; paths are relative to /v2."""

    def __init__(self, base: str, token: str | None = SIM_TOKEN):
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.base + path, timeout=10, **kwargs)

    def post(self, path: str, body=None, **kwargs) -> requests.Response:
        return self.session.post(self.base + path, json=body, timeout=10, **kwargs)

    def put(self, path: str, body=None, **kwargs) -> requests.Response:
        return self.session.put(self.base + path, json=body, timeout=10, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.session.delete(self.base + path, timeout=10, **kwargs)

    def act(self, droplet_id: int, kind: str, **params) -> requests.Response:
        return self.post(f"/droplets/{droplet_id}/actions", {"type": kind, **params})

    def wait(self, action_id: int, timeout: float = 5.0) -> dict:
        """The Action once it has left ``in-progress``."""
        action = wait_for(
            lambda: self.get(f"/actions/{action_id}").json()["action"],
            lambda a: a["status"] != "in-progress",
            timeout,
        )
        return action

    def droplet(self, droplet_id: int) -> dict:
        return self.get(f"/droplets/{droplet_id}").json()["droplet"]


def wait_for(read: Callable, done: Callable = bool, timeout: float = 5.0):
    """Call ``read`` until ``done(value)``; return that value (fail after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"still not done after {timeout} s: {value!r}"
        time.sleep(0.01)
