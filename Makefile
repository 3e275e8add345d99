# Meister Portal — the few commands a person needs.
.PHONY: run test test-fast bench bench-run setup setup-test lint format messages migrations

run: setup            ## serve the portal with demo data at http://127.0.0.1:8000
	scripts/run

test: setup-test      ## the whole test suite on PostgreSQL + Redis (started here if not configured)
	DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv -v0
	scripts/with-services scripts/test-all $(PYTEST_ARGS)

test-fast: setup-test ## the quick loop: no browser, worker or fault tests, in two processes
	DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv -v0
	scripts/with-services .venv/bin/pytest -m "not browser and not worker and not faults and not replica and not bench" -n 2 $(PYTEST_ARGS)

setup:
	scripts/install-system-packages run
	scripts/setup-python

setup-test:
	scripts/install-system-packages test
	scripts/setup-python
	scripts/setup-node

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages:             ## refresh locale/en after changing translatable strings
	DEBUG=true .venv/bin/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=var --ignore=tests

migrations:
	DEBUG=true .venv/bin/python manage.py makemigrations

bench:                ## every benchmark at national scale, into docs/benchmarks.md and .json (throwaway PostgreSQL)
	BENCH_STARTED=$$(date +%s) $(MAKE) setup-test bench-run

bench-run:
	DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv -v0
	DJANGO_SETTINGS_MODULE=meister.test_settings scripts/with-services sh -c \
	  '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py bench'
