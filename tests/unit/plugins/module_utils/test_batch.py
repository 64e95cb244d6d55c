"""Items that concurrent runs want at the same moment, sent as one request (runs as threads)."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet import batch as _batch
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.batch import (
    LIMIT,
    PATIENCE,
    WINDOW,
    SharedBatch,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile

KIND = "tag oceanops-restore-power"
UNTAG = "untag oceanops-restore-power"


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


class Sends:
    """A ``send`` that records every request; ``fail(items)`` says which ones fail."""

    def __init__(self, fail=lambda items: False):
        self.requests: list[list] = []
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, items: list) -> str:
        with self.lock:
            self.requests.append(sorted(item["id"] for item in items))
        if self.fail(items):
            raise RuntimeError(f"refused {len(items)}")
        return "Oceanops-Restore-Power"


def store(tmp_path) -> SharedFile:
    return SharedFile("0123456789abcdef01234567", "batch", str(tmp_path / "cache"))


def lately(tmp_path, pid: int = 1) -> None:
    """Process ``pid`` (alive: init) queued an item a moment ago: runs now wait for others."""
    shared = store(tmp_path)
    with shared.locked():
        shared.write({"queue": [], "sent": [], "last": {KIND: {str(pid): time.time()}}})


def at_once(tmp_path, count: int, send, kinds=(KIND,), **options) -> list:
    """``count`` runs submit at once (run n an item of ``kinds[n % len(kinds)]``); each run's
    window ends once all have queued. Returns what each got (or the error it raised)."""
    queued = threading.Barrier(count)

    def sleep(seconds: float) -> None:
        if seconds == WINDOW:
            queued.wait(timeout=10)
        else:
            time.sleep(seconds)

    outcomes: list = [None] * count

    def run(n: int) -> None:
        batch = SharedBatch(store(tmp_path), sleep=sleep, **options)
        try:
            outcomes[n] = batch.submit(kinds[n % len(kinds)], {"id": n}, send)
        except RuntimeError as error:
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.fixture
def patient(monkeypatch):
    """Queued items of runs that are slow to start under load are not taken for a dead run's."""
    monkeypatch.setattr(_batch, "GRACE", 60.0)


def test_a_run_alone_sends_at_once(tmp_path):
    send, slept = Sends(), []
    batch = SharedBatch(store(tmp_path), sleep=slept.append)
    assert batch.submit(KIND, {"id": 7}, send) == "Oceanops-Restore-Power"
    assert send.requests == [[7]]
    assert slept == [0.0]


def test_runs_one_after_another_wait_for_nothing(tmp_path):
    send, slept = Sends(), []
    lately(tmp_path, pid=dead_pid())  # a run before this one, gone
    batch = SharedBatch(store(tmp_path), sleep=slept.append)
    batch.submit(KIND, {"id": 1}, send)
    batch.submit("untag oceanops-restore-power", {"id": 1}, send)
    batch.submit(KIND, {"id": 2}, send)  # this run's own items are no reason to wait either
    assert slept == [0.0, 0.0, 0.0]
    assert send.requests == [[1], [1], [2]]


@pytest.mark.usefixtures("patient")
def test_runs_that_queue_at_the_same_moment_share_one_request(tmp_path):
    lately(tmp_path)
    send = Sends()
    outcomes = at_once(tmp_path, 6, send)
    assert send.requests == [[0, 1, 2, 3, 4, 5]]
    assert outcomes == ["Oceanops-Restore-Power"] * 6


@pytest.mark.usefixtures("patient")
def test_items_of_other_kinds_queued_at_the_same_moment_go_in_their_own_requests(tmp_path):
    lately(tmp_path)
    with store(tmp_path).locked():  # the untagging runs have been going too
        state = store(tmp_path).read()
        state["last"][UNTAG] = {"1": time.time()}
        store(tmp_path).write(state)

    def send(items: list) -> list:
        return sorted(item["id"] for item in items)

    outcomes = at_once(tmp_path, 6, send, kinds=(KIND, UNTAG))
    assert outcomes == [[0, 2, 4], [1, 3, 5]] * 3


@pytest.mark.usefixtures("patient")
def test_one_request_carries_at_most_the_limit(tmp_path):
    lately(tmp_path)
    send = Sends()
    at_once(tmp_path, LIMIT + 3, send)
    assert sorted(len(items) for items in send.requests) == [3, LIMIT]
    assert sorted(n for items in send.requests for n in items) == list(range(LIMIT + 3))


@pytest.mark.usefixtures("patient")
def test_a_failed_request_for_several_makes_each_run_send_its_own(tmp_path):
    lately(tmp_path)
    send = Sends(fail=lambda items: len(items) > 1 or items[0]["id"] == 2)
    outcomes = at_once(tmp_path, 3, send)
    assert send.requests[0] == [0, 1, 2]
    assert sorted(map(tuple, send.requests[1:])) == [(0,), (1,), (2,)]
    # The run whose own item the API refuses gets that error; the others succeed.
    assert [str(o) if isinstance(o, Exception) else o for o in outcomes] == [
        "Oceanops-Restore-Power",
        "Oceanops-Restore-Power",
        "refused 1",
    ]


def another_run_takes(tmp_path, ok, result="Oceanops-Restore-Power", pid=None):
    """A ``sleep`` for the window during which another run takes every queued item and sends
    them: its outcome is ``ok`` (None: still sending), from process ``pid``."""

    def sleep(seconds: float) -> None:
        if seconds != WINDOW:  # the waits for the outcome
            return
        shared = store(tmp_path)
        with shared.locked():
            state = shared.read()
            keys = [entry["key"] for entry in state["queue"]]
            sender = {"keys": keys, "pid": pid or os.getpid(), "at": time.time(), "ok": ok}
            state.update(queue=[], sent=[{**sender, "result": result}])
            shared.write(state)

    return sleep


def test_a_run_whose_item_another_sent_takes_that_request_s_answer(tmp_path):
    lately(tmp_path)
    send = Sends()
    batch = SharedBatch(store(tmp_path), sleep=another_run_takes(tmp_path, ok=True))
    assert batch.submit(KIND, {"id": 1}, send) == "Oceanops-Restore-Power"
    assert send.requests == []


@pytest.mark.parametrize(
    ("ok", "sender"),
    [(False, os.getpid()), (None, "dead"), (None, "00x")],
    ids=["that request failed", "its sender died", "its sender is nonsense"],
)
def test_a_run_whose_item_another_took_sends_its_own_when(tmp_path, ok, sender):
    pid = dead_pid() if sender == "dead" else sender
    send, waited = submit_while(tmp_path, another_run_takes(tmp_path, ok=ok, pid=pid))
    assert send.requests == [[1]]
    assert waited == WINDOW  # at once, not after waiting for an outcome


def test_a_run_waits_for_a_sender_that_is_still_going_only_so_long(tmp_path):
    # The sender is this very process: alive, and it never answers.
    send, waited = submit_while(tmp_path, another_run_takes(tmp_path, ok=None))
    assert send.requests == [[1]]
    assert waited == pytest.approx(WINDOW + PATIENCE, abs=0.1)


def submit_while(tmp_path, took) -> tuple[Sends, float]:
    """Submit an item, with others going (``took`` is the window's ``sleep``), on a clock that
    only the run's sleeps move; return the requests sent and the time that took."""
    lately(tmp_path)
    send, began = Sends(), time.time()
    clock = [began]

    def sleep(seconds: float) -> None:
        took(seconds)
        clock[0] += seconds

    batch = SharedBatch(store(tmp_path), clock=lambda: clock[0], sleep=sleep)
    assert batch.submit(KIND, {"id": 1}, send) == "Oceanops-Restore-Power"
    return send, clock[0] - began


def test_a_dead_run_s_queued_item_is_never_sent(tmp_path):
    shared = store(tmp_path)
    with shared.locked():
        old = {"key": "dead", "kind": KIND, "item": {"id": 99}, "at": time.time() - 30}
        shared.write({"queue": [old], "sent": [], "last": {}})
    send = Sends()
    SharedBatch(shared, sleep=lambda s: None).submit(KIND, {"id": 1}, send)
    assert send.requests == [[1]]


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        "{}",
        "{",
        '{"queue": [1, {"at": "x"}], "sent": 3}',
        '{"last": {"tag oceanops-restore-power": {"\u00b2": 1e12, "99999999999999999999": 1e12}}}',
        '{"queue": [{"key": "k", "kind": "tag oceanops-restore-power", "item": {"id": 9}, '
        '"at": 1e12}]}',
    ],
    ids=["list", "empty", "truncated", "wrong types", "odd pids", "from the future"],
)
def test_a_damaged_file_is_started_afresh(tmp_path, content):
    shared = store(tmp_path)
    os.makedirs(shared.directory, mode=0o700)
    with open(shared.path, "w", encoding="utf-8") as handle:
        handle.write(content)
    send = Sends()
    assert SharedBatch(shared, sleep=lambda s: None).submit(KIND, {"id": 1}, send)
    assert send.requests == [[1]]


def test_a_directory_that_others_can_read_is_never_used(tmp_path):
    (tmp_path / "cache").mkdir(mode=0o755)
    os.chmod(tmp_path / "cache", 0o755)
    send = Sends()
    assert SharedBatch(store(tmp_path), sleep=lambda s: None).submit(KIND, {"id": 1}, send)
    assert send.requests == [[1]]
    assert not list((tmp_path / "cache").iterdir())
