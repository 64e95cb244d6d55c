"""The collection passes ansible-test sanity without ignore files."""

from __future__ import annotations

from tests.support import REPO


def test_tests_sanity_has_no_ignore_entries():
    ignores = sorted((REPO / "tests" / "sanity").glob("ignore-*.txt"))
    entries = {
        path.name: [line for line in path.read_text().splitlines() if line.strip()]
        for path in ignores
    }
    assert {name: lines for name, lines in entries.items() if lines} == {}
