# Two commands set up everything on a fresh machine:
#   make book   create .venv (if missing or requirements changed), install, build the site
#   make test   same set-up, then the whole test suite
# Also: make release (chapters/ from solutions/), make lab (JupyterLab + nbgrader), make bench,
#   make grades (grade report), make hub (the course's JupyterHub on 127.0.0.1, test mode).

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# COURSE_VENV=/path/to/env: an environment that already has the course installed (the course's
# JupyterHub sets it in every server, docs/instructor/hub.md). The targets then run from it and
# install nothing; without it they create and install .venv here.
ifneq ($(COURSE_VENV),)
BIN    := $(COURSE_VENV)/bin
STAMP  := course-venv-check
endif
# configurable-http-proxy (Node.js), the proxy of the course's JupyterHub (make hub, tests/test_hub.py).
CHP    := deploy/node_modules/.bin/configurable-http-proxy
# axe-core (Node.js), the accessibility check of tests/test_site_browser.py.
AXE    := tests/browser-tools/node_modules/axe-core/axe.min.js

# nbgrader calls `alembic`, and notebooks start `python` kernels: both must be the venv's.
export PATH := $(BIN):$(PATH)
# Notebooks must draw with Jupyter's inline backend, so no MPLBACKEND may leak in.
unexport MPLBACKEND

.PHONY: all venv book test release lab bench grades clean sandbox-check hub

all: book

ifeq ($(COURSE_VENV),)
# Rebuilt from scratch whenever requirements.txt changes, so no stale package survives.
$(STAMP): requirements.txt pyproject.toml
	@if [ -d $(VENV) ] && [ -f $(STAMP) ] && [ requirements.txt -nt $(STAMP) ]; then \
		echo "requirements.txt changed: recreating $(VENV)"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c "" 2>/dev/null; then rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)
else
# COURSE_VENV is only checked, never installed into: it is shared, and may be read-only.
.PHONY: $(STAMP)
$(STAMP):
	@$(BIN)/python -c "import course_utils, course_grading, nbgrader" 2>/dev/null || { \
		echo "COURSE_VENV=$(COURSE_VENV) has no course installed: unset COURSE_VENV to create .venv here"; exit 1; }
endif

# Without npm the set-up goes on; make hub then says what is missing and tests/test_hub.py skips.
$(CHP): deploy/package.json deploy/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix deploy --no-audit --no-fund && touch $(CHP); \
	else echo "npm is missing: configurable-http-proxy not installed (make hub and tests/test_hub.py need Node.js)"; fi

# The same for axe-core; without it tests/test_site_browser.py says what to install.
$(AXE): tests/browser-tools/package.json tests/browser-tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser-tools --no-audit --no-fund && touch $(AXE); \
	else echo "npm is missing: axe-core not installed (tests/test_site_browser.py needs Node.js)"; fi

venv: $(STAMP) $(CHP) $(AXE)

# Any warning fails the build (-W), a broken internal link or cross-reference among them (-n:
# nitpicky); --keep-going lists them all first. tests/conftest.py builds with the same flags.
# COURSE_STRICT_CLAIMS=1: a false claim() in a chapter fails the build (course_utils.claims,
# CONTRIBUTING.md, section 6); the log shows the claim and its evidence. The test suite sets it too.
BOOK_FLAGS := -W -n --keep-going

book: $(STAMP)
	COURSE_STRICT_CLAIMS=1 $(BIN)/jupyter-book build $(BOOK_FLAGS) .
	@echo ""
	@echo "The site is built. Open: file://$(CURDIR)/_build/html/index.html"

# Two pytest-xdist workers: the book build runs beside the autograde round trips and the
# solution notebooks (tests/conftest.py decides what runs together); TEST_JOBS=0 runs
# everything in one process. The 30 slowest tests are listed at the end.
TEST_JOBS ?= 2
test: $(STAMP) sandbox-check $(CHP) $(AXE)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup --durations=30

# The grading sandbox (course_grading.sandbox) needs bubblewrap, a system package.
sandbox-check:
	@command -v bwrap >/dev/null 2>&1 || { echo "bubblewrap is missing: the grading sandbox and its tests need it."; \
		echo "Install it with: sudo apt-get install bubblewrap   (Debian/Ubuntu; .ci/run does this in CI)"; exit 1; }

release: $(STAMP)
	$(BIN)/python scripts/release.py

# The course's JupyterHub in test mode on http://127.0.0.1:$(HUB_PORT)/ (docs/instructor/hub.md):
# log in as `instructor` (formgrader) or `student`. HUB_ARGS go to deploy/run_hub.py.
HUB_PORT ?= 8000
HUB_ARGS ?=
hub: $(STAMP) $(CHP)
	$(BIN)/python deploy/run_hub.py --port $(HUB_PORT) $(HUB_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)

# The grade report from gradebook.db: grades/grades.csv, grades/report.html, grades/report.md.
grades: $(STAMP)
	$(BIN)/python -m course_grading.report --course-dir . --out grades

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf _build
