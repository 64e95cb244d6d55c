"""The /v2 endpoints: 41 operations of the spec subset, each a small function.

A handler gets the simulator (called under its lock, with the world settled), the request and the
path parameters; it validates everything first, then changes the world, then renders the answer.
Validation failures use the API's wording: 422 "request payload validation failed" for a body of
the wrong shape, or the specific messages the API gives (an invalid size, a pending event, ...).
Creating a volume or a volume snapshot is the exception: those operations declare a 400, which is
what the API's decoder answers for a value of the wrong JSON type (a float ``size_gigabytes``, for
one), so there a wrong type is 400 and only a missing or unacceptable value is 422.

Tags follow the rules in ``state``. Their one odd answer is the spec's: ``POST /v2/tags`` refuses a
name with a 400 in the tags service's own shape (``error``, ``messages``, ``root_causes``, no
``id`` or ``message``). A tagging request (``/v2/tags/{tag}/resources``) is 404 for a tag that
does not exist, then 400 "param is missing or the value is empty: resources" for ``resources``
that are missing, empty or malformed (an integer ``resource_id`` too), then 422 for a resource type
it does not tag or a resource that does not exist. Tag names in paths are case-sensitive and
percent-decoded (``env%3Aprod``).

Firewalls are not modelled: ``GET /v2/firewalls`` lists none, for the clients that read them on
their way to a Droplet (community.digitalocean's ``digital_ocean_droplet`` does, every run).

Not served: the volume operations by name (``DELETE /v2/volumes?name=...``,
``POST /v2/volumes/actions``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import catalog, errors, render
from .pagination import paginate
from .routing import Router
from .state import (
    DROPLET_ACTION_TYPES,
    IMAGE_ACTION_TYPES,
    MAX_TAG_LENGTH,
    TAGGABLE_TYPES,
    VOLUME_ACTION_TYPES,
    Image,
    Tag,
    Volume,
    VolumeSnapshot,
    valid_tag_name,
)
from .wire import Request, Response, no_content, ok

if TYPE_CHECKING:
    from .app import Simulator

router = Router()

# DigitalOcean's hostname rule for Droplet names (droplet_single_create.name in the spec).
_HOSTNAME = re.compile(r"^[a-zA-Z0-9]?[a-z0-9A-Z.\-]*[a-z0-9A-Z]$")
_BAD_HOSTNAME = "Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
_DISTRIBUTIONS = {
    "Arch Linux", "CentOS", "CoreOS", "Debian", "Fedora", "Fedora Atomic", "FreeBSD", "Gentoo",
    "openSUSE", "RancherOS", "Rocky Linux", "Ubuntu", "Unknown",
}  # fmt: skip
_BACKUP_POLICY = {
    "plan": {"daily", "weekly"},
    "weekday": {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"},
    "hour": {0, 4, 8, 12, 16, 20},
}


def _list(request: Request, key: str, items: list, render_item) -> Response:
    url = f"{request.base_url}{request.path}"
    return ok(paginate(key, items, render_item, query=request.query, url=url))


Wrong = Callable[[], errors.ApiError]  # the error for a value of the wrong JSON type


def _object_body(request: Request, wrong: Wrong = errors.unprocessable) -> dict:
    body = request.json
    if not isinstance(body, dict):
        raise wrong()
    return body


def _optional(
    body: dict,
    key: str,
    kind: type | tuple[type, ...],
    default: Any = None,
    wrong: Wrong = errors.unprocessable,
) -> Any:
    """``body[key]`` if it is there and of ``kind`` (``wrong()``, a 422, otherwise), else
    ``default``."""
    if key not in body:
        return default
    value = body[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise wrong()  # JSON true is no integer, whatever Python thinks
    return value


def _string_list(body: dict, key: str, wrong: Wrong = errors.unprocessable) -> list[str]:
    """A list of strings such as ``tags``, which may also be null (the spec's arrays are)."""
    values = _optional(body, key, (list, type(None)), [], wrong) or []
    if not all(isinstance(value, str) for value in values):
        raise wrong()
    return values


def _tags(body: dict, wrong: Wrong = errors.unprocessable) -> list[str]:
    """The ``tags`` a resource is created with (the API creates those that do not exist yet):
    ``wrong()`` if they are not a list of strings, 422 if one is not a valid tag name."""
    tags = _string_list(body, "tags", wrong)
    if not all(valid_tag_name(tag) for tag in tags):
        raise errors.unprocessable(errors.INVALID_TAGS)
    return tags


def _query_choice(request: Request, name: str, choices: set[str]) -> str | None:
    value = request.query.get(name)
    if value is not None and value not in choices:
        raise errors.bad_request(f"invalid value for query parameter {name}: {value!r}")
    return value


# -- account and actions ---------------------------------------------------------------------


@router.route("GET", "/v2/account")
def get_account(sim: Simulator, request: Request) -> Response:
    return ok({"account": catalog.ACCOUNT})


@router.route("GET", "/v2/regions")
def list_regions(sim: Simulator, request: Request) -> Response:
    regions = [catalog.REGIONS[slug] for slug in sorted(catalog.REGIONS)]
    return _list(request, "regions", regions, dict)


@router.route("GET", "/v2/sizes")
def list_sizes(sim: Simulator, request: Request) -> Response:
    """The Basic plans by price, then the others, as DigitalOcean lists them."""
    return _list(request, "sizes", list(catalog.SIZES.values()), dict)


@router.route("GET", "/v2/actions")
def list_actions(sim: Simulator, request: Request) -> Response:
    return _list(request, "actions", sim.world.actions[::-1], render.action)


@router.route("GET", "/v2/actions/{action_id:int}")
def get_action(sim: Simulator, request: Request, action_id: int) -> Response:
    return ok({"action": render.action(sim.world.action(action_id))})


# -- firewalls -------------------------------------------------------------------------------


@router.route("GET", "/v2/firewalls")
def list_firewalls(sim: Simulator, request: Request) -> Response:
    return _list(request, "firewalls", [], dict)


# -- Droplets --------------------------------------------------------------------------------


@router.route("GET", "/v2/droplets")
def list_droplets(sim: Simulator, request: Request) -> Response:
    name, tag = request.query.get("name"), request.query.get("tag_name")
    gpus = _query_choice(request, "type", {"droplets", "gpus"}) == "gpus"
    droplets = [
        d
        for d in sorted(sim.world.droplets.values(), key=lambda d: d.id)
        if not gpus
        and (name is None or d.name.lower() == name.lower())
        and (tag is None or tag in d.tags)
    ]
    return _list(request, "droplets", droplets, render.droplet)


@router.route("POST", "/v2/droplets")
def create_droplets(sim: Simulator, request: Request) -> Response:
    body = _object_body(request)
    if ("name" in body) == ("names" in body):
        raise errors.unprocessable()
    names = [_optional(body, "name", str)] if "name" in body else _string_list(body, "names")
    if not 1 <= len(names) <= 10:
        raise errors.unprocessable()
    if not all(len(name) <= 255 and _HOSTNAME.match(name) for name in names):
        raise errors.unprocessable(_BAD_HOSTNAME)
    region = _optional(body, "region", str, catalog.DEFAULT_REGION)
    if region not in catalog.REGIONS:
        raise errors.unprocessable("You specified an invalid region for Droplet creation.")
    size = _optional(body, "size", str)
    if size not in catalog.SIZES:
        raise errors.unprocessable("You specified an invalid size for Droplet creation.")
    if region not in catalog.SIZES[size]["regions"]:
        raise errors.unprocessable(errors.SIZE_NOT_IN_REGION)
    image = _creation_image(sim, _optional(body, "image", (str, int)))
    tags = _tags(body)
    backups = _optional(body, "backups", bool, False)
    ipv6 = _optional(body, "ipv6", bool, False)

    droplets = [
        sim.world.add_droplet(
            name=name,
            region=region,
            size=size,
            image=image,
            status="new",
            tags=tags,
            backups=backups,
            ipv6=ipv6,
            create_errors=sim.faults.take_errored(
                request.method, request.path, "create", request.bearer_token
            ),
        )
        for name in names
    ]
    links = {
        "actions": [
            {
                "id": d.pending.id,
                "rel": "create",
                "href": f"{request.base_url}/v2/actions/{d.pending.id}",
            }
            for d in droplets
        ]
    }
    if "name" in body:
        return ok({"droplet": render.droplet(droplets[0]), "links": links}, 202)
    return ok({"droplets": [render.droplet(d) for d in droplets], "links": links}, 202)


def _creation_image(sim: Simulator, key: str | int | None) -> dict:
    """The image a new Droplet boots: a public image by slug or id, or the user's own by id."""
    if key is None:
        raise errors.unprocessable("You specified an invalid image for Droplet creation.")
    public = catalog.public_image(key)
    if public:
        return public
    own = sim.world.images.get(key) if isinstance(key, int) else None
    if own is None or own.status != "available":
        raise errors.unprocessable("You specified an invalid image for Droplet creation.")
    return render.image(own)


@router.route("DELETE", "/v2/droplets")
def delete_droplets_by_tag(sim: Simulator, request: Request) -> Response:
    tag = request.query.get("tag_name")
    if not tag:
        raise errors.bad_request("tag_name is required to delete Droplets by tag")
    for droplet in [d for d in sim.world.droplets.values() if tag in d.tags]:
        sim.world.delete_droplet(droplet)
    return _no_content_with_type()


def _no_content_with_type() -> Response:
    response = no_content()
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response


@router.route("GET", "/v2/droplets/{droplet_id:int}")
def get_droplet(sim: Simulator, request: Request, droplet_id: int) -> Response:
    return ok({"droplet": render.droplet(sim.world.droplet(droplet_id))})


@router.route("DELETE", "/v2/droplets/{droplet_id:int}")
def delete_droplet(sim: Simulator, request: Request, droplet_id: int) -> Response:
    sim.world.delete_droplet(sim.world.droplet(droplet_id))
    return _no_content_with_type()


@router.route("GET", "/v2/droplets/{droplet_id:int}/snapshots")
def list_droplet_snapshots(sim: Simulator, request: Request, droplet_id: int) -> Response:
    droplet = sim.world.droplet(droplet_id)
    snapshots = [sim.world.images[i] for i in droplet.snapshot_ids]
    return _list(request, "snapshots", snapshots, render.droplet_snapshot)


# -- Droplet actions -------------------------------------------------------------------------


@router.route("GET", "/v2/droplets/{droplet_id:int}/actions")
def list_droplet_actions(sim: Simulator, request: Request, droplet_id: int) -> Response:
    actions = sim.world.droplet_actions(sim.world.droplet(droplet_id))[::-1]
    return _list(request, "actions", actions, render.action)


@router.route("GET", "/v2/droplets/{droplet_id:int}/actions/{action_id:int}")
def get_droplet_action(sim: Simulator, request: Request, droplet_id: int, action_id: int):
    sim.world.droplet(droplet_id)
    action = sim.world.action(action_id)
    if action.resource_type != "droplet" or action.resource_id != droplet_id:
        raise errors.not_found()
    return ok({"action": render.action(action)})


@router.route("POST", "/v2/droplets/{droplet_id:int}/actions")
def post_droplet_action(sim: Simulator, request: Request, droplet_id: int) -> Response:
    droplet = sim.world.droplet(droplet_id)
    kind, params = _droplet_action_request(sim, _object_body(request))
    sim.world.check_droplet_action(droplet, kind, params)
    will_error = sim.faults.take_errored(request.method, request.path, kind, request.bearer_token)
    action = sim.world.start_droplet_action(droplet, kind, params, will_error)
    return ok({"action": render.action(action)}, 201)


def _droplet_action_request(sim: Simulator, body: dict) -> tuple[str, dict]:
    """The action type and its parameters, checked as the API checks them."""
    kind = _optional(body, "type", str)
    if kind not in DROPLET_ACTION_TYPES:
        raise errors.unprocessable()
    if kind == "resize":
        size = _optional(body, "size", str)
        if not size:
            raise errors.unprocessable(errors.SIZE_BLANK)
        if size not in catalog.SIZES:
            raise errors.unprocessable(errors.INVALID_SIZE)
        return kind, {"size": size, "disk": _optional(body, "disk", bool, False)}
    if kind == "rebuild":
        return kind, {"image": _action_image(sim, _optional(body, "image", (str, int)))}
    if kind == "restore":
        key = _optional(body, "image", int)
        if key is not None and catalog.public_image(key):
            raise errors.unprocessable(errors.NOT_A_BACKUP)
        image = _own_image_by_id(sim, key)
        return kind, {"image": render.image(image), "snapshot_of": image.droplet_id}
    if kind == "snapshot":
        name = _optional(body, "name", str)
        return kind, {"name": name} if name else {}
    if kind == "rename":
        name = _optional(body, "name", str)
        if not name:
            raise errors.unprocessable()
        if len(name) > 255 or not _HOSTNAME.match(name):
            raise errors.unprocessable(_BAD_HOSTNAME)
        return kind, {"name": name}
    if kind == "enable_backups":
        policy = _optional(body, "backup_policy", dict, {})
        for key, value in policy.items():
            if key in _BACKUP_POLICY and value not in _BACKUP_POLICY[key]:
                raise errors.unprocessable()
        return kind, {"backup_policy": policy}
    return kind, {}


def _action_image(sim: Simulator, key: str | int | None) -> dict:
    """The image a ``rebuild`` names, as the Droplet will show it: a public image by id or slug,
    or one of the account's own images by id; 422 if there is none, or it is not available yet
    (a custom image still importing). 422 rather than 404, as for Droplet creation: the image is
    a parameter of the request, not its resource."""
    public = catalog.public_image(key) if key not in (None, "") else None
    if public:
        return public
    return render.image(_own_image_by_id(sim, key))


def _own_image_by_id(sim: Simulator, key: int | str | None) -> Image:
    """One of the account's available images by its integer id, else the API's 422."""
    if key is None or key == "":
        raise errors.unprocessable(errors.IMAGE_BLANK)
    own = sim.world.images.get(key) if isinstance(key, int) else None
    if own is None or own.status != "available":
        raise errors.unprocessable(errors.INVALID_IMAGE)
    return own


# -- snapshots -------------------------------------------------------------------------------


@router.route("GET", "/v2/snapshots")
def list_snapshots(sim: Simulator, request: Request) -> Response:
    """Droplet snapshots, then volume snapshots, or one kind with ``resource_type``."""
    kind = _query_choice(request, "resource_type", {"droplet", "volume"})
    droplets = [] if kind == "volume" else sim.world.snapshots()
    volumes = [] if kind == "droplet" else list(sim.world.volume_snapshots.values())
    return _list(request, "snapshots", droplets + volumes, render.snapshot)


def _snapshot(sim: Simulator, snapshot_id: str) -> Image | VolumeSnapshot:
    """A snapshot by id, a number for a Droplet snapshot, a UUID for a volume snapshot: 404 if
    nothing has that id, 400 if it is another kind of image."""
    if not snapshot_id.isdigit():
        return sim.world.volume_snapshot(snapshot_id)
    image = sim.world.images.get(int(snapshot_id)) or catalog.public_image(int(snapshot_id))
    if image is None:
        raise errors.not_found()
    if not isinstance(image, Image) or image.type != "snapshot":
        raise errors.bad_request(errors.NOT_A_SNAPSHOT)
    return image


@router.route("GET", "/v2/snapshots/{snapshot_id}")
def get_snapshot(sim: Simulator, request: Request, snapshot_id: str) -> Response:
    return ok({"snapshot": render.snapshot(_snapshot(sim, snapshot_id))})


@router.route("DELETE", "/v2/snapshots/{snapshot_id}")
def delete_snapshot(sim: Simulator, request: Request, snapshot_id: str) -> Response:
    snapshot = _snapshot(sim, snapshot_id)
    if isinstance(snapshot, Image):
        sim.world.delete_image(snapshot)
    else:
        sim.world.delete_volume_snapshot(snapshot)
    return no_content()


# -- images ----------------------------------------------------------------------------------


@router.route("GET", "/v2/images")
def list_images(sim: Simulator, request: Request) -> Response:
    kind = _query_choice(request, "type", {"application", "distribution"})
    private = _query_choice(request, "private", {"true", "false"}) == "true"
    tag = request.query.get("tag_name")
    public = [] if private else catalog.PUBLIC_IMAGES
    if kind:
        public = [
            i
            for i in public
            if (i["id"] in catalog.APPLICATION_IMAGE_IDS) == (kind == "application")
        ]
    own = [] if kind else [render.image(i) for i in sim.world.images.values()]
    images = [i for i in public + own if tag is None or tag in i["tags"]]
    return _list(request, "images", images, lambda image: image)


@router.route("POST", "/v2/images")
def create_custom_image(sim: Simulator, request: Request) -> Response:
    body = _object_body(request)
    name, url = _optional(body, "name", str), _optional(body, "url", str)
    region = _optional(body, "region", str)
    if not (name and url and region in catalog.REGIONS):
        raise errors.unprocessable()
    distribution = _optional(body, "distribution", str, "Unknown")
    image = sim.world.add_custom_image(
        name=name,
        region=region,
        distribution=distribution if distribution in _DISTRIBUTIONS else "Unknown",
        description=_optional(body, "description", str, ""),
        tags=_tags(body),
    )
    return ok({"image": render.image(image)}, 202)


def _own_image(sim: Simulator, image_id: int) -> Image:
    """A user image; public images belong to DigitalOcean and cannot be changed (403)."""
    if catalog.public_image(image_id):
        raise errors.forbidden()
    return sim.world.image(image_id)


@router.route("GET", "/v2/images/{image_id}")
def get_image(sim: Simulator, request: Request, image_id: str) -> Response:
    """By id, or by slug for public images (private images have no slug)."""
    public = catalog.public_image(int(image_id) if image_id.isdigit() else image_id)
    if public:
        return ok({"image": public})
    if not image_id.isdigit():
        raise errors.not_found()
    return ok({"image": render.image(sim.world.image(int(image_id)))})


@router.route("PUT", "/v2/images/{image_id:int}")
def update_image(sim: Simulator, request: Request, image_id: int) -> Response:
    image = _own_image(sim, image_id)
    body = _object_body(request)
    name = _optional(body, "name", str, image.name)
    description = _optional(body, "description", str, image.description)
    distribution = _optional(body, "distribution", str, image.distribution)
    if not name:
        raise errors.unprocessable()
    image.name, image.description = name, description
    image.distribution = distribution if distribution in _DISTRIBUTIONS else "Unknown"
    return ok({"image": render.image(image)})


@router.route("DELETE", "/v2/images/{image_id:int}")
def delete_image(sim: Simulator, request: Request, image_id: int) -> Response:
    sim.world.delete_image(_own_image(sim, image_id))
    return no_content()


@router.route("GET", "/v2/images/{image_id:int}/actions")
def list_image_actions(sim: Simulator, request: Request, image_id: int) -> Response:
    if not catalog.public_image(image_id):
        sim.world.image(image_id)
    actions = sim.world.image_actions(image_id)[::-1]
    return _list(request, "actions", actions, render.action)


@router.route("POST", "/v2/images/{image_id:int}/actions")
def post_image_action(sim: Simulator, request: Request, image_id: int) -> Response:
    image = _own_image(sim, image_id)
    body = _object_body(request)
    kind = _optional(body, "type", str)
    if kind not in IMAGE_ACTION_TYPES:
        raise errors.unprocessable()
    params = {}
    if kind == "transfer":
        params["region"] = _optional(body, "region", str)
        if params["region"] not in catalog.REGIONS:
            raise errors.unprocessable()
    will_error = sim.faults.take_errored(request.method, request.path, kind, request.bearer_token)
    action = sim.world.start_image_action(image, kind, params, will_error)
    return ok({"action": render.action(action)}, 201)


# -- tags ------------------------------------------------------------------------------------


@router.route("GET", "/v2/tags")
def list_tags(sim: Simulator, request: Request) -> Response:
    """In creation order."""
    tagged = sim.world.tagged()

    def render_tag(tag: Tag) -> dict:
        return render.tag(tag.name, tagged[tag.name], request.base_url)

    return _list(request, "tags", list(sim.world.tags.values()), render_tag)


@router.route("POST", "/v2/tags")
def create_tag(sim: Simulator, request: Request) -> Response:
    """201 with the tag, also when it exists already: in any capitalization, as it is spelled."""
    try:
        name = _optional(
            _object_body(request, errors.bad_request), "name", str, "", errors.bad_request
        )
    except errors.ApiError as error:
        return _tag_refused(error.message)
    if not valid_tag_name(name):
        if not name:
            problem = "must not be empty"
        elif len(name) > MAX_TAG_LENGTH:
            problem = f"is longer than {MAX_TAG_LENGTH} characters"
        else:
            problem = "contains invalid characters"
        reason = _quoted(f"tag-name {_quoted(name)} {problem}")
        return _tag_refused(f"Error validating resource tag: {reason}")
    return ok({"tag": _render_tag(sim, request, sim.world.add_tag(name))}, 201)


def _quoted(text: str) -> str:
    """``text`` in double quotes, escaped, as Go's ``%q`` shows it."""
    return json.dumps(text, ensure_ascii=False)


def _tag_refused(message: str) -> Response:
    """The 400 of ``POST /v2/tags`` (tags_bad_request in the spec): the tags service's own body,
    with the request id in the ``x-request-id`` header."""
    body = {
        "error": message,
        "messages": None,
        "root_causes": [f"rpc error: code = InvalidArgument desc = {message}"],
    }
    return Response(400, body, {"x-request-id": str(uuid.uuid4())})


def _tag(sim: Simulator, tag_id: str) -> Tag:
    """The tag a path names: percent-decoded, spelled as the tag is (404 otherwise)."""
    return sim.world.tag(unquote(tag_id))


def _render_tag(sim: Simulator, request: Request, tag: Tag) -> dict:
    return render.tag(tag.name, sim.world.tagged()[tag.name], request.base_url)


@router.route("GET", "/v2/tags/{tag_id}")
def get_tag(sim: Simulator, request: Request, tag_id: str) -> Response:
    return ok({"tag": _render_tag(sim, request, _tag(sim, tag_id))})


@router.route("DELETE", "/v2/tags/{tag_id}")
def delete_tag(sim: Simulator, request: Request, tag_id: str) -> Response:
    """Untags every resource that carries the tag, then deletes it."""
    sim.world.delete_tag(_tag(sim, tag_id))
    return no_content()


@router.route("POST", "/v2/tags/{tag_id}/resources")
def tag_resources(sim: Simulator, request: Request, tag_id: str) -> Response:
    tag = _tag(sim, tag_id)
    sim.world.tag_resources(tag, _tagging_request(request))
    return no_content()


@router.route("DELETE", "/v2/tags/{tag_id}/resources")
def untag_resources(sim: Simulator, request: Request, tag_id: str) -> Response:
    tag = _tag(sim, tag_id)
    sim.world.untag_resources(tag, _tagging_request(request))
    return no_content()


def _tagging_request(request: Request) -> list[tuple[str, str]]:
    """The ``(resource type, id)`` pairs of a tagging request's ``resources``: 400 if it is
    missing or empty, or an entry is not ``{"resource_id": "...", "resource_type": "..."}`` with
    two non-empty strings (the API's answer to an integer id, droplet_kit issue 136); 422 for a
    type the API does not tag."""
    body = request.json
    resources = body.get("resources") if isinstance(body, dict) else None
    if not isinstance(resources, list) or not resources:
        raise errors.parameter_missing("resources")
    for entry in resources:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) and entry[key]
            for key in ("resource_id", "resource_type")
        ):
            raise errors.parameter_missing("resources")
    if any(entry["resource_type"] not in TAGGABLE_TYPES for entry in resources):
        raise errors.unprocessable(errors.UNTAGGABLE_TYPE)
    return [(entry["resource_type"], entry["resource_id"]) for entry in resources]


# -- volumes ---------------------------------------------------------------------------------


@router.route("GET", "/v2/volumes")
def list_volumes(sim: Simulator, request: Request) -> Response:
    """Oldest first, filtered by exact ``name`` and ``region`` slug if given."""
    name, region = request.query.get("name"), request.query.get("region")
    volumes = [
        v
        for v in sim.world.volumes.values()
        if (name is None or v.name == name) and (region is None or v.region == region)
    ]
    return _list(request, "volumes", volumes, render.volume)


@router.route("POST", "/v2/volumes")
def create_volume(sim: Simulator, request: Request) -> Response:
    body = _object_body(request, errors.bad_request)
    texts = ("name", "region", "description", "filesystem_type", "filesystem_label")
    given = {key: _optional(body, key, str, "", errors.bad_request) for key in texts}
    size = _optional(body, "size_gigabytes", int, None, errors.bad_request)
    snapshot_id = _optional(body, "snapshot_id", str, None, errors.bad_request)
    tags = _tags(body, errors.bad_request)
    if not all(key in body for key in ("name", "size_gigabytes", "region")):
        raise errors.unprocessable()
    snapshot = None if snapshot_id is None else sim.world.volume_snapshot(snapshot_id)
    volume = sim.world.add_volume(**given, size_gigabytes=size, tags=tags, snapshot=snapshot)
    return ok({"volume": render.volume(volume)}, 201)


@router.route("GET", "/v2/volumes/{volume_id}")
def get_volume(sim: Simulator, request: Request, volume_id: str) -> Response:
    return ok({"volume": render.volume(sim.world.volume(volume_id))})


@router.route("DELETE", "/v2/volumes/{volume_id}")
def delete_volume(sim: Simulator, request: Request, volume_id: str) -> Response:
    """204, or 409 while the volume is attached."""
    sim.world.delete_volume(sim.world.volume(volume_id))
    return no_content()


# -- volume snapshots ------------------------------------------------------------------------


@router.route("GET", "/v2/volumes/snapshots/{snapshot_id}")
def get_volume_snapshot(sim: Simulator, request: Request, snapshot_id: str) -> Response:
    return ok({"snapshot": render.snapshot(sim.world.volume_snapshot(snapshot_id))})


@router.route("DELETE", "/v2/volumes/snapshots/{snapshot_id}")
def delete_volume_snapshot(sim: Simulator, request: Request, snapshot_id: str) -> Response:
    sim.world.delete_volume_snapshot(sim.world.volume_snapshot(snapshot_id))
    return no_content()


@router.route("GET", "/v2/volumes/{volume_id}/snapshots")
def list_volume_snapshots(sim: Simulator, request: Request, volume_id: str) -> Response:
    snapshots = sim.world.snapshots_of(sim.world.volume(volume_id))
    return _list(request, "snapshots", snapshots, render.snapshot)


@router.route("POST", "/v2/volumes/{volume_id}/snapshots")
def create_volume_snapshot(sim: Simulator, request: Request, volume_id: str) -> Response:
    """Synchronous, as on DigitalOcean: 201 with the snapshot, no Action."""
    volume = sim.world.volume(volume_id)
    body = _object_body(request, errors.bad_request)
    name = _optional(body, "name", str, "", errors.bad_request)
    tags = _tags(body, errors.bad_request)
    if not name:
        raise errors.unprocessable()
    return ok({"snapshot": render.snapshot(sim.world.add_volume_snapshot(volume, name, tags))}, 201)


# -- volume actions --------------------------------------------------------------------------


@router.route("GET", "/v2/volumes/{volume_id}/actions")
def list_volume_actions(sim: Simulator, request: Request, volume_id: str) -> Response:
    actions = sim.world.volume_actions(sim.world.volume(volume_id))[::-1]
    return _list(request, "actions", actions, render.action)


@router.route("POST", "/v2/volumes/{volume_id}/actions")
def post_volume_action(sim: Simulator, request: Request, volume_id: str) -> Response:
    """``attach`` or ``detach``: 202 with the Action, as the spec says."""
    volume = sim.world.volume(volume_id)
    kind, droplet_id = _volume_action_request(_object_body(request), volume)
    droplet = sim.world.droplet(droplet_id)
    sim.world.check_volume_action(volume, kind, droplet)
    will_error = sim.faults.take_errored(request.method, request.path, kind, request.bearer_token)
    action = sim.world.start_volume_action(volume, kind, droplet, will_error)
    return ok({"action": render.action(action)}, 202)


def _volume_action_request(body: dict, volume: Volume) -> tuple[str, int]:
    """The action type and the Droplet's id; ``region``, if given, must be the volume's."""
    kind, droplet_id = _optional(body, "type", str), _optional(body, "droplet_id", int)
    if kind not in VOLUME_ACTION_TYPES or droplet_id is None:
        raise errors.unprocessable()
    region = _optional(body, "region", str, volume.region)
    if region != volume.region:
        raise errors.unprocessable(f"The volume is in {volume.region}, not in {region}.")
    return kind, droplet_id
