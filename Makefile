# The two commands: `make run` starts the app, `make test` runs the test suite.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VAR ?= var

.PHONY: run test engine bench lint

$(STAMP): pyproject.toml scripts/bootstrap.sh
	VENV=$(VENV) scripts/bootstrap.sh

run: $(STAMP)
	$(BIN)/mohawk-gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/serve.py
