"""Whether a snapshot Action started on a Droplet that another client had just powered on."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._snapshots import (
    powered_on_before,
)


def action(number: int, kind: str, started: int, ended: int | None, status="completed") -> dict:
    def at(second):
        return None if second is None else f"2026-12-05T10:{second // 60:02d}:{second % 60:02d}Z"

    return {
        "id": number,
        "type": kind,
        "status": status,
        "started_at": at(started),
        "completed_at": at(ended),
    }


SNAPSHOT = action(10, "snapshot", 600, 660)


@pytest.mark.parametrize(
    ("before", "window", "live"),
    [
        # Ours: shutdown, then the snapshot. Offline.
        ([action(8, "shutdown", 560, 590)], 60, False),
        # Another client powered it on after our shutdown. Live.
        ([action(8, "shutdown", 560, 590), action(9, "power_on", 595, 598)], 60, True),
        # A reboot or a rebuild leaves it running too.
        ([action(8, "power_off", 560, 570), action(9, "reboot", 580, 598)], 60, True),
        ([action(9, "rebuild", 500, 590)], 120, True),
        # A power_on that errored changed nothing.
        ([action(8, "shutdown", 560, 590), action(9, "power_on", 595, 598, "errored")], 60, False),
        # Found off: a power_on long before the run, then a shutdown from inside (no Action).
        ([action(3, "power_on", 0, 5)], 60, False),
        # ... but within the run's time, it is the one that made the snapshot live.
        ([action(3, "power_on", 590, 595)], 60, True),
        # Actions that do not change the power do not count; nothing before at all is offline.
        ([action(8, "shutdown", 560, 590), action(9, "rename", 592, 593)], 60, False),
        ([], 60, False),
    ],
)
def test_the_last_power_action_before_the_snapshot_decides(before, window, live):
    found = powered_on_before(SNAPSHOT, [*before, SNAPSHOT], window)
    assert (found is not None) is live
    if live:
        assert found is max(before, key=lambda a: a["id"])


def test_actions_after_the_snapshot_started_do_not_count():
    later = [action(11, "power_on", 661, 662), action(12, "power_off", 663, 664)]
    assert (
        powered_on_before(SNAPSHOT, [action(8, "shutdown", 560, 590), SNAPSHOT, *later], 60) is None
    )
    assert powered_on_before(SNAPSHOT, [action(11, "power_on", 590, 595), SNAPSHOT], 60) is None
