"""The client's pure parts: URL safety, error lines, retry hints and pacing."""

from __future__ import annotations

import random

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    APIError,
    Client,
    ConfigurationError,
    RetryPolicy,
    normalize_api_url,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.digitalocean.com/v2/",
        "http://127.0.0.1:8080/v2",
        "http://localhost:1/v2",
        "http://[::1]:8080/v2",
    ],
)
def test_https_and_loopback_http_urls_are_accepted(url):
    assert normalize_api_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://api.digitalocean.com/v2", "http://10.0.0.5/v2"])
def test_plain_http_to_another_host_is_refused(url):
    with pytest.raises(ConfigurationError, match="unencrypted"):
        normalize_api_url(url)


@pytest.mark.parametrize("url", ["", "ftp://x/v2", "api.digitalocean.com"])
def test_a_url_that_is_not_http_is_refused(url):
    with pytest.raises(ConfigurationError, match="must be an http"):
        normalize_api_url(url)


def test_a_missing_token_fails_before_any_request():
    with pytest.raises(ConfigurationError) as raised:
        Client(token="", api_url="http://127.0.0.1:9/v2")
    assert str(raised.value) == (
        "no DigitalOcean API token: set api_token or one of the environment variables "
        "DIGITALOCEAN_ACCESS_TOKEN, DIGITALOCEAN_TOKEN, DO_API_TOKEN, DO_API_KEY, DO_TOKEN"
    )


def test_an_api_error_reads_as_one_line_with_every_detail():
    error = APIError(
        "POST",
        "/droplets/3/actions",
        422,
        "unprocessable_entity",
        "Droplet already has a pending event.",
        "4d9d8375-3c56-4925-a3e7-eb137fed17e9",
    )
    assert str(error) == (
        "POST /droplets/3/actions returned 422 unprocessable_entity: Droplet already has a pending "
        "event. (request_id 4d9d8375-3c56-4925-a3e7-eb137fed17e9)"
    )
    assert error.pending_event
    assert not error.retryable


def test_a_refused_token_says_so():
    error = APIError("GET", "/actions", 401, "unauthorized", "Unable to authenticate you.")
    assert str(error) == (
        "GET /actions returned 401 unauthorized: Unable to authenticate you. (the API token was "
        "refused: check api_token or its environment variables)"
    )


def test_no_answer_at_all_is_retryable_and_reads_as_failed():
    error = APIError("GET", "/actions/1", None, None, "ConnectionError: reset", uncertain=True)
    assert str(error) == "GET /actions/1 failed: ConnectionError: reset"
    assert error.retryable


def policy(now: float = 1_000.0) -> RetryPolicy:
    return RetryPolicy(clock=lambda: now, rng=random.Random(1))


def test_retry_after_is_honoured():
    delay = policy().hinted_delay(429, {"retry-after": "29"})
    assert 29 <= delay <= 29.25


def test_a_spent_hourly_budget_waits_for_its_reset():
    headers = {"ratelimit-remaining": "0", "ratelimit-reset": "1030"}
    assert 30 <= policy(now=1000).hinted_delay(429, headers) <= 30.25


def test_no_hint_means_exponential_backoff_with_jitter():
    retry = policy()
    assert retry.hinted_delay(503, {}) is None
    delays = [retry.backoff_delay(attempt) for attempt in range(1, 8)]
    assert all(retry.backoff / 2 <= d <= retry.max_backoff for d in delays)


def test_requests_are_spaced_when_the_budget_runs_low():
    retry = policy(now=1000)
    assert retry.pacing_delay({"ratelimit-remaining": "4000", "ratelimit-reset": "1060"}) == 0
    assert retry.pacing_delay({"ratelimit-remaining": "10", "ratelimit-reset": "1060"}) == 6.0
    assert retry.pacing_delay({}) == 0


class ForeignNextLink(Client):
    """A client whose API answers with a next-page link to another host."""

    def request(self, method, path, params=None, body=None):
        next_page = "https://api.example.net/v2/droplets?page=2"
        return {"droplets": [{"id": 1}], "links": {"pages": {"next": next_page}}}


def test_a_pagination_link_to_another_host_is_not_followed_with_the_token():
    client = ForeignNextLink("dop_v1_x", "https://api.digitalocean.com/v2")
    with pytest.raises(ConfigurationError, match=r"another host \(api.example.net\)"):
        list(client.paginate("/droplets", "droplets"))
