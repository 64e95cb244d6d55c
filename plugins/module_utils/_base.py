# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base class of every module: shared options, the API client, and one way to fail."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.oceanops.digitalocean.plugins.module_utils._actions import (
    ActionRunner,
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
)


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
    }


class DigitalOceanModule:
    """A module's logic, between Ansible and the API.

    A subclass declares ``argument_spec`` (its own options) and ``module_options`` (the other
    AnsibleModule arguments), and implements :meth:`run`, which returns the result. Helpers raise
    :class:`DigitalOceanError`; :meth:`execute` (called by ``main()``) is the only place that exits.
    ``self.result`` is what the module has to report so far: it is returned with a failure too, so
    a failed run still says which Actions it started.
    """

    argument_spec: dict = {}
    module_options: dict = {}

    def __init__(self, module: AnsibleModule):
        self.module = module
        self.params = module.params
        self.result: dict = {"changed": False}
        self.client = Client(
            token=self.params["api_token"],
            api_url=self.params["api_url"],
            timeout=self.params["timeout"],
            validate_certs=self.params["validate_certs"],
        )

    def run(self) -> dict:  # pragma: no cover - every module implements it
        raise NotImplementedError

    def action_runner(self, wait_timeout: float, poll_interval: float | None) -> ActionRunner:
        """An :class:`ActionRunner` whose deadline starts now."""
        return ActionRunner(self.client, Deadline(wait_timeout), PollSchedule(fixed=poll_interval))

    def check_positive(self, *names: str) -> None:
        """Fail unless each of these integer options, when set, is 1 or more."""
        for name in names:
            if self.params[name] is not None and self.params[name] < 1:
                self.fail(f"{name} must be a positive integer, got {self.params[name]}")

    def check_not_negative(self, *names: str) -> None:
        """Fail unless each of these options (timeouts, in seconds) is 0 or more."""
        for name in names:
            if self.params[name] < 0:
                self.fail(f"{name} must be 0 or more, got {self.params[name]}")

    def check_poll_interval(self) -> None:
        """Fail unless ``poll_interval``, when set, is more than 0."""
        if self.params["poll_interval"] is not None and self.params["poll_interval"] <= 0:
            self.fail(f"poll_interval must be more than 0, got {self.params['poll_interval']}")

    def fail(self, message: str, **details) -> None:
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

    def failure(self) -> dict:
        return dict(self.details, type="module", message=str(self))
