# The two entry points README.md names: `make demo` (the main job on the built-in
# simulators) and `make test` (the whole suite, three tiers). Both set the machine up first.
SWIFT ?= swift
TESTFLAGS ?=

.PHONY: bootstrap build demo test test-unit test-system fuzz bench clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

demo: bootstrap
	$(SWIFT) build --product trustedpath
	$$($(SWIFT) build --show-bin-path)/trustedpath transcript decode Fixtures/captures/emv-reader-usbmon.pcap

# Unit and replay tiers run in one process; the system tier runs the real libusb and
# libudev under umockdev's preload library, in a process of its own so that no testbed
# leaks into the other tiers; the PC/SC tier runs beside a private pcscd with the vpcd
# driver, in mount and network namespaces of its own (scripts/with-pcscd).
test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip SystemTests --skip PCSCTierTests $(TESTFLAGS)
	umockdev-wrapper $(SWIFT) test --skip-build --filter SystemTests $(TESTFLAGS)
	scripts/with-pcscd $(SWIFT) test --skip-build --filter PCSCTests $(TESTFLAGS)

fuzz:
	@for t in $$(ls Fuzz/*.swift | xargs -n1 basename | sed 's/\.swift$$//'); do scripts/fuzz $$t $${SECONDS_EACH:-60} || exit 1; done

clean:
	rm -rf .build Fuzz/out
