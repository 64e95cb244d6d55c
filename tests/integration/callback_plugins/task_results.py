# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: writes every task result of a playbook run to a JSON file.

Enabled by the integration tests (see tests/integration/conftest.py), which read the file named by
the environment variable OCEANOPS_TASK_RESULTS to assert on real results instead of parsing output.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: task_results
type: aggregate
short_description: Write every task result to a JSON file (tests only)
description:
  - Writes one record per host and task to the file named by E(OCEANOPS_TASK_RESULTS).
options: {}
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._records = []

    def _record(self, result, status):
        self._records.append(
            {
                "task": result.task_name,
                "host": result._host.get_name(),
                "status": status,
                "result": json.loads(json.dumps(result._result, default=str)),
            }
        )

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("OCEANOPS_TASK_RESULTS")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self._records, handle, indent=1)
