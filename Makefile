# Shortcuts; the README's two commands are ./examples/demo.sh and ./scripts/test.sh.
GO ?= go

.PHONY: build test demo lab-up lab-down lint fuzz

build:
	$(GO) build -o bin/mend ./cmd/mend

# Installs what the tests need (sshd, etcd, runit, puppet) when missing, then
# runs every test, including the ones against a real sshd and the lab.
test:
	./scripts/test.sh

# The incident, end to end: lab up (broken), plan, gated apply, audit verify, lab down.
demo:
	./examples/demo.sh

lab-up:
	./scripts/deps.sh
	./examples/lab/lab.sh up

lab-down:
	./examples/lab/lab.sh down

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# Runs each native fuzz target for FUZZTIME (not in CI: there, `go test`
# runs their seeds and testdata/fuzz corpora as ordinary tests). A failing
# input is written to the package's testdata/fuzz/<Target>/; commit it with
# the fix as a regression seed.
FUZZTIME ?= 60s
FUZZ_TARGETS = \
	./runbooks/:FuzzLoad \
	./runbooks/:FuzzLoadInventory \
	./runbooks/:FuzzVarFile \
	./audit/:FuzzReadLog \
	./cmd/mend/views/:FuzzDiagnostics

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$pkg; \
	done
