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

# Quiet pip; this machine's pip.conf lists index locations that do not all exist.
PIP_INSTALL = python -m pip install -q --disable-pip-version-check
PIP_FILTER = 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)

# Line-coverage floor for plugins/, over unit and integration tests together (.coveragerc).
COV_FLOOR ?= 90
COVERAGE_OUT := $(CURDIR)/.coverage
# Module code runs in AnsiballZ payloads started by ansible-playbook; ansible-core's own hook
# measures it (2.19+: _ANSIBLE_ANSIBALLZ_COVERAGE_CONFIG; 2.16-2.18: _ANSIBLE_COVERAGE_*).
COVERAGE_ENV = COVERAGE_FILE=$(COVERAGE_OUT) \
	_ANSIBLE_ANSIBALLZ_COVERAGE_CONFIG='{"config": "$(CURDIR)/.coveragerc", "output": "$(COVERAGE_OUT).ansiballz"}' \
	_ANSIBLE_COVERAGE_CONFIG=$(CURDIR)/.coveragerc _ANSIBLE_COVERAGE_OUTPUT=$(COVERAGE_OUT).ansiballz

# Version matrix: the oldest supported ansible-core and the newest (which needs Python 3.12+).
PYTHON_2.16 ?= $(shell .ci/find-python.sh 3.10 3.12)
PYTHON_2.21 ?= $(shell .ci/find-python.sh 3.12 3.14)
# Tool venv for ansible-lint, antsibull-docs and antsibull-changelog (kept apart from .venv so
# they cannot move the ansible-core that the tests pin).
TOOLS := $(CURDIR)/.venv-tools/bin

.PHONY: help venv test demo simulator sim-cert bench bench-fleet bench-maintain sanity matrix \
	matrix-2.16 matrix-2.21 lint docs build changelog gate-proof ci tools clean-output

help:
	@echo "make demo        run playbooks/snapshot.yml over a simulated fleet (no DigitalOcean account needed)"
	@echo "make test        the whole test suite: unit + integration against the simulator, with coverage"
	@echo "make simulator   the DigitalOcean API simulator in the foreground (SEED=file.json, TLS=1, SIM_PORT)"
	@echo "make sim-cert    a self-signed certificate for make simulator TLS=1, in .simulator/"
	@echo "make bench       benchmarks against the simulator (about an hour and a half)"
	@echo "make bench-fleet the fleet benchmark: 40 and 200 Droplets at real durations and rate limits"
	@echo "make bench-maintain  maintain.yml with one rollback: 6 and 40 Droplets, real durations and limits"
	@echo "make sanity      ansible-test sanity (every test, every target Python found) on .venv's ansible-core"
	@echo "make matrix      sanity + unit + integration smoke tests on ansible-core 2.16 and 2.21"
	@echo "make lint        ansible-lint --profile production, ruff check, ruff format --check, shellcheck"
	@echo "make docs        antsibull-docs lint-collection-docs, ansible-doc on every plugin"
	@echo "make build       galaxy build into dist/, junk check, install the tarball and run a playbook"
	@echo "make changelog   regenerate CHANGELOG.md from changelogs/ (antsibull-changelog)"
	@echo "make gate-proof  prove that sanity fails on a deliberately broken module (slow)"
	@echo "make ci          everything CI runs (.ci/run)"

$(VENV)/.installed: requirements.txt tests/requirements.txt tests/requirements-pydo.txt
	@test -n "$(PYTHON)" || { echo "error: no Python 3.10+ found on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -r tests/requirements-pydo.txt
	@touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@) && ln -sfn ../../.. $@

venv: $(VENV)/.installed $(COLLECTION_LINK)

# The whole pytest suite, on TEST_WORKERS pytest-xdist workers (each with its own simulator), one
# test at a time to whichever worker is free, the tests marked slow first. Four workers keep two
# cores busy while tests wait for simulated Actions.
# pytest-cov combines the data of the workers, of their Python subprocesses and of the AnsiballZ
# payloads, and prints the report before pytest's summary line.
TEST_WORKERS ?= 4
test: venv
	@rm -f $(COVERAGE_OUT) $(COVERAGE_OUT).*
	$(COVERAGE_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load --maxschedchunk 1 --cov=plugins \
		--cov-config=.coveragerc --cov-report=term-missing --cov-fail-under=$(COV_FLOOR) $(PYTEST_ARGS)

demo: venv
	$(BIN)/python -m tests.demo

# The simulator in the foreground until Ctrl-C, on 127.0.0.1:SIM_PORT; it prints its API URL (for
# DIGITALOCEAN_API_URL) and its admin URL. SEED=file.json starts it from a seed (see
# tests/simulator/admin.py), TLS=1 serves HTTPS with .simulator/'s certificate (made if missing),
# SIM_ARGS passes more options (--time-scale 0.1, --token T; python -m tests.simulator --help).
SIM_DIR := .simulator
SIM_PORT ?= 8765
simulator: venv $(if $(TLS),$(SIM_DIR)/cert.pem)
	$(BIN)/python -m tests.simulator --port $(SIM_PORT) $(if $(SEED),--seed $(SEED)) \
		$(if $(TLS),--tls $(SIM_DIR)/cert.pem $(SIM_DIR)/key.pem) $(SIM_ARGS)

# A new self-signed certificate for 127.0.0.1, ::1 and localhost: .simulator/cert.pem and key.pem.
sim-cert: venv
	$(BIN)/python -m tests.simulator.certificate $(SIM_DIR)

$(SIM_DIR)/cert.pem:
	@$(MAKE) --no-print-directory sim-cert

$(VENV)/.bench-installed: benchmarks/requirements.txt $(VENV)/.installed
	$(BIN)/python -m pip install -q --disable-pip-version-check -r benchmarks/requirements.txt
	@touch $@

# Every benchmark (about an hour and a half: the fleet and maintenance benchmarks run at real Action
# durations and rate limits).
bench: venv $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks

# The fleet benchmark alone; FLEET_ARGS="--sizes 40 --configs shared" for a part of it.
bench-fleet: venv $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks.bench_fleet $(FLEET_ARGS)

# The maintenance benchmark alone (about 20 minutes); MAINTAIN_ARGS="--sizes 6" for a part of it.
bench-maintain: venv $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks.bench_maintain $(MAINTAIN_ARGS)

# ---------------------------------------------------------------------------------------------
# Quality gates

sanity: venv
	@command -v shellcheck >/dev/null || echo "WARNING: shellcheck is not installed, so ansible-test SKIPS its shellcheck test (apt-get install shellcheck)" >&2
	.ci/sanity.sh $(VENV)

.venv-2.16/.installed: requirements.txt tests/requirements.txt tests/requirements-2.16.txt
	@test -n "$(PYTHON_2.16)" || { echo "error: ansible-core 2.16 needs Python 3.10-3.12; none found" >&2; exit 1; }
	rm -rf .venv-2.16 && $(PYTHON_2.16) -m venv .venv-2.16
	.venv-2.16/bin/$(PIP_INSTALL) -r tests/requirements-2.16.txt $(PIP_FILTER)
	@touch $@

.venv-2.21/.installed: requirements.txt tests/requirements.txt tests/requirements-2.21.txt
	@test -n "$(PYTHON_2.21)" || { echo "error: ansible-core 2.21 needs Python 3.12+; none found" >&2; exit 1; }
	rm -rf .venv-2.21 && $(PYTHON_2.21) -m venv .venv-2.21
	.venv-2.21/bin/$(PIP_INSTALL) -r tests/requirements-2.21.txt $(PIP_FILTER)
	@touch $@

.venv-tools/.installed: tests/requirements-tools.txt
	rm -rf .venv-tools && $(PYTHON) -m venv .venv-tools
	.venv-tools/bin/$(PIP_INSTALL) -r tests/requirements-tools.txt $(PIP_FILTER)
	@touch $@

tools: .venv-tools/.installed

# Sanity, unit tests and the integration smoke tests (marker `smoke`) on another ansible-core; all
# three run, and the target fails if any did. pytest exits 5 when it collects nothing: having no
# smoke test yet is reported, not failed.
define MATRIX_RECIPE
	@py=.venv-$(1)/bin/python; rc=0; \
	echo "== ansible-core $$($$py -c 'import ansible.release as r; print(r.__version__)') on $$($$py -V)"; \
	echo "== sanity"; .ci/sanity.sh .venv-$(1) || { rc=1; echo "== sanity FAILED on $(1)"; }; \
	echo "== unit tests"; $$py -m pytest -q -p no:cov tests/unit || { rc=1; echo "== unit tests FAILED on $(1)"; }; \
	echo "== integration smoke tests"; $$py -m pytest -q -p no:cov -m smoke tests/integration; s=$$?; \
	if [ $$s = 5 ]; then echo "no test marked smoke yet"; elif [ $$s != 0 ]; then rc=1; echo "== smoke tests FAILED on $(1)"; fi; \
	exit $$rc
endef

matrix-2.16: venv .venv-2.16/.installed
	$(call MATRIX_RECIPE,2.16)

matrix-2.21: venv
	@if [ -z "$(PYTHON_2.21)" ]; then \
		echo "SKIPPED: ansible-core 2.21 needs Python 3.12+, and no working python3.12/3.13/3.14 was found (pyenv install 3.12)"; \
	else $(MAKE) --no-print-directory matrix-2.21-run; fi

.PHONY: matrix-2.21-run
matrix-2.21-run: .venv-2.21/.installed
	$(call MATRIX_RECIPE,2.21)

matrix: matrix-2.16 matrix-2.21

lint: venv tools
	$(TOOLS)/ansible-lint --profile production
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if command -v shellcheck >/dev/null; then \
		echo "shellcheck .ci/run .ci/*.sh" && shellcheck .ci/run .ci/*.sh; \
	else echo "WARNING: shellcheck is not installed; .ci/run and .ci/*.sh were NOT checked (apt-get install shellcheck)" >&2; fi

# Every module and inventory plugin, so new plugins are covered without editing this file.
docs: venv tools
	@rc=0; \
	echo "antsibull-docs lint-collection-docs --plugin-docs ."; \
	$(TOOLS)/antsibull-docs lint-collection-docs --plugin-docs . || rc=1; \
	for f in plugins/modules/*.py plugins/inventory/*.py; do \
		[ -e "$$f" ] || continue; \
		name=$$(basename "$$f" .py); [ "$$name" = __init__ ] && continue; \
		type=module; case "$$f" in plugins/inventory/*) type=inventory;; esac; \
		if err=$$($(BIN)/ansible-doc -t $$type oceanops.digitalocean.$$name 2>&1 >/dev/null) \
			&& ! grep -qE 'ERROR|WARNING' <<<"$$err"; then \
			echo "ansible-doc -t $$type oceanops.digitalocean.$$name: ok"; \
		else echo "ansible-doc -t $$type oceanops.digitalocean.$$name: FAILED"; echo "$$err"; rc=1; fi; \
	done; \
	exit $$rc

# Builds dist/oceanops-digitalocean-<version>.tar.gz, checks it for junk, installs it into an empty
# collections path and runs the demo playbook (or action_info until it exists) against the simulator.
build: venv
	OCEANOPS_GATE_TESTS=1 $(BIN)/python -m pytest -q -p no:cov tests/quality/test_build.py

# Fragments are kept (changelogs/config.yaml), so the release entry of the galaxy.yml version is
# refreshed from them and from the plugins' version_added; its release date stays as recorded.
VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)
RELEASE_DATE = $(shell sed -n "s/^    release_date: '\(.*\)'/\1/p" changelogs/changelog.yaml 2>/dev/null | tail -n 1)
changelog: venv tools
	$(TOOLS)/antsibull-changelog lint
	$(TOOLS)/antsibull-changelog release --version $(VERSION) $(if $(RELEASE_DATE),--date $(RELEASE_DATE)) \
		--update-existing --reload-plugins --refresh --ansible-doc-bin $(BIN)/ansible-doc
	@rm -f changelogs/.plugin-cache.yaml

gate-proof: venv
	OCEANOPS_GATE_TESTS=1 $(BIN)/python -m pytest -q -p no:cov tests/quality/test_sanity_gate.py

ci:
	.ci/run

clean-output:
	rm -rf tests/output dist .coverage .coverage.*
