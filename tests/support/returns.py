"""Compare a module's real result with what its RETURN documentation promises."""

from __future__ import annotations

import ast
import re

import yaml

from tests.support import REPO

MODULES = REPO / "plugins" / "modules"
# Keys Ansible itself adds to module results (besides its internal _ansible_* keys).
COMMON = {
    "changed",
    "failed",
    "msg",
    "exception",
    "invocation",
    "warnings",
    "deprecations",
    "diff",
    "skipped",
}


def documented_returns(module: str) -> dict:
    """The RETURN block of ``plugins/modules/<module>.py``, parsed."""
    tree = ast.parse((MODULES / f"{module}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "RETURN":
            return yaml.safe_load(node.value.value) or {}
    raise AssertionError(f"{module} has no RETURN")


def referenced(module: str, spec: dict) -> dict | None:
    """The keys of a return value documented as "the keys of RV(...)" of this or another module."""
    description = spec.get("description") or ""
    text = " ".join(description) if isinstance(description, list) else description
    found = re.search(r"the keys of RV\((?:oceanops\.digitalocean\.(\w+)#module:)?(\w+)\)", text)
    if not found:
        return None
    return documented_returns(found.group(1) or module)[found.group(2)]["contains"]


def undocumented_keys(module: str, result: dict) -> list:
    """Every key of ``result`` (nested in dicts and lists of dicts) that RETURN does not name."""
    missing: list = []

    def walk(value, spec: dict, prefix: str) -> None:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                continue
            for key, sub in item.items():
                name = f"{prefix}{key}"
                if key not in spec:
                    if name not in missing:
                        missing.append(name)
                    continue
                # "the keys of RV(...)" and what the value documents itself.
                contains = {
                    **(referenced(module, spec[key]) or {}),
                    **(spec[key].get("contains") or {}),
                }
                if contains:
                    suffix = "[]." if isinstance(sub, list) else "."
                    walk(sub, contains, name + suffix)

    top = {
        key: value
        for key, value in result.items()
        if key not in COMMON and not key.startswith("_ansible")
    }
    walk(top, documented_returns(module), "")
    return sorted(missing)
