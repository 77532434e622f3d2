# Token authentication in front of an API Gateway REST API.
# `make help` lists the targets. Every target that needs node_modules depends on the install stamp,
# so a fresh clone needs nothing but `make test`.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

# Re-run `npm ci` only when node_modules is missing or older than package-lock.json. npm writes
# node_modules/.package-lock.json on every install, so an install made without make (npm install <pkg>)
# counts as fresh too; the stamp then just records it.
INSTALL_STAMP := node_modules/.install-stamp

.PHONY: help install build package start lint format test test-unit test-integration test-e2e test-browser browser coverage clean deploy destroy smoke logs bench bench-trace

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(INSTALL_STAMP) ## Install dependencies (npm ci) when node_modules is missing or stale

$(INSTALL_STAMP): package-lock.json
	@if [ -f node_modules/.package-lock.json ] && [ ! node_modules/.package-lock.json -ot package-lock.json ]; then \
	  echo "node_modules is up to date with package-lock.json"; \
	else \
	  npm ci --no-audit --no-fund; \
	fi
	@touch $@

build: $(INSTALL_STAMP) ## Type-check, then bundle every function in the template into dist/build/
	npx tsc --noEmit -p .
	npx tsx scripts/build.ts

package: build ## Zip each bundle deterministically into dist/ and write dist/manifest.json
	npx tsx scripts/package.ts

start: package ## Run the API locally on 127.0.0.1 from the template, reloading on change (PORT=3000 DYNAMODB_PORT=8000 DATA_DIR=.local/data WATCH=0)
	npx tsx local/start.ts

# Deploy settings (see scripts/deploy/settings.ts): `make deploy STACK_NAME=demo AWS_REGION=eu-west-1`.
# make puts variables given on its command line into the recipes' environment by itself; an `export`
# line here would also export the unset ones as empty strings (AWS_REGION="" breaks cfn-lint and the SDK).
# Credentials come from the standard AWS SDK chain (AWS_PROFILE, SSO, environment, instance role).

deploy: package ## Deploy to AWS with CloudFormation (STACK_NAME, AWS_REGION, ARTIFACT_BUCKET, STAGE)
	npx tsx scripts/deploy.ts

destroy: $(INSTALL_STAMP) ## Delete the stack, keeping its tables (asks first; CONFIRM=yes answers)
	npx tsx scripts/destroy.ts

smoke: $(INSTALL_STAMP) ## Check the deployed API: 401 without/bad token, 204/200 fresh token, 403 out of scope
	npx tsx scripts/smoke.ts

logs: $(INSTALL_STAMP) ## The stack's access and function logs, one request per block (STACK_NAME, SINCE=15m, FOLLOW=1)
	npx tsx scripts/logs.ts

lint: $(INSTALL_STAMP) ## tsc, biome, import boundaries (dependency-cruiser), doc examples and cfn-lint on every template
	npx tsc --noEmit -p .
	npx biome check .
	npx depcruise --config .dependency-cruiser.cjs handlers lib local scripts bench test
	npx tsx scripts/check-doc-examples.ts
	npx tsx scripts/cfn-lint.ts

format: $(INSTALL_STAMP) ## Format and apply safe lint fixes (biome) to every source file
	npx biome check --write .

# Test tiers, by file name: `*.test.ts` are unit and template tests (no servers, no child processes,
# seconds); `*.integration.test.ts` start the local run, the embedded DynamoDB or HTTP servers;
# `test/reliability/` is the load, fault and bad-input suite; `*.e2e.test.ts` run `make deploy`
# against moto. `make test` runs them all under c8 with the coverage gate of .c8rc.json.
UNIT_TESTS := 'test/**/*.test.ts' --ignore 'test/**/*.integration.test.ts' --ignore 'test/**/*.e2e.test.ts' --ignore 'test/reliability/**'

test-unit: $(INSTALL_STAMP) ## Unit and template tests only (no servers; the edit loop, ~10 s)
	npx mocha $(UNIT_TESTS)

test-integration: $(INSTALL_STAMP) browser ## Tests that start the local run, DynamoDB or HTTP servers
	npx mocha 'test/**/*.integration.test.ts'

# The inspector's page is tested in Debian's headless Chromium driven by playwright-core (never a
# browser download). Installed here when missing and we are root; otherwise that test skips, saying so.
CHROMIUM := /usr/bin/chromium

browser: ## Install Debian's chromium for the inspector's browser test when missing (needs root)
	@if [ -x $(CHROMIUM) ]; then \
	  true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the inspector's browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "note: $(CHROMIUM) is missing and this is not root: the inspector's browser test will be skipped (sudo apt-get install chromium)"; \
	fi

test-browser: $(INSTALL_STAMP) browser ## The inspector page end to end in headless Chromium (screenshot in test-output/)
	npx mocha test/local/admin/inspector.integration.test.ts

test-e2e: $(INSTALL_STAMP) ## make deploy end to end against moto (pip install "moto[server]")
	npx mocha 'test/**/*.e2e.test.ts'

test: lint browser ## Lint, then every test (unit, integration, reliability, e2e) with the coverage gate
	npx c8 --reporter=json-summary --reporter=text-summary mocha 'test/**/*.test.ts'
	npx tsx scripts/check-coverage.ts coverage/coverage-summary.json

coverage: $(INSTALL_STAMP) ## Every test under c8 with an HTML report in coverage/ (no lint)
	npx c8 --reporter=text-summary --reporter=html mocha 'test/**/*.test.ts'

# The benchmark's peer (serverless-offline@13 on serverless@3) and chart renderer stay out of the
# project's dependencies: bench/peer has its own package.json and lockfile.
PEER_STAMP := bench/peer/node_modules/.install-stamp

$(PEER_STAMP): bench/peer/package-lock.json
	npm ci --prefix bench/peer --no-audit --no-fund
	@touch $@

bench: package $(PEER_STAMP) ## Benchmarks vs serverless-offline, the fair ceiling and a bare server (~16 min): bench/results/
	npx tsx bench/run.ts

bench-trace: package ## What the decision trace costs: trace on vs off side by side (BENCH_SECONDS, BENCH_RUNS)
	npx tsx bench/trace-cost.ts

clean: ## Remove build output, coverage reports and test screenshots
	rm -rf dist coverage test-output
