# Every target creates or reuses .venv at the repository root with what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest working Python 3.10+ on PATH (pyenv shims of inactive versions fail the probe).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3.10 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
COLLECTION_LINK := .collections/ansible_collections/oceanops/digitalocean

# The checkout itself is the collection: ansible-playbook, ansible-doc and pytest find it here.
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export PATH := $(BIN):$(PATH)

.PHONY: help venv test demo bench
help:
	@echo "make demo    run playbooks/snapshot.yml over a simulated fleet (no DigitalOcean account needed)"
	@echo "make test    the whole test suite: unit + integration against the simulator"
	@echo "make bench   benchmarks against the simulator"

$(VENV)/.installed: requirements.txt tests/requirements.txt
	@test -n "$(PYTHON)" || { echo "error: no Python 3.10+ found on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	@touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@) && ln -sfn ../../.. $@

venv: $(VENV)/.installed $(COLLECTION_LINK)

test: venv
	$(BIN)/python -m pytest

demo: venv
	$(BIN)/python -m tests.demo

bench: venv
	$(BIN)/python -m benchmarks
