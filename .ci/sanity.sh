#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection, with the ansible-core of the given venv.
#
# usage: .ci/sanity.sh VENV [ansible-test sanity options...]
#
# - installs the offline pip bootstrap (.ci/get_pip_shim.py) where ansible-test looks for it:
#   ~/.ansible/test/cache/get_pip_<pip version>.py, the version read from this ansible-test;
# - puts a directory of real interpreters (pyenv's, or any python3.X on PATH that runs) first on
#   PATH, so compile/import run on every target Python the machine has (pyenv shims of inactive
#   versions would make ansible-test fail);
# - copies the tree to tests/output/ansible-test/<core>/ansible_collections/oceanops/digitalocean
#   and runs every sanity test there.
# Set REQUIRE_SHELLCHECK=1 to fail instead of warning when shellcheck is not installed.
set -euo pipefail

venv=${1:?usage: $0 VENV [ansible-test sanity options...]}
shift
repo=$(git rev-parse --show-toplevel)
cd "$repo"
venv=$(cd "$venv" && pwd)
py="$venv/bin/python"

core=$("$py" -c 'import ansible.release as r; print(r.__version__)')
pipv=$("$py" - <<'PYEOF'
import pathlib
import re

import ansible_test

src = (pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py").read_text()
print(re.search(r"pip='([\d.]+)'", src).group(1).replace(".", "_"))
PYEOF
)
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$repo/.ci/get_pip_shim.py" "$cache/get_pip_$pipv.py"

out="$repo/tests/output/ansible-test"
# One folder per ansible-core: CI runs the sanity gates of several cores at once.
pybin="$out/pybin-$core"
rm -rf "$pybin"
mkdir -p "$pybin"
found=()
pyenv_root=$(pyenv root 2>/dev/null || true)
# Without pyenv's shims on PATH, ansible-test only sees interpreters that really run.
clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/shims$' | paste -sd: -)
for version in 3.9 3.10 3.11 3.12 3.13 3.14; do
    name="python$version"
    candidates=()
    if [[ -n "$pyenv_root" ]]; then
        for c in "$pyenv_root"/versions/"$version".*/bin/"$name"; do
            if [[ -x "$c" ]]; then candidates+=("$c"); fi
        done
    fi
    if c=$(PATH=$clean_path command -v "$name" 2>/dev/null); then candidates+=("$c"); fi
    for c in ${candidates[@]+"${candidates[@]}"}; do
        if "$c" -c 'import sys' >/dev/null 2>&1; then
            ln -sfn "$c" "$pybin/$name"
            found+=("$version")
            break
        fi
    done
done
echo "sanity: ansible-core $core, target Pythons found: ${found[*]:-none}"

if ! command -v shellcheck >/dev/null 2>&1; then
    msg="shellcheck is not installed: the shellcheck sanity test will be SKIPPED (apt-get install shellcheck)"
    if [[ "${REQUIRE_SHELLCHECK:-0}" == 1 ]]; then
        echo "sanity: error: $msg" >&2
        exit 1
    fi
    echo "sanity: WARNING: $msg" >&2
fi

dest=$("$repo/.ci/ansible-test-tree.sh" "$out/$core")
cd "$dest"
PATH="$venv/bin:$pybin:$clean_path" "$venv/bin/ansible-test" sanity --color no "$@"
