# Copyright: (c) 2026, OceanOps Team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small JSON files that concurrent runs on one controller share, one set per API account.

They live in a per-user directory (mode 0700): ``$OCEANOPS_CACHE_DIR``, else
``$XDG_CACHE_HOME/oceanops.digitalocean``, else ``~/.cache/oceanops.digitalocean``. Their names
start with a hash of the API URL and the token, so runs against another account or API never
read them, and the token itself is written nowhere. A file is replaced whole (write, then rename),
so a reader never sees half of one; :meth:`SharedFile.locked` serializes the writers. Nothing is
read or written through a symbolic link: a directory that is a link, or another user's, or open to
others, is not used at all (:func:`cache_problem` says why), and files are opened with
``O_NOFOLLOW``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
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


def cache_problem(directory: str | None = None) -> str | None:
    """Why the directory of the shared files cannot be used, or None when it can (or does not
    exist yet: it is then created, mode 0700)."""
    directory = directory or cache_dir()
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"{directory} cannot be read ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return f"{directory} is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return f"{directory} is not a directory"
    if info.st_uid != os.getuid():
        return f"{directory} belongs to another user"
    if info.st_mode & 0o077:
        return (
            f"{directory} is open to other users (mode {stat.S_IMODE(info.st_mode):04o}, not 0700)"
        )
    return None


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
        """Whether the directory is there and this user's alone, not through a link (anything
        else is never read)."""
        return os.path.lexists(self.directory) and cache_problem(self.directory) is None

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
            info = os.lstat(self.path)
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            if fresh or stamp != self._stamp:
                handle = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
                with os.fdopen(handle, encoding="utf-8") as opened:
                    self._content = json.load(opened)
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
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW
        handle = os.open(self.path[: -len(".json")] + ".lock", flags, 0o600)
        with os.fdopen(handle, "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._stamp = None  # what another run wrote just before is read afresh
            try:
                yield self
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
