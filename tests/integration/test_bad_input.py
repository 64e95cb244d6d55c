"""Bad input, one table per module and one for the inventory plugin, run in this process.

A row is what a user may get wrong (a wrong type, a value out of range, an empty or blank string, a
300-character or two-line name, options that exclude each other) or an API that answers wrong: an
HTML page, a 200 that is not JSON, an Action without its fields, a closed port, a port that takes
the connection and never answers. Every row ends in one clear line (one line, no traceback, never
the token, naming what is wrong), and no request that could change anything reaches a server;
rows that the options alone refute send no request at all.

The modules run as ``main()`` with their arguments patched in, ``exit_json`` and ``fail_json``
raising; the plugin runs in ansible-core's ``InventoryManager``. The client retries a request that
got no answer (six attempts, with backoff): here it does not sleep between them, and a row whose
server never answers makes one attempt of ``timeout: 1``, so that no row takes more than a second
or so.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from dataclasses import dataclass
from unittest import mock

import pytest
from ansible.errors import AnsibleError
from ansible.module_utils import basic

try:  # ansible-core 2.19 and later
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # 2.16 to 2.18: the arguments are read from basic._ANSIBLE_ARGS

    @contextlib.contextmanager
    def patch_module_args(args=None):
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", payload):
            yield


from ansible_collections.oceanops.digitalocean.plugins.module_utils import _api
from ansible_collections.oceanops.digitalocean.plugins.modules import (
    action_info,
    droplet_info,
    droplet_power,
    droplet_rebuild,
    droplet_resize,
    droplet_snapshot,
    snapshot_info,
)
from tests.support.bad_servers import HTML_PAGE, NOT_JSON, BadServer, closed_port
from tests.support.inventory import Inventory
from tests.support.playbook import TOKEN
from tests.support.simstate import api_requests, droplet, mutating, seed, snapshots

LONG_NAME = "web-" + "x" * 296  # 300 characters
UNSET = "<unset>"  # a row's value that takes a base argument away


@dataclass(frozen=True)
class Fault:
    """Where ``api_url`` points instead of the simulator, and how that server answers."""

    body: str = ""
    content_type: str = "application/json"
    hang: bool = False
    closed: bool = False
    # Only the paths this regex is found in are answered so; the others go to the simulator.
    midway: str | None = None


HTML = Fault(HTML_PAGE, "text/html")
INVALID_JSON = Fault(NOT_JSON)
SILENT = Fault(hang=True)
CLOSED = Fault(closed=True)


def answering(body) -> Fault:
    """A server that answers every request with this JSON."""
    return Fault(json.dumps(body))


# 2xx answers of the wrong shape, whatever the request: what is asked for is missing, a string, or
# a list of strings.
KEYS = ("droplet", "droplets", "action", "actions", "snapshots", "regions", "tag", "image")
WRONG_SHAPES = {
    "api answers without what was asked for": answering({"links": {}}),
    "api answers a string for what was asked for": answering(dict.fromkeys(KEYS, "web-1")),
    "api answers a list of strings for what was asked for": answering(
        {key: ["web-1"] for key in KEYS}
    ),
}


def wrong_shape_rows(base: dict, says: str = "the answer holds") -> dict:
    return {name: Bad(base, says, fault) for name, fault in WRONG_SHAPES.items()}


@dataclass(frozen=True)
class Bad:
    """A row: the arguments (over the table's base; UNSET takes one away), a substring of the
    message that says what is wrong, and the server ``api_url`` points to when it is not the
    simulator."""

    args: dict
    says: str
    fault: Fault | None = None


def connection_rows(**base) -> dict:
    """The rows every module's table has: the connection options, and the broken servers (the
    module run with the table's base arguments, and ``base``)."""
    return {
        "timeout 0": Bad({"timeout": 0}, "timeout must be a positive integer, got 0"),
        "negative timeout": Bad({"timeout": -5}, "timeout must be a positive integer, got -5"),
        "timeout a float": Bad({"timeout": 2.5}, "argument 'timeout' is of type float"),
        "validate_certs not a boolean": Bad(
            {"validate_certs": "maybe"}, "argument 'validate_certs' is of type str"
        ),
        "blank api_token": Bad({"api_token": "   "}, "api_token must not be empty"),
        "empty api_token": Bad({"api_token": ""}, "no DigitalOcean API token"),
        "api_token with a newline": Bad(
            {"api_token": TOKEN + "\n"}, "api_token must be one line, without line breaks"
        ),
        "api_token a list": Bad({"api_token": [TOKEN]}, "api_token must be a string, got a list"),
        "empty api_url": Bad({"api_url": ""}, "api_url must be an http(s) URL, got ''"),
        "plain http to a remote host": Bad(
            {"api_url": "http://api.example.com/v2"}, "uses plain http:// to a non-loopback host"
        ),
        "api answers HTML": Bad(base, "returned 200: the response is not JSON", HTML),
        "api answers a 200 that is not JSON": Bad(
            base, "returned 200: the response is not JSON", INVALID_JSON
        ),
        "closed port": Bad(base, "Connection refused", CLOSED),
        "port that never answers": Bad({**base, "timeout": 1}, "Read timed out", SILENT),
        **wrong_shape_rows(base),
    }


DROPLET_SNAPSHOT = {
    # wrong types
    "droplet_id a string": Bad({"droplet_id": "web-1"}, "argument 'droplet_id' is of type str"),
    "name a list": Bad({"name": ["nightly"]}, "name must be a string, got a list"),
    "copy_to_regions a list of lists": Bad(
        {"copy_to_regions": [["ams3"]]}, "copy_to_regions must be a list of strings"
    ),
    "power_off not a boolean": Bad(
        {"power_off": "sometimes"}, "argument 'power_off' is of type str"
    ),
    "wait_timeout a string": Bad({"wait_timeout": "1h"}, "argument 'wait_timeout' is of type str"),
    # out of range
    "droplet_id 0": Bad({"droplet_id": 0}, "droplet_id must be a positive integer, got 0"),
    "negative droplet_id": Bad({"droplet_id": -3}, "droplet_id must be a positive integer, got -3"),
    "keep 0": Bad({"keep": 0, "keep_prefix": "nightly-"}, "keep must be a positive integer, got 0"),
    "negative shutdown_timeout": Bad(
        {"shutdown_timeout": -1}, "shutdown_timeout must be 0 or more, got -1"
    ),
    "negative wait_timeout": Bad({"wait_timeout": -5}, "wait_timeout must be 0 or more, got -5"),
    # a wait too short for the plan: it would force the Droplet off and leave it so
    "wait_timeout 0": Bad(
        {"wait_timeout": 0},
        "wait_timeout (0 s) must be more than shutdown_timeout (120 s): the rest of the task "
        "comes after the graceful shutdown",
    ),
    "wait_timeout 0 without a graceful shutdown": Bad(
        {"wait_timeout": 0, "shutdown_timeout": 0},
        "wait_timeout (0 s) must be more than shutdown_timeout (0 s)",
    ),
    "wait_timeout equal to shutdown_timeout": Bad(
        {"wait_timeout": 60, "shutdown_timeout": 60},
        "wait_timeout (60 s) must be more than shutdown_timeout (60 s)",
    ),
    "poll_interval 0": Bad({"poll_interval": 0}, "poll_interval must be more than 0, got 0.0"),
    "negative poll_interval": Bad(
        {"poll_interval": -1}, "poll_interval must be more than 0, got -1.0"
    ),
    # empty and blank strings
    "blank name": Bad({"name": " "}, "name must not be empty"),
    "empty droplet_name": Bad(
        {"droplet_id": UNSET, "droplet_name": ""}, "droplet_name must not be empty"
    ),
    "blank droplet_name": Bad(
        {"droplet_id": UNSET, "droplet_name": "   "}, "droplet_name must not be empty"
    ),
    "blank keep_prefix": Bad({"keep": 3, "keep_prefix": "  "}, "keep_prefix must not be empty"),
    "empty region to copy to": Bad(
        {"copy_to_regions": ["ams3", ""]}, "copy_to_regions must not hold an empty region"
    ),
    "blank region to copy to": Bad(
        {"copy_to_regions": [" "]}, "copy_to_regions must not hold an empty region"
    ),
    # long and two-line names
    "300-character droplet_name": Bad(
        {"droplet_id": UNSET, "droplet_name": LONG_NAME},
        "droplet_name is 300 characters long; DigitalOcean allows at most 255",
    ),
    "droplet_name with a newline": Bad(
        {"droplet_id": UNSET, "droplet_name": "web-1\n"}, "droplet_name must be one line"
    ),
    "name with a newline": Bad({"name": "nightly\nweekly"}, "name must be one line"),
    "keep_prefix with a tab": Bad(
        {"keep": 3, "keep_prefix": "nightly-\t"}, "keep_prefix must be one line"
    ),
    # conflicting or missing options
    "droplet_id and droplet_name": Bad(
        {"droplet_name": "web-1"}, "parameters are mutually exclusive: droplet_id|droplet_name"
    ),
    "neither droplet_id nor droplet_name": Bad(
        {"droplet_id": UNSET}, "one of the following is required: droplet_id, droplet_name"
    ),
    "keep without keep_prefix": Bad(
        {"keep": 3}, "parameters are required together: keep, keep_prefix"
    ),
    "keep with a null keep_prefix": Bad(
        {"keep": 3, "keep_prefix": None}, "keep and keep_prefix go together: set both or neither"
    ),
    "state present without name": Bad(
        {"name": UNSET}, "state is present but all of the following are missing: name"
    ),
    "state absent without name or keep": Bad(
        {"name": UNSET, "state": "absent"}, "state=absent needs name, or keep and keep_prefix"
    ),
    "unknown state": Bad({"state": "gone"}, "value of state must be one of: present, absent"),
    "unknown option": Bad({"snapshot_name": "x"}, "Unsupported parameters"),
    **connection_rows(),
    # a fault midway: the Droplet is read from the simulator, its snapshots are not
    "snapshot list answers HTML": Bad(
        {},
        "/snapshots?per_page=200 returned 200: the response is not JSON",
        Fault(HTML_PAGE, "text/html", midway="/snapshots"),
    ),
    "snapshot list never answers": Bad(
        {"timeout": 1},
        "/snapshots?per_page=200 failed: ReadTimeout",
        Fault(hang=True, midway="/snapshots"),
    ),
}


def droplet_rows() -> dict:
    """The rows of every module that acts on one Droplet: which Droplet, and the wait options."""
    return {
        "droplet_id a string": Bad({"droplet_id": "web-1"}, "argument 'droplet_id' is of type str"),
        "droplet_id 0": Bad({"droplet_id": 0}, "droplet_id must be a positive integer, got 0"),
        "droplet_id and droplet_name": Bad(
            {"droplet_name": "web-1"}, "parameters are mutually exclusive: droplet_id|droplet_name"
        ),
        "neither droplet_id nor droplet_name": Bad(
            {"droplet_id": UNSET}, "one of the following is required: droplet_id, droplet_name"
        ),
        "blank droplet_name": Bad(
            {"droplet_id": UNSET, "droplet_name": "  "}, "droplet_name must not be empty"
        ),
        "droplet_name with a newline": Bad(
            {"droplet_id": UNSET, "droplet_name": "web-1\n"}, "droplet_name must be one line"
        ),
        "300-character droplet_name": Bad(
            {"droplet_id": UNSET, "droplet_name": LONG_NAME},
            "droplet_name is 300 characters long; DigitalOcean allows at most 255",
        ),
        "negative wait_timeout": Bad(
            {"wait_timeout": -5}, "wait_timeout must be 0 or more, got -5"
        ),
        "poll_interval 0": Bad({"poll_interval": 0}, "poll_interval must be more than 0, got 0.0"),
        "wait not a boolean": Bad({"wait": "later"}, "argument 'wait' is of type str"),
        "unknown option": Bad({"name": "x"}, "Unsupported parameters"),
        **connection_rows(),
    }


def power_cycle_rows() -> dict:
    """The rows of every module that powers the Droplet off for its work."""
    return {
        "negative shutdown_timeout": Bad(
            {"shutdown_timeout": -1}, "shutdown_timeout must be 0 or more, got -1"
        ),
        "wait_timeout 0": Bad(
            {"wait_timeout": 0}, "wait_timeout (0 s) must be more than shutdown_timeout (120 s)"
        ),
        "wait_timeout equal to shutdown_timeout": Bad(
            {"wait_timeout": 30, "shutdown_timeout": 30},
            "wait_timeout (30 s) must be more than shutdown_timeout (30 s)",
        ),
        "restore_power not a boolean": Bad(
            {"restore_power": "perhaps"}, "argument 'restore_power' is of type str"
        ),
        "power_tag not a boolean": Bad({"power_tag": "x"}, "argument 'power_tag' is of type str"),
    }


DROPLET_POWER = {
    **droplet_rows(),
    "no state": Bad({"state": UNSET}, "missing required arguments: state"),
    "unknown state": Bad({"state": "sleeping"}, "value of state must be one of: active, off,"),
    "state a list": Bad({"state": ["off"]}, "value of state must be one of"),
    "negative shutdown_timeout": Bad(
        {"shutdown_timeout": -1}, "shutdown_timeout must be 0 or more, got -1"
    ),
    "off with wait_timeout 0": Bad(
        {"wait_timeout": 0}, "wait_timeout (0 s) must be more than shutdown_timeout (120 s)"
    ),
}

DROPLET_RESIZE = {
    **droplet_rows(),
    **power_cycle_rows(),
    "no size": Bad({"size": UNSET}, "missing required arguments: size"),
    "blank size": Bad({"size": "  "}, "size must not be empty"),
    "size a list": Bad({"size": ["s-2vcpu-4gb"]}, "size must be a string, got a list"),
    "size with a newline": Bad({"size": "s-2vcpu-4gb\n"}, "size must be one line"),
    "disk not a boolean": Bad({"disk": "bigger"}, "argument 'disk' is of type str"),
}

DROPLET_REBUILD = {
    **droplet_rows(),
    "no image": Bad({"image": UNSET}, "missing required arguments: image"),
    "empty image": Bad({"image": ""}, "image must not be empty"),
    "image a dict": Bad({"image": {"id": 1}}, "image must be a string, got a dict"),
    "image with a newline": Bad({"image": "base\nother"}, "image must be one line"),
    "force not a boolean": Bad({"force": "yes please"}, "argument 'force' is of type str"),
}

DROPLET_INFO = {
    "id a string": Bad({"id": "one"}, "argument 'id' is of type str"),
    "id a list": Bad({"id": [1]}, "argument 'id' is of type list"),
    "name a list": Bad({"name": ["web-1"]}, "name must be a string, got a list"),
    "tag_name a dict": Bad({"tag_name": {"web": 1}}, "tag_name must be a string, got a dict"),
    "id 0": Bad({"id": 0}, "id must be a positive integer, got 0"),
    "negative id": Bad({"id": -7}, "id must be a positive integer, got -7"),
    "empty name": Bad({"name": ""}, "name must not be empty"),
    "blank name": Bad({"name": "  "}, "name must not be empty"),
    "empty tag_name": Bad({"tag_name": ""}, "tag_name must not be empty"),
    "300-character name": Bad(
        {"name": LONG_NAME}, "name is 300 characters long; DigitalOcean allows at most 255"
    ),
    "name with a newline": Bad({"name": "web-1\n"}, "name must be one line"),
    "300-character tag_name": Bad(
        {"tag_name": "t" * 300}, "tag_name is 300 characters long; DigitalOcean allows at most 255"
    ),
    "tag_name with a newline": Bad({"tag_name": "web\nprod"}, "tag_name must be one line"),
    "id and name": Bad({"id": 1, "name": "web-1"}, "mutually exclusive: id|name|tag_name"),
    "name and tag_name": Bad({"name": "web-1", "tag_name": "web"}, "mutually exclusive"),
    **connection_rows(),
    "one droplet answers HTML": Bad({"id": 1}, "GET /droplets/1 returned 200: the response", HTML),
}

SNAPSHOT_INFO = {
    "droplet_id a string": Bad({"droplet_id": "web-1"}, "argument 'droplet_id' is of type str"),
    "name a list": Bad({"name": ["nightly"]}, "name must be a string, got a list"),
    "price a string": Bad(
        {"price_per_gb_month": "cheap"}, "argument 'price_per_gb_month' is of type str"
    ),
    "droplet_id 0": Bad({"droplet_id": 0}, "droplet_id must be a positive integer, got 0"),
    "negative droplet_id": Bad({"droplet_id": -1}, "droplet_id must be a positive integer"),
    "negative price": Bad(
        {"price_per_gb_month": -1}, "price_per_gb_month must be 0 or more, got -1.0"
    ),
    "older_than not an age": Bad({"older_than": "7 days"}, "older_than: '7 days' is not an age"),
    "negative older_than": Bad({"older_than": "-7d"}, "older_than: '-7d' is not an age"),
    "blank older_than": Bad({"older_than": " "}, "older_than must not be empty"),
    "empty region": Bad({"region": ""}, "region must not be empty"),
    "blank name_prefix": Bad({"name_prefix": "  "}, "name_prefix must not be empty"),
    "300-character droplet_name": Bad(
        {"droplet_name": LONG_NAME},
        "droplet_name is 300 characters long; DigitalOcean allows at most 255",
    ),
    "droplet_name with a newline": Bad(
        {"droplet_name": "web-1\r\n"}, "droplet_name must be one line"
    ),
    "name with a newline": Bad({"name": "nightly\n"}, "name must be one line"),
    "unknown resource_type": Bad(
        {"resource_type": "image"}, "value of resource_type must be one of: droplet, volume"
    ),
    "droplet_id and droplet_name": Bad(
        {"droplet_id": 1, "droplet_name": "web-1"}, "mutually exclusive: droplet_id|droplet_name"
    ),
    **connection_rows(),
    "droplet's snapshots answer a 200 that is not JSON": Bad(
        {"droplet_id": 1}, "GET /droplets/1/snapshots?per_page=200 returned 200", INVALID_JSON
    ),
}

ACTION_INFO = {
    "id a string": Bad({"id": "latest"}, "argument 'id' is of type str"),
    "limit a string": Bad({"limit": "all"}, "argument 'limit' is of type str"),
    "type a list": Bad({"type": ["snapshot"]}, "type must be a string, got a list"),
    "wait not a boolean": Bad({"id": 1, "wait": "please"}, "argument 'wait' is of type str"),
    "id 0": Bad({"id": 0}, "id must be a positive integer, got 0"),
    "negative droplet_id": Bad({"droplet_id": -1}, "droplet_id must be a positive integer"),
    "resource_id 0": Bad({"resource_id": 0}, "resource_id must be a positive integer, got 0"),
    "negative limit": Bad({"limit": -1}, "limit must be 0 (no limit) or more, got -1"),
    "negative wait_timeout": Bad(
        {"id": 1, "wait": True, "wait_timeout": -1}, "wait_timeout must be 0 or more, got -1"
    ),
    "poll_interval 0": Bad(
        {"id": 1, "wait": True, "poll_interval": 0}, "poll_interval must be more than 0"
    ),
    "empty type": Bad({"type": ""}, "type must not be empty"),
    "blank resource_type": Bad({"resource_type": "  "}, "resource_type must not be empty"),
    "type with a newline": Bad({"type": "snapshot\n"}, "type must be one line"),
    "unknown status": Bad({"status": "done"}, "value of status must be one of: in-progress"),
    "wait without id": Bad({"wait": True}, "wait is True but all of the following are missing: id"),
    **connection_rows(id=1),
    "action without any field": Bad(
        {"id": 1},
        "GET /actions/1 failed: the answer holds an Action without a valid id, status, type",
        answering({"action": {}}),
    ),
    "action with an id alone": Bad(
        {"id": 1},
        "GET /actions/1 failed: the answer holds an Action without a valid status, type",
        answering({"action": {"id": 1}}),
    ),
    "action with an id alone, waited for": Bad(
        {"id": 1, "wait": True, "poll_interval": 0.05},
        "the answer holds an Action without a valid status, type",
        answering({"action": {"id": 1}}),
    ),
    "action with an unknown status": Bad(
        {"id": 1, "wait": True},
        "the answer holds an Action without a valid status",
        answering({"action": {"id": 1, "type": "snapshot", "status": "done"}}),
    ),
    "answer without an action": Bad({"id": 1}, "the answer holds no Action", answering({})),
    "droplet's action as null": Bad(
        {"id": 1, "droplet_id": 2},
        "GET /droplets/2/actions/1 failed: the answer holds no Action",
        answering({"action": None}),
    ),
    "listed action without status": Bad(
        {},
        "GET /actions failed: the answer holds an Action without a valid status, type",
        answering({"actions": [{"id": 1}]}),
    ),
    "listed actions not a list": Bad(
        {"droplet_id": 2},
        "failed: the answer holds no actions list",
        answering({"actions": "in-progress"}),
    ),
}

INVENTORY = {
    "tag_name a list": Bad({"tag_name": ["web"]}, "Config 'tag_name'"),
    "timeout a string": Bad({"timeout": "soon"}, "Config 'timeout'"),
    "validate_certs not a boolean": Bad(
        {"validate_certs": "maybe"}, "validate_certs must be a boolean, got 'maybe'"
    ),
    "unknown status": Bad({"status": ["on"]}, "for config 'status'"),
    "unknown hostname": Bad({"hostname": "ip"}, "for config 'hostname'"),
    "timeout 0": Bad({"timeout": 0}, "timeout must be a positive integer, got 0"),
    "negative timeout": Bad({"timeout": -1}, "timeout must be a positive integer, got -1"),
    "empty tag_name": Bad({"tag_name": ""}, "tag_name must not be empty"),
    "blank tag_name": Bad({"tag_name": "  "}, "tag_name must not be empty"),
    "blank api_token": Bad({"api_token": "  "}, "api_token must not be empty"),
    "empty api_url": Bad({"api_url": ""}, "api_url must be an http(s) URL, got ''"),
    "plain http to a remote host": Bad(
        {"api_url": "http://api.example.com/v2"}, "uses plain http:// to a non-loopback host"
    ),
    "300-character tag_name": Bad(
        {"tag_name": "t" * 300}, "tag_name is 300 characters long; DigitalOcean allows at most 255"
    ),
    "tag_name with a newline": Bad({"tag_name": "web\n"}, "tag_name must be one line"),
    "api_token with a newline": Bad({"api_token": TOKEN + "\n"}, "api_token must be one line"),
    "empty name pattern": Bad({"name_pattern": ["web-*", ""]}, "name_pattern must not hold an"),
    "name pattern not a regex": Bad({"name_pattern": "~(web"}, "'~(web' is not a valid regex"),
    "api answers HTML": Bad({}, "returned 200: the response is not JSON", HTML),
    "api answers a 200 that is not JSON": Bad({}, "the response is not JSON", INVALID_JSON),
    "closed port": Bad({}, "Connection refused", CLOSED),
    "port that never answers": Bad({"timeout": 1}, "Read timed out", SILENT),
    **wrong_shape_rows({}),
}


# -- running a row ---------------------------------------------------------------------------------


class AnsibleExitJson(Exception):
    pass


class AnsibleFailJson(Exception):
    pass


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    """``exit_json`` and ``fail_json`` raise, with the result."""

    def exit_json(self, **result):
        raise AnsibleExitJson(result)

    def fail_json(self, msg, **result):
        raise AnsibleFailJson(dict(result, failed=True, msg=msg))

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


@pytest.fixture(scope="module")
def bad_api(simulator_process):
    """The server a row's ``api_url`` points to; it passes what it does not break to the
    simulator."""
    with BadServer(upstream=simulator_process.url) as server:
        yield server


@pytest.fixture
def api_url(monkeypatch, bad_api, sim):
    """``api_url(row)``: the URL the row runs against, its server set up. The client retries
    without sleeping, and gives up after one attempt on a server that never answers."""

    def url(row: Bad) -> str:
        fault = row.fault
        attempts = {"attempts": 1} if fault is not None and fault.hang else {}
        policy = functools.partial(_api.RetryPolicy, sleep=lambda _seconds: None, **attempts)
        monkeypatch.setattr(_api, "RetryPolicy", policy)
        bad_api.answer("")
        if fault is None:
            return sim.url
        if fault.closed:
            return f"http://127.0.0.1:{closed_port()}/v2"
        bad_api.answer(
            fault.body, content_type=fault.content_type, hang=fault.hang, broken=fault.midway or ""
        )
        return bad_api.url

    return url


def run_module(module, args: dict) -> dict:
    """The module's failure (an exception that escapes it fails the test)."""
    with patch_module_args(args):
        try:
            module.main()
        except AnsibleFailJson as failed:
            return failed.args[0]
        except AnsibleExitJson as exited:
            pytest.fail(f"the module did not fail: {exited.args[0]}")
    pytest.fail("the module neither failed nor exited")


def assert_one_clear_line(message: str, says: str, everything: str) -> None:
    """``message`` is one line that says ``says``; ``everything`` the module or plugin showed
    holds no traceback and never the token."""
    assert says in message
    assert "\n" not in message and "\r" not in message, message
    assert "Traceback" not in everything
    assert TOKEN not in everything


def assert_nothing_changed_anywhere(sim, bad_api: BadServer, row: Bad) -> None:
    """No request that could change something reached a server; none at all for a row refused
    on its options alone, nor the simulator when the whole API is broken."""
    assert mutating(sim) == []
    assert bad_api.mutating() == []
    if row.fault is None or row.fault.midway is None:
        assert api_requests(sim) == []
    if row.fault is not None and not row.fault.closed:
        assert bad_api.requests, "the row never reached its broken server"


def check_module(module, base: dict, row: Bad, url: str, sim, bad_api: BadServer) -> None:
    args = {"api_token": TOKEN, "api_url": url, **base, **row.args}
    result = run_module(module, {k: v for k, v in args.items() if v != UNSET})
    assert "exception" not in result
    assert_one_clear_line(result["msg"], row.says, json.dumps(result))
    assert_nothing_changed_anywhere(sim, bad_api, row)


# -- the tables, one test each ---------------------------------------------------------------------


@pytest.mark.parametrize("row", DROPLET_SNAPSHOT.values(), ids=DROPLET_SNAPSHOT.keys())
def test_droplet_snapshot(row, sim, api_url, bad_api):
    """Against an active Droplet with a snapshot: had a row got through, the simulator would show
    its shutdown, tag or snapshot."""
    (droplet_id,) = seed(sim, {"name": "web-1", "status": "active", "snapshots": ["weekly"]})
    base = {"droplet_id": droplet_id, "name": "nightly"}
    check_module(droplet_snapshot, base, row, api_url(row), sim, bad_api)
    assert droplet(sim, droplet_id)["status"] == "active"
    assert [s["name"] for s in snapshots(sim, droplet_id)] == ["weekly"]


@pytest.mark.parametrize(
    ("module", "base", "row"),
    [
        *((droplet_power, {"state": "off"}, row) for row in DROPLET_POWER.values()),
        *((droplet_resize, {"size": "s-2vcpu-4gb"}, row) for row in DROPLET_RESIZE.values()),
        *(
            (droplet_rebuild, {"image": "ubuntu-24-04-x64"}, row)
            for row in DROPLET_REBUILD.values()
        ),
    ],
    ids=[
        *(f"droplet_power-{name}" for name in DROPLET_POWER),
        *(f"droplet_resize-{name}" for name in DROPLET_RESIZE),
        *(f"droplet_rebuild-{name}" for name in DROPLET_REBUILD),
    ],
)
def test_droplet_maintenance_modules(module, base, row, sim, api_url, bad_api):
    """Against an active Droplet: had a row got through, the simulator would show its Action."""
    (droplet_id,) = seed(sim, {"name": "web-1", "status": "active"})
    check_module(module, {"droplet_id": droplet_id, **base}, row, api_url(row), sim, bad_api)
    assert droplet(sim, droplet_id)["status"] == "active"


@pytest.mark.parametrize("row", DROPLET_INFO.values(), ids=DROPLET_INFO.keys())
def test_droplet_info(row, sim, api_url, bad_api):
    check_module(droplet_info, {}, row, api_url(row), sim, bad_api)


@pytest.mark.parametrize("row", SNAPSHOT_INFO.values(), ids=SNAPSHOT_INFO.keys())
def test_snapshot_info(row, sim, api_url, bad_api):
    check_module(snapshot_info, {}, row, api_url(row), sim, bad_api)


@pytest.mark.parametrize("row", ACTION_INFO.values(), ids=ACTION_INFO.keys())
def test_action_info(row, sim, api_url, bad_api):
    check_module(action_info, {}, row, api_url(row), sim, bad_api)


@pytest.fixture
def inventory_failures(monkeypatch) -> list:
    """What each inventory plugin that tried a source raised, as ansible-core reports it."""
    from ansible.inventory import manager

    failures: list = []

    def error_as_warning(msg, exception, **_kwargs):
        failures.append((msg, exception))

    monkeypatch.setattr(manager.display, "error_as_warning", error_as_warning)
    return failures


@pytest.mark.parametrize("row", INVENTORY.values(), ids=INVENTORY.keys())
def test_inventory_plugin(row, sim, tmp_path, api_url, bad_api, inventory_failures):
    """Against an account with a Droplet: had a row got through, it would be a host."""
    sim.reset(droplets=[{"name": "web-1", "tags": ["web"]}])
    config = {"api_url": api_url(row), "api_token": TOKEN, **row.args}
    listing = Inventory(sim, tmp_path).parse(config)
    assert listing.hosts == []
    # The auto plugin reads the file for this one; ansible-core's own plugins refuse it too.
    (error,) = [e for msg, e in inventory_failures if "'auto'" in msg]
    assert isinstance(error, AnsibleError)
    # ansible-core wraps what escaped the plugin in an AnsibleError saying only what it said.
    cause = error.__cause__
    assert cause is None or str(error) != str(cause), repr(cause)
    assert_one_clear_line(str(error), row.says, str(error) + repr(cause))
    assert_nothing_changed_anywhere(sim, bad_api, row)


# -- a server that never answers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("silent", "timeout", "wait_timeout"),
    [("", 3, 5), ("/snapshots", 2, 4)],
    ids=["every request", "the snapshot list"],
)
def test_a_server_that_never_answers_holds_a_task_no_longer_than_wait_timeout(
    sim, bad_api, silent, timeout, wait_timeout
):
    """With the retry policy as users have it (6 attempts, backoff): each request's timeout is cut
    to the time left, and nothing is retried after it: wait_timeout and one timeout at most."""
    # The Droplet has a snapshot: its list is read first, before anything changes.
    (droplet_id,) = seed(sim, {"name": "web-1", "snapshots": ["weekly"]})
    bad_api.answer("", hang=True, broken=silent)
    args = {
        "api_token": TOKEN,
        "api_url": bad_api.url,
        "droplet_id": droplet_id,
        "name": "nightly",
        "timeout": timeout,
        "wait_timeout": wait_timeout,
        "shutdown_timeout": 0,
    }
    began = time.monotonic()
    result = run_module(droplet_snapshot, args)
    elapsed = time.monotonic() - began
    assert elapsed <= wait_timeout + timeout + 1.0, elapsed
    assert_one_clear_line(result["msg"], "timed out", json.dumps(result))
    assert "no time left" in result["msg"]
    assert mutating(sim) == [] and bad_api.mutating() == []
