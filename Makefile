# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install model clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch is pinned first: pip takes the CPU build on disk instead of a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[app,ml,pg,spark,test]'
	$(BIN)/python -m vacscreen.occupations.encoder_build build
	$(BIN)/python -m vacscreen.occupations.link build
	touch $(STAMP)

install: $(STAMP)

# The trained required/optional component is committed under models/; `make model` retrains it from gold.
model: $(STAMP)
	$(BIN)/vacscreen train

run: $(STAMP)
	$(BIN)/vacscreen app --server.headless true

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
