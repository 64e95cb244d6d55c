#!/usr/bin/env bash
# Lay out a copy of the collection where ansible-test can work on it and print the copy's path.
#
# ansible-test needs the physical path .../ansible_collections/<namespace>/<name> (a symlink is not
# enough) and lists files through git, so the copy gets its own `git init`.  Only files git knows
# (tracked, or untracked but not ignored) are copied, so venvs, caches and test output stay out.
#
# usage: .ci/ansible-test-tree.sh DEST_ROOT   -> prints DEST_ROOT/ansible_collections/oceanops/digitalocean
set -euo pipefail

root=${1:?usage: $0 DEST_ROOT}
src=$(git rev-parse --show-toplevel)
dest="$root/ansible_collections/oceanops/digitalocean"

rm -rf "$dest"
mkdir -p "$dest"
cd "$src"
# Skip files deleted from the work tree but still in the index.
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do
        if [[ -e "$f" || -L "$f" ]]; then printf '%s\0' "$f"; fi
    done \
    | xargs -0 --no-run-if-empty cp --parents -P -t "$dest"
git -C "$dest" init -q
printf '%s\n' "$dest"
