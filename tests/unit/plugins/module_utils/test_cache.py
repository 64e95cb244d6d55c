"""The shared files' directory and files are never used through a symbolic link or when others
can reach them."""

from __future__ import annotations

import os

import pytest

from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.cache import (
    SharedFile,
    cache_problem,
)
from ansible_collections.oceanops.digitalocean.plugins.module_utils._fleet.fleet import Fleet


def test_a_missing_directory_is_made_private_and_used(tmp_path):
    directory = tmp_path / "cache"
    assert cache_problem(str(directory)) is None
    shared = SharedFile("account", "views", str(directory))
    with shared.locked():
        shared.write({"a": 1})
    assert shared.read(fresh=True) == {"a": 1}
    assert oct(directory.stat().st_mode & 0o777) == oct(0o700)


def test_a_planted_link_to_a_directory_is_never_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    link = tmp_path / "cache"
    link.symlink_to(elsewhere)
    assert cache_problem(str(link)) == f"{link} is a symbolic link"
    shared = SharedFile("account", "views", str(link))
    with pytest.raises(OSError), shared.locked():
        pass
    assert shared.read() is None
    assert list(elsewhere.iterdir()) == []
    assert Fleet("account", str(link)).refused == f"{link} is a symbolic link"


def test_a_directory_open_to_others_is_not_used(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir()
    directory.chmod(0o755)
    assert cache_problem(str(directory)) == (
        f"{directory} is open to other users (mode 0755, not 0700)"
    )
    assert cache_problem(str(tmp_path / "file")) is None  # missing: made when first used
    (tmp_path / "file").write_text("")
    assert cache_problem(str(tmp_path / "file")) == f"{tmp_path / 'file'} is not a directory"


def test_a_planted_link_in_place_of_a_file_is_neither_read_nor_written_through(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    target = tmp_path / "target.json"
    target.write_text('{"planted": true}')
    shared = SharedFile("account", "views", str(directory))
    os.symlink(target, shared.path)
    os.symlink(target, shared.path[: -len(".json")] + ".lock")
    assert shared.read() is None
    with pytest.raises(OSError), shared.locked():  # its lock file is a link too
        pass
    os.unlink(shared.path[: -len(".json")] + ".lock")
    with shared.locked():
        shared.write({"mine": 1})
    assert target.read_text() == '{"planted": true}'  # the link was replaced, not followed
    assert not os.path.islink(shared.path)
    assert shared.read(fresh=True) == {"mine": 1}
