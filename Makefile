# Two commands for a newcomer: `make run` (set up, build seeds/, open the app), `make test`.
PY := .venv/bin/python
DB := data/tracker.duckdb

.PHONY: setup system run serve test build snapshot bench clean

setup: system .venv/.installed

# System packages the app, the PDF and the browser tests need; installed only when missing.
system:
	@bash .ci/system-deps.sh

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(DB):
	$(PY) -m pipeline build --input seeds --db $(DB)

build: setup
	$(PY) -m pipeline build --input seeds --db $(DB)

# streamlit run dashboard/asgi.py (the app and its session-cookie endpoint), on PORT (default 8501), with
# TCP_NODELAY (see dashboard/serve.py)
run: setup $(DB)
	$(PY) -m dashboard.serve --processes 1 $(if $(PORT),--port $(PORT))

# For a crowd: N app processes (default one a core) behind nginx on PORT (default 8501), sticky sessions.
serve: setup $(DB)
	$(PY) -m dashboard.serve $(if $(N),--processes $(N)) $(if $(PORT),--port $(PORT))

test: setup
	.venv/bin/pytest -q

snapshot: setup $(DB)
	$(PY) -m pipeline snapshot --db $(DB)

bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/run.py

clean:
	rm -rf .venv data/*.duckdb data/snapshots
