# Shortcuts; the README's two commands are ./examples/demo.sh and ./scripts/test.sh.
GO ?= go

.PHONY: build test demo lab-up lab-down lint

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
