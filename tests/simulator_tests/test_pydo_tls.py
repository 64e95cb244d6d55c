"""DigitalOcean's official Python client, pydo, against the simulator over HTTPS.

pydo sends its token only over TLS (azure-core's bearer-token policy refuses http:// URLs before
sending anything), so the simulator's ``--tls`` is what lets it in. pydo's endpoint is the server
without ``/v2``: its paths carry it.
"""

from __future__ import annotations

import pydo
import pytest
from azure.core.exceptions import ServiceRequestError

from tests.support.simapi import SIM_TOKEN, wait_for


def test_pydo_lists_droplets_and_takes_a_snapshot_over_tls(https_sim):
    droplet_id = https_sim.reset(droplets=[{"name": "web-1"}])["droplets"][0]["id"]
    client = pydo.Client(
        token=SIM_TOKEN, endpoint=https_sim.base, connection_verify=str(https_sim.cafile)
    )

    assert [d["name"] for d in client.droplets.list()["droplets"]] == ["web-1"]
    action = client.droplet_actions.post(droplet_id, {"type": "snapshot", "name": "nightly"})
    assert (action["action"]["type"], action["action"]["status"]) == ("snapshot", "in-progress")
    done = wait_for(
        lambda: client.actions.get(action["action"]["id"])["action"],
        lambda found: found["status"] != "in-progress",
    )
    assert done["status"] == "completed"
    snapshots = client.droplets.list_snapshots(droplet_id)["snapshots"]
    assert [s["name"] for s in snapshots] == ["nightly"]
    assert client.firewalls.list() == {"firewalls": [], "links": {}, "meta": {"total": 0}}


def test_pydo_refuses_to_send_its_token_over_plain_http(sim):
    client = pydo.Client(token=SIM_TOKEN, endpoint=sim.base, retry_total=0)  # it would retry
    with pytest.raises(ServiceRequestError, match="not permitted for non-TLS"):
        client.droplets.list()
    assert sim.requests() == []  # nothing reached the simulator
