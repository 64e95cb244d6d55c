"""The knobs of the simulation, as ``GET/PUT /_sim/settings`` shows and changes them.

A PUT merges the keys it is given; the two nested objects (``action_durations``, ``rate_limit``)
merge key by key, so ``{"action_durations": {"snapshot": 120}}`` leaves the other durations alone.
Every value is checked before anything changes: a bad PUT leaves the settings as they were.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Seconds each Action takes at time_scale 1, close to what DigitalOcean takes for a small Droplet.
# A resize moves the Droplet's disk within the datacenter even when the disk keeps its size; with
# ``"disk": true`` (``resize_disk``) the disk is also grown, which takes longer. DigitalOcean's
# guidance is about a minute per GB of used disk; a small Droplet uses a few GB. A rebuild or a
# restore writes a fresh disk from the image and boots it, about as long as a create plus a boot.
DEFAULT_ACTION_DURATIONS: dict[str, float] = {
    "create": 30,
    "shutdown": 5,
    "power_off": 3,
    "power_on": 10,
    "reboot": 10,
    "power_cycle": 10,
    "snapshot": 60,
    "resize": 60,
    "resize_disk": 180,
    "rebuild": 60,
    "restore": 60,
    "rename": 1,
    "enable_backups": 2,
    "disable_backups": 2,
    "password_reset": 5,
    "enable_ipv6": 5,
    "transfer": 60,
    "convert": 30,
    "import": 60,
    "attach_volume": 5,
    "detach_volume": 5,
}

# DigitalOcean's documented limits: per token, 5,000 an hour and 250 a minute, sliding windows.
# ``window_scale`` shrinks both windows (0.01: the "hour" lasts 36 s) so tests can see them expire.
DEFAULT_RATE_LIMIT: dict[str, float] = {"per_hour": 5000, "per_minute": 250, "window_scale": 1.0}


def _number(value: Any, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    if positive and value == 0:
        raise ValueError(f"{name} must be greater than 0")
    return value


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def durations(value: Any, name: str = "action_durations") -> dict[str, float]:
    """Check an ``{action type: seconds}`` object (also used for per-Droplet overrides)."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be an object of action type -> seconds")
    return {str(kind): _number(seconds, f"{name}.{kind}") for kind, seconds in value.items()}


def _rate_limit(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping) or set(value) - set(DEFAULT_RATE_LIMIT):
        raise ValueError(f"rate_limit must be an object with keys {sorted(DEFAULT_RATE_LIMIT)}")
    return {
        key: _number(number, f"rate_limit.{key}", positive=key == "window_scale")
        for key, number in value.items()
    }


def _tokens(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise ValueError("tokens must be a list of non-empty strings")
    return list(value)


@dataclass(frozen=True)
class Settings:
    """One consistent set of settings; :meth:`merged` returns a changed copy."""

    time_scale: float = 1.0
    action_durations: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_ACTION_DURATIONS)
    )
    shutdown_fails: bool = False
    snapshot_requires_off: bool = False
    rate_limit: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMIT))
    tokens: list[str] = field(default_factory=list)

    def merged(self, changes: Mapping[str, Any]) -> Settings:
        """These settings with ``changes`` merged in; ValueError names the first bad key."""
        if not isinstance(changes, Mapping):
            raise ValueError("settings must be a JSON object")
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        checked: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "time_scale":
                checked[key] = _number(value, key, positive=True)
            elif key == "action_durations":
                checked[key] = {**self.action_durations, **durations(value)}
            elif key == "rate_limit":
                checked[key] = {**self.rate_limit, **_rate_limit(value)}
            elif key == "tokens":
                checked[key] = _tokens(value)
            else:
                checked[key] = _flag(value, key)
        return dataclasses.replace(self, **checked)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
