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

.PHONY: help install build package start lint test clean deploy destroy smoke bench

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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

start: package ## Run the API locally on 127.0.0.1 from the template (PORT=3000 DYNAMODB_PORT=8000 DATA_DIR=.local/data)
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

lint: $(INSTALL_STAMP) ## tsc, biome and cfn-lint on every template
	npx tsc --noEmit -p .
	npx biome check .
	npx tsx scripts/cfn-lint.ts

test: lint ## Lint, then run every test
	npx mocha "test/**/*.test.ts"

# The benchmark's peer (serverless-offline@13 on serverless@3) and chart renderer stay out of the
# project's dependencies: bench/peer has its own package.json and lockfile.
PEER_STAMP := bench/peer/node_modules/.install-stamp

$(PEER_STAMP): bench/peer/package-lock.json
	npm ci --prefix bench/peer --no-audit --no-fund
	@touch $@

bench: package $(PEER_STAMP) ## Benchmarks vs serverless-offline and a bare server (~6 min): bench/results/
	npx tsx bench/run.ts

clean: ## Remove build output
	rm -rf dist
