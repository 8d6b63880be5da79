# sklearn-hilbert: `make test` and `make demo` set a fresh machine up on their own.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test demo install system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian programs the spoken corpus needs (espeak-ng); installed only when missing.
system-deps:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; \
	  else echo "espeak-ng is missing and there is no apt-get: install espeak-ng with your package manager" >&2; exit 1; fi; }

test: $(STAMP) system-deps
	$(PY) -m pytest -q -p no:cacheprovider

demo: $(STAMP) system-deps
	$(VENV)/bin/hilbert demo

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
