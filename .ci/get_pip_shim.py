"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test creates every virtual environment with ``--without-pip`` and then runs
``get_pip_<version>.py`` from ``~/.ansible/test/cache`` (downloading it when missing, from a host
that is not reachable everywhere).  This script bootstraps pip with the interpreter's own
``ensurepip`` instead, then installs whatever ansible-test asked for.

ensurepip runs in a subprocess on purpose: ``ensurepip.bootstrap()`` in-process leaves
``PIP_CONFIG_FILE=/dev/null`` in the environment, which hides the machine's pip configuration
(index URL, certificates) from the pip call that follows.
"""

from __future__ import annotations

import subprocess
import sys


def main() -> int:
    subprocess.check_call(
        [sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"],
        stdout=subprocess.DEVNULL,
    )
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    return subprocess.call([sys.executable, "-m", "pip", "install", "-q", *args])


if __name__ == "__main__":
    sys.exit(main())
