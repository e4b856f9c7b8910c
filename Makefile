# The two commands of the README, plus maintenance targets. Both main targets are idempotent: the virtual
# environment is created and installed once, and reinstalled only when pyproject.toml or constraints.txt change.
#   make course   set up, then run the course headless (PROFILE=small by default; PROFILE=ci for a quick pass)
#   make test     set up, then run the whole test suite (unit tests, notebooks, lint, student copies)
#   make test-fast  the quick loop while editing the library: the unit tier without slow and Spark tests

PYTHON ?= python3
VENV ?= .venv
PROFILE ?= small
BIN := $(VENV)/bin
STAMP := $(VENV)/.cbrec-lab-installed

.PHONY: setup course test test-fast notebooks lock clean

setup: $(STAMP)
	@# Trust the course notebooks (this user, this machine): JupyterLab then renders their stored outputs in full.
	@# Rerun on every setup: a notebook changed by a pull is untrusted again until signed.
	@$(BIN)/jupyter trust course/*.ipynb > /dev/null

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cbrec-lab needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,lab]"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt --no-deps tinysoundfont
	@touch $(STAMP)

course: setup
	$(BIN)/cbrec-lab course run --profile $(PROFILE)

test: setup
	$(BIN)/python -m pytest

# The unit tier without the slow and the Spark tests (the tiers: README, "Tests"; tests/conftest.py), in under
# three minutes on two cores. The unit tests read the ci kits: they are built first, once (a few minutes).
test-fast: setup
	$(BIN)/cbrec-lab data prepare --profile ci --kits music art
	$(BIN)/python -m pytest tests/unit -m "unit and not slow and not spark"

# Refresh the stored outputs of the committed notebooks (always on the ci profile).
notebooks: setup
	$(BIN)/cbrec-lab course run --profile ci --in-place

# Re-resolve the newest releases allowed by pyproject.toml into constraints.txt (needs the network);
# then run `make test` and commit both files together.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,lab,spark]"
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check jax playwright  # .ci/run's extras: a second Keras backend, the browser test
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps tinysoundfont
	( echo "# Tested versions of every package the course installs (make lock regenerates it)."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^cbrec-lab' ) > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .lock-venv
