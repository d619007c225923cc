# Two commands do everything on a fresh machine:
#   make run    set up, migrate, seed the demo registry, serve http://127.0.0.1:5000
#   make test   set up, install Chromium, nginx, Java and the Nu HTML Checker if missing, run every test
#   make dist   build the source distribution and the wheel into dist/ (README "Production")
#   make bench  first paint, throughput and scale against their targets (README "Performance")
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := FLASK_APP=wsgi.py $(BIN)/flask

export ABSHER_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/absher.sqlite3
export ABSHER_SMS_FILE ?= $(CURDIR)/instance/sms.jsonl

.PHONY: run test setup lint dist bench translations-extract translations-update translations-compile translations-check chromium nginx java vnu wrk clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed translations-compile
	mkdir -p instance

run: setup
	$(FLASK) absher migrate
	$(FLASK) absher seed-demo
	@echo "Serving Absher Web on http://127.0.0.1:$(PORT)  (SMS messages are written to $(ABSHER_SMS_FILE))"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

chromium:
	@bash scripts/ensure-chromium.sh

# tests/test_deploy.py checks deploy/nginx/absher.conf with the real nginx.
nginx:
	@bash scripts/ensure-nginx.sh

lint: setup
	$(BIN)/ruff check .

# tests/test_valid_html.py runs the Nu HTML Checker (vnu-jar from npm, a pinned version,
# kept in ~/.cache/absher-web, never in the checkout) with Java.
java:
	@bash scripts/ensure-java.sh

vnu: java
	@bash scripts/ensure-vnu.sh >/dev/null

# The suite runs on SQLite; when ABSHER_TEST_DATABASE_URL names a PostgreSQL
# server it runs again there. pytest exits non-zero on failures and when it
# collects no tests. Each run spreads its tests over TEST_WORKERS processes (pytest-xdist;
# one per core by default), each with its own database, app caches and browser.
# The browser tests (tests/browser) run once, in the SQLite run: they check what a browser
# sees and does (layout, scripts, focus, axe), and every journey they drive also runs through
# the test client on both databases. Running them twice doubled CI's time for no new finding.
# So do the checks over every state of the states gallery (tests/gallery.py: budgets, valid
# HTML, plates and commas), which reads no database: they skip themselves on PostgreSQL.
# The tests marked `timing` compare how long two things take (a wrong password and an unknown
# name, a hanging SMS provider and the budget): they run alone after the parallel run, where
# no other worker's load can tip a comparison.
# Each run ends with its 20 slowest tests: CI aims to finish within 25 minutes.
TEST_WORKERS ?= auto
test: setup chromium nginx vnu lint translations-check
	env -u ABSHER_TEST_DATABASE_URL $(BIN)/pytest -n $(TEST_WORKERS) --durations=20 -m "not timing"
	env -u ABSHER_TEST_DATABASE_URL $(BIN)/pytest -m timing
	@if [ -n "$$ABSHER_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL (all but the browser tests) =="; \
		$(BIN)/pytest -n $(TEST_WORKERS) --durations=20 -m "not timing" --ignore=tests/browser && \
		$(BIN)/pytest -m timing --ignore=tests/browser; \
	fi

wrk:
	@bash scripts/ensure-wrk.sh

# Benchmarks, never part of `make test`: each prints its figures and ratios from one
# interleaved run and fails when a target is missed. They need PostgreSQL and Redis on
# 127.0.0.1 (ABSHER_BENCH_DATABASE_URL, ABSHER_BENCH_REDIS_URL), Chromium, wrk and nginx
# (bench/capacity.py serves through deploy/nginx/absher.conf); a few minutes each. All run
# even if one misses.
# Each script prints its own table and adds its verdicts to $(BENCH_SUMMARY); the last step
# prints them all as one table (bench/summary.py), a script that failed early as MISSING.
BENCHES := first_paint throughput page_weight scale import_memory capacity memory sms_outage
BENCH_SUMMARY := $(CURDIR)/instance/bench-summary.jsonl
bench: setup chromium wrk nginx
	@mkdir -p instance; rm -f $(BENCH_SUMMARY); status=0; for script in $(BENCHES); do \
		echo "== bench/$$script.py =="; \
		ABSHER_BENCH_SUMMARY=$(BENCH_SUMMARY) $(BIN)/python bench/$$script.py || status=1; \
	done; \
	$(BIN)/python bench/summary.py $(BENCH_SUMMARY) --expect $(BENCHES) || status=1; \
	exit $$status

# The wheel carries templates, static files, compiled catalogs and migrations (setup.py).
dist: $(BIN)/.installed
	rm -rf dist build
	$(BIN)/python -c "from setuptools import build_meta as b; b.build_sdist('dist')"
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation --no-index --wheel-dir dist .
	rm -rf build
	@ls -l dist

translations-extract: $(BIN)/.installed
	$(FLASK) absher translate extract

translations-update: $(BIN)/.installed
	$(FLASK) absher translate update

# Writes no .mo at all while any catalog has a placeholder, plural or format mistake.
translations-compile: $(BIN)/.installed
	$(BIN)/python -m absher_web.catalogs compile

# Every catalog check (TRANSLATING.md, "Checking your work"); part of `make test`.
translations-check: $(BIN)/.installed
	$(BIN)/python -m absher_web.catalogs check

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache build dist
