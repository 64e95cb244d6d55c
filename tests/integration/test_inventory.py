"""The droplets inventory plugin against the simulator.

What users see (the listing, messages, the token kept out of output, the cache) comes from real
``ansible-inventory`` runs; what the plugin makes of each option is checked through
``Inventory.parse``, the same ``InventoryManager`` in the test's process.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.inventory import Inventory
from tests.support.playbook import TOKEN
from tests.support.simstate import api_requests

TOKEN_VARIABLES = (
    "DIGITALOCEAN_ACCESS_TOKEN",
    "DIGITALOCEAN_TOKEN",
    "DO_API_TOKEN",
    "DO_API_KEY",
    "DO_TOKEN",
)

FLEET = [
    {"name": "web-1", "region": "nyc3", "tags": ["web", "blue"]},
    {"name": "web-2", "region": "ams3", "tags": ["web"]},
    {"name": "web-3", "region": "nyc3", "tags": ["web"], "status": "off"},
    {"name": "db-1", "region": "nyc3", "tags": ["db"], "size": "s-2vcpu-4gb"},
    {"name": "cache-10", "region": "ams3", "tags": []},
]


@pytest.fixture
def inventory(sim, tmp_path) -> Inventory:
    sim.reset(droplets=FLEET)
    sim.clear_requests()
    return Inventory(sim, tmp_path)


@pytest.mark.smoke
def test_token_from_the_environment_alone_lists_every_droplet(inventory):
    listing = inventory.run({})
    assert listing.rc == 0, listing.stderr
    assert listing.hosts == ["cache-10", "db-1", "web-1", "web-2", "web-3"]


@pytest.mark.parametrize("variable", TOKEN_VARIABLES)
def test_each_token_variable_is_read(inventory, sim, variable):
    token = f"dop_v1_from_{variable.lower()}"
    sim.reset(droplets=FLEET, settings={"tokens": [token]})
    listing = inventory.parse({}, env={variable: token}, unset=TOKEN_VARIABLES)
    assert listing.rc == 0, listing.stderr
    assert len(listing.hosts) == 5


def test_api_token_in_the_file_may_be_a_template(inventory, sim):
    token = "dop_v1_from_a_lookup"
    sim.reset(droplets=FLEET, settings={"tokens": [token]})
    config = {"api_token": "{{ lookup('ansible.builtin.env', 'MY_DO_TOKEN') }}"}
    listing = inventory.parse(config, env={"MY_DO_TOKEN": token}, unset=TOKEN_VARIABLES)
    assert listing.rc == 0, listing.stderr
    assert len(listing.hosts) == 5


def test_without_a_token_it_fails_clearly_and_sends_nothing(inventory, sim):
    listing = inventory.run({}, unset=TOKEN_VARIABLES)
    assert listing.hosts == []
    assert "could not list the Droplets: no DigitalOcean API token" in listing.messages
    assert api_requests(sim) == []


def test_hostvars_describe_the_droplet_and_never_hold_the_token(inventory, sim):
    listing = inventory.run({})
    assert listing.rc == 0, listing.stderr
    droplet = next(d for d in sim.state()["droplets"] if d["name"] == "db-1")
    public = next(n["ip_address"] for n in droplet["networks"]["v4"] if n["type"] == "public")
    private = next(n["ip_address"] for n in droplet["networks"]["v4"] if n["type"] == "private")
    assert listing.hostvars["db-1"] == {
        "ansible_host": public,
        "droplet_id": droplet["id"],
        "droplet_name": "db-1",
        "droplet_status": "active",
        "droplet_locked": False,
        "droplet_region": "nyc3",
        "droplet_size": "s-2vcpu-4gb",
        "droplet_tags": ["db"],
        "droplet_public_ipv4": public,
        "droplet_private_ipv4": private,
        "droplet_ipv6": None,
    }
    assert listing.hostvars["web-3"]["droplet_status"] == "off"
    assert TOKEN not in listing.stdout + listing.stderr


@pytest.mark.smoke
def test_values_from_the_api_are_never_templated(sim, tmp_path, ansible_playbook):
    sim.reset(droplets=[{"name": "evil-{{ 6 * 7 }}", "tags": ["web"]}])
    path = Inventory(sim, tmp_path).path({})
    run = ansible_playbook(SHOW_NAME, "-i", str(path))
    assert run.rc == 0, run.output
    assert run.result("Show")["msg"] == "evil-{{ 6 * 7 }} ['web']"


SHOW_NAME = """
- name: Show the name
  hosts: all
  gather_facts: false
  tasks:
    - name: Show
      ansible.builtin.debug:
        msg: "{{ droplet_name }} {{ droplet_tags }}"
"""


def test_token_is_not_logged_at_high_verbosity(inventory):
    listing = inventory.run({}, "-vvvv")
    assert listing.rc == 0, listing.stderr
    assert TOKEN not in listing.stdout + listing.stderr


def test_tag_name_is_filtered_by_the_api(inventory, sim):
    listing = inventory.parse({"tag_name": "web"})
    assert listing.hosts == ["web-1", "web-2", "web-3"]
    (request,) = api_requests(sim)
    assert request["query"]["tag_name"] == "web"


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ("web-*", ["web-1", "web-2", "web-3"]),
        (["db-?", "cache-*"], ["cache-10", "db-1"]),
        ("web", []),  # a glob matches the whole name
        ("~^(db|cache)-\\d+$", ["cache-10", "db-1"]),
        ("~eb", ["web-1", "web-2", "web-3"]),  # a regex is searched in the name
    ],
)
def test_name_pattern_globs_and_regexes(inventory, patterns, expected):
    listing = inventory.parse({"name_pattern": patterns})
    assert listing.rc == 0, listing.stderr
    assert listing.hosts == expected


def test_a_bad_regex_is_a_clear_error(inventory):
    listing = inventory.run({"name_pattern": "~(web"})
    assert "name_pattern '~(web' is not a valid regex" in listing.messages


def test_status_filter(inventory):
    assert inventory.parse({"status": ["off"]}).hosts == ["web-3"]
    assert inventory.parse({"status": "active", "tag_name": "web"}).hosts == ["web-1", "web-2"]


def test_hostname_and_connect_with(inventory, sim):
    by_id = inventory.parse({"hostname": "id", "connect_with": "private_ipv4"})
    ids = sorted(str(d["id"]) for d in sim.state()["droplets"])
    assert by_id.hosts == ids
    for hostvars in by_id.hostvars.values():
        assert hostvars["ansible_host"] == hostvars["droplet_private_ipv4"]

    by_address = inventory.parse({"hostname": "public_ipv4", "connect_with": "none"})
    assert sorted(by_address.hosts) == sorted(
        h["droplet_public_ipv4"] for h in by_address.hostvars.values()
    )
    assert all("ansible_host" not in h for h in by_address.hostvars.values())


def test_droplets_that_share_a_name_get_their_id_appended(sim, tmp_path):
    sim.reset(droplets=[{"name": "twin"}, {"name": "twin"}, {"name": "solo"}])
    listing = Inventory(sim, tmp_path).run({})
    ids = sorted(d["id"] for d in sim.state()["droplets"] if d["name"] == "twin")
    assert listing.hosts == sorted(["solo", f"twin-{ids[0]}", f"twin-{ids[1]}"])
    assert "2 Droplets are named 'twin'" in listing.messages


def test_keyed_groups_groups_and_compose(inventory):
    listing = inventory.parse(
        {
            "keyed_groups": [
                {"key": "droplet_region", "prefix": "region"},
                {"key": "droplet_tags", "prefix": "tag"},
                {"key": "droplet_status", "prefix": "status"},
            ],
            "groups": {"databases": "droplet_name.startswith('db-')"},
            "compose": {"ansible_user": "'root'", "label": "droplet_name ~ '@' ~ droplet_region"},
        }
    )
    assert listing.rc == 0, listing.stderr
    assert listing.group("region_nyc3") == ["db-1", "web-1", "web-3"]
    assert listing.group("region_ams3") == ["cache-10", "web-2"]
    assert listing.group("tag_web") == ["web-1", "web-2", "web-3"]
    assert listing.group("tag_blue") == ["web-1"]
    assert listing.group("status_off") == ["web-3"]
    assert listing.group("databases") == ["db-1"]
    assert listing.hostvars["web-2"]["label"] == "web-2@ams3"
    assert listing.hostvars["web-2"]["ansible_user"] == "root"


def test_strict_turns_a_bad_compose_into_an_error(inventory):
    config = {"compose": {"x": "droplet_nonexistent.attribute"}}
    assert inventory.run(config).rc == 0
    strict = inventory.run({**config, "strict": True})
    assert strict.rc != 0 or strict.hosts == []
    assert "Could not set x" in strict.messages


def test_an_api_error_is_one_clear_line_without_the_token(inventory, sim):
    sim.reset(droplets=FLEET, settings={"tokens": ["dop_v1_another_token"]})
    listing = inventory.run({})
    assert listing.hosts == []
    expected = "could not list the Droplets: GET /droplets?per_page=200 returned 401"
    assert expected in listing.messages
    assert TOKEN not in listing.stderr


def test_files_not_named_droplets_yml_are_not_read(inventory, tmp_path):
    path = tmp_path / "fleet.yml"
    path.write_text("plugin: oceanops.digitalocean.droplets\n")
    listing = inventory.run(path)
    assert listing.hosts == []


class TestCache:
    CONFIG = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_timeout": 600}

    def config(self, tmp_path: Path, **extra) -> dict:
        return {**self.CONFIG, "cache_connection": str(tmp_path / "cache"), **extra}

    def test_second_run_sends_no_request(self, inventory, sim, tmp_path):
        first = inventory.run(self.config(tmp_path))
        assert len(api_requests(sim)) == 1
        sim.clear_requests()
        second = inventory.run(self.config(tmp_path))
        assert api_requests(sim) == []
        assert second.data == first.data

    def test_flush_cache_reads_the_api_again(self, inventory, sim, tmp_path, ansible_playbook):
        path = inventory.path(self.config(tmp_path))
        inventory.run(path)
        sim.clear_requests()
        run = ansible_playbook(SHOW_NAME, "-i", str(path), "--flush-cache", "--list-hosts")
        assert run.rc == 0, run.output
        assert len(api_requests(sim)) == 1

    def test_filters_after_the_cache_apply_without_a_request(self, inventory, sim, tmp_path):
        inventory.run(self.config(tmp_path))
        sim.clear_requests()
        listing = inventory.run(self.config(tmp_path, status=["off"]))
        assert listing.hosts == ["web-3"]
        assert api_requests(sim) == []

    def test_another_token_or_tag_is_another_cache_entry(self, inventory, sim, tmp_path):
        inventory.run(self.config(tmp_path))
        sim.clear_requests()
        inventory.run(self.config(tmp_path), env={"DIGITALOCEAN_ACCESS_TOKEN": "dop_v1_other"})
        inventory.run(self.config(tmp_path, tag_name="web"))
        assert len(api_requests(sim)) == 2

    def test_the_token_is_neither_in_the_cache_nor_its_key(self, inventory, tmp_path):
        inventory.run(self.config(tmp_path))
        files = list((tmp_path / "cache").iterdir())
        assert files
        for path in files:
            assert TOKEN not in path.name
            assert TOKEN not in path.read_text()


def test_a_thousand_droplets_with_their_groups(sim, tmp_path):
    regions = ["nyc3", "ams3", "sfo3", "fra1"]
    sim.reset(
        droplets=[
            {
                "name": f"node-{n:04d}",
                "region": regions[n % 4],
                "tags": ["fleet", f"shard-{n % 10}"],
                "status": "off" if n % 7 == 0 else "active",
            }
            for n in range(1000)
        ]
    )
    sim.clear_requests()
    config = {
        "keyed_groups": [
            {"key": "droplet_region", "prefix": "region"},
            {"key": "droplet_tags", "prefix": "tag"},
            {"key": "droplet_status", "prefix": "status"},
        ]
    }
    started = time.monotonic()
    listing = Inventory(sim, tmp_path).parse(config)
    elapsed = time.monotonic() - started
    assert listing.rc == 0, listing.stderr
    assert len(listing.hosts) == 1000
    assert len(api_requests(sim)) == 5  # 200 Droplets per page
    for n, region in enumerate(regions):
        assert listing.group(f"region_{region}") == [f"node-{i:04d}" for i in range(n, 1000, 4)]
    assert listing.group("tag_fleet") == listing.hosts
    assert listing.group("tag_shard_3") == [f"node-{i:04d}" for i in range(3, 1000, 10)]
    assert listing.group("status_off") == [f"node-{i:04d}" for i in range(0, 1000, 7)]
    sent = len(api_requests(sim))
    print(f"1,000 Droplets built into an inventory in {elapsed:.2f} s with {sent} requests")
