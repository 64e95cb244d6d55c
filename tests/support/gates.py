"""The mark of the slow quality-gate tests, which `make test` reports as skipped."""

from __future__ import annotations

import os

import pytest

# The slow gate tests build, install and run ansible-test; `make test` reports them as skipped.
gate = pytest.mark.skipif(
    os.environ.get("OCEANOPS_GATE_TESTS") != "1",
    reason="quality gate, run by make build / make gate-proof / .ci/run (OCEANOPS_GATE_TESTS=1)",
)
