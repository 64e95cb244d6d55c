"""The pure decisions of droplet_snapshot: which snapshot is ours, and whose power-off to undo."""

from __future__ import annotations

from ansible_collections.oceanops.digitalocean.plugins.module_utils._snapshots import (
    newest,
    powered_off_for,
)


def action(action_id, kind, started, completed, status="completed"):
    return {
        "id": action_id,
        "type": kind,
        "status": status,
        "started_at": f"2026-11-28T10:{started}Z",
        "completed_at": f"2026-11-28T10:{completed}Z" if completed else None,
    }


CREATED = "2026-11-28T10:00:10Z"  # when the snapshot was created
SHUTDOWN = action(1, "shutdown", "00:00", "00:05")
TAKEN = action(2, "snapshot", "00:10", "01:10")


def test_newest_snapshot_is_the_latest_created_then_the_highest_id():
    older = {"id": 5, "created_at": "2026-11-28T09:00:00Z"}
    same_time_lower_id = {"id": 6, "created_at": "2026-11-28T10:00:00Z"}
    same_time_higher_id = {"id": 7, "created_at": "2026-11-28T10:00:00Z"}
    assert newest([same_time_higher_id, older, same_time_lower_id]) is same_time_higher_id
    assert newest([]) is None


def test_a_power_off_right_before_the_snapshot_that_made_ours_is_an_unfinished_run():
    assert powered_off_for(CREATED, [TAKEN, SHUTDOWN]) is SHUTDOWN
    forced = action(1, "power_off", "00:02", "00:05")
    assert powered_off_for(CREATED, [forced, TAKEN]) is forced


def test_anything_after_the_snapshot_means_someone_took_over_the_droplet():
    powered_on = action(3, "power_on", "01:20", "01:30")
    assert powered_off_for(CREATED, [SHUTDOWN, TAKEN, powered_on]) is None


def test_a_power_off_long_before_the_snapshot_was_someone_keeping_the_droplet_off():
    yesterday = action(1, "power_off", "00:00", "00:03")
    later = action(2, "snapshot", "05:00", "06:00")
    assert powered_off_for("2026-11-28T10:05:00Z", [yesterday, later]) is None


def test_a_snapshot_action_that_did_not_make_this_snapshot_does_not_count():
    assert powered_off_for("2026-11-28T09:00:00Z", [SHUTDOWN, TAKEN]) is None


def test_a_droplet_that_was_off_before_the_snapshot_has_no_power_off_to_undo():
    assert powered_off_for(CREATED, [TAKEN]) is None
    errored = dict(SHUTDOWN, status="errored")
    assert powered_off_for(CREATED, [errored, TAKEN]) is None
