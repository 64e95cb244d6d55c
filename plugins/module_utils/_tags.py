# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tagging resources, and the tag that records on a Droplet that it must be powered back on."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import APIError, Client

# On a Droplet that a run powered off for its work: whoever finds it there, with the Droplet
# off, powers the Droplet on and removes it. The control panel shows it, and so says why.
RESTORE_POWER_TAG = "oceanops-restore-power"


def _resources_path(tag: str) -> str:
    return f"/tags/{quote(tag, safe='')}/resources"


def _resource(resource_id: int | str, resource_type: str) -> dict:
    return {"resource_id": str(resource_id), "resource_type": resource_type}


def tag_resource(
    client: Client, tag: str, resource_id: int | str, resource_type: str = "droplet"
) -> str:
    """Tag the resource, creating the tag first if it does not exist; tagging twice is fine.

    Returns the tag's name as the account spells it: a tag keeps the capitalization it was first
    created with, and only that spelling finds it in a path. With the client's shared ``batch``,
    resources that concurrent runs tag at the same moment go out in one request.
    """
    return _together(
        client, f"tag {tag}", _resource(resource_id, resource_type), lambda r: _tag(client, tag, r)
    )


def untag_resource(
    client: Client, tag: str, resource_id: int | str, resource_type: str = "droplet"
) -> None:
    """Remove the tag from the resource; a tag that no longer exists tags nothing. Batched as
    :func:`tag_resource` is."""
    _together(
        client,
        f"untag {tag}",
        _resource(resource_id, resource_type),
        lambda r: _untag(client, tag, r),
    )


def _together(client: Client, kind: str, resource: dict, send: Callable[[list], Any]) -> Any:
    if client.batch is None:
        return send([resource])
    return client.batch.submit(kind, resource, send)


def _tag(client: Client, tag: str, resources: list) -> str:
    body = {"resources": resources}
    try:
        client.post(_resources_path(tag), body, idempotent=True)
    except APIError as error:
        if error.status == 403:
            error.explain("the tag needs the token's tag:create and droplet:update scopes")
        if error.status != 404:
            raise
        created = client.post("/tags", {"name": tag}, idempotent=True)  # or the existing one
        tag = (created.get("tag") or {}).get("name") or tag
        client.post(_resources_path(tag), body, idempotent=True)
    return tag


def _untag(client: Client, tag: str, resources: list) -> None:
    try:
        client.delete(_resources_path(tag), {"resources": resources})
    except APIError as error:
        if error.status != 404:
            raise
