# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client for DigitalOcean's API v2.

Everything that touches the network goes through :class:`Client`: the bearer token, timeouts,
retries of throttled and failed requests, pacing before the rate limit is reached, pagination, and
turning DigitalOcean's error bodies into one readable line. It knows nothing about Droplets or
Ansible, so modules, the inventory plugin and tests all use it as it is.

Three budgets stay separate: ``timeout`` bounds one HTTP request; :class:`RetryPolicy` bounds how
long a throttled or failing request is retried; waiting for an Action to finish belongs to the
caller (see ``_actions.py``).
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import itertools
import random
import re
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

try:
    import requests
except ImportError:  # pragma: no cover - reported by the caller through missing_required_lib
    requests = None
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

DEFAULT_API_URL = "https://api.digitalocean.com/v2"
# The environment variables other DigitalOcean tools read the token from, in order of precedence:
# doctl, Terraform, community.digitalocean and ansible-test (two), the classic snapshot script.
TOKEN_ENV_VARS = (
    "DIGITALOCEAN_ACCESS_TOKEN",
    "DIGITALOCEAN_TOKEN",
    "DO_API_TOKEN",
    "DO_API_KEY",
    "DO_TOKEN",
)
API_URL_ENV_VAR = "DIGITALOCEAN_API_URL"
USER_AGENT = "oceanops.digitalocean/0.1.0"
MAX_PER_PAGE = 200
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# The methods of requests that may change something.
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DigitalOceanError(Exception):
    """Base of every error this collection raises; ``str()`` is the one line shown to users, and
    ``failure_type`` the kind of failure the module result's ``failure`` says it is."""

    failure_type = "error"

    def failure(self) -> dict:
        """Structured details for the module result's ``failure`` key."""
        return {"type": self.failure_type, "message": str(self)}


class ConfigurationError(DigitalOceanError):
    """The client cannot be used as configured (no token, unsafe URL); nothing was sent."""

    failure_type = "configuration"


class APIError(DigitalOceanError):
    """A request that failed: an error status from the API, or no usable answer at all.

    ``status`` is None when no HTTP answer arrived (connection refused, reset, timed out).
    ``uncertain`` is True when the request may have reached the server and changed something,
    but was not re-sent: the caller decides how to check whether it took effect.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        error_id: str | None,
        message: str,
        request_id: str | None = None,
        uncertain: bool = False,
        transient: bool = True,
    ):
        self.transient = transient
        self.method = method
        self.path = path
        self.status = status
        self.error_id = error_id
        self.message = message
        self.request_id = request_id
        self.uncertain = uncertain
        self.what: str | None = None
        super().__init__(self._line())

    def _line(self) -> str:
        where = f"{self.method} {self.path}"
        if self.what:
            where += f" ({self.what})"
        if self.status is None:
            text = f"{where} failed: {self.message}"
        else:
            text = f"{where} returned {self.status}"
            if self.error_id:
                text += f" {self.error_id}"
            text += f": {self.message}"
        if self.status == 401:
            text += " (the API token was refused: check api_token or its environment variables)"
        if self.request_id:
            text += f" (request_id {self.request_id})"
        return text

    def label(self, what: str) -> None:
        """Say what the request was for, after its path: ``POST /droplets/1/actions (shutdown)``."""
        self.what = what
        self.args = (self._line(),)

    def explain(self, note: str) -> None:
        """Add a note to the message (and so to ``str(self)``)."""
        self.message = f"{self.message} ({note})"
        self.args = (self._line(),)

    @property
    def retryable(self) -> bool:
        """True for failures that may pass on a later attempt (throttling, 5xx, no answer)."""
        if self.status is None:
            return self.transient
        return self.status in RETRYABLE_STATUSES

    @property
    def pending_event(self) -> bool:
        """True for the 422 DigitalOcean answers while another Action runs on the Droplet."""
        return self.status == 422 and "pending event" in self.message.lower()

    def failure(self) -> dict:
        return {
            "type": "api",
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "id": self.error_id,
            "message": self.message,
            "request_id": self.request_id,
        }


@dataclass
class RetryPolicy:
    """How throttled (429), failing (5xx) and unanswered requests are retried.

    Waits grow exponentially from ``backoff`` to ``max_backoff`` with full jitter, unless the API
    says how long to wait (``retry-after``, or ``ratelimit-reset`` once the hourly budget is spent).
    A single wait longer than ``max_wait`` is not taken: the request fails at once with the reason.
    A request is tried at most ``attempts`` times; a throttled try (429) does not count when the
    client has a deadline: it is tried again, as the API asks, until that deadline.
    When ``ratelimit-remaining`` drops to ``slow_below`` or less, requests are spaced so the rest of
    the budget lasts until the reset.
    """

    attempts: int = 6
    backoff: float = 0.5
    max_backoff: float = 16.0
    max_wait: float = 120.0
    slow_below: int = 100
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)

    def backoff_delay(self, attempt: int) -> float:
        """The jittered wait before retry number ``attempt`` (1-based) when the API gave no hint."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** min(attempt, 32))
        return self.rng.uniform(self.backoff / 2, ceiling)

    def hinted_delay(self, status: int | None, headers: dict) -> float | None:
        """The wait the API asks for, if any: ``retry-after``, else the reset of a spent budget."""
        retry_after = _number(headers.get("retry-after"))
        if retry_after is not None:
            return max(0.0, retry_after) + self.rng.uniform(0, 0.25)
        if status == 429 and _number(headers.get("ratelimit-remaining")) == 0:
            reset = _number(headers.get("ratelimit-reset"))
            if reset is not None:
                return max(0.0, reset - self.clock()) + self.rng.uniform(0, 0.25)
        return None

    def pacing_delay(self, headers: dict) -> float:
        """A pause before the next request when the hourly budget runs low, else 0."""
        remaining = _number(headers.get("ratelimit-remaining"))
        reset = _number(headers.get("ratelimit-reset"))
        if remaining is None or reset is None or remaining > self.slow_below:
            return 0.0
        return min(self.max_wait, max(0.0, reset - self.clock()) / max(remaining, 1))


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_api_url(api_url: str) -> str:
    """Validate ``api_url`` and return it without a trailing slash.

    Plain ``http://`` is only accepted for loopback addresses: anywhere else the bearer token would
    cross the network in clear text.
    """
    url = (api_url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(f"api_url must be an http(s) URL, got {api_url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"api_url {url} uses plain http:// to a non-loopback host; the API token would travel "
            "unencrypted. Use https://."
        )
    return url


class Pacer:
    """Told of every request the client sends: :meth:`before` gives it its turn, :meth:`after`
    hears that it was answered (or failed).

    This one, the default, paces a run alone: when the last answer's rate-limit headers say the
    hourly budget runs low, it spaces the requests so that the rest lasts until the reset. Another
    pacer (the fleet layer's) takes turns with the other runs of the token instead, and records
    what each request that may change something changes.
    """

    def before(
        self,
        method: str,
        path: str,
        body: dict | None,
        headers: dict | None,
        policy: RetryPolicy,
    ) -> None:
        delay = policy.pacing_delay(headers or {})
        if delay:
            policy.sleep(delay)

    def after(self, method: str, path: str, body: dict | None) -> None:
        """The request was answered, or failed."""


@dataclass
class _Outcome:
    body: Any = None
    error: APIError | None = None
    delay: float | None = None


class Client:
    """A DigitalOcean API v2 session: ``get``, ``post``, ``delete`` and ``paginate``.

    Paths are relative to ``api_url`` (``/droplets/42``). JSON goes in and out; errors raise
    :class:`APIError`. GET and DELETE are retried under the :class:`RetryPolicy`; a POST is only
    re-sent when the API certainly did not act on it (a 429, or a connection never made). Every
    request waits for its turn from the ``pacer`` (:class:`Pacer`).
    """

    def __init__(
        self,
        token: str | None,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 30,
        validate_certs: bool = True,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        time_left: Callable[[], float] | None = None,
    ):
        if requests is None:  # pragma: no cover - guarded by the callers
            raise ConfigurationError("the Python library 'requests' is required")
        if not token:
            raise ConfigurationError(
                "no DigitalOcean API token: set api_token or one of the environment variables "
                + ", ".join(TOKEN_ENV_VARS)
            )
        self.api_url = normalize_api_url(api_url)
        self.account = account_of(self.api_url, token)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or Pacer()
        # Seconds the caller has left for all its requests (None: no bound but their own): each
        # request's timeout is cut to it, and none is sent or retried once it is over.
        self.time_left = time_left
        self.requests_sent = 0
        self._last_headers: dict | None = None
        self._token = token
        self._clock_offset = 0.0
        self._session = requests.Session()
        # Given with every request: a Session's own ``verify`` loses to REQUESTS_CA_BUNDLE and
        # CURL_CA_BUNDLE (requests #3829), which would make validate_certs false do nothing.
        self._verify = validate_certs
        self._session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            }
        )

    # -- public verbs ------------------------------------------------------------------------------

    def get(self, path: str, params: dict | None = None, key: str | None = None) -> dict:
        """GET ``path``: the answer, or with ``key`` the object the answer holds under it."""
        return self._member(self.request("GET", path, params=params), key, "GET", path)

    def post(self, path: str, body: dict, idempotent: bool = False, key: str | None = None) -> dict:
        """POST ``body``: the answer, or with ``key`` the object it holds under it. Only an
        ``idempotent`` POST (tagging, say) is re-sent after a failure that may have reached the
        server; any other could start an Action twice."""
        answer = self.request("POST", path, body=body, idempotent=idempotent)
        return self._member(answer, key, "POST", path)

    def delete(self, path: str, body: dict | None = None) -> dict:
        return self.request("DELETE", path, body=body)

    def paginate(
        self, path: str, key: str, params: dict | None = None, limit: int | None = None
    ) -> Iterator[dict]:
        """Yield the items under ``key`` from every page, following ``links.pages.next``.

        ``limit`` stops after that many items (and asks for no bigger pages than needed).
        """
        query = dict(params or {})
        query["per_page"] = MAX_PER_PAGE if limit is None else max(1, min(limit, MAX_PER_PAGE))
        url: str | None = self._url(path, query)
        count = 0
        while url:
            page = self.request("GET", url)
            items = page.get(key)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise self._shape_error("GET", url, f"no {key} list")
            for item in items:
                yield item
                count += 1
                if limit is not None and count >= limit:
                    return
            url = ((page.get("links") or {}).get("pages") or {}).get("next")
            if url:
                self._check_same_origin(url)

    def request(
        self,
        method: str,
        path: str,
        params: dict | None = None,
        body: dict | None = None,
        idempotent: bool = False,
    ) -> dict:
        """Send one request, retrying as the policy allows, and return the decoded JSON body."""
        url = path if path.startswith(("http://", "https://")) else self._url(path, params)
        shown = self._shown_path(url)
        error: APIError | None = None
        counted = 0  # the attempts that count against the policy's
        try:
            for attempt in itertools.count(1):
                if self.time_left is not None and self.time_left() <= 0:
                    if error is None:
                        message = "not sent: no time left (wait_timeout)"
                        error = APIError(method, shown, None, None, message, transient=False)
                    else:
                        error.explain("no time left to retry it (wait_timeout)")
                    break
                self.pacer.before(method, shown, body, self._last_headers, self.retry)
                outcome = self._attempt(method, url, shown, body)
                if outcome.error is None:
                    return outcome.body
                error = outcome.error
                # A throttled request was not taken: while a deadline bounds the task, it is sent
                # again for as long as the API asks to wait, not a fixed number of times.
                if error.status != 429 or self.time_left is None:
                    counted += 1
                if counted == self.retry.attempts or not self._may_resend(
                    method, error, idempotent
                ):
                    break
                delay = (
                    self.retry.backoff_delay(attempt) if outcome.delay is None else outcome.delay
                )
                if delay > self.retry.max_wait:
                    error.explain(f"the API asks to wait {delay:.0f} s before retrying; giving up")
                    break
                if self.time_left is not None and delay >= self.time_left():
                    error.explain("no time left to retry it (wait_timeout)")
                    break
                self.retry.sleep(delay)
            raise error
        finally:
            self.pacer.after(method, shown, body)

    def _member(self, answer: dict, key: str | None, method: str, path: str) -> dict:
        """``answer[key]`` when it is an object (the whole ``answer`` without a key); else the
        one error that says the answer has the wrong shape: every 2xx answer is checked here."""
        if key is None:
            return answer
        member = answer.get(key)
        if not isinstance(member, dict):
            raise self._shape_error(method, path, f"no {key} object")
        return member

    def _shape_error(self, method: str, path: str, lacking: str) -> APIError:
        shown = self._shown_path(path if "://" in path else self._url(path))
        return APIError(method, shown, None, None, f"the answer holds {lacking}", transient=False)

    def server_clock(self) -> float:
        """The API server's time now, as a Unix timestamp, from the last ``Date`` header seen."""
        return time.time() + self._clock_offset

    # -- internals ---------------------------------------------------------------------------------

    def _attempt(self, method: str, url: str, shown: str, body: dict | None) -> _Outcome:
        """One HTTP exchange, never raising: the decoded body, or the error and any hinted wait."""
        timeout = self.timeout
        if self.time_left is not None:  # at least a moment: it was not over when this began
            timeout = max(0.1, min(timeout, self.time_left()))
        self.requests_sent += 1
        try:
            response = self._session.request(
                method, url, json=body, timeout=timeout, verify=self._verify
            )
        except requests.exceptions.SSLError as exc:
            # A certificate that is not trusted stays so: no retry, nothing was sent.
            reason = re.search(r"certificate verify failed: ([^(')]+)", str(exc))
            message = "the API's TLS certificate was not accepted" + (
                f" (certificate verify failed: {reason[1].strip()})" if reason else f" ({exc})"
            )
            message += "; set validate_certs: false only for a server you trust"
            return _Outcome(
                error=APIError(method, shown, None, None, self._redact(message), transient=False)
            )
        except requests.exceptions.RequestException as exc:
            never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or (
                isinstance(exc, requests.exceptions.ConnectionError)
                and "NewConnectionError" in repr(exc)
            )
            message = self._redact(f"{type(exc).__name__}: {exc}")
            return _Outcome(
                error=APIError(method, shown, None, None, message, None, not never_sent)
            )
        headers = {k.lower(): v for k, v in response.headers.items()}
        self._last_headers = headers
        date = server_time(headers)
        if date is not None:
            self._clock_offset = date - time.time()
        if response.status_code >= 400:
            error = self._error_from(method, shown, response)
            return _Outcome(
                error=error, delay=self.retry.hinted_delay(response.status_code, headers)
            )
        if not response.content:
            return _Outcome(body={})
        try:
            body = response.json()
        except ValueError:
            body = None
            problem = "the response is not JSON"
        else:
            problem = None if isinstance(body, dict) else "the response is not a JSON object"
        if problem:
            return _Outcome(error=APIError(method, shown, response.status_code, None, problem))
        return _Outcome(body=body)

    def _error_from(self, method: str, shown: str, response: Any) -> APIError:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            text = (response.text or response.reason or "").strip().splitlines()
            payload = {"message": text[0][:200] if text else "no error details in the response"}
        status = response.status_code
        uncertain = method == "POST" and status >= 500
        return APIError(
            method,
            shown,
            status,
            payload.get("id"),
            self._redact(str(payload.get("message") or "no error message")),
            payload.get("request_id") or response.headers.get("x-request-id"),
            uncertain=uncertain,
        )

    @staticmethod
    def _may_resend(method: str, error: APIError, idempotent: bool = False) -> bool:
        if not error.retryable:
            return False
        if method != "POST" or idempotent:
            return True
        # A throttled POST was refused before it was processed, and a connection that was never
        # made carried nothing; anything else may have started an Action.
        return error.status == 429 or (error.status is None and not error.uncertain)

    def _url(self, path: str, params: dict | None = None) -> str:
        url = self.api_url + "/" + path.lstrip("/")
        if params:
            query = {k: v for k, v in params.items() if v is not None}
            if query:
                url += "?" + urlencode(query)
        return url

    def _shown_path(self, url: str) -> str:
        """The request path as users read it in errors: relative to the API, with its query."""
        parts = urlsplit(url)
        base = urlsplit(self.api_url).path
        path = parts.path[len(base) :] if parts.path.startswith(base) else parts.path
        return path + (f"?{parts.query}" if parts.query else "")

    def _check_same_origin(self, url: str) -> None:
        ours, theirs = urlsplit(self.api_url), urlsplit(url)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            raise ConfigurationError(
                f"the API returned a pagination link to another host ({theirs.netloc}); "
                "not following it with the API token"
            )

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<redacted>") if self._token else text


def account_of(api_url: str, token: str) -> str:
    """What names the runs against the same API with the same token, without the token."""
    return hashlib.sha256(f"{normalize_api_url(api_url)}\n{token}".encode()).hexdigest()[:24]


def server_time(headers: dict) -> float | None:
    """The server's clock from an HTTP ``Date`` header, as a Unix timestamp."""
    try:
        return email.utils.parsedate_to_datetime(headers["date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None
