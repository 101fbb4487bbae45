# exchange-watch: two commands on a fresh machine.
#   make demo   run the service on its sample data (broker, worker, sample events, totals)
#   make test   the whole test suite against a real Kafka broker
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
BROKER := $(BIN)/python deploy/kafka/broker.py
KAFKA_PORT ?= 9092
KAFKA_CONTROLLER_PORT ?= 9093
PYTEST_ARGS ?=

.PHONY: install demo test unit lint bench schemas broker-start broker-stop clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Python packages (the project and its dev extras), kcat for the interoperability test,
# Prometheus (with promtool) and Alertmanager for the monitoring tests, and the Kafka jars
# from Maven Central. Each step is skipped when already done.
DEBIAN_PACKAGES := kcat prometheus prometheus-alertmanager
DEBIAN_COMMANDS := kcat prometheus promtool prometheus-alertmanager
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
	@missing=$$(for c in $(DEBIAN_COMMANDS); do command -v $$c >/dev/null || echo $$c; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null; \
	  else echo "missing: $$missing; run: sudo apt-get install --no-install-recommends $(DEBIAN_PACKAGES)" >&2; exit 1; fi; fi
	$(BROKER) fetch

# Starts the local broker unless EXWATCH_BROKER names a reachable one; stops only what it started.
demo: install
	$(BIN)/python deploy/demo.py --port $(KAFKA_PORT) --controller-port $(KAFKA_CONTROLLER_PORT)

test: install lint
	@set -o pipefail; out=$$($(BROKER) ensure --port $(KAFKA_PORT) --controller-port $(KAFKA_CONTROLLER_PORT) | tail -n 1) || exit 1; \
	echo "$$out"; state=$${out%% *}; bootstrap=$${out#* }; \
	EXWATCH_BROKER="kafka://$$bootstrap" $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ "$$state" = started ]; then $(BROKER) stop --port $(KAFKA_PORT); fi; \
	exit $$rc

# Unit tests only (no broker).
unit: $(VENV)/.installed
	$(BIN)/pytest -m "not kafka" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_reader.py
	$(BIN)/python bench/bench_reader_slavic.py
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_worker_cpu.py
	$(BIN)/python bench/bench_restart.py
	$(BIN)/python bench/bench_stack.py

schemas: $(VENV)/.installed
	$(BIN)/exchange-watch schema export schemas/jsonschema

broker-start: install
	$(BROKER) start --port $(KAFKA_PORT) --controller-port $(KAFKA_CONTROLLER_PORT)

broker-stop:
	$(BROKER) stop --port $(KAFKA_PORT)

clean:
	rm -rf .cache .pytest_cache .mypy_cache .ruff_cache
