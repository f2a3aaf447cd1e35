# Two commands do all set-up: `make baseline` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: baseline test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The main job: the CAU baseline scenario, with its report (tables printed; CSV, JSON
## and plots in out/baseline), and the time it took. 200 replications took 258 s on 2
## cores shared with other work (load average 7-8; 107 s of CPU in all, so about a minute
## on 2 idle cores); from a clean checkout, the venv's creation included, 6 min 6 s
## (2026-11-30). Replications already in out/baseline's store are reused.
baseline: $(STAMP)
	$(BIN)/cau validate rules/cspq-cau.yaml
	@start=$$(date +%s); \
	$(BIN)/cau simulate scenarios/cspq-baseline.yaml --replications 200 --seed 20261129 --out out/baseline && \
	echo "make baseline: 200 replications simulated, measured and reported in $$(( $$(date +%s) - start )) s"

lint: $(STAMP)
	$(BIN)/ruff check rules sim cau tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache out
