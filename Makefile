# sklearn-hilbert: `make test` and `make demo` set a fresh machine up on their own.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test demo install system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

install: $(STAMP)

# Data folder of the spoken corpus (same default as sklearn_hilbert: $SKLEARN_HILBERT_DATA).
HILBERT_DATA ?= $(or $(SKLEARN_HILBERT_DATA),$(HOME)/sklearn_hilbert_data)
CORPUS := usr/share/doc/python3-pattern/test/corpora/polarity-en-pang&lee1.csv

# What the spoken corpus needs from Debian, installed/fetched only when missing:
# espeak-ng (the speech synthesiser) and the Pang & Lee reviews of python3-pattern, which
# `apt-get download` + `dpkg -x` extract under $(HILBERT_DATA)/debian without pulling the
# package's many dependencies.
system-deps:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; \
	  else echo "espeak-ng is missing and there is no apt-get: install espeak-ng with your package manager" >&2; exit 1; fi; }
	@test -f "/$(CORPUS)" || test -f "$(HILBERT_DATA)/debian/$(CORPUS)" || { \
	  if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then \
	    tmp=$$(mktemp -d) && cd "$$tmp" && \
	    { apt-get download python3-pattern >/dev/null 2>&1 || \
	      { (apt-get update -qq || true) && apt-get download python3-pattern >/dev/null 2>&1; }; } && \
	    mkdir -p "$(HILBERT_DATA)/debian" && dpkg -x python3-pattern_*.deb "$(HILBERT_DATA)/debian" && \
	    cd / && rm -rf "$$tmp" && echo "Extracted the Pang & Lee corpus under $(HILBERT_DATA)/debian"; \
	  else echo "The Pang & Lee corpus (Debian package python3-pattern) is missing and there is no apt-get: extract python3-pattern_*.deb from packages.debian.org into $(HILBERT_DATA)/debian" >&2; exit 1; fi; }

test: $(STAMP) system-deps
	$(PY) -m pytest -q -p no:cacheprovider

demo: $(STAMP) system-deps
	$(VENV)/bin/hilbert demo

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
