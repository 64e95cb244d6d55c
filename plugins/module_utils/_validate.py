# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The input rules that the modules and the inventory plugin share (no Ansible import)."""

from __future__ import annotations

import re

# What no option value may hold: a line break, a tab or another control character (a value read
# from a file with its newline, say), which also never reaches an HTTP header or a query.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
# DigitalOcean's limit on the names of Droplets and tags.
NAME_LIMIT = 255


def string_problem(name: str, value: str, api_name: bool = False) -> str | None:
    """What is wrong with the value of the string option ``name``, if anything: a line break or
    another control character, or (for the name of a Droplet or a tag) more characters than
    DigitalOcean allows. The message never shows the value."""
    if CONTROL_CHARACTER.search(value):
        return f"{name} must be one line, without line breaks or control characters"
    if api_name and len(value) > NAME_LIMIT:
        return f"{name} is {len(value)} characters long; DigitalOcean allows at most {NAME_LIMIT}"
    return None
