"""What the tests share, imported as ordinary modules (conftest files hold only fixtures).

- :mod:`tests.support.playbook`: running ``ansible-playbook`` against the simulator.
- :mod:`tests.support.simstate`: seeding the simulator and reading its state and request log.
- :mod:`tests.support.simapi`: raw HTTP against the simulator, for its own tests.
- :mod:`tests.support.returns`: documented RETURN keys against real results.
- :mod:`tests.support.simulated_wait`: the Action waiter on a simulated clock.
- :mod:`tests.support.bad_servers`: loopback servers that answer like a broken API.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# What tests/integration/test_fault_matrix.py found, shown after the tests.
FAULT_MATRIX = REPO / "tests" / "output" / "fault-matrix.md"
