#!/usr/bin/env bash
# Print the path of the first Python interpreter whose version is in [MIN, MAX] and that runs.
#
# usage: .ci/find-python.sh MIN MAX      e.g. .ci/find-python.sh 3.12 3.14
# Looks at python3.X on PATH (pyenv shims of inactive versions fail the probe and are skipped),
# then at pyenv's installed versions. Prints nothing and exits 1 when none is found.
set -euo pipefail

min=${1:?usage: $0 MIN MAX}
max=${2:?usage: $0 MIN MAX}
pyenv_root=$(pyenv root 2>/dev/null || true)

for ((minor = ${min#3.}; minor <= ${max#3.}; minor++)); do
    candidates=()
    if c=$(command -v "python3.$minor" 2>/dev/null); then candidates+=("$c"); fi
    if [[ -n "$pyenv_root" ]]; then
        for c in "$pyenv_root"/versions/3."$minor".*/bin/python3."$minor"; do
            if [[ -x "$c" ]]; then candidates+=("$c"); fi
        done
    fi
    for c in ${candidates[@]+"${candidates[@]}"}; do
        if "$c" -c "import sys, venv; sys.exit(sys.version_info[:2] != (3, $minor))" >/dev/null 2>&1; then
            printf '%s\n' "$c"
            exit 0
        fi
    done
done
exit 1
