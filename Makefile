# AM-Med developer entry points. `make demo` (embedded default) and `make test` (Postgres + Redis).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
REQS := $(sort $(wildcard requirements/*.txt))

# Tests run against the real services (override to point elsewhere).
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: install browser demo serve test lint bench clean

$(VENV)/.installed: $(REQS) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(foreach r,$(REQS),-r $(r))
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the browser tests (Playwright drives it; never `playwright install`).
# Idempotent: does nothing when /usr/bin/chromium exists; the tests skip (saying so) without it.
browser:
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium) \
		|| echo "chromium not installed: browser tests will be skipped"

demo: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
		CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var .pytest_cache
