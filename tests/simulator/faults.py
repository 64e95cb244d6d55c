"""Injected faults: rules that make matching requests fail the ways real networks and APIs do.

A rule (as ``POST /_sim/faults`` takes it)::

    {"kind": "status" | "delay" | "drop" | "errored" | "busy",
     "method": "POST", "path": "^/v2/droplets/\\d+/actions$", "action_type": "snapshot",
     "token": "...", "after": {"method": "POST", "path": "...", "action_type": "shutdown"},
     "status": 503, "retry_after": 5, "delay": 2.0, "count": 1, "probability": 0.5,
     "phase": "before" | "after"}

Only ``kind`` is required. ``method``, ``path`` (a regex searched in the path, query excluded),
``action_type`` (the ``type`` of the JSON body) and ``token`` (the bearer token: one client's
requests among many) narrow what matches. With ``after`` (``method``, ``path`` and
``action_type``, as the rule's own, and the rule's ``token``), the rule fires only on requests
that come after one matching ``after``: a step later in a client's flow. ``after`` may have its
own ``after``: the request that matches it counts only once one matching that came.

``status`` answers with that status and DigitalOcean's error body (plus ``retry-after`` if
given); ``delay`` holds the answer back for ``delay`` seconds of real time; ``drop`` closes the
connection without a reply; ``errored`` makes the next matching Action end ``errored``; ``busy``
is another client starting an Action (``acts``: a ``password_reset`` unless said otherwise, which
changes nothing) on the Droplet of the request's path just before the request arrives, so that it
finds the Droplet locked (a POST gets the 422 "pending event"); with ``"finished": true`` that
Action has also completed when the request arrives (a ``power_on`` that made the Droplet run).
With ``"phase": "after"`` a ``status`` or ``drop`` rule lets the request take effect first and
then loses its answer: the case of a POST that reached the server although the client saw it
fail; a ``delay`` rule holds back the answer of a request that has taken effect.

``count`` is how many times the rule fires before it is used up (default: forever, but once for
``errored``); ``probability`` is the chance that a matching request fires it. The dice are seeded,
so a run is reproducible from a reset.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("status", "delay", "drop", "errored", "busy")
PHASES = ("before", "after")


@dataclass
class FaultRule:
    kind: str
    method: str | None = None
    path: str | None = None
    action_type: str | None = None
    token: str | None = None
    after: dict | None = None
    acts: str = "password_reset"
    finished: bool = False
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    count: int | None = None
    probability: float = 1.0
    phase: str = "before"

    @classmethod
    def parse(cls, spec: Any) -> FaultRule:
        """A checked rule; ValueError says what is wrong with ``spec``."""
        if not isinstance(spec, Mapping):
            raise ValueError("a fault rule must be a JSON object")
        if "kind" not in spec:
            raise ValueError(f"a fault rule needs a kind: one of {', '.join(KINDS)}")
        unknown = sorted(set(spec) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown fault rule keys: {', '.join(unknown)}")
        rule = cls(**spec)
        rule._check()
        if rule.after is not None:
            rule._trigger = cls.parse({"kind": "status", "token": rule.token, **rule.after})
        if rule.kind == "errored" and "count" not in spec:
            rule.count = 1
        return rule

    def _check(self) -> None:
        def number(value: Any) -> bool:
            return isinstance(value, (int, float)) and not isinstance(value, bool)

        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if not isinstance(self.finished, bool):
            raise ValueError("finished must be true or false")
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {', '.join(PHASES)}")
        if self.after is not None and (
            not isinstance(self.after, Mapping)
            or not self.after
            or set(self.after) - {"method", "path", "action_type", "after"}
        ):
            raise ValueError("after must be an object with method, path, action_type and/or after")
        for name in ("method", "path", "action_type", "token", "acts"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string")
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as error:
                raise ValueError(f"path is not a valid regex: {error}") from None
        if not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status code")
        if not number(self.delay) or self.delay < 0:
            raise ValueError("delay must be a non-negative number of seconds")
        if self.retry_after is not None and (not number(self.retry_after) or self.retry_after < 0):
            raise ValueError("retry_after must be a non-negative number of seconds")
        if self.count is not None and (not isinstance(self.count, int) or self.count < 1):
            raise ValueError("count must be a positive integer")
        if not number(self.probability) or not 0 <= self.probability <= 1:
            raise ValueError("probability must be between 0 and 1")

    def matches(
        self, method: str, path: str, action_type: str | None, token: str | None = None
    ) -> bool:
        return (
            (self.method is None or self.method.upper() == method)
            and (self.path is None or re.search(self.path, path) is not None)
            and (self.action_type is None or self.action_type == action_type)
            and (self.token is None or self.token == token)
        )

    def armed(self, method: str, path: str, action_type: str | None, token: str | None) -> bool:
        """Whether the rule may fire on this request: it has no ``after``, or a request before
        this one matched it."""
        if self.after is None or getattr(self, "_armed", False):
            return True
        if self._trigger.armed(method, path, action_type, token) and self._trigger.matches(
            method, path, action_type, token
        ):
            self._armed = True
        return False

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if not key.startswith("_")}


class Faults:
    """The active rules, in the order they were added."""

    def __init__(self, seed: int = 0):
        self._rules: list[FaultRule] = []
        self._dice = random.Random(seed)

    def add(self, rules: list[FaultRule]) -> None:
        self._rules.extend(rules)

    def clear(self) -> None:
        self._rules.clear()

    def to_json(self) -> list[dict[str, Any]]:
        return [rule.to_json() for rule in self._rules]

    def take(
        self, method: str, path: str, action_type: str | None, token: str | None = None
    ) -> list[FaultRule]:
        """The request-level rules (not ``errored``) that fire for this request, counted."""
        return self._fire(method, path, action_type, token, lambda rule: rule.kind != "errored")

    def take_errored(
        self, method: str, path: str, action_type: str | None, token: str | None = None
    ) -> bool:
        """Whether the Action this request starts should end ``errored`` (uses one count)."""
        return bool(
            self._fire(method, path, action_type, token, lambda rule: rule.kind == "errored")
        )

    def _fire(self, method, path, action_type, token, wanted) -> list[FaultRule]:
        fired = []
        for rule in list(self._rules):
            if not wanted(rule) or not rule.armed(method, path, action_type, token):
                continue
            if not rule.matches(method, path, action_type, token):
                continue
            if rule.probability < 1 and self._dice.random() >= rule.probability:
                continue
            fired.append(rule)
            if rule.count is not None:
                rule.count -= 1
                if rule.count == 0:
                    self._rules.remove(rule)
            if rule.kind == "errored":
                break
        return fired
