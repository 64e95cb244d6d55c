"""Bad input never crashes the simulator or corrupts its state."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import requests

from tests.simulator.client import REPO
from tests.support.simapi import SIM_TOKEN, Api

VALIDATION_FAILED = "request payload validation failed"


def post_raw(sim, path: str, data: bytes, **headers) -> requests.Response:
    headers = {
        "Authorization": f"Bearer {SIM_TOKEN}",
        "Content-Type": "application/json",
        **headers,
    }
    return requests.post(f"{sim.url}{path}", data=data, headers=headers, timeout=10)


@pytest.mark.parametrize("data", [b"{", b'{"type": "power_off"', b"\xff\xfe", b"[" * 100_000])
def test_malformed_json_is_400_and_changes_nothing(sim, droplet_id, data):
    response = post_raw(sim, f"/droplets/{droplet_id}/actions", data)
    assert response.status_code == 400
    body = response.json()
    assert (body["id"], body["message"]) == ("bad_request", "error parsing request body")
    assert sim.state()["actions"] == []


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "power_off",
        {},
        {"type": "explode"},
        {"type": 7},
        {"type": ["power_off"]},
        {"type": "change_kernel", "kernel": 991},  # a real type the simulator does not model
        {"type": "resize", "size": ["s-2vcpu-4gb"]},
        {"type": "rebuild", "image": 1.5},
        {"type": "snapshot", "name": 123},
        {"type": "rename"},
        {"type": "rename", "name": ["x"]},
        {"type": "enable_backups", "backup_policy": {"plan": "hourly"}},
        {"type": "enable_backups", "backup_policy": "daily"},
    ],
)
def test_wrong_action_bodies_are_422_validation_failed(sim, api: Api, droplet_id, body):
    response = api.post(f"/droplets/{droplet_id}/actions", body)
    assert response.status_code == 422
    assert response.json()["message"] == VALIDATION_FAILED
    assert sim.state()["actions"] == []


def test_rename_to_an_invalid_hostname_is_422(api: Api, droplet_id):
    response = api.act(droplet_id, "rename", name="not a hostname!")
    assert response.status_code == 422
    assert response.json()["message"] == (
        "Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"size": "s-1vcpu-1gb", "image": "debian-12-x64"}, VALIDATION_FAILED),
        ({"name": "a", "names": ["b"], "size": "s-1vcpu-1gb", "image": 1}, VALIDATION_FAILED),
        ({"name": "a", "size": "huge", "image": "debian-12-x64"},
         "You specified an invalid size for Droplet creation."),
        ({"name": "a", "size": "s-1vcpu-1gb", "image": "windows"},
         "You specified an invalid image for Droplet creation."),
        ({"name": "a", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "region": "mars1"},
         "You specified an invalid region for Droplet creation."),
        ({"name": "a", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": "web"},
         VALIDATION_FAILED),
        ({"name": "a", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "backups": "yes"},
         VALIDATION_FAILED),
        ({"names": [f"n{i}" for i in range(11)], "size": "s-1vcpu-1gb", "image": 1},
         VALIDATION_FAILED),
    ],
)  # fmt: skip
def test_invalid_droplet_creation_is_422(sim, api: Api, body, message):
    response = api.post("/droplets", body)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert sim.state()["droplets"] == []


def test_unknown_ids_are_404_not_found(api: Api):
    for path in ("/droplets/1", "/actions/1", "/droplets/1/actions", "/images/1", "/snapshots/1"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["id"] == "not_found"
        assert response.json()["message"] == "The resource you requested could not be found."


@pytest.mark.parametrize("path", ["/nope", "/droplets/abc", "/droplets/1/explode", "/../etc"])
def test_unknown_paths_are_404(api: Api, path):
    assert api.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "meant"),
    [
        ("/droplets", "/v2/droplets"),
        ("/account?per_page=1", "/v2/account"),
        ("/", "/v2/droplets"),
        ("/v2", "/v2/droplets"),
        ("/v1/droplets/7", "/v2/droplets/7"),
    ],
)
def test_paths_outside_v2_are_404_with_a_hint_before_auth(sim, path, meant):
    response = requests.get(f"{sim.base}{path}", timeout=10)  # no token
    assert response.status_code == 404
    body = response.json()
    assert body.pop("request_id")
    assert body == {
        "id": "not_found",
        "message": f"no such path {path.split('?')[0]}: the API's paths start with /v2, "
        f"such as {sim.base}{meant}",
    }
    assert sim.requests() == []  # outside the API: not logged, not counted, no faults


def test_the_admin_api_is_no_path_outside_v2(sim):
    assert sim.state()["droplets"] == []
    response = requests.get(f"{sim.base}/_sim/nothing", timeout=10)
    assert response.status_code == 404
    assert response.json()["message"] == "The resource you requested could not be found."


def test_wrong_method_is_405(api: Api):
    response = api.put("/droplets")
    assert response.status_code == 405
    assert response.json()["id"] == "method_not_allowed"


def test_huge_body_is_refused_with_413_and_the_server_lives_on(sim, api: Api, droplet_id):
    response = post_raw(sim, f"/droplets/{droplet_id}/actions", b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert api.get(f"/droplets/{droplet_id}").status_code == 200


def test_garbage_on_the_socket_does_not_hurt(sim, api: Api):
    host, port = sim.url.split("//")[1].split("/")[0].split(":")
    for garbage in (b"\x00\x01\x02\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"POST /v2/x HTTP/1.1\r\n"):
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            connection.sendall(garbage)
            connection.shutdown(socket.SHUT_WR)
            connection.recv(4096)
    assert api.get("/account").status_code == 200


def test_bad_content_length_is_400(sim):
    host, port = sim.url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"POST /v2/droplets HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 400")


def test_non_loopback_bind_is_refused(tmp_path):
    process = subprocess.run(
        [sys.executable, "-m", "tests.simulator", "--host", "0.0.0.0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert process.returncode == 2
    assert process.stdout == ""
    assert "refusing to listen on 0.0.0.0: not a loopback address" in process.stderr
