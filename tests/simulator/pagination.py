"""DigitalOcean's pagination: ``page`` and ``per_page`` in, ``links.pages`` and ``meta.total`` out.

``per_page`` defaults to 20 and is capped at 200, as the API documents. ``links.pages`` holds only
the links that make sense (no ``first``/``prev`` on the first page, no ``next``/``last`` on the
last), each an absolute URL back to this server that keeps the request's other query parameters.
A single page answers ``"links": {}``, as the spec's examples do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from . import errors

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 200


def _positive_int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise errors.bad_request(f"invalid value for query parameter {name}: {raw!r}")
    return value


def paginate(
    key: str,
    items: Sequence[Any],
    render: Callable[[Any], dict],
    *,
    query: Mapping[str, str],
    url: str,
) -> dict:
    """The list response for ``items`` (rendering only the requested page); ``url`` is the
    absolute URL of the collection without its query."""
    page = _positive_int(query, "page", 1)
    per_page = min(_positive_int(query, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    last = max(1, math.ceil(len(items) / per_page))
    start = (page - 1) * per_page
    body = {key: [render(item) for item in items[start : start + per_page]]}

    def link(number: int) -> str:
        others = {name: value for name, value in query.items() if name != "page"}
        return f"{url}?{urlencode({'page': number, **others})}"

    pages = {}
    if page > 1:
        pages.update(first=link(1), prev=link(page - 1))
    if page < last:
        pages.update(next=link(page + 1), last=link(last))
    body["links"] = {"pages": pages} if pages else {}
    body["meta"] = {"total": len(items)}
    return body
