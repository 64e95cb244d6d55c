# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small JSON files that concurrent runs on one controller share, one set per API account.

They live in a per-user directory (mode 0700): ``$OCEANOPS_CACHE_DIR``, else
``$XDG_CACHE_HOME/oceanops.digitalocean``, else ``~/.cache/oceanops.digitalocean``. Their names
start with a hash of the API URL and the token, so runs against another account or API never
read them, and the token itself is written nowhere. A file is replaced whole (write, then rename),
so a reader never sees half of one; :meth:`SharedFile.locked` serializes the writers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any

CACHE_DIR_ENV_VAR = "OCEANOPS_CACHE_DIR"


def cache_dir() -> str:
    """The directory of the shared files (not created here)."""
    explicit = os.environ.get(CACHE_DIR_ENV_VAR)
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "oceanops.digitalocean")


class SharedFile:
    """One shared JSON file, ``<account>.<name>.json``, and its lock.

    ``account`` is :attr:`Client.account`, a hash of the API URL and the token.
    """

    def __init__(self, account: str, name: str, directory: str | None = None):
        self.directory = directory or cache_dir()
        self.path = os.path.join(self.directory, f"{account}.{name}.json")
        self._stamp: tuple | None = None
        self._content: Any = None

    def private(self) -> bool:
        """Whether the directory is this user's alone (anything else is never read)."""
        try:
            info = os.stat(self.directory)
        except OSError:
            return False
        return info.st_uid == os.getuid() and not info.st_mode & 0o077

    def read(self, fresh: bool = False) -> Any:
        """The file's content, or None when it is missing, unreadable or not private.

        The content last read is kept while the file's inode, time and size stay the same (a
        poll that finds nothing new reads nothing); ``fresh`` reads it anyway. Every write is a
        new file (os.replace), but the file system may reuse an inode within its timestamp
        granularity: what is read to be changed (under :meth:`locked`) is always read afresh.
        """
        if not self.private():
            return None
        try:
            info = os.stat(self.path)
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            if fresh or stamp != self._stamp:
                with open(self.path, encoding="utf-8") as handle:
                    self._content = json.load(handle)
                self._stamp = stamp
        except (OSError, ValueError):
            return None
        return self._content

    def write(self, content: Any) -> None:
        """Replace the file's content (call it while :meth:`locked`)."""
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(content, out, separators=(",", ":"))
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    @contextlib.contextmanager
    def locked(self) -> Iterator[SharedFile]:
        """Hold the file's lock (a ``.lock`` file beside it) for a read-modify-write."""
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        if not self.private():
            raise OSError(f"{self.directory} is not private to this user (mode 0700)")
        with open(self.path[: -len(".json")] + ".lock", "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._stamp = None  # what another run wrote just before is read afresh
            try:
                yield self
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
