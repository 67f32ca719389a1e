# CarePulse: `make run` installs everything and opens the dashboard on demo data; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= demo_data/carepulse.duckdb
PORT   ?= 8501

.PHONY: install run demo test browser bench bench-30m lint clean

$(BIN)/carepulse: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/carepulse

install: $(BIN)/carepulse

demo: install
	$(BIN)/carepulse demo --db $(DB)

run: demo
	$(BIN)/carepulse dashboard --db $(DB) --port $(PORT)

# Debian's chromium for the real-browser tests; never a downloaded browser build.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench.run

bench-30m: install
	$(BIN)/python -m bench.run --rows 2800000 --rows 30000000

clean:
	rm -rf $(VENV) demo_data bench/out
