# The two set-up commands of the README, and a few developer conveniences.
#   make demo   install everything, run the main job on the embedded store, serve the API
#   make test   install everything, run the test suite
#   make neo4j  start a real Neo4j 5 in the background (prints bolt://127.0.0.1:PORT last)
#   make neo4j-stop
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ./semcrm-data
STAMP  := $(VENV)/.installed
NEO4J_PORT ?= 7687
NEO4J_DIR  ?= .neo4j

.PHONY: install demo test lint clean neo4j neo4j-stop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/semcrm demo --data $(DATA) --samples samples

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(DATA) .pytest_cache

# Neo4j's own test harness in one JVM (tools/neo4j): Bolt on 127.0.0.1, no auth, data in
# $(NEO4J_DIR)/data. NEO4J_PORT=0 picks a free port. See docs/neo4j.md.
neo4j:
	@NEO4J_PORT=$(NEO4J_PORT) NEO4J_DIR=$(abspath $(NEO4J_DIR)) tools/neo4j/neo4j.sh start

neo4j-stop:
	@NEO4J_DIR=$(abspath $(NEO4J_DIR)) tools/neo4j/neo4j.sh stop
