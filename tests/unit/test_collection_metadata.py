"""Guards nothing else catches: the module_defaults group and the documented return values."""

from __future__ import annotations

import yaml

from tests.support import REPO
from tests.support.returns import undocumented_keys

MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py"))


def test_every_module_is_in_the_module_defaults_group():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["all"]) == MODULES


def test_undocumented_keys_are_found_at_any_depth():
    result = {"changed": False, "actions": [{"id": 1, "surprise": 2}], "extra": 1}
    assert undocumented_keys("action_info", result) == ["actions[].surprise", "extra"]


def test_keys_documented_by_reference_to_another_return_value_are_checked():
    snapshot = {"id": 1, "name": "n", "surprise": 0}
    result = {"deleted": [snapshot], "actions": [{"id": 2, "type": "snapshot", "extra": 1}]}
    assert undocumented_keys("droplet_snapshot", result) == [
        "actions[].extra",
        "deleted[].surprise",
    ]
