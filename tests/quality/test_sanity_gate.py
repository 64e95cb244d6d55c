"""Proof that the sanity gate fails: a module with a doc/argspec mismatch and an unprotected secret.

The module is added to a copy of the repository (files git knows, as `make sanity` sees them),
then the copy's own .ci/sanity.sh, which `make sanity` runs, is run on it. Only validate-modules,
the test that owns both mistakes, runs, to keep this quick.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import REPO
from tests.support.gates import gate

BROKEN_MODULE = '''#!/usr/bin/python
# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: broken_probe
short_description: A module with two deliberate mistakes
version_added: 0.1.0
description:
  - Exists only to prove that the sanity gate fails.
author:
  - OceanOps Team (@oceanops)
options:
  retries:
    description:
      - How often to retry.
    type: int
    default: 3
  api_password:
    description:
      - A secret that the argument spec does not mark no_log.
    type: str
"""

EXAMPLES = r"""
- name: Probe
  oceanops.digitalocean.broken_probe:
    retries: 3
"""

RETURN = r"""
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec={
            "retries": {"type": "int", "default": 5},
            "api_password": {"type": "str"},
        },
        supports_check_mode=True,
    )
    module.exit_json(changed=False)


if __name__ == "__main__":
    main()
'''


@gate
def test_sanity_fails_on_doc_argspec_mismatch_and_missing_no_log(tmp_path):
    copy = subprocess.run(
        [str(REPO / ".ci" / "ansible-test-tree.sh"), str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    module = Path(copy) / "plugins" / "modules" / "broken_probe.py"
    module.write_text(BROKEN_MODULE)

    run = subprocess.run(
        [str(Path(copy) / ".ci" / "sanity.sh"), sys.prefix, "--test", "validate-modules"],
        cwd=copy,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "plugins/modules/broken_probe.py:0:0: doc-default-does-not-match-spec" in output
    assert "plugins/modules/broken_probe.py:0:0: no-log-needed" in output
