"""kill -9 at every moment of a snapshot run, then a re-run: one snapshot, the power as found.

One ansible-playbook run takes the snapshots of one Droplet per moment, all at once. Each host
has its own token, and the simulator holds back one answer of that token's: the reply to a POST
that has taken effect, or a read between two steps. Once every host is held at its moment, every
process of the run is killed at once, as a crashing controller would be. A plain re-run must then
leave every Droplet with exactly one snapshot of the name (and of each volume), in the power state
it was found in, untagged.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
import yaml

from tests.support.crash import interrupt
from tests.support.simstate import seed

TAG = "oceanops-restore-power"
HOLD = 240.0  # seconds an answer is held back; the run is killed long before
ACTIONS = r"^/v2/droplets/\d+/actions$"
DROPLET = r"^/v2/droplets(/\d+)?$"


def post(action_type: str) -> dict:
    return {"method": "POST", "path": ACTIONS, "action_type": action_type}


def after_post(action_type: str) -> dict:
    """Right after this Action's POST took effect, before its answer arrives."""
    return {**post(action_type), "phase": "after"}


def then(request: dict, action_type: str) -> dict:
    """A read (``request``) once this Action was started: between two steps."""
    return {**request, "after": post(action_type)}


GET_ACTION = {"method": "GET", "path": r"^/v2/actions"}
GET_DROPLET = {"method": "GET", "path": DROPLET}
GET_SNAPSHOTS = {"method": "GET", "path": r"^/v2/droplets/\d+/snapshots$"}
TAGGING = {"method": "POST", "path": r"^/v2/tags/[^/]+/resources$", "phase": "after"}
UNTAGGED = {"method": "DELETE", "path": r"^/v2/tags/[^/]+/resources$"}
UNTAGGING = {**UNTAGGED, "phase": "after"}

ON = {"name": "web", "snapshots": ["weekly"]}
OFF = {**ON, "status": "off"}
WITH_VOLUME = {**ON, "volumes": [{"name": "data", "size_gigabytes": 10}]}
STUBBORN = {**ON, "shutdown_fails": True}  # its shutdowns complete, but it stays on
RETAINED = {**ON, "snapshots": ["weekly", {"name": "nightly-old", "age": 86400}]}

# moment: (Droplet seed, task options, the request held back)
MOMENTS = {
    "finding the droplet": (ON, {}, GET_DROPLET),
    "listing its snapshots": (ON, {}, GET_SNAPSHOTS),
    "right after tagging": (ON, {}, TAGGING),
    "right after the shutdown POST": (ON, {}, after_post("shutdown")),
    "while the shutdown runs": (ON, {}, then(GET_ACTION, "shutdown")),
    "reading the droplet after the shutdown": (ON, {}, then(GET_DROPLET, "shutdown")),
    "right after the snapshot POST": (ON, {}, after_post("snapshot")),
    "while the snapshot runs": (ON, {}, then(GET_ACTION, "snapshot")),
    "finding the snapshot it made": (ON, {}, then(GET_SNAPSHOTS, "snapshot")),
    "right after the power_on POST": (ON, {}, after_post("power_on")),
    "while the power_on runs": (ON, {}, then(GET_ACTION, "power_on")),
    "untagging after the power_on": (ON, {}, then(UNTAGGED, "power_on")),
    "right after untagging": (ON, {}, UNTAGGING),
    "right after the power_off POST": (ON, {"shutdown_timeout": 0}, after_post("power_off")),
    "while the power_off runs": (ON, {"shutdown_timeout": 0}, then(GET_ACTION, "power_off")),
    "reading the droplet after the power_off": (
        ON,
        {"shutdown_timeout": 0},
        then(GET_DROPLET, "power_off"),
    ),
    "right after a power_off that follows an ignored shutdown": (
        STUBBORN,
        {"shutdown_timeout": 1},
        after_post("power_off"),
    ),
    "waiting for an ignored shutdown to take": (
        STUBBORN,
        {"shutdown_timeout": 1},
        then(GET_DROPLET, "shutdown"),
    ),
    "reading the droplet after the shutdown, with a volume": (
        WITH_VOLUME,
        {"volumes": True},
        then(GET_DROPLET, "shutdown"),
    ),
    "right after tagging, with a volume": (WITH_VOLUME, {"volumes": True}, TAGGING),
    "right after a volume snapshot POST": (
        WITH_VOLUME,
        {"volumes": True},
        {"method": "POST", "path": r"^/v2/volumes/[^/]+/snapshots$", "phase": "after"},
    ),
    "right after the snapshot POST, with a volume": (
        WITH_VOLUME,
        {"volumes": True},
        after_post("snapshot"),
    ),
    "right after the power_on POST, with a volume": (
        WITH_VOLUME,
        {"volumes": True},
        after_post("power_on"),
    ),
    "right after deleting an old snapshot": (
        RETAINED,
        {"keep": 1, "keep_prefix": "nightly"},
        {"method": "DELETE", "path": r"^/v2/snapshots/", "phase": "after"},
    ),
    "right after the snapshot POST, with retention": (
        RETAINED,
        {"keep": 1, "keep_prefix": "nightly"},
        after_post("snapshot"),
    ),
    "right after the transfer POST": (
        ON,
        {"copy_to_regions": ["ams3"]},
        {"method": "POST", "path": r"^/v2/images/\d+/actions$", "phase": "after"},
    ),
    "while the transfer runs": (
        ON,
        {"copy_to_regions": ["ams3"]},
        {"method": "GET", "path": r"^/v2/actions", "after": {"method": "POST", "path": "images"}},
    ),
    "right after the snapshot POST, restore_power false": (
        ON,
        {"restore_power": False},
        after_post("snapshot"),
    ),
    "off: finding the droplet": (OFF, {}, GET_DROPLET),
    "off: listing its snapshots": (OFF, {}, GET_SNAPSHOTS),
    "off: right after the snapshot POST": (OFF, {}, after_post("snapshot")),
    "off: while the snapshot runs": (OFF, {}, then(GET_ACTION, "snapshot")),
    "off: finding the snapshot it made": (OFF, {}, then(GET_SNAPSHOTS, "snapshot")),
}

PLAY = """
- name: Interrupted
  hosts: all
  gather_facts: false
  tasks:
    - name: Snapshot
      oceanops.digitalocean.droplet_snapshot:
        api_token: "{{ token }}"
        droplet_id: "{{ droplet_id }}"
        name: nightly
        shutdown_timeout: "{{ shutdown_timeout | default(120) }}"
        restore_power: "{{ restore_power | default(true) }}"
        volumes: "{{ volumes | default(false) }}"
        keep: "{{ keep | default(omit) }}"
        keep_prefix: "{{ keep_prefix | default(omit) }}"
        copy_to_regions: "{{ copy_to_regions | default(omit) }}"
        timeout: 300
"""


@pytest.mark.slow
def test_killed_at_every_moment_a_rerun_converges(sim, ansible_playbook, tmp_path):
    assert len(MOMENTS) >= 30
    ids = seed(sim, *(volumes_named(spec[0], n) for n, spec in enumerate(MOMENTS.values())))
    hosts = {}
    for n, ((_seed, options, held), droplet_id) in enumerate(zip(MOMENTS.values(), ids)):
        token = f"dop_v1_interrupted_{n:03d}_{'0' * 40}"
        hosts[f"moment-{n:02d}"] = {
            "ansible_connection": "local",
            "droplet_id": droplet_id,
            "token": token,
            **options,
        }
        sim.faults({"kind": "delay", "delay": HOLD, "count": 1, "token": token, **held})
    inventory = tmp_path / "moments.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    playbook = tmp_path / "interrupted.yml"
    playbook.write_text(PLAY)
    before = {d["id"]: d for d in sim.state()["droplets"]}

    def all_held() -> bool:
        return not sim.faults()

    try:
        interrupt(
            sim.url,
            playbook,
            tmp_path / "interrupted.json",
            all_held,
            timeout=150,
            args=("-i", str(inventory), "--forks", str(len(hosts))),
        )
    except AssertionError:
        held = {rule["token"] for rule in sim.faults()}
        never = [m for m, h in zip(MOMENTS, hosts.values()) if h["token"] in held]
        raise AssertionError(f"these moments never came: {never}") from None
    time.sleep(0.3)  # the held POSTs have taken effect

    sim.clear_faults()
    rerun = ansible_playbook(PLAY, "-i", str(inventory), "--forks", "16")
    assert rerun.rc == 0, rerun.output
    state = sim.state()
    problems = []
    for (moment, (_seed, options, _held)), droplet_id in zip(MOMENTS.items(), ids, strict=True):
        problems += [f"{moment}: {p}" for p in outcome(state, before[droplet_id], options)]
    assert problems == [], "\n".join(problems)


def volumes_named(droplet: dict, n: int) -> dict:
    """The seed, its volumes' names made unique (a region has one volume of a name)."""
    volumes = [dict(v, name=f"{v['name']}-{n}") for v in droplet.get("volumes", [])]
    return dict(droplet, volumes=volumes)


def outcome(state: dict, found: dict, options: dict) -> list[str]:
    """What is wrong with the Droplet after the re-run."""
    droplet = next(d for d in state["droplets"] if d["id"] == found["id"])
    wrong = []
    names = Counter(
        s["name"] for s in state["snapshots"] if str(s["resource_id"]) == str(droplet["id"])
    )
    if names["nightly"] != 1:
        wrong.append(f"{names['nightly']} snapshots named nightly")
    wanted = "off" if options.get("restore_power") is False else found["status"]
    if droplet["status"] != wanted:
        wrong.append(f"{droplet['status']}, found {found['status']}")
    if TAG in droplet["tags"]:
        wrong.append("still tagged")
    for volume_id in droplet["volume_ids"]:
        taken = [
            s
            for s in state["volume_snapshots"]
            if s["resource_id"] == volume_id and s["name"] == "nightly"
        ]
        if len(taken) != 1:
            wrong.append(f"volume {volume_id}: {len(taken)} snapshots named nightly")
    if options.get("keep") and names["nightly-old"]:
        wrong.append("the old snapshot was kept")
    if options.get("copy_to_regions"):
        (snapshot,) = [
            s
            for s in state["snapshots"]
            if str(s["resource_id"]) == str(droplet["id"]) and s["name"] == "nightly"
        ] or [{"regions": []}]
        if "ams3" not in snapshot["regions"]:
            wrong.append(f"not copied: {snapshot['regions']}")
    return wrong
