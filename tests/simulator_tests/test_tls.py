"""The simulator over HTTPS (``--tls CERT KEY``): the same API and admin API, behind TLS."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import requests

from tests.simulator.client import REPO
from tests.support.simapi import Api


def trusting(sim) -> Api:
    """An :class:`Api` that trusts the simulator's certificate (and not REQUESTS_CA_BUNDLE, which
    would override it)."""
    api = Api(sim.url)
    api.session.trust_env = False
    api.session.verify = str(sim.cafile)
    return api


def test_urls_are_https_and_the_admin_api_works_over_tls(https_sim):
    assert https_sim.base.startswith("https://127.0.0.1:")
    assert https_sim.url == f"{https_sim.base}/v2"
    state = https_sim.reset(droplets=[{"name": "web-1"}])
    assert [d["name"] for d in state["droplets"]] == ["web-1"]


def test_the_api_answers_a_client_that_trusts_the_certificate(https_sim):
    droplet_id = https_sim.reset(droplets=[{"name": "web-1"}])["droplets"][0]["id"]
    api = trusting(https_sim)
    assert [d["name"] for d in api.get("/droplets").json()["droplets"]] == ["web-1"]
    action = api.act(droplet_id, "snapshot", name="nightly").json()["action"]
    assert api.wait(action["id"])["status"] == "completed"
    assert api.get(f"/droplets/{droplet_id}/snapshots").json()["meta"] == {"total": 1}


def test_links_and_hints_name_the_https_url(https_sim):
    https_sim.reset(droplets=[{"name": f"web-{n}"} for n in range(3)])
    api = trusting(https_sim)
    pages = api.get("/droplets", params={"per_page": 1}).json()["links"]["pages"]
    assert pages["next"].startswith(f"{https_sim.url}/droplets?")
    hint = api.session.get(f"{https_sim.base}/droplets", timeout=10).json()["message"]
    assert hint.endswith(f"such as {https_sim.url}/droplets")


def test_an_untrusted_certificate_is_refused_by_the_client(https_sim):
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        Api(https_sim.url).get("/account")


def test_plain_http_to_the_tls_port_is_dropped_and_the_server_lives_on(https_sim):
    host, port = https_sim.base.removeprefix("https://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"GET /v2/account HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        try:
            answer = connection.recv(4096)  # a TLS alert, or nothing
        except ConnectionResetError:
            answer = b""
        assert not answer.startswith(b"HTTP/")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(https_sim.url.replace("https:", "http:") + "/account", timeout=5)
    assert trusting(https_sim).get("/account").status_code == 200
    assert [entry["path"] for entry in https_sim.requests()] == ["/v2/account"]


def test_a_missing_certificate_stops_the_cli_with_exit_code_2(tmp_path):
    process = subprocess.run(
        [sys.executable, "-m", "tests.simulator", "--tls", str(tmp_path / "no.pem"), "key.pem"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert (process.returncode, process.stdout) == (2, "")
    assert process.stderr.startswith("error: ")
