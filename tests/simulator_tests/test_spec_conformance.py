"""Every JSON answer of every operation, successes and errors, validates against the spec.

The spec is the project's copy of the official subset (do-droplet-actions.openapi.yaml beside the
simulator) with its ``servers`` pointed at the simulator. Every response the session below receives
goes through openapi-core's response validator (body schema, status, headers such as ratelimit-*).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from tests.support.simapi import Api

SPEC = Path(__file__).resolve().parents[1] / "simulator" / "do-droplet-actions.openapi.yaml"
METHODS = ("get", "post", "put", "delete")
# Operations of the subset the simulator does not serve: the volume operations by name.
UNSERVED = {"volumes_delete_byName", "volumeActions_post"}
UNKNOWN_UUID = "fbe805e8-866b-11e6-96bf-000f53315a41"


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(SPEC.read_text())


def operations(spec: dict) -> dict[tuple[str, re.Pattern], str]:
    """(METHOD, path regex) -> operationId for every operation of the spec."""
    found = {}
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", template) + "$")
        for method in METHODS:
            if method in item:
                found[(method.upper(), pattern)] = item[method]["operationId"]
    return found


class ValidatingApi(Api):
    """An :class:`Api` that validates each response and notes (operationId, status)."""

    def __init__(self, base: str, spec: dict):
        super().__init__(base)
        server = base.removesuffix("/v2")
        self.openapi = OpenAPI.from_dict({**spec, "servers": [{"url": server}]})
        self.operations = operations(spec)
        self.seen: set[tuple[str, int]] = set()
        self.session.hooks["response"].append(self._validate)

    def _validate(self, response, *args, **kwargs):
        path = response.request.path_url.split("?")[0]
        (operation,) = [
            op
            for (method, pattern), op in self.operations.items()
            if method == response.request.method and pattern.match(path)
        ]
        self.openapi.validate_response(
            RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
        )
        self.seen.add((operation, response.status_code))
        return response


def test_every_response_of_every_operation_validates(sim, spec):
    sim.reset(
        droplets=[
            {"name": "web-1", "tags": ["web"], "snapshots": ["base"], "backups": True},
            {
                "name": "web-2",
                "status": "off",
                "tags": ["web"],
                "action_durations": {"resize": 1, "rebuild": 1},  # waits cost few requests
            },
        ]
        + [{"name": f"bulk-{n}", "tags": ["bulk"]} for n in range(25)]
    )
    api = ValidatingApi(sim.url, spec)
    web1, web2 = 3164444, 3164445
    snapshot_id = sim.state()["snapshots"][0]["id"]

    # Droplets and their actions
    api.get("/droplets")
    api.get("/droplets", params={"tag_name": "bulk", "per_page": 10, "page": 2})
    api.get("/droplets", params={"page": 0})  # 400
    created = api.post(
        "/droplets", {"name": "new-1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}
    )
    api.post("/droplets", {"names": ["m-1", "m-2"], "size": "s-1vcpu-1gb", "image": 159651797})
    api.post("/droplets", {"name": "x", "size": "nope", "image": "debian-12-x64"})  # 422
    api.get(f"/droplets/{web1}")
    api.get("/droplets/1")  # 404
    snapshot = api.post(f"/droplets/{web1}/actions", {"type": "snapshot", "name": "s"})
    api.post(f"/droplets/{web1}/actions", {"type": "power_off"})  # 422 pending
    api.post(f"/droplets/{web1}/actions", {"type": "explode"})  # 422
    api.post("/droplets/1/actions", {"type": "power_on"})  # 404
    api.post(f"/droplets/{web2}/actions", {"type": "enable_ipv6"})
    api.get(f"/droplets/{web1}/actions")
    api.get("/droplets/1/actions")  # 404
    api.get(f"/droplets/{web1}/actions/{snapshot.json()['action']['id']}")
    api.get(f"/droplets/{web1}/actions/1")  # 404
    api.wait(snapshot.json()["action"]["id"])
    api.wait(created.json()["links"]["actions"][0]["id"])
    api.get(f"/droplets/{web2}")  # with IPv6 once that completes
    resize = api.post(f"/droplets/{web2}/actions", {"type": "resize", "size": "s-2vcpu-4gb"})
    api.post(f"/droplets/{web1}/actions", {"type": "resize", "size": "s-2vcpu-4gb"})  # 422 on
    api.wait(resize.json()["action"]["id"])
    api.get(f"/droplets/{web2}")  # resized, its disk as it was
    rebuild = api.post(f"/droplets/{web2}/actions", {"type": "rebuild", "image": "debian-12-x64"})
    api.post(f"/droplets/{web2}/actions", {"type": "rebuild", "image": 1})  # 422
    api.wait(rebuild.json()["action"]["id"])
    api.get(f"/droplets/{web2}")  # rebuilt
    api.get(f"/droplets/{web1}/snapshots")
    api.get("/droplets/1/snapshots")  # 404

    # Actions and the account
    api.get("/actions", params={"per_page": 2})
    api.get(f"/actions/{snapshot.json()['action']['id']}")
    api.get("/actions/1")  # 404
    api.get("/account")
    api.get("/regions", params={"per_page": 4})
    api.get("/sizes")
    api.get("/sizes", params={"per_page": 3, "page": 2})
    api.get("/sizes", params={"per_page": 0})  # 400
    api.get("/firewalls", params={"per_page": 1})

    # Snapshots and images
    api.get("/snapshots")
    api.get("/snapshots", params={"resource_type": "volume"})
    api.get(f"/snapshots/{snapshot_id}")
    api.get("/snapshots/159651797")  # 400 not a snapshot
    api.get("/snapshots/1")  # 404
    api.get("/images")
    api.get("/images", params={"private": "true"})
    api.get("/images", params={"type": "distribution"})
    api.get("/images/ubuntu-24-04-x64")
    api.get(f"/images/{snapshot_id}")
    api.get("/images/1")  # 404
    custom = api.post("/images", {"name": "c", "url": "http://e.com/c.img", "region": "nyc3"})
    api.post("/images", {"name": "c"})  # 422
    api.put(f"/images/{custom.json()['image']['id']}", {"name": "c2", "distribution": "Debian"})
    api.put("/images/1", {"name": "x"})  # 404
    transfer = api.post(f"/images/{snapshot_id}/actions", {"type": "transfer", "region": "sfo3"})
    api.post(f"/images/{snapshot_id}/actions", {"type": "shrink"})  # 422
    api.post("/images/1/actions", {"type": "convert"})  # 404
    api.get(f"/images/{snapshot_id}/actions")
    api.get("/images/1/actions")  # 404
    api.wait(transfer.json()["action"]["id"])
    api.delete(f"/images/{custom.json()['image']['id']}")
    api.delete("/images/144006963")  # 403
    api.delete("/images/1")  # 404
    api.delete(f"/snapshots/{snapshot_id}")
    api.delete(f"/snapshots/{snapshot_id}")  # 404
    api.delete("/snapshots/159651797")  # 400
    api.delete(f"/droplets/{web2}")
    api.delete("/droplets/1")  # 404
    api.delete("/droplets", params={"tag_name": "bulk"})
    api.delete("/droplets")  # 400

    # Tags
    check_tag_operations(api, web1)

    # Volumes, their snapshots and their actions
    check_volume_operations(api, web1)

    # Auth, rate limits and injected faults apply to every operation alike
    api.get("/droplets", headers={"Authorization": None})  # 401
    api.get("/firewalls", headers={"Authorization": None})  # 401
    api.get("/sizes", headers={"Authorization": None})  # 401
    sim.faults({"kind": "status", "status": 500, "count": 1})
    api.get("/actions")  # 500
    sim.settings(rate_limit={"per_minute": 1})
    api.get("/account")
    api.get("/account")  # 429

    covered = {operation for operation, _status in api.seen}
    assert covered == set(operations(spec).values()) - UNSERVED
    assert len(covered) == 41
    statuses = {status for _operation, status in api.seen}
    assert statuses == {200, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 500}


def check_tag_operations(api: ValidatingApi, droplet_id: int) -> None:
    """Every tag operation, successes and errors, with a Droplet to tag."""
    api.get("/tags")
    api.get("/tags", params={"per_page": 1, "page": 2})
    api.post("/tags", {"name": "env:prod"})
    api.post("/tags", {"name": "ENV:prod"})  # 201, the existing tag
    api.post("/tags", {"name": "not valid!"})  # 400, the tags service's own body
    api.post("/tags", {"name": "x" * 256})  # 400
    api.get("/tags/env:prod")
    api.get("/tags/ENV:prod")  # 404
    droplet = {"resources": [{"resource_id": str(droplet_id), "resource_type": "droplet"}]}
    nowhere = {"resources": [{"resource_id": "1", "resource_type": "droplet"}]}
    api.post("/tags/env:prod/resources", droplet)
    api.post("/tags/missing/resources", droplet)  # 404
    api.post("/tags/env:prod/resources", {"resources": []})  # 400
    api.post("/tags/env:prod/resources", nowhere)  # 422
    api.get("/tags/env:prod")  # with its Droplet
    api.get(f"/droplets/{droplet_id}")  # with the tag
    api.delete("/tags/env:prod/resources", json=droplet)
    api.delete("/tags/missing/resources", json=droplet)  # 404
    api.delete("/tags/env:prod/resources", json={})  # 400
    api.delete("/tags/env:prod/resources", json=nowhere)  # 422
    api.post("/tags/env:prod/resources", droplet)
    api.delete("/tags/env:prod")  # untags the Droplet
    api.delete("/tags/env:prod")  # 404
    api.get("/tags", headers={"Authorization": None})  # 401


def check_volume_operations(api: ValidatingApi, droplet_id: int) -> None:
    """Every volume operation, successes and errors, on a Droplet in nyc3 with no pending event."""
    body = {"name": "data-1", "size_gigabytes": 10, "region": "nyc3", "tags": ["db"]}
    created = api.post("/volumes", {**body, "filesystem_type": "ext4", "filesystem_label": "d"})
    volume = created.json()["volume"]["id"]
    api.post("/volumes", body)  # 409 name taken in the region
    api.post("/volumes", {**body, "name": "Data_1"})  # 422
    api.post("/volumes", {**body, "size_gigabytes": 1.5})  # 400
    api.post("/volumes", {**body, "name": "data-2", "snapshot_id": UNKNOWN_UUID})  # 404
    api.get("/volumes")
    api.get("/volumes", params={"name": "data-1", "region": "nyc3", "per_page": 1})
    api.get(f"/volumes/{volume}")
    api.get(f"/volumes/{UNKNOWN_UUID}")  # 404

    attach = api.post(f"/volumes/{volume}/actions", {"type": "attach", "droplet_id": droplet_id})
    api.post(f"/volumes/{volume}/actions", {"type": "attach", "droplet_id": droplet_id})  # 422
    api.post(f"/volumes/{UNKNOWN_UUID}/actions", {"type": "detach", "droplet_id": 1})  # 404
    api.wait(attach.json()["action"]["id"])
    api.get(f"/volumes/{volume}/actions")
    api.get(f"/volumes/{UNKNOWN_UUID}/actions")  # 404
    api.get(f"/droplets/{droplet_id}")  # with its volume_ids
    api.delete(f"/volumes/{volume}")  # 409 attached

    snapshot = api.post(f"/volumes/{volume}/snapshots", {"name": "s1", "tags": ["db"]})
    snapshot_id = snapshot.json()["snapshot"]["id"]
    api.post(f"/volumes/{volume}/snapshots", {"name": "s1"})  # 409 name taken
    api.post(f"/volumes/{volume}/snapshots", {"name": 7})  # 400
    api.post(f"/volumes/{volume}/snapshots", {})  # 422
    api.post(f"/volumes/{UNKNOWN_UUID}/snapshots", {"name": "s2"})  # 404
    api.get(f"/volumes/{volume}/snapshots")
    api.get(f"/volumes/{UNKNOWN_UUID}/snapshots")  # 404
    api.get(f"/volumes/snapshots/{snapshot_id}")
    api.get(f"/volumes/snapshots/{UNKNOWN_UUID}")  # 404
    api.get("/snapshots")  # both kinds
    api.get("/snapshots", params={"resource_type": "volume"})
    api.get(f"/snapshots/{snapshot_id}")
    api.post("/volumes", {**body, "name": "restored", "snapshot_id": snapshot_id})
    api.delete(f"/volumes/snapshots/{snapshot_id}")
    api.delete(f"/volumes/snapshots/{snapshot_id}")  # 404
    other = api.post(f"/volumes/{volume}/snapshots", {"name": "s2"}).json()["snapshot"]["id"]
    api.delete(f"/snapshots/{other}")

    detach = api.post(f"/volumes/{volume}/actions", {"type": "detach", "droplet_id": droplet_id})
    api.wait(detach.json()["action"]["id"])
    api.delete(f"/volumes/{volume}")
    api.delete(f"/volumes/{volume}")  # 404
    api.get("/volumes", headers={"Authorization": None})  # 401
