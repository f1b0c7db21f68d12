# The commands people use. See README.md.
BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
CTEST_ARGS ?=

.PHONY: all build deps configure test unit install demo bench bench-smoke clean format

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Everything: unit tests, integration tests against nook-runtime, the cgroup v2
# lane under qemu. Fails when any test fails.
test: deps
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure $(CTEST_ARGS)

# Only the programs (not the tests), so `make demo` is quick on a fresh machine.
install: configure
	cmake --build $(BUILD) -j $(JOBS) --target nook-runtime nook nook-init nook-monitor
	install -D -m 0755 $(BUILD)/bin/nook-runtime $(DESTDIR)$(PREFIX)/bin/nook-runtime
	install -D -m 0755 $(BUILD)/bin/nook $(DESTDIR)$(PREFIX)/bin/nook
	install -D -m 0755 $(BUILD)/bin/nook-init $(DESTDIR)$(PREFIX)/libexec/nook/nook-init
	install -D -m 0755 $(BUILD)/bin/nook-monitor $(DESTDIR)$(PREFIX)/libexec/nook/nook-monitor

demo: deps
	$(MAKE) install
	scripts/demo.sh

bench: deps
	$(MAKE) build BUILD=build-release BUILD_TYPE=Release
	bench/run.sh

bench-smoke: build
	BENCH_SMOKE=1 bench/run.sh

format:
	find src tests -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-release
