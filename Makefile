# narrascope: every target works from a clean clone; `.venv/` is made on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# The CPU build of PyTorch; a newer or unpinned torch would pull gigabytes of CUDA.
TORCH  := torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast lint bench clean-venv

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq "$(TORCH)"
	$(BIN)/python -m pip install -qq -e ".[ml,web,ray,test]"
	touch $(STAMP)

# The main job on the bundled examples (and on ../shared/seeds when it is there),
# into a throwaway database so a demo never mixes with your own store.
demo: install
	@rm -f $(VENV)/demo.db
	$(BIN)/narrascope analyze src/narrascope/data/examples $(wildcard ../shared/seeds) \
	    --db $(VENV)/demo.db --format text

test: install lint
	$(BIN)/python -m pytest

# pyflakes-level checks (undefined names, unused imports); part of `make test`
lint: install
	$(BIN)/ruff check src tests benchmarks

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

bench: install
	$(BIN)/python benchmarks/ingest_clean.py

clean-venv:
	rm -rf $(VENV)
