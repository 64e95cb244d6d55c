"""The simulator as an application: one request in, one response out, nothing about sockets.

An API request goes through, in order: injected faults (which may delay it, answer for it, or
drop it), authentication (401), the rate limits (429), then its endpoint. Faults come first
because they stand for trouble in front of the API (a load balancer, the network): their answers
do not use up the token's budget. Admin requests (/_sim/...) skip all of that, and so does a
request outside /v2/, which is answered at once with a 404 that says where the API is.

One lock guards all state. Handlers are quick, in-memory and never wait, so one lock costs
nothing measurable and makes every request atomic: of twenty simultaneous POSTs to one Droplet,
exactly one finds it unlocked. Only an injected delay sleeps, and it sleeps outside the lock.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
import traceback
import uuid
from collections.abc import Iterable, Mapping
from threading import Lock
from typing import Any

from . import admin, api, errors, render
from .clock import Clock
from .faults import FaultRule, Faults
from .ratelimit import RateLimiter
from .requestlog import RequestLog, token_hash
from .routing import Router
from .settings import Settings
from .state import World
from .wire import Request, Response


class Simulator:
    """All of the simulator's state, and the pipeline every request goes through."""

    def __init__(self, baseline: Settings | None = None):
        self.baseline = baseline or Settings()
        self.lock = Lock()
        self.generation = 0  # counts resets, so requests from before one cannot touch after it
        self.reset()

    def reset(self, droplets: Iterable[Any] = (), settings: Mapping[str, Any] | None = None):
        """Start afresh from the baseline settings, merged with ``settings``, and seed Droplets.
        Everything is checked first (ValueError): a bad reset leaves the old state in place."""
        merged = self.baseline.merged(settings or {})
        seeds = [admin.seed_droplet(spec, number) for number, spec in enumerate(droplets, 1)]
        clock = Clock()
        world = World(merged, clock)
        try:
            for seed in seeds:
                _plant(world, seed)
        except errors.ApiError as error:  # a seed the API would refuse, such as a bad volume name
            raise ValueError(error.message) from None
        self.generation += 1
        self.world = world
        self.faults = Faults()
        self.limiter = RateLimiter(clock)
        self.log = RequestLog()

    def state(self, base_url: str = "") -> dict[str, Any]:
        """Droplets, Actions (newest first), volumes and tags as the API lists them, and Droplet
        snapshots (``snapshots``) and volume snapshots (``volume_snapshots``) as /v2/snapshots
        shows them; ``base_url`` starts the tags' URIs."""
        world = self.world
        droplets = sorted(world.droplets.values(), key=lambda d: d.id)
        tagged = world.tagged()
        return {
            "droplets": [render.droplet(d) for d in droplets],
            "actions": [render.action(a) for a in reversed(world.actions)],
            "snapshots": [render.snapshot(s) for s in world.snapshots()],
            "volumes": [render.volume(v) for v in world.volumes.values()],
            "volume_snapshots": [render.snapshot(s) for s in world.volume_snapshots.values()],
            "tags": [render.tag(t.name, tagged[t.name], base_url) for t in world.tags.values()],
        }

    # -- the pipeline ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            with self.lock:
                self.world.settle()
                return self._dispatch(admin.router, request)
        if not request.path.startswith("/v2/"):
            return self._error(errors.outside_api(request.path, request.base_url))
        with self.lock:
            generation = self.generation
            fired = self.faults.take(
                request.method, request.path, request.action_type, request.bearer_token
            )
        delays = dict.fromkeys(("before", "after"), 0.0)
        for rule in fired:
            if rule.kind == "delay":
                delays[rule.phase] += rule.delay
        if delays["before"]:
            time.sleep(delays["before"])
        failure = next((rule for rule in fired if rule.kind in ("status", "drop")), None)
        with self.lock:
            if self.generation != generation:
                # Reset while this request was delayed: the world it was sent to is gone, and
                # it must not leak into the next test. Answer as a lost connection would.
                return Response(0, drop=True)
            for rule in fired:
                if rule.kind == "busy":
                    self._another_client_acts(request.path, rule.acts, rule.finished)
            if failure is None or failure.phase == "after":
                response = self._answer(request)
            if failure is not None:  # with phase "after", the request took effect first
                response = self._fault_response(failure, request)
            self.log.record(request, response, (time.perf_counter() - started) * 1000)
        if delays["after"]:  # it has taken effect; its answer is late
            time.sleep(delays["after"])
        return response

    def _answer(self, request: Request) -> Response:
        """Authenticate, count, route: the API proper."""
        self.world.settle()
        token = request.bearer_token
        limits = self.world.settings.rate_limit
        if not self._authorized(token):
            response = self._error(errors.unauthorized())
            response.headers.update(self.limiter.peek(token_hash(token) or "", limits))
            return response
        verdict = self.limiter.take(token_hash(token), limits)
        if verdict.allowed:
            response = self._dispatch(api.router, request)
        else:
            response = self._error(errors.too_many_requests())
        response.headers.update(verdict.headers)
        return response

    def _authorized(self, token: str | None) -> bool:
        allowed = self.world.settings.tokens
        return token is not None and (not allowed or token in allowed)

    def _another_client_acts(self, path: str, action_type: str, finished: bool) -> None:
        """Another client starts an Action on the Droplet of ``path``, if it can (a ``busy``
        rule); ``finished``: it has also run to completion."""
        found = re.match(r"/v2/droplets/(\d+)", path)
        droplet = self.world.droplets.get(int(found[1])) if found else None
        if droplet is not None and droplet.pending is None:
            self.world.settle()
            duration = 0.0 if finished else None
            with contextlib.suppress(errors.ApiError):  # refused: the Droplet cannot take it
                self.world.start_droplet_action(droplet, action_type, {}, duration=duration)
            self.world.settle()

    def _fault_response(self, rule: FaultRule, request: Request) -> Response:
        if rule.kind == "drop":
            return Response(0, drop=True)
        response = self._error(errors.for_status(rule.status))
        limits = self.world.settings.rate_limit
        response.headers.update(self.limiter.peek(token_hash(request.bearer_token) or "", limits))
        if rule.retry_after is not None:
            response.headers["retry-after"] = f"{rule.retry_after:g}"
        return response

    def _dispatch(self, router: Router, request: Request) -> Response:
        try:
            handler, params = router.resolve(request.method, request.path)
            return handler(self, request, **params)
        except errors.ApiError as error:
            return self._error(error)
        except Exception:  # a bug: answer like the API would, keep serving, and say where
            traceback.print_exc(file=sys.stderr)
            return self._error(errors.server_error())

    @staticmethod
    def _error(error: errors.ApiError) -> Response:
        body = {"id": error.error_id, "message": error.message, "request_id": str(uuid.uuid4())}
        return Response(error.status, body)


def _plant(world: World, seed: dict[str, Any]) -> None:
    """Add one checked Droplet seed (see :func:`admin.seed_droplet`) to ``world``: the Droplet, its
    snapshots, and its volumes, attached at once, with their snapshots."""
    snapshots, volumes = seed.pop("snapshots"), seed.pop("volumes")
    droplet = world.add_droplet(**seed)
    for name, age in snapshots:
        world.add_snapshot(droplet, name, created_at=droplet.created_at - age)
    for volume_seed in volumes:
        volume_snapshots = volume_seed.pop("snapshots")
        volume = world.add_volume(region=droplet.region, **volume_seed)
        world.attach(volume, droplet)
        for name, age in volume_snapshots:
            world.add_volume_snapshot(volume, name, created_at=volume.created_at - age)
