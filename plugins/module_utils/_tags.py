# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tagging resources, and the tag that records on a Droplet that it must be powered back on."""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import APIError, Client

# On a Droplet that a run powered off for its work: whoever finds it there, with the Droplet
# off, powers the Droplet on and removes it. The control panel shows it, and so says why.
RESTORE_POWER_TAG = "oceanops-restore-power"


def _resources_path(tag: str) -> str:
    return f"/tags/{quote(tag, safe='')}/resources"


def _body(resource_id: int | str, resource_type: str) -> dict:
    return {"resources": [{"resource_id": str(resource_id), "resource_type": resource_type}]}


def tag_resource(
    client: Client, tag: str, resource_id: int | str, resource_type: str = "droplet"
) -> str:
    """Tag the resource, creating the tag first if it does not exist; tagging twice is fine.

    Returns the tag's name as the account spells it: a tag keeps the capitalization it was first
    created with, and only that spelling finds it in a path.
    """
    body = _body(resource_id, resource_type)
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


def untag_resource(
    client: Client, tag: str, resource_id: int | str, resource_type: str = "droplet"
) -> None:
    """Remove the tag from the resource; a tag that no longer exists tags nothing."""
    try:
        client.delete(_resources_path(tag), _body(resource_id, resource_type))
    except APIError as error:
        if error.status != 404:
            raise
