"""Guards nothing else catches: the module_defaults group and the documented return values."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.returns import undocumented_keys

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py"))


def test_every_module_is_in_the_module_defaults_group():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["all"]) == MODULES


def test_undocumented_keys_are_found_at_any_depth():
    result = {"changed": False, "actions": [{"id": 1, "surprise": 2}], "extra": 1}
    assert undocumented_keys("action_info", result) == ["actions[].surprise", "extra"]
