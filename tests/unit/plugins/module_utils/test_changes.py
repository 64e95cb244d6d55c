"""The marks of what each request changed, and the Action types' bodies: pure logic."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import ActionType
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    DROPLET_ACTIONS,
    POWER_ON,
    RESIZE,
    SNAPSHOT,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import SharedFile
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.changes import (
    EVERYTHING,
    KEEP,
    Changes,
    changed_by,
)
from tests.support.simulated_wait import SimulatedClock


@pytest.mark.parametrize(
    ("path", "body", "keys"),
    [
        ("/droplets/42/actions", {"type": "shutdown"}, ["droplets/42"]),
        ("/droplets/42", None, ["droplets/42"]),
        ("/images/7/actions", {"type": "transfer"}, ["images/7"]),
        ("/snapshots/9", None, ["snapshots/9"]),
        ("/volumes/ab-c/snapshots", {"name": "x"}, ["volumes/ab-c"]),
        (
            "/tags/oceanops-restore-power/resources",
            {"resources": [{"resource_id": "1", "resource_type": "droplet"}, {"resource_id": 2}]},
            ["tags/oceanops-restore-power", "droplets/1", "droplets/2"],
        ),
        (
            "/tags/a%2Fb/resources",
            {"resources": [{"resource_id": "5"}]},
            ["tags/a/b", "droplets/5"],
        ),
        ("/tags/x/resources", {"resources": "nonsense"}, [EVERYTHING]),
        ("/tags/x/resources", None, [EVERYTHING]),
        ("/tags", {"name": "x"}, ["tags"]),
        ("/", None, [EVERYTHING]),
        ("/droplets/42/actions?page=2", None, ["droplets/42"]),
    ],
)
def test_a_request_marks_the_resources_it_may_change(path, body, keys):
    assert changed_by(path, body) == keys


def changes(tmp_path, clock) -> Changes:
    return Changes(SharedFile("account", "changes", str(tmp_path / "cache")), clock)


def test_a_mark_is_seen_by_every_run_and_kept_by_its_own_when_it_cannot_be_shared(tmp_path):
    clock = SimulatedClock()
    clock.now = 1_000_000.0
    mine, other = changes(tmp_path, clock), changes(tmp_path, clock)
    assert other.last("droplets/1") == 0.0
    mine.mark(["droplets/1"])
    clock.now += 5
    assert other.last("droplets/1") == 1_000_000.0
    assert other.last("droplets/2") == 0.0
    (tmp_path / "cache").chmod(0o755)  # not private any more: nothing shared is read or written
    mine.mark(["droplets/2"])
    # What the file holds cannot be trusted: everything changed when it was last written; and
    # the run's own mark stays.
    written = next((tmp_path / "cache").glob("*.changes.json")).stat().st_mtime
    assert other.last("droplets/1") == other.last("droplets/2") == written
    assert mine._own["droplets/2"] == 1_000_005.0


def test_a_change_to_everything_marks_every_resource_and_old_marks_expire(tmp_path):
    clock = SimulatedClock()
    clock.now = 1_000_000.0
    run = changes(tmp_path, clock)
    run.mark([EVERYTHING])
    assert changes(tmp_path, clock).last("droplets/99") == 1_000_000.0
    clock.now += KEEP + 1
    assert changes(tmp_path, clock).last("droplets/99") == 0.0


@pytest.mark.parametrize("content", ["[1, 2]", "{", "null"])
def test_a_damaged_marks_file_counts_as_everything_changed_when_it_was_written(tmp_path, content):
    clock = SimulatedClock()
    run = changes(tmp_path, clock)
    run.mark(["droplets/3"])
    path = next((tmp_path / "cache").glob("*.changes.json"))
    path.write_text(content)
    assert changes(tmp_path, clock).last("droplets/1") == path.stat().st_mtime
    assert run.last("droplets/3") == path.stat().st_mtime  # later than its own mark


def test_a_mark_that_is_not_a_time_is_no_mark(tmp_path):
    clock = SimulatedClock()
    path = tmp_path / "cache"
    changes(tmp_path, clock).mark(["droplets/3"])
    next(path.glob("*.changes.json")).write_text('{"droplets/1": "soon", "droplets/2": [1]}')
    assert changes(tmp_path, clock).last("droplets/1") == 0.0


def test_every_action_type_sends_only_its_own_parameters():
    assert SNAPSHOT.body({"name": "nightly"}) == {"type": "snapshot", "name": "nightly"}
    assert RESIZE.body({"size": "s-2vcpu-4gb", "disk": None}) == {
        "type": "resize",
        "size": "s-2vcpu-4gb",
    }
    with pytest.raises(ValueError, match="a power_on Action takes no name"):
        POWER_ON.body({"name": "x"})
    assert all(name == kind.name for name, kind in DROPLET_ACTIONS.items())


def test_a_full_droplet_shows_when_an_action_s_goal_is_reached():
    active = {"status": "active", "size_slug": "s-1vcpu-1gb"}
    assert POWER_ON.reached({})(active) is True
    assert POWER_ON.reached({})(dict(active, status="off")) is False
    assert RESIZE.reached({"size": "s-1vcpu-1gb"})(active) is True
    assert RESIZE.reached({"size": "s-2vcpu-4gb"})(active) is False
    # A type whose goal no resource shows always acts.
    assert ActionType("reboot").reached({})(active) is False
    assert set(RESIZE.fields) - {"status", "locked"}  # beyond what the shared view keeps
