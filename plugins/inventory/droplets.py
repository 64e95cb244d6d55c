# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# ruff: noqa: E402 (Ansible wants DOCUMENTATION and EXAMPLES before the imports)
from __future__ import annotations

DOCUMENTATION = r"""
name: droplets
short_description: Droplets of a DigitalOcean account as an Ansible inventory
version_added: 0.1.0
description:
  - Lists the Droplets of a DigitalOcean account, optionally only those with a tag, a name pattern
    or a status, and makes each one a host.
  - Every host gets the variables C(droplet_id), C(droplet_name), C(droplet_status),
    C(droplet_locked), C(droplet_region), C(droplet_size), C(droplet_tags),
    C(droplet_public_ipv4), C(droplet_private_ipv4) and C(droplet_ipv6). The API token is never
    one of them.
  - Groups come from the standard O(keyed_groups), O(groups) and O(compose) options, for example
    one group per region, per tag and per status.
  - The configuration file name must end with C(.droplets.yml) or C(.droplets.yaml).
  - Uses the same API client, options and environment variables as the modules of this
    collection, so a token in E(DIGITALOCEAN_ACCESS_TOKEN) is all it needs.
author:
  - OceanOps Team (@oceanops)
extends_documentation_fragment:
  - oceanops.digitalocean.api
  - oceanops.digitalocean.api.plugin
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description:
      - Marks this file as a configuration of this plugin.
    type: str
    required: true
    choices: [oceanops.digitalocean.droplets]
  tag_name:
    description:
      - Only Droplets with this tag. The API filters them, so a small part of a large account
        costs few requests.
    type: str
  name_pattern:
    description:
      - Only Droplets whose name matches one of these patterns.
      - A pattern is a shell-style glob matched against the whole name, case-sensitive, as in
        V(web-*) or V(db-0[1-3]).
      - A pattern that starts with V(~) is a Python regular expression searched in the name, as in
        Ansible's host patterns, for example V(~^(web|api\)-\\d+$).
      - A single string is a list of one pattern.
    type: list
    elements: str
    default: []
  status:
    description:
      - Only Droplets with one of these statuses. All of them by default.
    type: list
    elements: str
    choices: [new, active, "off", archive]
    default: []
  hostname:
    description:
      - Which field of the Droplet becomes its host name in the inventory.
      - Droplet names need not be unique in DigitalOcean. When several listed Droplets share a
        name, each of them is named C(<name>-<id>) instead and a warning lists them.
      - A Droplet without the chosen field (for example no public IPv4 address) is left out, with a
        warning that names it.
    type: str
    choices: [name, id, public_ipv4, private_ipv4]
    default: name
  connect_with:
    description:
      - Which address becomes C(ansible_host), the address Ansible connects to.
      - V(none) sets no C(ansible_host), so Ansible connects to the host name.
      - A Droplet without that address gets no C(ansible_host).
    type: str
    choices: [public_ipv4, private_ipv4, ipv6, none]
    default: public_ipv4
notes:
  - Droplets are read 200 per request, following the API's pagination, so 1,000 Droplets take 5
    requests.
  - With O(cache=true) the Droplet list is kept in the cache for O(cache_timeout) seconds, and a run
    within that time sends no request. The cache key is made of the configuration file's path, the
    API URL, O(tag_name) and a SHA-256 digest of the token, never the token itself, so two accounts
    never share a cache entry. Filters other than O(tag_name), host names and groups are applied
    after the cache, so changing them takes effect at once.
  - When the Droplets cannot be listed (a refused token, no token, an unreachable API), Ansible
    only warns and goes on with no host from this source. The plugin also sets the variable
    C(oceanops_inventory_failures) of the group C(all) (which the implicit C(localhost) sees too)
    to a list of lines, each the file and why, so that a playbook can fail the run. The
    collection's playbooks do so, with that line.
seealso:
  - name: DigitalOcean API, list all Droplets
    description: The Droplet object and its fields.
    link: https://docs.digitalocean.com/reference/api/digitalocean/#operation/droplets_list
"""

EXAMPLES = r"""
# web.droplets.yml: the Droplets tagged "web" that are on, grouped by region, tag and status.
# The token comes from DIGITALOCEAN_ACCESS_TOKEN (or the other token variables).
# The smallest configuration, every Droplet of the account, is the first line alone.
plugin: oceanops.digitalocean.droplets
tag_name: web
status: [active]
keyed_groups:
  - key: droplet_region
    prefix: region
  - key: droplet_tags
    prefix: tag
  - key: droplet_status
    prefix: status
groups:
  large: droplet_size is match('s-4vcpu')
compose:
  ansible_user: "'root'"
# Names by pattern (a glob, or a regular expression after ~), reached on the private network,
# the listing cached for an hour:
# name_pattern:
#   - db-*
#   - ~^cache-\d+$
# connect_with: private_ipv4
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/oceanops-droplets
# cache_timeout: 3600
"""

import hashlib
import json
import os
import re
from fnmatch import fnmatchcase

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    DEFAULT_API_URL,
    Client,
    DigitalOceanError,
    account_of,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    FACTS,
    droplet_facts,
    list_droplets,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.fleet import Fleet
from ansible_collections.oceanops.digitalocean.plugins.module_utils._validate import (
    string_problem,
)

# Set on the group all when a source of this plugin failed: ["<file>: <why>", ...].
FAILURES_VARIABLE = "oceanops_inventory_failures"


def name_matcher(patterns: list[str]):
    """A predicate telling whether a Droplet name matches one of ``patterns`` (or there are none).

    Globs match the whole name (``fnmatchcase``); ``~regex`` is searched, as in host patterns.
    """
    if not patterns:
        return lambda name: True
    tests = []
    for pattern in patterns:
        if pattern.startswith("~"):
            try:
                tests.append(re.compile(pattern[1:]).search)
            except re.error as exc:
                raise AnsibleError(f"name_pattern {pattern!r} is not a valid regex: {exc}") from exc
        else:
            tests.append(lambda name, glob=pattern: fnmatchcase(name, glob))
    return lambda name: any(test(name or "") for test in tests)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "oceanops.digitalocean.droplets"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith((".droplets.yml", ".droplets.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        try:
            self._parse(path, cache)
        except AnsibleError as error:
            self._record_failure(path, error)
            raise

    def _record_failure(self, path: str, error: AnsibleError) -> None:
        """Say in a variable of every play (``all``'s, which localhost sees too) that this source
        failed and why: Ansible itself only warns, and a playbook can make it the run's failure."""
        failures = self.inventory.groups["all"].get_vars().get(FAILURES_VARIABLE) or []
        failure = f"{os.path.basename(path)}: {error.message}"
        self.inventory.set_variable("all", FAILURES_VARIABLE, [*failures, failure])

    def _parse(self, path: str, cache: bool) -> None:
        config = self._read_config_data(path)

        token = self._token()
        self._check_options(config, token)
        wanted = self._filter()
        cache_key = self._cache_key(path, token)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache

        droplets = None
        if use_cache:
            try:
                droplets = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if droplets is None:
            droplets = self._list_droplets(token)
        if update_cache:
            self._cache[cache_key] = droplets

        self._populate([droplet for droplet in droplets if wanted(droplet)])

    # -- reading the Droplets --------------------------------------------------------------------

    def _check_options(self, config: dict, token: str | None) -> None:
        """Refuse, before any request, what no option may be (as the modules do): a boolean that
        is not one (Ansible would take it as false), a string with a line break or another control
        character, a blank token or tag, a tag longer than DigitalOcean allows, an empty name
        pattern, a timeout that is not positive. The message never shows the token."""
        for name in ("validate_certs", "shared_cache"):
            try:
                boolean(config.get(name, True), strict=True)
            except TypeError:
                self._refuse(f"{name} must be a boolean, got {config[name]!r}")
        tag = self.get_option("tag_name")
        strings = {
            "api_token": token,
            "api_url": self.get_option("api_url"),
            "tag_name": tag,
            "name_pattern": "".join(self.get_option("name_pattern")),
        }
        for name, value in strings.items():
            problem = value is not None and string_problem(name, value, name == "tag_name")
            if problem:
                self._refuse(problem)
        for name, value in (("api_token", token), ("tag_name", tag)):
            if value is not None and not value.strip():
                self._refuse(f"{name} must not be empty")
        if any(not pattern.strip() for pattern in self.get_option("name_pattern")):
            self._refuse("name_pattern must not hold an empty pattern")
        if self.get_option("timeout") < 1:
            self._refuse(f"timeout must be a positive integer, got {self.get_option('timeout')}")

    def _refuse(self, message: str) -> None:
        raise AnsibleParserError(f"{self.NAME}: {message}")

    def _token(self) -> str | None:
        token = self.get_option("api_token")
        if token and self.templar.is_template(token):
            token = self.templar.template(token)
        return str(token) if token else None

    def _cache_key(self, path: str, token: str | None) -> str:
        """The path's usual key plus what the list depends on; the token only as a digest."""
        scope = {
            "api_url": self._api_url(),
            "tag_name": self.get_option("tag_name"),
            "token_sha256": hashlib.sha256((token or "").encode()).hexdigest(),
        }
        digest = hashlib.sha256(json.dumps(scope, sort_keys=True).encode()).hexdigest()[:16]
        return f"{self.get_cache_key(path)}_{digest}"

    def _api_url(self) -> str:
        """The API URL as set: an empty one is refused by the client, not replaced."""
        api_url = self.get_option("api_url")
        return DEFAULT_API_URL if api_url is None else api_url

    def _list_droplets(self, token: str | None) -> list[dict]:
        try:
            shared = self.get_option("shared_cache") and token
            client = Client(
                token=token,
                api_url=self._api_url(),
                timeout=self.get_option("timeout"),
                validate_certs=self.get_option("validate_certs"),
                pacer=Fleet(account_of(self._api_url(), token)) if shared else None,
            )
            droplets = list_droplets(client, tag_name=self.get_option("tag_name"))
            return [droplet_facts(d) for d in droplets]
        except DigitalOceanError as exc:
            raise AnsibleError(f"{self.NAME}: could not list the Droplets: {exc}") from exc

    def _filter(self):
        """The client-side filters, ``name_pattern`` and ``status``, as one predicate."""
        matches_name = name_matcher(self.get_option("name_pattern"))
        statuses = set(self.get_option("status"))
        return lambda droplet: (
            matches_name(droplet["name"]) and (not statuses or droplet["status"] in statuses)
        )

    # -- building the inventory ------------------------------------------------------------------

    def _populate(self, droplets: list[dict]) -> None:
        strict = self.get_option("strict")
        address_field = self.get_option("connect_with")
        for host, droplet in self._host_names(droplets):
            self.inventory.add_host(host)
            hostvars = {f"droplet_{key}": droplet.get(key) for key in FACTS}
            for name, value in hostvars.items():
                # Marked unsafe: a name or tag from the API is never run as a template.
                self.inventory.set_variable(host, name, wrap_var(value))
            if address_field != "none" and droplet.get(address_field):
                self.inventory.set_variable(host, "ansible_host", droplet[address_field])

            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict)

    def _host_names(self, droplets: list[dict]) -> list[tuple[str, dict]]:
        """(host name, Droplet) pairs: unique names, Droplets without the chosen field left out."""
        field = self.get_option("hostname")
        named, missing = [], []
        for droplet in droplets:
            value = droplet.get(field)
            if value in (None, ""):
                missing.append(droplet)
            else:
                named.append((str(value), droplet))
        if missing:
            self.display.warning(
                f"{self.NAME}: {len(missing)} Droplet(s) have no {field} and are left out: "
                + ", ".join(f"{d['name']} (id {d['id']})" for d in missing)
            )

        seen: dict[str, list[dict]] = {}
        for host, droplet in named:
            seen.setdefault(host, []).append(droplet)
        shared = {host: group for host, group in seen.items() if len(group) > 1}
        for host, group in shared.items():
            self.display.warning(
                f"{self.NAME}: {len(group)} Droplets are named {host!r} (ids "
                + ", ".join(str(d["id"]) for d in group)
                + f"); their host names are {host}-<id>"
            )
        return [
            (f"{host}-{droplet['id']}" if host in shared else host, droplet)
            for host, droplet in named
        ]
