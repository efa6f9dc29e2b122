# The two commands: `make run` serves the product, `make test` checks it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

# The PostgreSQL and Redis that the second test pass runs against, when set.
TEST_DATABASE_URL ?= $(DATABASE_URL)
TEST_REDIS_URL ?= $(REDIS_URL)

.PHONY: run test lint format install install-test chromium network-tools clean lock

# Every package comes from the locks (docs/development.md): pip, the build backend and
# pip-tools from requirements-tools.txt, the site's dependencies from requirements.txt,
# the test tools from requirements-test.txt. The project itself installs without resolving anything
# (--no-deps) and without build isolation, so no upstream release changes a fresh install.
PIP := $(PY) -m pip install -q --no-input
INSTALL_PROJECT := $(PIP) --no-deps --no-build-isolation -e .

$(VENV)/.tools: requirements-tools.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-tools.txt
	touch $@

$(VENV)/.installed: pyproject.toml requirements.txt $(VENV)/.tools
	$(PIP) -r requirements.txt
	$(INSTALL_PROJECT)
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.txt $(VENV)/.tools
	$(PIP) -r requirements-test.txt
	$(INSTALL_PROJECT)
	touch $@ $(VENV)/.installed

# Refresh the locks from pyproject.toml after a dependency changed there: the newest
# releases the pins allow, resolved with this machine's pip configuration (its index
# settings stay out of the files). requirements-test.txt is constrained by requirements.txt, so the site
# runs the same versions in tests as in production. Pins already in a lock stay;
# `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed release.
LOCK_ARGS ?=
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
	--no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
lock: $(VENV)/.tools
	$(PIP_COMPILE) --allow-unsafe --output-file requirements-tools.txt requirements-tools.in
	$(PIP_COMPILE) --output-file requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra test --constraint requirements.txt \
		--output-file requirements-test.txt pyproject.toml

tests/compat/node_modules/.installed: tests/compat/package.json tests/compat/package-lock.json
	cd tests/compat && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Biome (pinned in package.json/package-lock.json): lint and format of the browser
# client and its Node tests (biome.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
# An emoji font too: the reactions are emoji, the screenshots in docs/images show them.
chromium:
	@test -x /usr/bin/chromium && test -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf || { \
		echo "installing Debian's chromium and its emoji font for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji; }

# Debian's coturn and nftables for the network tests (tests/media: TURN, NAT namespaces).
network-tools:
	@command -v turnserver >/dev/null && command -v nft >/dev/null || { \
		echo "installing Debian's coturn and nftables for the network tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn nftables; }

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test tests/compat/node_modules/.installed node_modules/.installed chromium network-tools

# `make run TURN=true`: Debian's coturn (apt-get install -y coturn) beside the server, on
# TURN_HOST:TURN_PORT (UDP and TCP; relays on UDP 49160-49200), with a secret kept in
# var/turn-secret that the server also uses for its TURN REST credentials
# (docs/deployment.md). A MEDIA_ICE_SERVERS of your own with a staticAuthSecret wins.
TURN ?= false
TURN_HOST ?= $(HOST)
TURN_PORT ?= 3478
SERVE := $(PY) manage.py serve --host $(HOST) --port $(PORT)

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
ifeq ($(TURN),true)
	@command -v turnserver >/dev/null || { echo "TURN=true needs coturn: apt-get install -y coturn" >&2; exit 1; }
	@test -s var/turn-secret || { umask 077; $(PY) -c "import secrets; print(secrets.token_urlsafe(32))" > var/turn-secret; }
	default='[{"urls": ["turn:$(TURN_HOST):$(TURN_PORT)", "turn:$(TURN_HOST):$(TURN_PORT)?transport=tcp"], "staticAuthSecret": "'"$$(cat var/turn-secret)"'"}]'; \
		MEDIA_ICE_SERVERS="$${MEDIA_ICE_SERVERS:-$$default}" $(PY) manage.py with_coturn -- $(SERVE)
else
	$(SERVE)
endif

lint: $(VENV)/.installed-test node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	node_modules/.bin/biome check

format: $(VENV)/.installed-test node_modules/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	node_modules/.bin/biome format --write

# Pass 1: the whole suite on the embedded defaults (SQLite, in-memory channel layer),
# inside a private network namespace with only loopback (tests/private-network), where
# browsers and WebRTC peers cannot reach anything else.
# Pass 2: the API, signaling, compatibility and deployment suites again on PostgreSQL
# and Redis (outside the namespace, so without WebRTC and browsers), when
# TEST_DATABASE_URL and TEST_REDIS_URL (or DATABASE_URL and REDIS_URL) name them;
# without them, or when they do not answer, pass 2 skips with the reason (fails in CI).
# Then the production shape with WebRTC and browsers: a PostgreSQL cluster and a Redis
# of its own inside the namespace (tests/private-services), for a 30 s call of two
# peers and the kill -9 restart tests.
SERVICES_SUITES := tests/api tests/signaling tests/compat tests/webhooks tests/history \
	tests/deployment tests/test_services_pass.py
PRIVATE_SERVICES_TESTS := tests/test_services_pass.py tests/deployment/test_call_on_services.py \
	tests/e2e/test_restart.py tests/compat/test_openvidu_browser_restart.py
test: install-test lint
	env -u DATABASE_URL -u REDIS_URL tests/private-network $(PY) -m pytest
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" ROOMS_TEST_SERVICES=1 \
		$(PY) -m pytest $(SERVICES_SUITES)
	env -u DATABASE_URL -u REDIS_URL tests/private-services $(PY) -m pytest $(PRIVATE_SERVICES_TESTS)

# The benchmark of issue 4 (docs/performance.md): our SFU with pass-through and with
# re-encoding, and Janus's videoroom (Debian's janus, installed here when missing), under
# the same load, inside the private network namespace. Figures, not tests: the results
# go to the terminal and bench/results/. `make bench BENCH_ARGS=--quick` for a short run.
BENCH_ARGS ?=
.PHONY: bench
bench: $(VENV)/.installed-test
	$(PIP) --constraint requirements-test.txt --no-build-isolation -e '.[bench]'
	@test -x /usr/bin/janus || { \
		echo "installing Debian's janus for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq janus; }
	env -u DATABASE_URL -u REDIS_URL tests/private-network $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var tests/compat/node_modules node_modules
