# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tagging resources, and the tag that records on a Droplet that it must be powered back on."""

from __future__ import annotations

from typing import Any, Callable, Optional
from urllib.parse import quote

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import APIError, Client

# On a Droplet that a run powered off for its work: whoever finds it there, with the Droplet
# off, powers the Droplet on and removes it. The control panel shows it, and so says why.
RESTORE_POWER_TAG = "oceanops-restore-power"
# ``together(kind, item, send)``: ``send(items)`` for this item and those that others send at the
# same moment (the fleet layer's batching); by default, ``send([item])``.
Together = Optional[Callable[[str, Any, Callable[[list], Any]], Any]]


def _resources_path(tag: str) -> str:
    return f"/tags/{quote(tag, safe='')}/resources"


def _resource(resource_id: int | str, resource_type: str) -> dict:
    return {"resource_id": str(resource_id), "resource_type": resource_type}


def tag_resource(
    client: Client,
    tag: str,
    resource_id: int | str,
    resource_type: str = "droplet",
    together: Together = None,
) -> str:
    """Tag the resource, creating the tag first if it does not exist; tagging twice is fine.

    Returns the tag's name as the account spells it: a tag keeps the capitalization it was first
    created with, and only that spelling finds it in a path. With ``together``, resources that
    concurrent runs tag at the same moment go out in one request.
    """
    resource = _resource(resource_id, resource_type)

    def send(resources: list) -> str:
        return _tag(client, tag, resources)

    return together(f"tag {tag}", resource, send) if together else send([resource])


def untag_resource(
    client: Client,
    tag: str,
    resource_id: int | str,
    resource_type: str = "droplet",
    together: Together = None,
) -> None:
    """Remove the tag from the resource; a tag that no longer exists tags nothing. Batched as
    :func:`tag_resource` is."""
    resource = _resource(resource_id, resource_type)

    def send(resources: list) -> None:
        _untag(client, tag, resources)

    if together:
        together(f"untag {tag}", resource, send)
    else:
        send([resource])


def delete_if_unused(client: Client, tag: str) -> None:
    """Delete the tag when it tags nothing (one that is gone already is fine): what a run that
    tagged a Droplet and then could not power it off leaves. A tag that tags anything stays."""
    path = f"/tags/{quote(tag, safe='')}"
    try:
        found = client.get(path, key="tag")
        resources = found.get("resources")
        if isinstance(resources, dict) and resources.get("count") == 0:
            client.delete(path)
    except APIError as error:
        if error.status != 404:
            raise


def _tag(client: Client, tag: str, resources: list) -> str:
    body = {"resources": resources}
    try:
        client.post(_resources_path(tag), body, idempotent=True)
    except APIError as error:
        if error.status == 403:
            error.explain("the tag needs the token's tag:create and droplet:update scopes")
        if error.status != 404:
            raise
        created = client.post("/tags", {"name": tag}, idempotent=True, key="tag")  # or the existing
        tag = created.get("name") if isinstance(created.get("name"), str) else tag
        client.post(_resources_path(tag), body, idempotent=True)
    return tag


def _untag(client: Client, tag: str, resources: list) -> None:
    try:
        client.delete(_resources_path(tag), {"resources": resources})
    except APIError as error:
        if error.status != 404:
            raise
