"""Bearer tokens: any non-empty one by default, or only the configured ones."""

from __future__ import annotations

import pytest

from tests.support.simapi import Api

UNAUTHORIZED = {"id": "unauthorized", "message": "Unable to authenticate you."}


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "dop_v1_no_scheme"]
)
def test_missing_or_malformed_authorization_is_401(sim, header):
    api = Api(sim.url, token=None)
    headers = {} if header is None else {"Authorization": header}
    response = api.get("/droplets", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body.pop("request_id")
    assert body == UNAUTHORIZED


def test_any_token_is_accepted_by_default(sim):
    assert Api(sim.url, "whatever").get("/account").status_code == 200


def test_scheme_is_case_insensitive(sim):
    response = Api(sim.url, None).get("/account", headers={"Authorization": "bearer t"})
    assert response.status_code == 200


def test_configured_tokens_are_the_only_ones_accepted(sim):
    sim.settings(tokens=["dop_v1_good"])
    assert Api(sim.url, "dop_v1_good").get("/account").status_code == 200
    assert Api(sim.url, "dop_v1_bad").get("/account").status_code == 401


def test_admin_api_needs_no_token(sim):
    empty = ("droplets", "actions", "snapshots", "volumes", "volume_snapshots", "tags")
    assert sim.state() == {key: [] for key in empty}
