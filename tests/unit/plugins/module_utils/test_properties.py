"""Properties of the poll schedule, the retry policy and pagination, over many generated cases."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionTimeout,
    PollSchedule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    Client,
    RetryPolicy,
)
from tests.support.simulated_wait import simulated_wait

durations = st.floats(min_value=0.1, max_value=20_000, allow_nan=False)


@settings(max_examples=200, deadline=None, database=None)
@given(duration=durations)
def test_every_completion_is_noticed_within_two_seconds_or_ten_percent(duration):
    schedule = PollSchedule()
    action, polls = simulated_wait(duration, schedule, timeout=10 * duration + 60)
    assert action["status"] == "completed"
    lag = polls[-1] - duration
    # Noticed within a poll interval of the completion: 2 s, or 10% of the time waited by then.
    assert 0 <= lag <= max(schedule.floor, schedule.ratio * (duration + lag))
    gaps = [b - a for a, b in zip([0.0, *polls], polls)]
    assert min(gaps) >= schedule.floor - 1e-9
    assert max(gaps) <= schedule.cap + 1e-9


@settings(max_examples=200, deadline=None, database=None)
@given(duration=durations, timeout=st.floats(min_value=0.5, max_value=5_000, allow_nan=False))
def test_the_wait_never_goes_past_wait_timeout(duration, timeout):
    try:
        _action, polls = simulated_wait(duration, PollSchedule(), timeout=timeout)
    except ActionTimeout:
        return  # raised at the deadline (pinned exactly by test_poll_schedule)
    assert polls[-1] <= timeout + 1e-9


@settings(max_examples=300, deadline=None, database=None)
@given(
    attempt=st.integers(min_value=1, max_value=30),
    backoff=st.floats(min_value=0.01, max_value=10, allow_nan=False),
    cap=st.floats(min_value=0.01, max_value=120, allow_nan=False),
    seed=st.integers(),
)
def test_backoff_is_jittered_and_bounded(attempt, backoff, cap, seed):
    policy = RetryPolicy(backoff=backoff, max_backoff=max(cap, backoff), rng=random.Random(seed))
    delay = policy.backoff_delay(attempt)
    assert backoff / 2 <= delay <= max(backoff / 2, min(policy.max_backoff, backoff * 2**attempt))


@settings(max_examples=200, deadline=None, database=None)
@given(
    retry_after=st.floats(min_value=0, max_value=10_000, allow_nan=False),
    remaining=st.integers(min_value=0, max_value=5000),
    reset_in=st.floats(min_value=-100, max_value=7200, allow_nan=False),
)
def test_waits_the_api_asks_for_are_honoured_and_pacing_is_bounded(
    retry_after, remaining, reset_in
):
    now = 1_800_000_000.0
    policy = RetryPolicy(clock=lambda: now, rng=random.Random(0))
    hinted = policy.hinted_delay(429, {"retry-after": str(retry_after)})
    assert retry_after <= hinted <= retry_after + 0.25
    headers = {"ratelimit-remaining": str(remaining), "ratelimit-reset": str(now + reset_in)}
    pause = policy.pacing_delay(headers)
    assert 0 <= pause <= policy.max_wait
    if remaining > policy.slow_below:
        assert pause == 0


class Pages:
    """A session answering an API list of ``count`` items in pages of ``per_page``, with links."""

    def __init__(self, count: int, per_page: int):
        self.items = [{"id": n} for n in range(count)]
        self.per_page = per_page
        self.requests = 0

    def request(self, method, url, json=None, timeout=None, verify=None):
        self.requests += 1
        page = int(parse_qs(urlsplit(url).query).get("page", ["1"])[0])
        start = (page - 1) * self.per_page
        body = {"items": self.items[start : start + self.per_page], "links": {"pages": {}}}
        if start + self.per_page < len(self.items):
            body["links"]["pages"]["next"] = f"https://api.example.com/v2/things?page={page + 1}"
        return Answer(body)


class Answer:
    status_code = 200
    headers: dict = {}
    content = b"{}"

    def __init__(self, body):
        self.body = body

    def json(self):
        return self.body


@settings(max_examples=100, deadline=None, database=None)
@given(
    count=st.integers(min_value=0, max_value=1000),
    per_page=st.integers(min_value=1, max_value=200),
    limit=st.one_of(st.none(), st.integers(min_value=1, max_value=1200)),
)
def test_pagination_loses_and_repeats_no_item(count, per_page, limit):
    client = Client("dop_v1_pages", "https://api.example.com/v2")
    pages = Pages(count, per_page)
    client._session = pages
    got = [item["id"] for item in client.paginate("/things", "items", limit=limit)]
    expected = list(range(count if limit is None else min(count, limit)))
    assert got == expected
    assert pages.requests <= max(1, -(-count // per_page))
