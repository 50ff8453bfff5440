# netcrm developer commands; the scripts do the real work (and set up .venv themselves).
#   make run              web + Celery worker + beat (./scripts/run.sh)
#   make test ARGS="-k x" the full check: ruff, Django checks, pytest against throwaway
#                         PostgreSQL and Redis (./scripts/test.sh)
#   make lint / fmt       ruff check + format check / apply ruff format and fixes
#   make bench            every benchmark; make bench-NAME runs bench/NAME(.py)
#   make clean            remove build output and caches (keeps .venv, node_modules, var/)

VENV ?= .venv
RUFF := $(VENV)/bin/ruff
ARGS ?=

.PHONY: help run test lint fmt bench clean distclean venv-dev

help:
	@sed -n 's/^#   //p' Makefile

run:
	./scripts/run.sh

test:
	./scripts/test.sh $(ARGS)

venv-dev:
	@bash -c 'source scripts/lib.sh && ensure_venv requirements-dev.txt'

lint: venv-dev
	$(RUFF) check .
	$(RUFF) format --check .

fmt: venv-dev
	$(RUFF) format .
	$(RUFF) check --fix .

bench:
	./scripts/bench.sh

bench-%:
	./scripts/bench.sh $* $(ARGS)

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache .hypothesis test-results bench/out htmlcov .coverage
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +

# Also the installed environment (not var/, which holds your data).
distclean: clean
	rm -rf $(VENV) node_modules
