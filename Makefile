# Two commands set up everything on a fresh machine:
#   make book   create .venv (if missing or requirements changed), install, build the site
#   make test   same set-up, then the whole test suite
# Also: make release (chapters/ from solutions/), make lab (JupyterLab + nbgrader), make bench,
#   make grades (grade report), make hub (the course's JupyterHub on this machine).

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed

# nbgrader calls `alembic`, and notebooks start `python` kernels: both must be the venv's.
export PATH := $(BIN):$(PATH)
# Notebooks must draw with Jupyter's inline backend, so no MPLBACKEND may leak in.
unexport MPLBACKEND

.PHONY: all venv book test release lab bench grades clean sandbox-check

all: book

# Rebuilt from scratch whenever requirements.txt changes, so no stale package survives.
$(STAMP): requirements.txt pyproject.toml
	@if [ -d $(VENV) ] && [ -f $(STAMP) ] && [ requirements.txt -nt $(STAMP) ]; then \
		echo "requirements.txt changed: recreating $(VENV)"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c "" 2>/dev/null; then rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build .
	@echo ""
	@echo "The site is built. Open: file://$(CURDIR)/_build/html/index.html"

# Two pytest-xdist workers: the book build runs beside the autograde round trips and the
# solution notebooks (tests/conftest.py decides what runs together); TEST_JOBS=0 runs
# everything in one process. The 30 slowest tests are listed at the end.
TEST_JOBS ?= 2
test: $(STAMP) sandbox-check
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup --durations=30

# The grading sandbox (course_grading.sandbox) needs bubblewrap, a system package.
sandbox-check:
	@command -v bwrap >/dev/null 2>&1 || { echo "bubblewrap is missing: the grading sandbox and its tests need it."; \
		echo "Install it with: sudo apt-get install bubblewrap   (Debian/Ubuntu; .ci/run does this in CI)"; exit 1; }

release: $(STAMP)
	$(BIN)/python scripts/release.py

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)

# The grade report from gradebook.db: grades/grades.csv, grades/report.html, grades/report.md.
grades: $(STAMP)
	$(BIN)/python -m course_grading.report --course-dir . --out grades

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf _build
