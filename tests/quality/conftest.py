"""Tests of the quality gates themselves (make build, make gate-proof, .ci/run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The slow gate tests build, install and run ansible-test; `make test` reports them as skipped.
gate = pytest.mark.skipif(
    os.environ.get("OCEANOPS_GATE_TESTS") != "1",
    reason="quality gate, run by make build / make gate-proof / .ci/run (OCEANOPS_GATE_TESTS=1)",
)
