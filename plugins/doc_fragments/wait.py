# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of every module that waits for Actions, documented once.

A module may set its own C(default) or C(description) for one of them; the rest comes from here.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait for the Actions of the task to finish.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the task may wait in all, from its first request to its last.
      - When it runs out, the module fails with the id of the Action still in progress. That
        Action goes on at DigitalOcean.
      - It bounds the requests too, also against a server that never answers. Each request's
        O(timeout) is cut to the time left, and none is retried past it. What a failure then
        needs (powering a Droplet back on) has one O(timeout) more.
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two polls of an Action or the resource it runs on.
      - By default the interval adapts to how long the wait has lasted, from 2 seconds up to 15
        seconds (10% of the time waited so far), so a long Action costs few requests and its end
        is noticed within 2 seconds or 10% of its duration. With O(shared_cache), concurrent runs
        then also share what they poll.
      - A fixed interval makes this run poll its own Actions and Droplet, sharing nothing.
    type: float
"""
