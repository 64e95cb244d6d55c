"""A small router: path templates such as ``/v2/droplets/{droplet_id:int}`` to handler functions.

``{name}`` matches one path segment and passes it as a string; ``{name:int}`` matches digits only
and passes an int, so ``/v2/droplets/abc`` is simply a path that does not exist (404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import errors
from .wire import Response

Handler = Callable[..., Response]

_PARAMETER = re.compile(r"\{(\w+)(?::(int))?\}")


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], frozenset[str], Handler]] = []

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        """Register the decorated function for ``method`` on paths matching ``template``."""

        def to_regex(match: re.Match[str]) -> str:
            name, kind = match.groups()
            return f"(?P<{name}>[0-9]+)" if kind == "int" else f"(?P<{name}>[^/]+)"

        pattern = re.compile(f"^{_PARAMETER.sub(to_regex, template)}$")
        ints = frozenset(name for name, kind in _PARAMETER.findall(template) if kind == "int")

        def register(handler: Handler) -> Handler:
            self._routes.append((method, pattern, ints, handler))
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, Any]]:
        """The handler and its path parameters; 404 for an unknown path, 405 for a wrong method."""
        path_exists = False
        for route_method, pattern, ints, handler in self._routes:
            match = pattern.match(path)
            if not match:
                continue
            path_exists = True
            if route_method == method:
                params = {
                    name: int(value) if name in ints else value
                    for name, value in match.groupdict().items()
                }
                return handler, params
        if path_exists:
            raise errors.ApiError(405, "method_not_allowed", f"{method} is not allowed here")
        raise errors.not_found()
