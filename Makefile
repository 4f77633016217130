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

test: $(STAMP)
	$(VENV)/bin/ruff check .
	tools/install_debian.sh
	[ -d tests/e2e/oidc/node_modules/oidc-provider ] || (cd tests/e2e/oidc && npm ci --no-audit --no-fund --loglevel=error) \
	  || echo "npm ci failed in tests/e2e/oidc: the sign-in browser test will say what is missing" >&2
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile  # two processes, a test file each (module fixtures made once)
