# Bedrock GenAI Stack — every set-up step lives here, so a fresh clone needs only
# `make dev` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Prefer Python 3.13 (the Lambda runtime); fall back to python3 >= 3.11.
PYTHON ?= $(shell for p in python3.13 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | sort -V | tail -1) python3; do \
	  if [ -n "$$p" ] && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CDK := node_modules/.bin/cdk
PROFILE ?= dev
STACK ?=
REGION ?=
CONFIG ?=
BEDROCK ?= local
LOCAL_STATE_DIR ?= .local
UI_PORT ?= 8501
METRICS ?=
export LOCAL_STATE_DIR
CDK_CONTEXT := -c profile=$(PROFILE) $(if $(STACK),-c stack_name=$(STACK)) $(if $(REGION),-c region=$(REGION)) \
	$(if $(CONFIG),-c config=$(abspath $(CONFIG)))
DOCTOR_ARGS := --profile $(PROFILE) $(if $(STACK),--stack $(STACK)) $(if $(REGION),--region $(REGION)) \
	$(if $(CONFIG),--config $(abspath $(CONFIG)))

# uv installs the pinned packages without compiling them (pip compiled all of aws-cdk-lib's 358 modules: ~3 of its
# 3.4 minutes here); Python compiles each module on its first import and keeps the .pyc, which it does only when
# PYTHONDONTWRITEBYTECODE is unset (some machines set it, which would recompile aws-cdk-lib in every process).
unexport PYTHONDONTWRITEBYTECODE
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv browser test fuzz synth doctor deploy smoke destroy diff lint format clean bench cost dev dev-reset openapi ui

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements-uv.txt requirements.txt requirements-dev.txt constraints.txt lambdas/requirements.txt lambdas/requirements-rag.txt lambdas/requirements-image.txt lambdas/requirements-documents.txt ui/requirements.txt
	@test -n "$(PYTHON)" || { echo "error: Python >= 3.11 not found (python3.13 preferred)"; exit 1; }
	@echo "Using $$($(PYTHON) --version) at $$(command -v $(PYTHON) || echo $(PYTHON))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-uv.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt -c constraints.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .  # the `genai` command
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(STAMP) node_modules/.installed ## create .venv and install pinned Python deps and the CDK CLI

# dev and lint need only the Python environment: no CDK CLI (npm) for them.
dev: $(STAMP) ## run the whole product locally (no AWS account): API, Cognito, storage, offline Bedrock, UI; BEDROCK=aws for real Bedrock; CONFIG=override.json; METRICS=1 shows the metric lines
	BEDROCK=$(BEDROCK) LOCAL_UI_PORT=$(UI_PORT) $(if $(METRICS),LOCAL_METRICS=$(METRICS)) LOCAL_CONFIG=$(if $(CONFIG),$(abspath $(CONFIG))) $(BIN)/python -m local.stack

ui: venv ## only the Streamlit UI, on the stack named by GENAI_OUTPUTS (a deployed stack's outputs) or .local/outputs.json
	$(BIN)/python -m ui --port $(UI_PORT)

browser: venv ## a Chromium for the browser test: set CHROMIUM=path to use yours; else Debian's via apt-get (+ a Korean font), else Playwright's download
	@if [ -n "$$CHROMIUM" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  if [ -x /usr/bin/chromium ] && dpkg -s fonts-nanum >/dev/null 2>&1; then :; else \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium fonts-nanum; fi; \
	else $(BIN)/python -m playwright install chromium; fi

openapi: venv ## write docs/openapi.json, generated from the handlers' code
	$(BIN)/python -m local.openapi docs/openapi.json

dev-reset: ## forget the local stack's state (.local/: saved data, outputs); stop `make dev` first
	rm -rf $(LOCAL_STATE_DIR)

TEST_WORKERS ?= 2
test: venv browser lint ## lint, then run every test (unit, infra, CLI synth, UI in a browser) on TEST_WORKERS processes
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

FUZZ_EXAMPLES ?= 60
fuzz: venv ## fuzz every API operation over the local stack (FUZZ_EXAMPLES per operation and mode; FUZZ_SEED to replay)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/integration/test_fuzz.py -k fuzzed -s -q -p no:cacheprovider --timeout=0  # the long run is one test: no 600 s limit

synth: venv ## synthesize cdk.out/<stack>.template.json (bundles layers with pip), then cfn-lint it
	rm -rf cdk.out
	time $(CDK) synth --no-notices --quiet $(CDK_CONTEXT)
	$(BIN)/python -m infra.report cdk.out
	$(BIN)/cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json

doctor: venv ## read-only preflight checks with your AWS credentials (AWS_PROFILE): account, region, models, access, bootstrap, quotas
	$(BIN)/python -m infra.doctor $(DOCTOR_ARGS)

deploy: venv ## run the doctor (SKIP_DOCTOR=1 skips it), then deploy the stack (needs AWS credentials; `cdk bootstrap` once per account/region)
	$(if $(SKIP_DOCTOR),@echo "doctor skipped (SKIP_DOCTOR=1)",$(BIN)/python -m infra.doctor $(DOCTOR_ARGS))
	$(CDK) deploy --no-notices --require-approval broadening --outputs-file deployed-outputs.json $(CDK_CONTEXT)

SMOKE_OUTPUTS = $(or $(GENAI_OUTPUTS),deployed-outputs.json)
SMOKE_ARGS ?=
smoke: venv ## after a deploy: every route once, then cleanup (deployed-outputs.json; GENAI_OUTPUTS=.local/outputs.json for make dev)
	$(BIN)/python -m ui.cli --outputs $(SMOKE_OUTPUTS) smoke $(SMOKE_ARGS)

diff: venv ## show what a deploy would change
	$(CDK) diff --no-notices $(CDK_CONTEXT)

destroy: venv ## delete the stack (prod keeps its data: see docs/operations.md)
	$(CDK) destroy --no-notices $(CDK_CONTEXT)

bench: venv ## run every benchmark (each figure beside its baseline) and write docs/performance.md
	set -o pipefail; $(BIN)/python -m bench 10 200 400 30 2>&1 | grep -v '^{'  # drop the handlers' log and metric lines; fail if the bench fails

COST_OUT := cdk.cost.out
cost: venv ## idle and per-use cost of PROFILE/CONFIG's template (synthesized without bundling into cdk.cost.out)
	rm -rf $(COST_OUT)
	$(CDK) synth --no-notices --quiet --output $(COST_OUT) $(CDK_CONTEXT) -c skip_bundling=true
	$(BIN)/python -m infra.cost $(COST_OUT) $(CDK_CONTEXT)

lint: $(STAMP) ## ruff + mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## remove build output, caches and the virtualenv
	rm -rf cdk.out $(COST_OUT) $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
