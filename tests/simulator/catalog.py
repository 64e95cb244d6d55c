"""The fixed world around the account: regions, sizes, public images and the account itself.

Values are modelled on DigitalOcean's own listings and the examples in the OpenAPI spec. Nothing
here changes while the simulator runs, so the dictionaries are shared by every rendered object.
"""

from __future__ import annotations

_REGION_NAMES = {
    "nyc1": "New York 1",
    "nyc3": "New York 3",
    "sfo3": "San Francisco 3",
    "ams3": "Amsterdam 3",
    "fra1": "Frankfurt 1",
    "lon1": "London 1",
    "sgp1": "Singapore 1",
    "tor1": "Toronto 1",
    "blr1": "Bangalore 1",
    "syd1": "Sydney 1",
}
_REGION_FEATURES = ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"]


def _size(
    slug: str,
    memory: int,
    vcpus: int,
    disk: int,
    transfer: float,
    monthly: float,
    *,
    description: str = "Basic",
    regions: tuple[str, ...] = tuple(_REGION_NAMES),
) -> dict:
    return {
        "slug": slug,
        "memory": memory,
        "vcpus": vcpus,
        "disk": disk,
        "transfer": transfer,
        "price_monthly": monthly,
        "price_hourly": round(monthly / 672, 5),
        "regions": sorted(regions),
        "available": True,
        "description": description,
        "disk_info": [{"type": "local", "size": {"amount": disk, "unit": "gib"}}],
    }


# As GET /v2/sizes lists them: the Basic plans by price, then a General Purpose one. Most sizes are
# offered everywhere; the last two only in some regions, as on DigitalOcean, where a region's
# ``sizes`` and a size's ``regions`` say the same thing from both sides.
SIZES: dict[str, dict] = {
    size["slug"]: size
    for size in [
        _size("s-1vcpu-512mb-10gb", 512, 1, 10, 0.5, 4.0),
        _size("s-1vcpu-1gb", 1024, 1, 25, 1.0, 6.0),
        _size("s-1vcpu-2gb", 2048, 1, 50, 2.0, 12.0),
        _size("s-2vcpu-2gb", 2048, 2, 60, 3.0, 18.0),
        _size("s-2vcpu-4gb", 4096, 2, 80, 4.0, 24.0),
        _size("s-4vcpu-8gb", 8192, 4, 160, 5.0, 48.0),
        _size(
            "s-8vcpu-16gb",
            16384,
            8,
            320,
            6.0,
            96.0,
            regions=tuple(slug for slug in _REGION_NAMES if slug != "blr1"),
        ),
        _size(
            "g-2vcpu-8gb",
            8192,
            2,
            25,
            4.0,
            63.0,
            description="General Purpose",
            regions=("nyc1", "nyc3", "sfo3", "ams3", "fra1", "lon1", "tor1"),
        ),
    ]
}

REGIONS: dict[str, dict] = {
    slug: {
        "name": name,
        "slug": slug,
        "features": _REGION_FEATURES,
        "available": True,
        "sizes": [size for size, spec in SIZES.items() if slug in spec["regions"]],
    }
    for slug, name in _REGION_NAMES.items()
}


def _image(image_id: int, slug: str, name: str, distribution: str) -> dict:
    return {
        "id": image_id,
        "name": name,
        "type": "base",
        "distribution": distribution,
        "slug": slug,
        "public": True,
        "regions": sorted(REGIONS),
        "created_at": "2024-04-24T13:51:49Z",
        "min_disk_size": 7,
        "size_gigabytes": 1.15,
        "description": f"{distribution} {name}",
        "tags": [],
        "status": "available",
        "error_message": "",
    }


PUBLIC_IMAGES: list[dict] = [
    _image(159651797, "ubuntu-24-04-x64", "24.04 (LTS) x64", "Ubuntu"),
    _image(129211873, "ubuntu-22-04-x64", "22.04 (LTS) x64", "Ubuntu"),
    _image(144006963, "debian-12-x64", "12 x64", "Debian"),
    _image(155765880, "fedora-40-x64", "40 x64", "Fedora"),
    _image(151113556, "docker-20-04", "Docker on Ubuntu 22.04", "Ubuntu"),
]
# What the images list's ``type=application`` filter selects; every other public image is a
# ``distribution``.
APPLICATION_IMAGE_IDS = frozenset({151113556})

DEFAULT_REGION = "nyc3"
DEFAULT_SIZE = "s-1vcpu-1gb"
DEFAULT_IMAGE = "ubuntu-24-04-x64"

ACCOUNT = {
    "droplet_limit": 25,
    "floating_ip_limit": 3,
    "email": "sammy@example.com",
    "name": "Sammy the Shark",
    "uuid": "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
    "email_verified": True,
    "status": "active",
    "status_message": "",
}


def public_image(key: int | str) -> dict | None:
    """The public image with this id or slug, or None."""
    for image in PUBLIC_IMAGES:
        if key in (image["id"], image["slug"], str(image["id"])):
            return image
    return None
