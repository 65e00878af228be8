# AM-Med developer entry points. `make demo` (embedded default) and `make test` (Postgres + Redis).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
REQS := $(sort $(wildcard requirements/*.txt))
DEMO_ADDR ?= 127.0.0.1:8000

# Tests run against the real services (override to point elsewhere).
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/ammed_bench

# The suites whose behaviour depends on dates (demo story, windows, washouts, ages): CI runs
# them a second time with the clock moved ahead (`make test-ahead`, tests/conftest.py).
DATE_SUITES ?= tests/orders tests/followup tests/agent tests/diet tests/medkb tests/fhir/test_fhir_demo.py
CLOCK_AHEAD_DAYS ?= 400

# The suites the embedded default (`make demo`: SQLite, tasks in-process, no Redis) serves,
# run on a throwaway SQLite file by `make test-sqlite`. Tests that need PostgreSQL or Redis
# are marked (`postgres`, `redis`) and skip there, saying why. Left out: training/inference
# (no database), the schemathesis fuzz and the browser test (they run under `make test`).
SQLITE_SUITES ?= tests/fhir tests/orders tests/followup tests/agent tests/diet tests/medkb \
	tests/monitor tests/test_api_errors.py tests/test_settings.py \
	--ignore=tests/monitor/test_monitor_browser.py
SQLITE_TEST_DIR ?= $(or $(TMPDIR),/tmp)/ammed-test-sqlite

.PHONY: install browser demo serve test test-ahead test-sqlite lint format bench-ingest clean

$(VENV)/.installed: $(REQS) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(foreach r,$(REQS),-r $(r))
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the browser tests (Playwright drives it; never `playwright install`).
# Idempotent: does nothing when /usr/bin/chromium exists; the tests skip (saying so) without it.
# A CJK font (fonts-wqy-zenhei) so pages and docs/screenshots render Chinese, not boxes.
browser:
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium) \
		|| echo "chromium not installed: browser tests will be skipped"
	@test -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
		|| (apt-get update -q && apt-get install -y -q fonts-wqy-zenhei) \
		|| echo "fonts-wqy-zenhei not installed: screenshots will show boxes for Chinese"

# The embedded default: SQLite in $(AMMED_DATA_DIR) (var/), tasks in-process, template LLM.
demo: install
	$(PY) manage.py migrate --noinput -v 0
	DEMO_ADDR=$(DEMO_ADDR) $(PY) manage.py demo
	$(PY) manage.py runserver --insecure --noreload $(DEMO_ADDR)

serve: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py runserver --insecure $(DEMO_ADDR)

test: install browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
		CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest $(PYTEST_ARGS)

# The date-sensitive suites with the clock CLOCK_AHEAD_DAYS ahead (time-machine, ticking).
test-ahead: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
		CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest --clock-ahead-days=$(CLOCK_AHEAD_DAYS) \
		$(PYTEST_ARGS) $(DATE_SUITES)

# The embedded default's suites on SQLite (a fresh file under SQLITE_TEST_DIR; the test
# database itself is in memory), tasks in-process, no broker or Redis cache.
test-sqlite: install
	rm -rf $(SQLITE_TEST_DIR) && mkdir -p $(SQLITE_TEST_DIR)
	env -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND AMMED_TEST_EMBEDDED=1 \
		DATABASE_URL=sqlite:///$(SQLITE_TEST_DIR)/test.sqlite3 CELERY_TASK_ALWAYS_EAGER=true \
		$(PY) -m pytest $(PYTEST_ARGS) $(SQLITE_SUITES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || echo "warning: files need 'make format' (not fatal)"
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Push every Synthea bundle through gunicorn → /fhir (see docs/benchmarks.md).
bench-ingest: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/ingest.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache
