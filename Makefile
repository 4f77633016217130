# The two commands of the README. Each installs what it needs into .venv first.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test install
install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless true

# The suite in two processes, a test file each (module fixtures made once). A worker that dies ends the
# run at once, naming its test: replacing it can leave pytest-xdist 3.8's loadfile scheduler waiting
# forever (pytest-xdist issue 1378).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	tools/install_debian.sh
	[ -d tests/e2e/oidc/node_modules/oidc-provider ] || (cd tests/e2e/oidc && npm ci --no-audit --no-fund --loglevel=error) \
	  || echo "npm ci failed in tests/e2e/oidc: the sign-in browser test will say what is missing" >&2
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile --max-worker-restart=0
