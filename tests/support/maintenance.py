"""The task files that maintenance runs (playbooks/maintain.yml) take in tests and benchmarks: a
change that resizes the Droplet, and a check that fails on chosen Droplets until they were rolled
back."""

from __future__ import annotations

RESIZED_TO = "s-2vcpu-2gb"


def resize_tasks(**options) -> str:
    """A change: resize the Droplet to :data:`RESIZED_TO` (CPU and RAM), delegated to localhost as
    API tasks are; ``options`` go to the module too (a poll interval, say)."""
    lines = "".join(f"    {name}: {value}\n" for name, value in options.items())
    return f"""
- name: Give the Droplet more CPU and RAM
  oceanops.digitalocean.droplet_resize:
    droplet_id: "{{{{ droplet_id }}}}"
    size: {RESIZED_TO}
{lines}  delegate_to: localhost
"""


def check_failing_on(*names: str) -> str:
    """A check that fails on these Droplets until they were rolled back (rebuilt), as a service
    broken by the change would."""
    return f"""
- name: Look for a rollback
  oceanops.digitalocean.action_info:
    droplet_id: "{{{{ droplet_id }}}}"
    type: rebuild
  delegate_to: localhost
  register: rebuilt

- name: Check the service
  ansible.builtin.assert:
    that: inventory_hostname not in {list(names)} or rebuilt.actions | length > 0
    fail_msg: "{{{{ inventory_hostname }}}}: the service does not answer"
"""
