# The README's commands. Each installs what it needs (scripts/setup) before it builds.
SWIFT ?= swift
TRACER = .build/release/tracer

.PHONY: setup build lessons test bench train clean

setup:
	@./scripts/setup

build: setup
	$(SWIFT) build -c release --product tracer

## The main job: run every lesson on the built-in lesson data; pictures go to output/lessons/.
lessons: build
	$(TRACER) lessons

## The test suite (Swift Testing). MNIST tests read $$MNIST_DIR and skip with a message without it.
test: setup
	$(SWIFT) test

bench: build
	$(TRACER) bench

train: build
	$(TRACER) train

clean:
	rm -rf .build output/lessons output/mnist
