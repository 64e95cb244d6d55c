"""Ages, filters, retention and totals of snapshots: pure logic."""

from __future__ import annotations

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._snapshots import (
    beyond,
    parse_age,
    select,
    totals,
)


def snap(number: int, name: str, day: int, regions=("nyc3",), size=1.5) -> dict:
    return {
        "id": number,
        "name": name,
        "created_at": f"2026-11-{day:02d}T02:00:00Z",
        "regions": list(regions),
        "size_gigabytes": size,
    }


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600), (" 1d ", 86400)],
)
def test_ages(text, seconds):
    assert parse_age(text) == seconds


@pytest.mark.parametrize("text", ["7", "d", "7 days", "-1d", "1.5h", "7D", ""])
def test_what_is_not_an_age_is_refused_with_the_units(text):
    with pytest.raises(ValueError, match="a whole number and a unit, s, m, h, d or w"):
        parse_age(text)


def test_filters_combine_and_sort_oldest_first():
    snapshots = [
        snap(3, "nightly-c", 3, regions=("nyc3", "ams3")),
        snap(1, "nightly-a", 1),
        snap(2, "manual", 2, regions=("ams3",)),
        snap(4, "nightly-d", 4),
    ]
    assert [s["id"] for s in select(snapshots)] == [1, 2, 3, 4]
    assert [s["id"] for s in select(snapshots, prefix="nightly-")] == [1, 3, 4]
    assert [s["id"] for s in select(snapshots, region="ams3")] == [2, 3]
    assert [s["id"] for s in select(snapshots, name="manual")] == [2]
    before_the_3rd = 1_793_671_200.0  # 2026-11-03T02:00:00Z
    assert [
        s["id"] for s in select(snapshots, prefix="nightly-", created_before=before_the_3rd)
    ] == [1]


def test_retention_deletes_the_oldest_beyond_keep_within_the_prefix_only():
    snapshots = [snap(n, f"nightly-{n}", n) for n in range(1, 11)] + [
        snap(20 + n, f"manual-{n}", n) for n in range(1, 4)
    ]
    doomed = beyond(snapshots, "nightly-", keep=7)
    assert [s["id"] for s in doomed] == [1, 2, 3]
    assert beyond(snapshots, "nightly-", keep=10) == []
    assert beyond(snapshots, "weekly-", keep=0) == []
    # The snapshot just made is never deleted, whatever its date says.
    assert [s["id"] for s in beyond(snapshots, "nightly-", keep=7, protect=2)] == [1, 3]


def test_totals_count_size_and_monthly_cost():
    assert totals([snap(1, "a", 1, size=2.34), snap(2, "b", 2, size=10)]) == {
        "count": 2,
        "size_gigabytes": 12.34,
        "monthly_cost": 0.74,
    }
    assert totals([], 0.1) == {"count": 0, "size_gigabytes": 0.0, "monthly_cost": 0.0}
