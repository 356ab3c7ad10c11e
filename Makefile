# sessionauth — every command a developer or CI needs.
GO        ?= go
PKGS      ?= ./...
FUZZTIME  ?= 5000x
# FuzzNoSecretFragments builds about seventy injectors per input: fewer runs
FUZZTIME_SECRETS ?= 200x
BENCHTIME ?= 1s
COUNT     ?= 6

.PHONY: all run run-flamingo bench-flamingo test test-flamingo deps vet fmt-check generate generate-check allocs fuzz mutate bench bench-compare test-bench lint

all: test

## run: the example application on the memory backend at http://127.0.0.1:3322
run:
	$(GO) run ./example

## run-flamingo: a Flamingo v3 application on sessionauth's repositories at http://127.0.0.1:3323
## (SESSION_BACKEND=cookie: sessions sealed in the browser's cookies)
run-flamingo:
	cd flamingo/example && $(GO) run . serve -a 127.0.0.1:3323

## test: everything CI runs — vet, formatting, generated code, all tests with -race
## (the core module and the nested Flamingo module), allocation counts, the bench
## module built and vetted (its benchmarks run only in bench-compare), short fuzz runs
test: deps vet fmt-check generate-check
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	$(MAKE) --no-print-directory allocs
	$(MAKE) --no-print-directory test-flamingo
	$(MAKE) --no-print-directory test-bench
	$(MAKE) --no-print-directory fuzz

## test-flamingo: the nested module that runs sessionauth inside real Flamingo applications
test-flamingo:
	cd flamingo && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 20m ./...

## deps: install what the tests need from Debian when it is missing:
## redis-server (the tests start their own instances) and chromium (the browser test)
deps:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server is missing: apt-get install -y redis-server"; exit 1; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is missing: apt-get install -y chromium"; exit 1; }

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## generate: regenerate the mocks
generate:
	$(GO) generate $(PKGS)

## generate-check: fail when the committed mocks differ from what go generate makes
generate-check:
	@tmp="$$(mktemp -d)"; cp -r mocks "$$tmp/"; \
	$(GO) generate ./mocks/ ; \
	if ! diff -r "$$tmp/mocks" mocks >/dev/null; then \
		diff -r "$$tmp/mocks" mocks; rm -rf mocks; cp -r "$$tmp/mocks" .; rm -rf "$$tmp"; \
		echo "mocks are out of date: run make generate and commit the result"; exit 1; fi; \
	rm -rf "$$tmp"

## allocs: the tests that pin allocation counts, which need a build without
## the race detector (its sync.Pool drops entries at random)
allocs:
	$(GO) test -count=1 -run 'Allocat' ./infrastructure/cookiesigner/ ./infrastructure/gorillabridge/ ./infrastructure/telemetry/ ./interfaces/web/

## fuzz: short runs of every fuzz target. FUZZTIME counts executions by default
## (5000x): Go 1.26's fuzzer can fail a run whose time limit expires while a worker
## is busy ("context deadline exceeded", no failing input; go.dev/issue/75804), which
## a busy machine makes likely. Long runs: make fuzz FUZZTIME=10m FUZZTIME_SECRETS=10m
fuzz:
	$(GO) test ./domain/ -run '^$$' -fuzz '^FuzzDecodeValue$$' -fuzztime $(FUZZTIME)
	$(GO) test ./domain/ -run '^$$' -fuzz '^FuzzRestoreSession$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/cookiesigner/ -run '^$$' -fuzz '^FuzzSecureCookieVerify$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/cookiesigner/ -run '^$$' -fuzz '^FuzzSecureCookieSignRoundTrip$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/cookiesigner/ -run '^$$' -fuzz '^FuzzVerifyAgreesWithSecureCookie$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/filestore/ -run '^$$' -fuzz '^FuzzDecodeFile$$' -fuzztime $(FUZZTIME)
	$(GO) test . -run '^$$' -fuzz '^FuzzConfiguration$$' -fuzztime $(FUZZTIME)
	$(GO) test . -run '^$$' -fuzz '^FuzzNoSecretFragments$$' -fuzztime $(FUZZTIME_SECRETS)
	$(GO) test ./application/ -run '^$$' -fuzz '^FuzzSanitizeReturnPath$$' -fuzztime $(FUZZTIME)
	$(GO) test ./application/ -run '^$$' -fuzz '^FuzzCallbackQuery$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/redisstore/ -run '^$$' -fuzz '^FuzzURLPasswordNeverInError$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/internal/storage/ -run '^$$' -fuzz '^FuzzMerge$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/redisstore/ -run '^$$' -fuzz '^FuzzPack$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/redisstore/ -run '^$$' -fuzz '^FuzzUnpack$$' -fuzztime $(FUZZTIME)
	$(GO) test ./infrastructure/cookiestore/ -run '^$$' -fuzz '^FuzzPack$$' -fuzztime $(FUZZTIME)

## mutate: mutation testing with gremlins, one package at a time, each with its own
## tests; fails when a package is below 90 % efficacy or 85 % mutant coverage.
## Not part of test: it runs a package's tests once per mutant (docs/testing.md,
## "Mutation testing"). One package: make mutate PKGS=./domain
GREMLINS    ?= $(GO) run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATE_PKGS := ./domain ./config ./infrastructure/cookiesigner ./infrastructure/oidcbroker \
	./internal/brokers ./internal/backends ./application ./interfaces/web
mutate: PKGS = $(MUTATE_PKGS)
mutate:
	@failed=""; for p in $(PKGS); do \
	  echo "== $$p"; $(GO) clean -testcache; \
	  $(GREMLINS) unleash --workers 1 --timeout-coefficient 10 \
	    --threshold-efficacy 90 --threshold-mcover 85 $$p || failed="$$failed $$p"; \
	done; \
	if [ -n "$$failed" ]; then echo "below 90 % efficacy or 85 % mutant coverage:$$failed"; exit 1; fi

## bench: every benchmark, COUNT times, for benchstat
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(COUNT) $(PKGS) | tee bench.out

## bench-flamingo: Flamingo's own session path against sessionauth's, on Redis (docs/performance-flamingo.md)
bench-flamingo: deps
	cd flamingo && $(GO) test -c -o $${TMPDIR:-/tmp}/flamingo.test . && \
	for v in flamingo-always flamingo-onwrite flamingo-sessionauth sessionauth; do \
	  for i in $$(seq $(COUNT)); do \
	    $${TMPDIR:-/tmp}/flamingo.test -test.run '^$$' -test.bench "BenchmarkRequestOnRedis/^$$v\$$/" -test.benchmem; \
	  done; \
	done | tee $(CURDIR)/bench-flamingo.out

## bench-compare: sessionauth beside its peers and the floors (nested module bench/),
## PASSES passes, every row once per pass, each in a process of its own, then the
## server time of one write (bare commands, scripts, the save script); prints the
## medians and the ratios paired within a pass (docs/performance.md)
PASSES   ?= 6
BENCH_ROWS ?= floor-memory sessionauth-memory scs-memory floor-redis sessionauth-redis sessionauth-redis-cached scs-redis \
	gorilla-redistore sessionauth-cookie gorilla-cookie-signed gorilla-cookie-encrypted \
	sessionauth-cookie-login gorilla-cookie-encrypted-login flamingo-always flamingo-onwrite flamingo-sessionauth flamingo-floor
bench-compare: deps
	cd bench && $(GO) test -c -o $${TMPDIR:-/tmp}/sessionauth-bench.test .
	@for i in $$(seq $(PASSES)); do \
	  for v in $(BENCH_ROWS); do \
	    $${TMPDIR:-/tmp}/sessionauth-bench.test -test.run '^$$' -test.bench "^BenchmarkRequest$$/^$$v$$/" \
	      -test.benchmem -test.benchtime $(BENCHTIME) || exit 1; \
	  done; \
	  $${TMPDIR:-/tmp}/sessionauth-bench.test -test.run '^$$' -test.bench '^BenchmarkServerWrite$$' \
	    -test.benchtime $(BENCHTIME) || exit 1; \
	done > bench-compare.out
	$${TMPDIR:-/tmp}/sessionauth-bench.test -test.run '^$$' -test.bench '^BenchmarkFootprint$$' -test.benchtime 1x >> bench-compare.out
	cd bench && $(GO) run ./cmd/ratios < $(CURDIR)/bench-compare.out

## test-bench: the comparison module builds and vets (its benchmarks run only in bench-compare)
test-bench:
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./...

## lint: golangci-lint v2 when installed, else staticcheck
lint:
	@if command -v golangci-lint >/dev/null 2>&1; then golangci-lint run; \
	else $(GO) run honnef.co/go/tools/cmd/staticcheck@latest $(PKGS); fi
