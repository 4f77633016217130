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
	$(VENV)/bin/python -m pytest
