# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The frame of every module: shared options, the API client, the Droplet target, an action runner
wired to the result, the power cycle on the power options, and one way to fail."""

from __future__ import annotations

from typing import NoReturn

from ansible.module_utils.basic import (
    AnsibleModule,
    _load_params,
    env_fallback,
    missing_required_lib,
)

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
    ActionType,
    Deadline,
    PollSchedule,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._api import (
    API_URL_ENV_VAR,
    DEFAULT_API_URL,
    REQUESTS_IMPORT_ERROR,
    TOKEN_ENV_VARS,
    Client,
    DigitalOceanError,
    account_of,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._droplets import (
    ACTIVE,
    OFF,
    DropletTarget,
    find_droplet,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.fleet import Fleet
from ansible_collections.oceanops.digitalocean.plugins.module_utils._power import (
    PowerCycle,
    Ready,
    always,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._tags import RESTORE_POWER_TAG
from ansible_collections.oceanops.digitalocean.plugins.module_utils._validate import string_problem


def connection_argument_spec() -> dict:
    """The options documented in the ``oceanops.digitalocean.api`` doc fragment."""
    return {
        "api_token": {
            "type": "str",
            "no_log": True,
            "aliases": ["oauth_token"],
            "fallback": (env_fallback, list(TOKEN_ENV_VARS)),
        },
        "api_url": {
            "type": "str",
            "default": DEFAULT_API_URL,
            "fallback": (env_fallback, [API_URL_ENV_VAR]),
        },
        "timeout": {"type": "int", "default": 30},
        "validate_certs": {"type": "bool", "default": True},
        "shared_cache": {"type": "bool", "default": True},
    }


def wait_argument_spec(wait: bool = True, wait_timeout: int = 1800) -> dict:
    """The options documented in the ``oceanops.digitalocean.wait`` doc fragment."""
    return {
        "wait": {"type": "bool", "default": wait},
        "wait_timeout": {"type": "int", "default": wait_timeout},
        "poll_interval": {"type": "float"},
    }


def droplet_argument_spec() -> dict:
    """The options documented in the ``oceanops.digitalocean.droplet`` doc fragment; a module
    takes them with :data:`ONE_DROPLET`."""
    return {"droplet_id": {"type": "int"}, "droplet_name": {"type": "str"}}


# The AnsibleModule arguments of a module that acts on the Droplet of droplet_id or droplet_name.
ONE_DROPLET = {
    "mutually_exclusive": [("droplet_id", "droplet_name")],
    "required_one_of": [("droplet_id", "droplet_name")],
}


def power_argument_spec() -> dict:
    """The options documented in the ``oceanops.digitalocean.power`` doc fragment."""
    return {
        "shutdown_timeout": {"type": "int", "default": 120},
        "restore_power": {"type": "bool", "default": True},
        "power_tag": {"type": "bool", "default": True},
    }


class DigitalOceanModule:
    """A module's logic, between Ansible and the API.

    A subclass declares ``argument_spec`` (its own options) and ``module_options`` (the other
    AnsibleModule arguments), and implements :meth:`run`, which returns the result. A module that
    waits adds :func:`wait_argument_spec` to its options; they are checked before :meth:`run`.
    Helpers raise
    :class:`DigitalOceanError`; :meth:`execute` (called by ``main()``) is the only place that exits.
    ``self.result`` is what the module has to report so far: it is returned with a failure too, so
    a failed run still says which Actions it started.
    """

    argument_spec: dict = {}
    module_options: dict = {}
    # The options that hold the name of a Droplet or a tag (at most NAME_LIMIT characters).
    api_names: tuple = ("droplet_name", "tag_name")

    def __init__(self, module: AnsibleModule):
        self.module = module
        self.params = module.params
        self.result: dict = {"changed": False}
        # What the concurrent runs of the account on this controller share (shared_cache).
        self.fleet = None
        if self.params["shared_cache"] and self.params["api_token"]:
            self.fleet = Fleet(account_of(self.params["api_url"], self.params["api_token"]))
            if self.fleet.refused:
                module.warn(
                    f"shared_cache: {self.fleet.refused}, so it is not used: this run shares "
                    "nothing with the other runs on this controller"
                )
        # A module that waits is bounded by wait_timeout in all, its requests too: after it, the
        # last steps (powering a Droplet back on) have one request timeout more.
        self.deadline = None
        if "wait_timeout" in self.params:
            self.deadline = Deadline(self.params["wait_timeout"])
        self.client = Client(
            token=self.params["api_token"],
            api_url=self.params["api_url"],
            timeout=self.params["timeout"],
            validate_certs=self.params["validate_certs"],
            pacer=self.fleet,
            time_left=self._time_left if self.deadline else None,
        )
        self.together = self.fleet.together if self.fleet else None
        self._warned: set[str] = set()

    def run(self) -> dict:  # pragma: no cover - every module implements it
        raise NotImplementedError

    def action_runner(self) -> ActionRunner:
        """An :class:`ActionRunner` on the wait options, whose deadline starts now; the Actions it
        starts are the result's ``actions``.

        On the adaptive schedule it shares what it reads with concurrent runs (``shared_cache``);
        a fixed ``poll_interval`` polls this run's own Actions.
        """
        shared = self.fleet is not None and self.params["poll_interval"] is None
        return ActionRunner(
            self.client,
            self.deadline,
            PollSchedule(fixed=self.params["poll_interval"]),
            shared=self.fleet.watch(self.client) if shared else None,
            started=self.result.setdefault("actions", []),
        )

    def _time_left(self) -> float:
        """Seconds left for requests: until one request ``timeout`` after the deadline."""
        return self.deadline.remaining_past(self.params["timeout"])

    def droplet_target(self, runner: ActionRunner, fields: tuple = ()) -> tuple:
        """The Droplet of ``droplet_id`` or ``droplet_name`` (the one with exactly that name), as
        its :class:`DropletTarget` and the Droplet as it is now, with at least ``fields`` (a
        Droplet found by id may come from a view that concurrent runs share)."""
        if self.params.get("droplet_id") is None:
            droplet = find_droplet(self.client, name=self.params["droplet_name"])
            return DropletTarget(self.client, droplet["id"]), droplet
        target = DropletTarget(self.client, self.params["droplet_id"])
        return target, runner.look(target, fields)

    def power_cycle(
        self,
        runner: ActionRunner,
        target: DropletTarget,
        droplet: dict,
        work: ActionType,
        power_off: bool | None = None,
        needed: Ready = always,
    ) -> PowerCycle:
        """The :class:`PowerCycle` around ``work`` on the Droplet, on the power options; it powers
        the Droplet off when ``power_off`` says so, by default when DigitalOcean needs it off for
        ``work``."""
        return PowerCycle(
            runner,
            target,
            droplet,
            work,
            power_off=work.needs_off if power_off is None else power_off,
            shutdown_timeout=self.params["shutdown_timeout"],
            restore=self.params["restore_power"],
            wait=self.params["wait"],
            tag=RESTORE_POWER_TAG if self.params["power_tag"] else None,
            together=self.together,
            needed=needed,
        )

    def check_shutdown_fits(self, powers_off: bool = True) -> None:
        """Fail when the task is to power a Droplet off and ``wait_timeout`` leaves no time after
        the graceful shutdown's ``shutdown_timeout`` (the rest of the task comes after it)."""
        self.check_not_negative("shutdown_timeout")
        wait_timeout, shutdown_timeout = (
            self.params["wait_timeout"],
            self.params["shutdown_timeout"],
        )
        if powers_off and wait_timeout <= shutdown_timeout:
            self.fail(
                f"wait_timeout ({wait_timeout} s) must be more than shutdown_timeout "
                f"({shutdown_timeout} s): the rest of the task comes after the graceful shutdown"
            )

    def check_power_state(self, droplet: dict, work: str = "powered off or on") -> None:
        """Fail unless the Droplet is ``active`` or ``off``: one being created (``new``) or
        archived takes no power Action, nor ``work`` (what the task would do to it)."""
        if droplet.get("status") not in (ACTIVE, OFF):
            self.fail(
                f"droplet {droplet.get('id')} is {droplet.get('status')}: only an active or off "
                f"droplet can be {work}"
            )

    def set_diff(self, before: dict, after: dict) -> None:
        """Report ``before`` and ``after`` when Ansible runs with ``--diff``."""
        if self.module._diff:
            self.result["diff"] = {"before": before, "after": after}

    def warn_once(self, message: str) -> None:
        """A warning, shown once however often the module comes across it."""
        if message not in self._warned:
            self._warned.add(message)
            self.module.warn(message)

    def check_positive(self, *names: str) -> None:
        """Fail unless each of these integer options, when set, is 1 or more."""
        for name in names:
            if self.params[name] is not None and self.params[name] < 1:
                self.fail(f"{name} must be a positive integer, got {self.params[name]}")

    def check_not_blank(self, *names: str) -> None:
        """Fail when one of these string options is set but empty or only whitespace."""
        for name in names:
            if self.params[name] is not None and not self.params[name].strip():
                self.fail(f"{name} must not be empty")

    def check_not_negative(self, *names: str) -> None:
        """Fail unless each of these options (timeouts, in seconds) is 0 or more."""
        for name in names:
            if self.params[name] < 0:
                self.fail(f"{name} must be 0 or more, got {self.params[name]}")

    def check_options(self, spec: dict) -> None:
        """Fail on what no option of ``spec`` may be: a list or a dict where a string is due (which
        Ansible would quietly turn into a string such as ``"['web-1']"``), a string with a line
        break or another control character, an API name longer than DigitalOcean allows, a blank
        token, a timeout that is not positive. The message never shows the value."""
        given = _load_params()
        for name, option in spec.items():
            value = self.params[name]
            if value is None:
                continue
            raw = next((given[k] for k in (name, *option.get("aliases", ())) if k in given), None)
            if option.get("type", "str") == "str":
                strings = [value]
                if isinstance(raw, (list, dict)):
                    self.fail(f"{name} must be a string, got a {type(raw).__name__}")
            elif option.get("elements") == "str":
                strings = value
                if isinstance(raw, list) and any(isinstance(i, (list, dict)) for i in raw):
                    self.fail(f"{name} must be a list of strings")
            else:
                continue
            for item in strings:
                problem = string_problem(name, item, name in self.api_names)
                if problem:
                    self.fail(problem)
        self.check_not_blank("api_token")
        self.check_positive("timeout")

    def check_wait_options(self) -> None:
        """Fail unless ``wait_timeout`` is 0 or more and ``poll_interval``, when set, above 0."""
        if "wait_timeout" not in self.params:
            return
        self.check_not_negative("wait_timeout")
        if self.params["poll_interval"] is not None and self.params["poll_interval"] <= 0:
            self.fail(f"poll_interval must be more than 0, got {self.params['poll_interval']}")

    def fail(self, message: str, **details) -> NoReturn:
        """Stop with a failure that is not an API or Action error (bad input found late)."""
        raise ModuleFailure(message, details)

    @classmethod
    def execute(cls) -> None:
        """Parse the options, run the module, and exit with its result or its failure."""
        spec = dict(connection_argument_spec(), **cls.argument_spec)
        module = AnsibleModule(argument_spec=spec, **cls.module_options)
        if REQUESTS_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        instance = None
        try:
            instance = cls(module)
            instance.check_options(spec)
            instance.check_wait_options()
            result = instance.run()
        except DigitalOceanError as error:
            partial = instance.result if instance else {"changed": False}
            module.fail_json(msg=str(error), failure=error.failure(), **partial)
        module.exit_json(**result)


class ModuleFailure(DigitalOceanError):
    """A failure the module itself detects, with optional structured details."""

    def __init__(self, message: str, details: dict | None = None):
        self.details = details or {}
        super().__init__(message)

    failure_type = "module"

    def failure(self) -> dict:
        return dict(self.details, **super().failure())
