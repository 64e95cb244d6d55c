# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, documented once: DOCUMENTATION for all, plus PLUGIN for plugins."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - DigitalOcean API token (a personal access token starts with C(dop_v1_)).
      - When not set, the first of these environment variables that is set is used, in this order
        E(DIGITALOCEAN_ACCESS_TOKEN) (doctl's), E(DIGITALOCEAN_TOKEN) (Terraform's),
        E(DO_API_TOKEN), E(DO_API_KEY), E(DO_TOKEN).
      - Without a token nothing is sent; the task or the inventory fails first. The token never
        appears in results, messages or logs.
    type: str
    aliases: [oauth_token]
  api_url:
    description:
      - Base URL of the DigitalOcean API, up to and including C(/v2).
      - When not set, the environment variable E(DIGITALOCEAN_API_URL) is used, then the default.
      - Plain C(http://) is only accepted for loopback addresses, such as a local API simulator.
    type: str
    default: https://api.digitalocean.com/v2
  timeout:
    description:
      - Seconds to wait for the answer to one HTTP request. Throttled (HTTP 429) and failed
        (HTTP 5xx, connection errors) requests are retried with backoff on top of this, up to six
        tries; in a module with a C(wait_timeout), a throttled one is tried again for as long as
        the API asks to wait, until C(wait_timeout) runs out.
    type: int
    default: 30
  validate_certs:
    description:
      - Whether to validate the API server's TLS certificate.
    type: bool
    default: true
  shared_cache:
    description:
      - Share the API's rate limit, and what is read while waiting, with the other runs on this
        controller that use the same token and API (the forks of a fleet run, two runs at once).
      - The runs take turns so that together they stay under DigitalOcean's 250 requests a minute
        and space their requests when the hourly remainder runs low, instead of being answered
        HTTP 429.
      - While they wait for Actions, one run at a time reads the account's newest Actions and
        Droplets for all of them, instead of each polling its own.
      - Droplets that they tag or untag at the same moment (the power-intent tag of
        M(oceanops.digitalocean.droplet_snapshot)) go out in one request; runs that have tagged
        lately wait half a second for the others to join.
      - They share small files in a directory only this user can read (mode 0700),
        E(OCEANOPS_CACHE_DIR), else C($XDG_CACHE_HOME/oceanops.digitalocean), else
        C(~/.cache/oceanops.digitalocean). The files are named after a hash of the API URL and
        the token; the token is written nowhere. A file that is missing, unreadable or too old
        is never trusted; the run then reads for itself.
      - V(false) makes the run pace, poll and tag alone.
    type: bool
    default: true
requirements:
  - requests
"""

    # Plugins extend DOCUMENTATION, then this: Ansible reads their options from the environment
    # itself (modules use fallbacks in their argument spec).
    PLUGIN = r"""
options:
  api_token:
    env:
      # Ansible takes the last variable of this list that is set, so the list runs from the
      # weakest to the strongest.
      - name: DO_TOKEN
      - name: DO_API_KEY
      - name: DO_API_TOKEN
      - name: DIGITALOCEAN_TOKEN
      - name: DIGITALOCEAN_ACCESS_TOKEN
  api_url:
    env:
      - name: DIGITALOCEAN_API_URL
"""
