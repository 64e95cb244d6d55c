"""The account's state and DigitalOcean's rules for changing it.

:class:`World` holds the Droplets, the Actions, the user's images (snapshots and custom images), the
block storage volumes and their snapshots, and the tags.
It is not thread-safe: the application calls it under its one lock.

Time. Every Action gets a deadline when it starts (its duration times ``time_scale``) and ends when
the first request at or after that deadline calls :meth:`World.settle`. Deadlines sit in a heap, so
settling costs O(log n) per finished Action and O(1) when nothing is due; effects are applied in
deadline order, and ``completed_at`` is the deadline itself, not the moment somebody looked. So a
run is deterministic up to the instants at which requests arrive.

The rules, all checked before anything changes:

* One Action at a time: while a Droplet has an Action in progress it is ``locked``, and a new one
  gets 422 "Droplet already has a pending event." (a new Droplet is locked by its ``create``).
* Power actions change ``status`` when they complete, never when they start. A ``shutdown`` is
  best effort: with ``shutdown_fails`` (a setting, or per Droplet) it completes and the Droplet
  stays ``active``, as on the real API (api-v2 issue 79).
* ``power_on`` on a Droplet that is on gets 422 "Droplet is currently on. Please power it off to
  run this event.": ClusterHQ's flocker provisioner (flocker/provision/_digitalocean.py) retries its
  ``power_on`` on exactly this message, seen when a completed shutdown had not stopped the guest.
* ``power_off`` or ``shutdown`` on a Droplet that is off gets 422 "The droplet is already off.", the
  message DigitalOcean's Objective-C SDK lists among the API's 422 answers. For ``shutdown`` no
  client documents the real answer; refusing is the safe choice, since a client written against a
  strict API also works against a lenient one, and not the other way round.
* ``disable_backups`` with backups off gets "Backups have already been disabled on this Droplet."
  (same source); ``enable_backups`` twice simply completes.
* ``reboot`` and ``power_cycle`` end with the Droplet on, whatever it was before.
* ``resize`` (``size``, a slug, and ``disk``, default false) needs the Droplet off (else the 422
  "currently on"), a size offered in its region, another size than its own (422 "The droplet is
  already set to this size.", unless ``disk`` grows a disk a CPU/RAM-only resize left smaller, as
  Terraform's acceptance tests do), and a size whose disk is at least the Droplet's: a disk never
  shrinks (422 "Size can not decrease size of Droplet's disk image"), so after a CPU/RAM-only
  resize a later downsize must still fit the disk it kept. On completion the Droplet has the new
  size (memory, vcpus, price); its ``disk`` becomes the size's only with ``disk``. It stays off:
  DigitalOcean does not power it on (Terraform's provider powers it on itself).
* ``rebuild`` (``image``: a public image's id or slug, or the id of one of the account's images)
  and ``restore`` (``image``: the id of a snapshot of this Droplet; the simulator makes no
  backups) work on a Droplet on or off; the image must exist and be available (422), be in the
  Droplet's region (422), and fit its disk (``min_disk_size``, 422). DigitalOcean's rule that the
  image be of the Droplet's OS family is not modelled. On completion the Droplet's ``image`` is
  that image, size and disk unchanged, and it is on.
* Snapshots of a running Droplet are allowed (live snapshots), unless ``snapshot_requires_off``
  brings back the classic 422 "Droplet is currently on. ...". A completed snapshot Action creates
  the image: it shows in the Droplet's ``snapshot_ids``, its snapshots, /v2/snapshots and
  /v2/images. Its ``created_at`` is the Action's ``started_at``, which clients use to match them.
* An Action whose Droplet was deleted meanwhile ends ``errored``.

Volumes follow the same pattern:

* ``attach`` and ``detach`` are Actions (``attach_volume``, ``detach_volume``, resource type
  ``volume``, a null ``resource_id`` since a volume's id is a UUID) that change the volume's
  ``droplet_ids`` and the Droplet's ``volume_ids`` when they complete. While one runs, both the
  volume and the Droplet have a pending event: the Droplet is ``locked`` and refuses other Actions
  with the usual 422. A volume attaches to one Droplet at a time, in its own region, and a Droplet
  takes at most 15 volumes; detaching from a Droplet it is not attached to is 422 "Attachment not
  found", as DigitalOcean answers.
* An attached volume cannot be deleted (409). Deleting a Droplet detaches its volumes, which stay.
* A volume snapshot is taken at once (no Action), at most 25 per volume (422), names unique per
  volume (409). Volume snapshots outlive their volume. Volume and volume snapshot ids are UUIDs
  from the world's own seeded generator, so a reset hands out the same ids again.

Tags:

* A tag exists on its own, with or without resources: created by ``POST /v2/tags``, or by the
  ``tags`` a Droplet, image, volume or volume snapshot is created with (as the API creates them),
  and gone only when deleted, which untags everything that carried it. Deleting a resource leaves
  its tags.
* Names are case-insensitive but case-stable: the capitalization a tag is first created with is
  its name for good. Creating ``web`` when ``WEB`` exists gives ``WEB``, and so does creating a
  Droplet tagged ``web`` (doctl issue 333), but a URL must spell the tag ``WEB`` (404 otherwise),
  as the spec says.
* Which resources carry a tag is their own ``tags`` list; the tag only remembers when each was
  tagged, for its ``last_tagged_uri``. Tagging what is tagged already, or untagging what is not,
  changes nothing. A tagging request names every resource it changes; one that does not exist
  (422) refuses the whole request.
"""

from __future__ import annotations

import heapq
import itertools
import random
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import catalog, errors
from .clock import Clock
from .settings import Settings

DROPLET_IDS_FROM = 3164444
ACTION_IDS_FROM = 36804636
IMAGE_IDS_FROM = 6372321

# DigitalOcean's volume rules: the name rule of volume_base.name in the spec, 1 GiB to 16 TiB,
# fifteen volumes per Droplet, 25 snapshots per volume, ext4 labels up to 16 characters, xfs 12.
_VOLUME_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
MAX_VOLUME_GIGABYTES = 16 * 1024
MAX_VOLUMES_PER_DROPLET = 15
MAX_SNAPSHOTS_PER_VOLUME = 25
_FILESYSTEM_LABEL_LIMITS = {"ext4": 16, "xfs": 12}

# Tag names (tags.name in the spec): letters, digits, colons, dashes and underscores, 255 at most.
_TAG_NAME = re.compile(r"[a-zA-Z0-9_:-]+")
MAX_TAG_LENGTH = 255
# The resource types a tagging request may name (tags_assign_resources in the spec). Database
# clusters are not simulated: there is never one to tag.
TAGGABLE_TYPES = ("droplet", "image", "volume", "volume_snapshot", "database")
_DIGITS = re.compile(r"[0-9]+")


def valid_tag_name(name: str) -> bool:
    return len(name) <= MAX_TAG_LENGTH and _TAG_NAME.fullmatch(name) is not None


@dataclass(eq=False)
class Action:
    id: int
    type: str
    resource_type: str  # "droplet", "image" or "volume"
    resource_id: int | str  # a volume's id is a UUID
    region_slug: str
    started_at: float  # epoch seconds
    duration: float  # seconds, already scaled
    will_error: bool
    params: dict
    status: str = "in-progress"
    completed_at: float | None = None


@dataclass(eq=False)
class Droplet:
    id: int
    name: str
    region: str
    size: str
    image: dict
    status: str
    tags: list[str]
    created_at: float
    disk: int = 0  # GB: the size's disk, unless a CPU/RAM-only resize left it smaller
    backups: bool = False
    ipv6: bool = False
    shutdown_fails: bool = False
    action_durations: dict[str, float] = field(default_factory=dict)
    snapshot_ids: list[int] = field(default_factory=list)
    volume_ids: list[str] = field(default_factory=list)
    backups_since: float | None = None
    pending: Action | None = None


@dataclass(eq=False)
class Image:
    """A user image: a Droplet snapshot, or a custom image imported from a URL."""

    id: int
    name: str
    type: str  # "snapshot" or "custom"
    distribution: str
    regions: list[str]
    created_at: float
    min_disk_size: int
    size_gigabytes: float
    tags: list[str]
    status: str = "available"
    description: str = ""
    droplet_id: int | None = None


@dataclass(eq=False)
class Volume:
    """A block storage volume; ``droplet_ids`` holds the one Droplet it is attached to, if any."""

    id: str  # a UUID
    name: str
    region: str
    size_gigabytes: int
    description: str
    created_at: float
    tags: list[str]
    filesystem_type: str = ""  # "", "ext4" or "xfs"
    filesystem_label: str = ""
    droplet_ids: list[int] = field(default_factory=list)
    pending: Action | None = None


@dataclass(eq=False)
class VolumeSnapshot:
    id: str  # a UUID
    name: str
    volume_id: str
    regions: list[str]
    created_at: float
    min_disk_size: int
    size_gigabytes: float
    tags: list[str]


@dataclass(eq=False)
class Tag:
    """A tag, ``name`` in its canonical capitalization. ``tagged_at`` orders the taggings of the
    resources that carry it, by ``(resource type, id as a string)``."""

    name: str
    tagged_at: dict[tuple[str, str], int] = field(default_factory=dict)


Taggable = Droplet | Image | Volume | VolumeSnapshot


class World:
    """Everything the API can see, plus the clock that moves it on."""

    def __init__(self, settings: Settings, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or Clock()
        self.droplets: dict[int, Droplet] = {}
        self.actions: list[Action] = []  # in id order, so oldest first
        self.images: dict[int, Image] = {}
        self.volumes: dict[str, Volume] = {}  # in creation order, as the API lists them
        self.volume_snapshots: dict[str, VolumeSnapshot] = {}
        self.tags: dict[str, Tag] = {}  # by lowercased name, in creation order
        self._taggings = itertools.count(1)
        self._actions_by_id: dict[int, Action] = {}
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._next_droplet_id = DROPLET_IDS_FROM
        self._next_action_id = ACTION_IDS_FROM
        self._next_image_id = IMAGE_IDS_FROM
        self._uuids = random.Random(0)

    # -- time -------------------------------------------------------------------------------

    def settle(self) -> None:
        """Finish everything whose deadline has passed, in deadline order."""
        now = self.clock.now()
        while self._due and self._due[0][0] <= now:
            _deadline, _order, finish = heapq.heappop(self._due)
            finish()

    def _after(self, seconds: float, callback: Callable[[], None]) -> float:
        """Run ``callback`` at the first settle ``seconds`` from now; return the start instant."""
        start = self.clock.now()
        heapq.heappush(self._due, (start + seconds, next(self._sequence), callback))
        return start

    def _duration(self, kind: str, droplet: Droplet | None = None) -> float:
        overrides = droplet.action_durations if droplet else {}
        seconds = overrides.get(kind, self.settings.action_durations.get(kind, 1.0))
        return seconds * self.settings.time_scale

    # -- Droplets ---------------------------------------------------------------------------

    def droplet(self, droplet_id: int) -> Droplet:
        if droplet_id not in self.droplets:
            raise errors.not_found()
        return self.droplets[droplet_id]

    def add_droplet(
        self,
        *,
        name: str,
        region: str = catalog.DEFAULT_REGION,
        size: str = catalog.DEFAULT_SIZE,
        disk: int | None = None,
        image: dict | None = None,
        status: str = "active",
        tags: Iterable[str] = (),
        droplet_id: int | None = None,
        backups: bool = False,
        ipv6: bool = False,
        shutdown_fails: bool = False,
        action_durations: dict[str, float] | None = None,
        create_errors: bool = False,
    ) -> Droplet:
        """A new Droplet, with the size's disk unless ``disk`` says otherwise; one with status
        ``new`` starts its ``create`` Action at once (which ends ``errored`` if
        ``create_errors``, leaving the Droplet ``new``)."""
        if droplet_id is None:
            droplet_id = self._next_droplet_id
        if droplet_id in self.droplets:
            raise ValueError(f"Droplet id {droplet_id} is taken")
        self._next_droplet_id = max(self._next_droplet_id, droplet_id + 1)
        now = self.clock.wall(self.clock.now())
        droplet = Droplet(
            id=droplet_id,
            name=name,
            region=region,
            size=size,
            image=image or catalog.public_image(catalog.DEFAULT_IMAGE),
            status=status,
            tags=self._adopt_tags("droplet", droplet_id, tags),
            created_at=now,
            disk=catalog.SIZES[size]["disk"] if disk is None else disk,
            backups=backups,
            backups_since=now if backups else None,
            ipv6=ipv6,
            shutdown_fails=shutdown_fails,
            action_durations=dict(action_durations or {}),
        )
        self.droplets[droplet_id] = droplet
        if status == "new":
            self._start(droplet, "create", {}, will_error=create_errors)
        return droplet

    def delete_droplet(self, droplet: Droplet) -> None:
        """Remove the Droplet; its volumes are detached and stay, so do its snapshots, and an Action
        still running on it will error."""
        for volume_id in list(droplet.volume_ids):
            self._detach(self.volumes[volume_id], droplet)
        del self.droplets[droplet.id]

    def droplet_actions(self, droplet: Droplet) -> list[Action]:
        return [
            a for a in self.actions if a.resource_type == "droplet" and a.resource_id == droplet.id
        ]

    def check_droplet_action(self, droplet: Droplet, kind: str, params: dict | None = None) -> None:
        """Refuse an Action the Droplet cannot take now with the API's 422. ``params`` are the
        Action's checked parameters: for ``resize`` the ``size`` slug and ``disk``; for
        ``rebuild`` and ``restore`` the ``image`` as the API shows it, and for ``restore`` the id
        of the Droplet it is a snapshot of (``snapshot_of``)."""
        params = params or {}
        if droplet.pending is not None:
            raise errors.unprocessable(errors.PENDING_EVENT)
        if kind == "resize":
            self._check_resize(droplet, params)
        if kind in ("rebuild", "restore"):
            self._check_image(droplet, kind, params)
        if kind == "power_on" and droplet.status == "active":
            raise errors.unprocessable(errors.CURRENTLY_ON)
        if kind in ("power_off", "shutdown") and droplet.status == "off":
            raise errors.unprocessable(errors.ALREADY_OFF)
        if kind == "snapshot" and self.settings.snapshot_requires_off and droplet.status != "off":
            raise errors.unprocessable(errors.CURRENTLY_ON)
        if kind == "disable_backups" and not droplet.backups:
            raise errors.unprocessable(errors.BACKUPS_ALREADY_DISABLED)

    @staticmethod
    def _check_resize(droplet: Droplet, params: dict) -> None:
        size = catalog.SIZES.get(params.get("size"))
        if size is None:
            raise errors.unprocessable(
                errors.INVALID_SIZE if params.get("size") else errors.SIZE_BLANK
            )
        if droplet.status != "off":
            raise errors.unprocessable(errors.CURRENTLY_ON)
        if droplet.region not in size["regions"]:
            raise errors.unprocessable(errors.SIZE_NOT_IN_REGION)
        grows_disk = params.get("disk") is True and droplet.disk < size["disk"]
        if size["slug"] == droplet.size and not grows_disk:
            raise errors.unprocessable(errors.SAME_SIZE)
        if size["disk"] < droplet.disk:
            raise errors.unprocessable(errors.DISK_CANNOT_SHRINK)

    @staticmethod
    def _check_image(droplet: Droplet, kind: str, params: dict) -> None:
        image = params.get("image")
        if image is None:
            raise errors.unprocessable(errors.IMAGE_BLANK)
        if kind == "restore" and params.get("snapshot_of") != droplet.id:
            raise errors.unprocessable(errors.NOT_A_BACKUP)
        if droplet.region not in image["regions"]:
            raise errors.unprocessable(errors.IMAGE_NOT_IN_REGION)
        if image["min_disk_size"] > droplet.disk:
            raise errors.unprocessable(errors.image_too_large(image["min_disk_size"], droplet.disk))

    def start_droplet_action(
        self,
        droplet: Droplet,
        kind: str,
        params: dict,
        will_error: bool = False,
        duration: float | None = None,
    ) -> Action:
        """Start an Action of type ``kind`` (with checked ``params``), or refuse it (422); it
        takes ``duration`` seconds when given, else as long as its kind does (a ``resize`` with
        ``disk`` as long as ``resize_disk``)."""
        self.check_droplet_action(droplet, kind, params)
        return self._start(droplet, kind, params, will_error, duration)

    def _start(
        self,
        droplet: Droplet,
        kind: str,
        params: dict,
        will_error: bool,
        duration: float | None = None,
    ) -> Action:
        action = self._new_action(kind, "droplet", droplet.id, droplet.region, will_error, params)
        droplet.pending = action
        if duration is None:
            timed_as = "resize_disk" if kind == "resize" and params.get("disk") else kind
            duration = self._duration(timed_as, droplet)
        self._run(action, lambda: self._finish_droplet_action(action, droplet), duration)
        return action

    def _finish_droplet_action(self, action: Action, droplet: Droplet) -> bool:
        droplet.pending = None
        if action.will_error or self.droplets.get(droplet.id) is not droplet:
            return False
        if kind_effect := _DROPLET_EFFECTS.get(action.type):
            kind_effect(self, droplet, action)
        return True

    # -- images and snapshots -----------------------------------------------------------------

    def image(self, image_id: int) -> Image:
        if image_id not in self.images:
            raise errors.not_found()
        return self.images[image_id]

    def snapshots(self) -> list[Image]:
        return [image for image in self.images.values() if image.type == "snapshot"]

    def add_snapshot(self, droplet: Droplet, name: str, created_at: float) -> Image:
        image = Image(
            id=self._take_image_id(),
            name=name,
            type="snapshot",
            distribution=droplet.image["distribution"],
            regions=[droplet.region],
            created_at=created_at,
            min_disk_size=droplet.disk,
            size_gigabytes=round(droplet.disk * 0.06 + droplet.id % 97 / 100, 2),
            tags=[],
            droplet_id=droplet.id,
        )
        image.tags = self._adopt_tags("image", image.id, droplet.tags)
        self.images[image.id] = image
        droplet.snapshot_ids.append(image.id)
        return image

    def add_custom_image(
        self, *, name: str, region: str, distribution: str, description: str, tags: list[str]
    ) -> Image:
        """A custom image: ``NEW`` while it imports, then ``available``."""
        image = Image(
            id=self._take_image_id(),
            name=name,
            type="custom",
            distribution=distribution,
            regions=[region],
            created_at=self.clock.wall(self.clock.now()),
            min_disk_size=0,
            size_gigabytes=0.0,
            tags=[],
            status="NEW",
            description=description,
        )
        image.tags = self._adopt_tags("image", image.id, tags)
        self.images[image.id] = image

        def imported() -> None:
            image.status, image.min_disk_size, image.size_gigabytes = "available", 10, 1.42

        self._after(self._duration("import"), imported)
        return image

    def delete_image(self, image: Image) -> None:
        del self.images[image.id]
        if image.droplet_id in self.droplets:
            self.droplets[image.droplet_id].snapshot_ids.remove(image.id)

    def image_actions(self, image_id: int) -> list[Action]:
        return [a for a in self.actions if a.resource_type == "image" and a.resource_id == image_id]

    def start_image_action(self, image: Image, kind: str, params: dict, will_error: bool) -> Action:
        """``transfer`` adds a region when it completes; ``convert`` (backup to snapshot) has no
        effect here, as the simulator makes no backups. One Action at a time per image: another
        while one runs is refused with a 422 pending event."""
        if any(a.status == "in-progress" for a in self.image_actions(image.id)):
            raise errors.unprocessable(errors.IMAGE_PENDING_EVENT)
        action = self._new_action(kind, "image", image.id, image.regions[0], will_error, params)
        self._run(action, lambda: self._finish_image_action(action, image), self._duration(kind))
        return action

    def _finish_image_action(self, action: Action, image: Image) -> bool:
        if action.will_error or self.images.get(image.id) is not image:
            return False
        if action.type == "transfer" and action.params["region"] not in image.regions:
            image.regions.append(action.params["region"])
        return True

    def _take_image_id(self) -> int:
        self._next_image_id += 1
        return self._next_image_id - 1

    # -- volumes ------------------------------------------------------------------------------

    def volume(self, volume_id: str) -> Volume:
        if volume_id not in self.volumes:
            raise errors.not_found()
        return self.volumes[volume_id]

    def add_volume(
        self,
        *,
        name: str,
        region: str,
        size_gigabytes: int,
        description: str = "",
        tags: Iterable[str] = (),
        filesystem_type: str = "",
        filesystem_label: str = "",
        snapshot: VolumeSnapshot | None = None,
    ) -> Volume:
        """A new, detached volume (restored from ``snapshot`` if given, whose size it takes, as
        the API does), or the API's refusal: 422 for a value it does not accept, 409 for a name
        already used in the region."""
        if snapshot is not None:
            size_gigabytes = snapshot.min_disk_size
        self._check_new_volume(name, region, size_gigabytes, filesystem_type, filesystem_label)
        if snapshot is not None and region not in snapshot.regions:
            raise errors.unprocessable(
                f"failed to create volume: the snapshot is not available in {region}"
            )
        volume_id = self._take_uuid()
        volume = Volume(
            id=volume_id,
            name=name,
            region=region,
            size_gigabytes=size_gigabytes,
            description=description,
            created_at=self.clock.wall(self.clock.now()),
            tags=self._adopt_tags("volume", volume_id, tags),
            filesystem_type=filesystem_type,
            filesystem_label=filesystem_label,
        )
        self.volumes[volume.id] = volume
        return volume

    def _check_new_volume(
        self, name: str, region: str, size: int, filesystem_type: str, filesystem_label: str
    ) -> None:
        if not _VOLUME_NAME.match(name):
            raise errors.unprocessable(errors.INVALID_VOLUME_NAME)
        if region not in catalog.REGIONS:
            raise errors.unprocessable("failed to create volume: invalid region")
        if not 1 <= size <= MAX_VOLUME_GIGABYTES:
            raise errors.unprocessable(
                f"failed to create volume: size_gigabytes must be from 1 to {MAX_VOLUME_GIGABYTES}"
            )
        if filesystem_type not in ("", *_FILESYSTEM_LABEL_LIMITS):
            raise errors.unprocessable(
                "failed to create volume: filesystem_type must be ext4 or xfs"
            )
        if filesystem_label and not filesystem_type:
            raise errors.unprocessable("failed to create volume: filesystem_label needs a type")
        if len(filesystem_label) > _FILESYSTEM_LABEL_LIMITS.get(filesystem_type, 0):
            raise errors.unprocessable(
                f"failed to create volume: {filesystem_type} labels are limited to "
                f"{_FILESYSTEM_LABEL_LIMITS[filesystem_type]} characters"
            )
        if any(v.name == name and v.region == region for v in self.volumes.values()):
            raise errors.conflict(
                f"failed to create volume: a volume named {name} already exists in {region}"
            )

    def delete_volume(self, volume: Volume) -> None:
        """Remove a detached volume (409 while attached); its snapshots stay."""
        if volume.droplet_ids:
            raise errors.conflict(errors.VOLUME_ATTACHED)
        del self.volumes[volume.id]

    def attach(self, volume: Volume, droplet: Droplet) -> None:
        """Attach at once, with no Action (what an ``attach_volume`` does when it completes)."""
        volume.droplet_ids = [droplet.id]
        droplet.volume_ids.append(volume.id)

    def _detach(self, volume: Volume, droplet: Droplet) -> None:
        volume.droplet_ids.remove(droplet.id)
        droplet.volume_ids.remove(volume.id)

    def volume_actions(self, volume: Volume) -> list[Action]:
        return [
            a for a in self.actions if a.resource_type == "volume" and a.resource_id == volume.id
        ]

    def check_volume_action(self, volume: Volume, kind: str, droplet: Droplet) -> None:
        """Refuse an ``attach`` or ``detach`` the API would refuse now, with its 422."""
        if kind == "attach":
            if volume.droplet_ids:
                raise errors.unprocessable(errors.VOLUME_ALREADY_ATTACHED)
            if droplet.region != volume.region:
                raise errors.unprocessable(errors.VOLUME_REGION_MISMATCH)
            if len(droplet.volume_ids) >= MAX_VOLUMES_PER_DROPLET:
                raise errors.unprocessable(errors.TOO_MANY_VOLUMES)
        elif droplet.id not in volume.droplet_ids:
            raise errors.unprocessable(errors.ATTACHMENT_NOT_FOUND)
        if volume.pending is not None:
            raise errors.unprocessable(errors.VOLUME_PENDING_EVENT)
        if droplet.pending is not None:
            raise errors.unprocessable(errors.PENDING_EVENT)

    def start_volume_action(
        self, volume: Volume, kind: str, droplet: Droplet, will_error: bool = False
    ) -> Action:
        """Start attaching (``kind`` ``attach``) or detaching ``volume`` to or from ``droplet``, or
        refuse it (422). The Action, ``attach_volume`` or ``detach_volume``, is a pending event of
        both: the volume and the Droplet take no other Action until it ends."""
        self.check_volume_action(volume, kind, droplet)
        action_type = f"{kind}_volume"
        params = {"droplet_id": droplet.id}
        action = self._new_action(
            action_type, "volume", volume.id, volume.region, will_error, params
        )
        volume.pending = droplet.pending = action
        duration = self._duration(action_type, droplet)
        self._run(action, lambda: self._finish_volume_action(action, volume, droplet), duration)
        return action

    def _finish_volume_action(self, action: Action, volume: Volume, droplet: Droplet) -> bool:
        volume.pending = droplet.pending = None
        gone = (
            self.volumes.get(volume.id) is not volume
            or self.droplets.get(droplet.id) is not droplet
        )
        if action.will_error or gone:
            return False
        if action.type == "attach_volume":
            self.attach(volume, droplet)
        else:
            self._detach(volume, droplet)
        return True

    # -- volume snapshots -----------------------------------------------------------------------

    def volume_snapshot(self, snapshot_id: str) -> VolumeSnapshot:
        if snapshot_id not in self.volume_snapshots:
            raise errors.not_found()
        return self.volume_snapshots[snapshot_id]

    def snapshots_of(self, volume: Volume) -> list[VolumeSnapshot]:
        """The volume's snapshots, oldest first."""
        return [s for s in self.volume_snapshots.values() if s.volume_id == volume.id]

    def add_volume_snapshot(
        self,
        volume: Volume,
        name: str,
        tags: Iterable[str] = (),
        created_at: float | None = None,
    ) -> VolumeSnapshot:
        """A snapshot of ``volume``, taken now (or at ``created_at``), or the API's refusal: 422
        once the volume has 25, 409 if it has one of that name. Its billable size is a plausible
        5-14% of the volume, growing with each snapshot."""
        taken = self.snapshots_of(volume)
        if len(taken) >= MAX_SNAPSHOTS_PER_VOLUME:
            raise errors.unprocessable(errors.VOLUME_SNAPSHOT_LIMIT)
        if any(s.name == name for s in taken):
            raise errors.conflict(
                f"failed to create snapshot: the volume already has a snapshot named {name}"
            )
        snapshot_id = self._take_uuid()
        snapshot = VolumeSnapshot(
            id=snapshot_id,
            name=name,
            volume_id=volume.id,
            regions=[volume.region],
            created_at=self.clock.wall(self.clock.now()) if created_at is None else created_at,
            min_disk_size=volume.size_gigabytes,
            size_gigabytes=round(volume.size_gigabytes * (5 + len(taken) % 10) / 100, 2),
            tags=self._adopt_tags("volume_snapshot", snapshot_id, tags),
        )
        self.volume_snapshots[snapshot.id] = snapshot
        return snapshot

    def delete_volume_snapshot(self, snapshot: VolumeSnapshot) -> None:
        del self.volume_snapshots[snapshot.id]

    def _take_uuid(self) -> str:
        """A version-4 UUID from the world's seeded generator: each reset repeats the sequence."""
        return str(uuid.UUID(int=self._uuids.getrandbits(128), version=4))

    # -- tags ---------------------------------------------------------------------------------

    def tag(self, name: str) -> Tag:
        """The tag spelled exactly ``name``: a URL must use its canonical capitalization (404)."""
        found = self.tags.get(name.lower())
        if found is None or found.name != name:
            raise errors.not_found()
        return found

    def add_tag(self, name: str) -> Tag:
        """The tag called ``name`` in any capitalization, created as ``name`` if there is none."""
        if name.lower() not in self.tags:
            self.tags[name.lower()] = Tag(name)
        return self.tags[name.lower()]

    def delete_tag(self, tag: Tag) -> None:
        """Remove the tag from every resource that carries it, then the tag itself."""
        for _kind, resource in self._taggables():
            if tag.name in resource.tags:
                resource.tags.remove(tag.name)
        del self.tags[tag.name.lower()]

    def tag_resources(self, tag: Tag, resources: Iterable[tuple[str, str]]) -> None:
        """Tag each ``(resource type, id)`` not tagged yet, or refuse them all (422) if one of
        them does not exist."""
        for kind, resource in [(kind, self._taggable(kind, rid)) for kind, rid in resources]:
            if tag.name not in resource.tags:
                resource.tags.append(tag.name)
                tag.tagged_at[kind, str(resource.id)] = next(self._taggings)

    def untag_resources(self, tag: Tag, resources: Iterable[tuple[str, str]]) -> None:
        """Untag each ``(resource type, id)`` that carries the tag, or refuse them all (422) if one
        of them does not exist."""
        for kind, resource in [(kind, self._taggable(kind, rid)) for kind, rid in resources]:
            if tag.name in resource.tags:
                resource.tags.remove(tag.name)
            tag.tagged_at.pop((kind, str(resource.id)), None)

    def tagged(self) -> dict[str, list[tuple[int, str, str]]]:
        """For each tag (by canonical name) the resources that carry it, as ``(tagging order,
        resource type, id)``."""
        found: dict[str, list[tuple[int, str, str]]] = {t.name: [] for t in self.tags.values()}
        for kind, resource in self._taggables():
            for name in resource.tags:
                tag = self.tags[name.lower()]
                found[name].append(
                    (tag.tagged_at.get((kind, str(resource.id)), 0), kind, str(resource.id))
                )
        return found

    def _taggable(self, kind: str, resource_id: str) -> Taggable:
        """The resource a tagging request names: 422 if there is none (a public image is not the
        account's to tag, and there are no Database clusters)."""
        found: Taggable | None = None
        if kind in ("droplet", "image") and _DIGITS.fullmatch(resource_id):
            found = (self.droplets if kind == "droplet" else self.images).get(int(resource_id))
        elif kind == "volume":
            found = self.volumes.get(resource_id)
        elif kind == "volume_snapshot":
            found = self.volume_snapshots.get(resource_id)
        if found is None:
            raise errors.unprocessable(errors.resource_not_found(kind, resource_id))
        return found

    def _taggables(self) -> Iterable[tuple[str, Taggable]]:
        yield from (("droplet", d) for d in sorted(self.droplets.values(), key=lambda d: d.id))
        yield from (("image", i) for i in self.images.values())
        yield from (("volume", v) for v in self.volumes.values())
        yield from (("volume_snapshot", s) for s in self.volume_snapshots.values())

    def _adopt_tags(self, kind: str, resource_id: int | str, names: Iterable[str]) -> list[str]:
        """The canonical names of the tags a new resource is created with, without duplicates,
        creating the tags that do not exist yet, as the API does."""
        adopted: list[str] = []
        for name in names:
            tag = self.add_tag(name)
            if tag.name not in adopted:
                adopted.append(tag.name)
                tag.tagged_at[kind, str(resource_id)] = next(self._taggings)
        return adopted

    # -- Actions ------------------------------------------------------------------------------

    def action(self, action_id: int) -> Action:
        if action_id not in self._actions_by_id:
            raise errors.not_found()
        return self._actions_by_id[action_id]

    def _new_action(
        self,
        kind: str,
        resource_type: str,
        resource_id: int,
        region: str,
        will_error: bool,
        params: dict,
    ) -> Action:
        action = Action(
            id=self._next_action_id,
            type=kind,
            resource_type=resource_type,
            resource_id=resource_id,
            region_slug=region,
            started_at=0.0,
            duration=0.0,
            will_error=will_error,
            params=params,
        )
        self._next_action_id += 1
        self.actions.append(action)
        self._actions_by_id[action.id] = action
        return action

    def _run(self, action: Action, effect: Callable[[], bool], duration: float) -> None:
        """Start the clock on ``action``; at its deadline ``effect`` applies it and says whether it
        succeeded, and the Action completes or errors."""

        def finish() -> None:
            action.status = "completed" if effect() else "errored"
            action.completed_at = action.started_at + duration

        action.duration = duration
        action.started_at = self.clock.wall(self._after(duration, finish))


def _set_status(status: str) -> Callable[[World, Droplet, Action], None]:
    def effect(world: World, droplet: Droplet, action: Action) -> None:
        droplet.status = status

    return effect


def _shutdown(world: World, droplet: Droplet, action: Action) -> None:
    if not (droplet.shutdown_fails or world.settings.shutdown_fails):
        droplet.status = "off"


def _snapshot(world: World, droplet: Droplet, action: Action) -> None:
    name = action.params.get("name") or f"{droplet.name}-{int(action.started_at * 1000)}"
    world.add_snapshot(droplet, name, created_at=action.started_at)


def _rename(world: World, droplet: Droplet, action: Action) -> None:
    droplet.name = action.params["name"]


def _backups(enabled: bool) -> Callable[[World, Droplet, Action], None]:
    def effect(world: World, droplet: Droplet, action: Action) -> None:
        droplet.backups = enabled
        droplet.backups_since = action.started_at if enabled else None

    return effect


def _enable_ipv6(world: World, droplet: Droplet, action: Action) -> None:
    droplet.ipv6 = True


def _resize(world: World, droplet: Droplet, action: Action) -> None:
    """The new size; the disk grows with it only with ``disk``. The Droplet stays off."""
    droplet.size = action.params["size"]
    if action.params.get("disk"):
        droplet.disk = catalog.SIZES[droplet.size]["disk"]


def _rebuild(world: World, droplet: Droplet, action: Action) -> None:
    """The disk now holds the image, and the Droplet boots it."""
    droplet.image = action.params["image"]
    droplet.status = "active"


# What each Droplet Action does when it completes (password_reset only sends an email).
_DROPLET_EFFECTS: dict[str, Callable[[World, Droplet, Action], None]] = {
    "create": _set_status("active"),
    "power_on": _set_status("active"),
    "reboot": _set_status("active"),
    "power_cycle": _set_status("active"),
    "power_off": _set_status("off"),
    "shutdown": _shutdown,
    "snapshot": _snapshot,
    "rename": _rename,
    "enable_backups": _backups(True),
    "disable_backups": _backups(False),
    "enable_ipv6": _enable_ipv6,
    "resize": _resize,
    "rebuild": _rebuild,
    "restore": _rebuild,
}
DROPLET_ACTION_TYPES = frozenset(_DROPLET_EFFECTS) - {"create"} | {"password_reset"}
IMAGE_ACTION_TYPES = frozenset({"transfer", "convert"})
VOLUME_ACTION_TYPES = frozenset({"attach", "detach"})
