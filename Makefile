# icss: the Integrated Cargo Security Strategy batch processor.
# `make help` lists the targets.

GO          ?= go
GOBIN       ?= $(shell $(GO) env GOPATH)/bin
export PATH := $(GOBIN):$(PATH)
PKGS        ?= ./...
FUZZTIME    ?= 30s
BENCHTIME   ?= 1s
BENCHCOUNT  ?= 6
BENCH       ?= .
TESTTIMEOUT ?= 14m

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_\/-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/icss (static: without cgo a run starts about 5 ms sooner here, see README).
	CGO_ENABLED=0 $(GO) build -o bin/icss ./cmd/icss

.PHONY: test-deps
test-deps: ## Install what the tests need (sshd, versitygw, staticcheck, PostgreSQL).
	@scripts/test-deps.sh

.PHONY: test
test: test-deps lint ## Install test dependencies, lint, and run every test against real servers.
	$(GO) test -count=1 -timeout $(TESTTIMEOUT) $(PKGS)

.PHONY: test/race
test/race: test-deps ## Run the tests with the race detector.
	$(GO) test -count=1 -race -timeout 30m $(PKGS)

.PHONY: lint
lint: ## gofmt, go vet and staticcheck.
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	@command -v staticcheck >/dev/null || scripts/test-deps.sh staticcheck
	staticcheck $(PKGS)

.PHONY: bench
bench: ## Run the benchmarks (BENCHCOUNT runs each; PKGS=./edi/... BENCH=Read to narrow) and summarise them with benchstat.
	@PKGS="$(PKGS)" BENCH="$(BENCH)" scripts/bench.sh $(BENCHCOUNT) $(BENCHTIME)

.PHONY: bench-binary
bench-binary: build ## Time bin/icss against in-process inspection and byte loops on 100 MB files; prints ratios (BENCHCOUNT runs).
	$(GO) build -o bin/cuscargen ./edi/edifact/internal/gen/cuscargen
	CGO_ENABLED=0 $(GO) build -o bin/ediproc ./internal/benchbin/ediproc
	$(GO) run ./internal/benchbin -icss bin/icss -cuscargen bin/cuscargen -ediproc bin/ediproc -runs $(BENCHCOUNT)

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each.
	@scripts/fuzz.sh $(FUZZTIME)

.PHONY: demo
demo: build ## Run the main job end to end on embedded defaults (installs sshd and smtp-sink first, as root).
	@scripts/test-deps.sh sshd smtp
	@scripts/demo.sh

.PHONY: bench-corridor
bench-corridor: build ## The corridor with 100,000 bills: acks, assessments, exam list, result batch; wall time and peak RSS.
	@BILLS=$${BILLS:-100000} FILES=$${FILES:-10} scripts/demo-corridor.sh bin/icss .bench-corridor

.PHONY: golden
golden: ## Regenerate the golden files.
	$(GO) test $(PKGS) -run 'Golden|Example' -update

.PHONY: tidy
tidy: ## go mod tidy.
	$(GO) mod tidy

.PHONY: clean
clean: ## Remove build output.
	rm -rf bin .demo .bench-corridor
