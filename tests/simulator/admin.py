"""The admin API under /_sim/: how tests, benchmarks and the demo set up and watch the simulator.

No auth, JSON in and out, never counted in the request log or the rate limits::

    POST   /_sim/reset     {"droplets": [seed, ...], "settings": {...}}  -> the new state
    GET    /_sim/settings                                                -> the settings
    PUT    /_sim/settings  {...}  (merged into the current settings)     -> the settings
    GET    /_sim/faults                                                  -> the active rules
    POST   /_sim/faults    rule | [rule, ...]                            -> the active rules
    DELETE /_sim/faults                                                  -> 204
    GET    /_sim/requests                                                -> the request log
    DELETE /_sim/requests                                                -> 204
    GET    /_sim/state     -> droplets, actions, snapshots, volumes, volume_snapshots, tags

A reset empties everything (Droplets, Actions, images, volumes, faults, the request log, the
rate-limit windows, the id counters and UUID sequence) and restores the settings the server started
with, before merging the body's. A Droplet seed takes ``name``, ``region``, ``size`` (one offered
in the region), ``disk`` (GB: the size's, unless a CPU/RAM-only resize left it smaller, so at most
the size's), ``image`` (slug or id), ``status`` (``active``, ``off``, ``archive``, or ``new``,
which runs a ``create`` Action), ``tags``, ``id``, ``backups``, ``ipv6``, and for the simulation:
``shutdown_fails`` (its shutdowns complete but it stays on), ``create_errors`` (with ``new``: its
``create`` ends ``errored``, and it stays ``new``, unlocked), ``action_durations`` (its own seconds
per action type), ``snapshots`` (the snapshots it already has: names, or ``{"name": ...,
"age": seconds}``) and ``volumes``, created in its region and attached to it without an Action::

    {"name": "db-1", "volumes": [{"name": "data-1", "size_gigabytes": 100,
                                  "snapshots": ["nightly", {"name": "weekly", "age": 86400}]}]}

A volume seed takes ``name`` (required), ``size_gigabytes`` (default 100), ``description``,
``tags``, ``filesystem_type``, ``filesystem_label`` and ``snapshots`` (as a Droplet's), and follows
the API's rules (name, size, one name per region, 25 snapshots, 15 volumes per Droplet). Seeded
``tags`` must be valid tag names, and exist as tags afterwards, as if the API had created them. A
bad request is a 400 and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import catalog, errors
from .faults import FaultRule
from .routing import Router
from .settings import durations
from .state import MAX_VOLUMES_PER_DROPLET, valid_tag_name
from .wire import Request, Response, no_content, ok

if TYPE_CHECKING:
    from .app import Simulator

router = Router()

_SEED_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": int,
    "name": str,
    "region": str,
    "size": str,
    "disk": int,
    "image": (str, int),
    "status": str,
    "tags": list,
    "backups": bool,
    "ipv6": bool,
    "shutdown_fails": bool,
    "create_errors": bool,
    "action_durations": dict,
    "snapshots": list,
    "volumes": list,
}
_VOLUME_SEED_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "size_gigabytes": int,
    "description": str,
    "tags": list,
    "filesystem_type": str,
    "filesystem_label": str,
    "snapshots": list,
}


def _typed(spec: Any, types: Mapping[str, type | tuple[type, ...]], what: str) -> dict[str, Any]:
    """A copy of ``spec``, a JSON object whose keys are all in ``types`` and of those JSON types,
    else ValueError; ``what`` names the seed in the message."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"each {what} seed must be a JSON object")
    for key, value in spec.items():
        kind = types.get(key)
        if kind is None:
            raise ValueError(f"unknown {what} seed key: {key}")
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ValueError(f"{what} seed key {key} has the wrong type: {value!r}")
    if not all(isinstance(item, str) for item in spec.get("tags", [])):
        raise ValueError("tags must be a list of strings")
    for item in spec.get("tags", []):
        if not valid_tag_name(item):
            raise ValueError(
                f"invalid tag name {item!r}: letters, numbers, colons, dashes and underscores, "
                "255 at most"
            )
    return dict(spec)


def seed_droplet(spec: Any, number: int) -> dict[str, Any]:
    """The keyword arguments of :meth:`World.add_droplet` (plus ``snapshots`` and ``volumes``) for
    one seed; ValueError says what is wrong. ``number`` names Droplets that have no name."""
    seed = _typed(spec, _SEED_TYPES, "Droplet")
    seed.setdefault("name", f"droplet-{number:02d}")
    if seed.get("region", catalog.DEFAULT_REGION) not in catalog.REGIONS:
        raise ValueError(f"unknown region {seed['region']!r}; known: {sorted(catalog.REGIONS)}")
    size = seed.get("size", catalog.DEFAULT_SIZE)
    region = seed.get("region", catalog.DEFAULT_REGION)
    if size not in catalog.SIZES:
        raise ValueError(f"unknown size {size!r}; known: {sorted(catalog.SIZES)}")
    if region not in catalog.SIZES[size]["regions"]:
        raise ValueError(f"size {size!r} is not offered in {region}")
    if not 1 <= seed.get("disk", 1) <= catalog.SIZES[size]["disk"]:
        raise ValueError(
            f"disk must be from 1 to {catalog.SIZES[size]['disk']} GB, the disk of {size}"
        )
    if seed.get("status", "active") not in ("active", "off", "archive", "new"):
        raise ValueError("status must be active, off, archive or new")
    if "image" in seed:
        seed["image"] = catalog.public_image(seed["image"])
        if seed["image"] is None:
            raise ValueError(f"unknown public image {spec['image']!r}")
    seed["snapshots"] = [_snapshot_seed(item) for item in seed.get("snapshots", [])]
    seed["volumes"] = [_volume_seed(item) for item in seed.get("volumes", [])]
    if len(seed["volumes"]) > MAX_VOLUMES_PER_DROPLET:
        raise ValueError(f"a Droplet takes at most {MAX_VOLUMES_PER_DROPLET} volumes")
    if "action_durations" in seed:
        seed["action_durations"] = durations(seed["action_durations"])
    if "id" in seed:
        seed["droplet_id"] = seed.pop("id")
        if seed["droplet_id"] < 1:
            raise ValueError("a Droplet id must be positive")
    return seed


def _volume_seed(spec: Any) -> dict[str, Any]:
    """The keyword arguments of :meth:`World.add_volume` but the region (the Droplet's), plus
    ``snapshots`` as ``(name, age)`` pairs. The API's own rules are checked when it is created."""
    seed = _typed(spec, _VOLUME_SEED_TYPES, "volume")
    if "name" not in seed:
        raise ValueError("each volume seed needs a name")
    seed.setdefault("size_gigabytes", 100)
    seed["snapshots"] = [_snapshot_seed(item) for item in seed.get("snapshots", [])]
    return seed


def _snapshot_seed(item: Any) -> tuple[str, float]:
    """A snapshot seed, a name or ``{"name": ..., "age": seconds before the reset}``, as
    ``(name, age)``."""
    if isinstance(item, str):
        return item, 0.0
    if (
        isinstance(item, Mapping)
        and set(item) <= {"name", "age"}
        and isinstance(item.get("name"), str)
        and isinstance(item.get("age", 0), (int, float))
        and not isinstance(item.get("age", 0), bool)
        and item.get("age", 0) >= 0
    ):
        return item["name"], float(item.get("age", 0))
    raise ValueError(f'a snapshot seed is a name or {{"name": ..., "age": seconds}}, got {item!r}')


def _invalid(error: ValueError) -> errors.ApiError:
    return errors.bad_request(str(error))


@router.route("POST", "/_sim/reset")
def reset(sim: Simulator, request: Request) -> Response:
    body = request.json or {}
    if not isinstance(body, Mapping) or set(body) - {"droplets", "settings"}:
        raise errors.bad_request('the body must be {"droplets": [...], "settings": {...}}')
    try:
        sim.reset(droplets=body.get("droplets") or [], settings=body.get("settings") or {})
    except ValueError as error:
        raise _invalid(error) from None
    return ok(sim.state(request.base_url))


@router.route("GET", "/_sim/settings")
def get_settings(sim: Simulator, request: Request) -> Response:
    return ok(sim.world.settings.to_json())


@router.route("PUT", "/_sim/settings")
def put_settings(sim: Simulator, request: Request) -> Response:
    try:
        sim.world.settings = sim.world.settings.merged(request.json)
    except ValueError as error:
        raise _invalid(error) from None
    return ok(sim.world.settings.to_json())


@router.route("GET", "/_sim/faults")
def get_faults(sim: Simulator, request: Request) -> Response:
    return ok(sim.faults.to_json())


@router.route("POST", "/_sim/faults")
def add_faults(sim: Simulator, request: Request) -> Response:
    body = request.json
    try:
        rules = [FaultRule.parse(spec) for spec in (body if isinstance(body, list) else [body])]
    except ValueError as error:
        raise _invalid(error) from None
    sim.faults.add(rules)
    return ok(sim.faults.to_json())


@router.route("DELETE", "/_sim/faults")
def clear_faults(sim: Simulator, request: Request) -> Response:
    sim.faults.clear()
    return no_content()


@router.route("GET", "/_sim/requests")
def get_requests(sim: Simulator, request: Request) -> Response:
    return ok(sim.log.to_json())


@router.route("DELETE", "/_sim/requests")
def clear_requests(sim: Simulator, request: Request) -> Response:
    sim.log.clear()
    return no_content()


@router.route("GET", "/_sim/state")
def get_state(sim: Simulator, request: Request) -> Response:
    return ok(sim.state(request.base_url))
