"""DigitalOcean's error responses: ``{"id": ..., "message": ..., "request_id": ...}``.

Handlers raise :class:`ApiError`; the application turns it into the JSON body. The ids and messages
are the ones the API and its clients use (see shared/digitalocean-api/FACTS.md, sections 5 and 7).
"""

from __future__ import annotations

import re
from http import HTTPStatus


class ApiError(Exception):
    """An HTTP error status with DigitalOcean's short ``id`` and a human ``message``."""

    def __init__(self, status: int, error_id: str, message: str):
        super().__init__(f"{status} {error_id}: {message}")
        self.status = status
        self.error_id = error_id
        self.message = message


def bad_request(message: str = "error parsing request body") -> ApiError:
    return ApiError(400, "bad_request", message)


def parameter_missing(name: str) -> ApiError:
    """The 400 for a required body parameter that is missing or empty, as the API words it
    (droplet_kit issue 136, for a tagging request whose ``resources`` it could not read)."""
    return ApiError(400, "parameter_missing", f"param is missing or the value is empty: {name}")


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Unable to authenticate you.")


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "You do not have permission to perform this action.")


def not_found() -> ApiError:
    return ApiError(404, "not_found", "The resource you requested could not be found.")


def outside_api(path: str, base_url: str) -> ApiError:
    """The 404 for a path outside ``/v2/``: a client whose API URL lacks ``/v2``, most likely.
    The hint names the path it probably meant (``/droplets`` -> ``/v2/droplets``)."""
    meant = re.sub(r"^/v\d+(?=/|$)", "", path).rstrip("/") or "/droplets"
    return ApiError(
        404,
        "not_found",
        f"no such path {path}: the API's paths start with /v2, such as {base_url}/v2{meant}",
    )


def conflict(message: str = "The request could not be completed due to a conflict.") -> ApiError:
    return ApiError(409, "conflict", message)


def unprocessable(message: str = "request payload validation failed") -> ApiError:
    return ApiError(422, "unprocessable_entity", message)


def too_many_requests() -> ApiError:
    return ApiError(429, "too_many_requests", "API rate limit exceeded.")


def server_error() -> ApiError:
    return ApiError(500, "server_error", "Unexpected server-side error")


def for_status(status: int) -> ApiError:
    """The error an injected fault answers with: DigitalOcean's id where it has one."""
    known = {400: bad_request, 401: unauthorized, 403: forbidden, 404: not_found}
    known.update({422: unprocessable, 429: too_many_requests, 500: server_error})
    if status in known:
        return known[status]()
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return ApiError(status, phrase.lower().replace(" ", "_"), phrase)


# The 422 messages of the Droplet action rules, as the API words them.
PENDING_EVENT = "Droplet already has a pending event."
IMAGE_PENDING_EVENT = "Image already has a pending event."
CURRENTLY_ON = "Droplet is currently on. Please power it off to run this event."
ALREADY_OFF = "The droplet is already off."
BACKUPS_ALREADY_DISABLED = "Backups have already been disabled on this Droplet."
NOT_A_SNAPSHOT = "the resource is not a snapshot"

# Resize, rebuild and restore. The API's own words: "Size can not decrease size of Droplet's disk
# image" (terraform issues 7043 and 7094), "The droplet is already set to this size." (the 422s
# DigitalOcean's Objective-C SDK lists), "Size is not available in this region." (its answer to a
# Droplet created with a size its region lacks: pry0cc/axiom 294, ChainSafe/forest-iac 437),
# "Image can't be blank" (doctl issue 48, a rebuild sent without its image) and the image-region
# message (api-v2 issue 36, said of Droplet creation). The others are reasoned guesses in the same
# "<Attribute> <problem>" style: no client or thread records the API's wording for them.
SIZE_BLANK = "Size can't be blank"
INVALID_SIZE = "Size is invalid"
SIZE_NOT_IN_REGION = "Size is not available in this region."
SAME_SIZE = "The droplet is already set to this size."
DISK_CANNOT_SHRINK = "Size can not decrease size of Droplet's disk image"
IMAGE_BLANK = "Image can't be blank"
INVALID_IMAGE = "Image is invalid"
IMAGE_NOT_IN_REGION = (
    "The image you specified is not available in the selected region, "
    "you can transfer it to this region from the images pages."
)
NOT_A_BACKUP = "Image is not a backup or snapshot of this Droplet"


def image_too_large(min_disk_size: int, disk: int) -> str:
    """A reasoned guess: no client records the API's answer to an image that needs a larger disk
    than the Droplet has."""
    return f"Image needs a disk of at least {min_disk_size} GB; the Droplet's disk is {disk} GB"


# Volumes. The 409 and "Attachment not found" are the API's words (doctl #207 and #358,
# terraform-provider-digitalocean #27, csi-digitalocean's controller, which also matches the 422
# prefix "This volume is already attached"); the rest are the simulator's, in the same style.
VOLUME_ATTACHED = (
    "A volume that's attached to a Droplet cannot be deleted. "
    "Please detach it first before deleting."
)
VOLUME_ALREADY_ATTACHED = "This volume is already attached to a Droplet."
ATTACHMENT_NOT_FOUND = "Attachment not found"
VOLUME_PENDING_EVENT = "Volume already has a pending event."
VOLUME_REGION_MISMATCH = "The Droplet and the volume must be in the same region."
TOO_MANY_VOLUMES = "A Droplet can have at most 15 volumes attached."
INVALID_VOLUME_NAME = (
    "failed to create volume: invalid volume name. names must be lowercase and alphanumeric"
)
VOLUME_SNAPSHOT_LIMIT = "failed to create snapshot: a volume can have at most 25 snapshots"

# Tags. The 422 for a Droplet created with a tag name the API refuses is its own (kubicorn #458);
# the tagging request's 422s are the simulator's, in the same style.
INVALID_TAGS = "There was an error while trying to create your tags. Please try again."
UNTAGGABLE_TYPE = "resource_type must be one of droplet, image, volume, volume_snapshot or database"


def resource_not_found(kind: str, resource_id: str) -> str:
    return f"The {kind} {resource_id!r} could not be found."
