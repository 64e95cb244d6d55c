"""validate_certs against a real TLS server with a self-signed certificate, on loopback."""

from __future__ import annotations

import yaml

from tests.support.tls import https_api

DROPLETS = {
    "/v2/droplets": {
        "droplets": [{"id": 1, "name": "web-1", "status": "active"}],
        "links": {},
        "meta": {"total": 1},
    }
}


def info_play(api_url: str, **options) -> str:
    task = {"name": "Read", "oceanops.digitalocean.droplet_info": {"api_url": api_url, **options}}
    return yaml.safe_dump(
        [{"name": "TLS", "hosts": "localhost", "gather_facts": False, "tasks": [task]}]
    )


def test_a_self_signed_certificate_is_refused_by_default_and_taken_with_validate_certs_false(
    ansible_playbook, tmp_path
):
    with https_api(tmp_path, DROPLETS) as api_url:
        refused = ansible_playbook(info_play(api_url))
        taken = ansible_playbook(info_play(api_url, validate_certs=False))
    assert refused.rc == 2
    message = refused.result("Read")["msg"]
    assert message == (
        "GET /droplets?per_page=200 failed: the API's TLS certificate was not accepted "
        "(certificate verify failed: self-signed certificate); set validate_certs: false only "
        "for a server you trust"
    )
    assert "Traceback" not in refused.output
    assert taken.rc == 0, taken.output
    assert "InsecureRequestWarning" not in taken.output
    assert [d["name"] for d in taken.result("Read")["droplets"]] == ["web-1"]
