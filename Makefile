# The two entry points README.md names: `make demo` (the main job on the built-in
# simulators) and `make test` (the whole suite, three tiers). Both set the machine up first.
SWIFT ?= swift
TESTFLAGS ?=

.PHONY: bootstrap build demo decode-sample test fuzz clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

# The main job on the built-in simulators: a 2-of-3 backup-key ceremony on a simulated
# cyberJack e-com PIN pad with simulated TCOS cards (an unattended simulated operator), a
# backup encrypted under the new key, then the key restored from cards 3 and 1 and the
# backup decrypted with it.
DEMO = .build/demo
demo: bootstrap
	$(SWIFT) build --product trustedpath
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	echo "appliance partition backup" > $(DEMO)/backup.txt
	$$($(SWIFT) build --show-bin-path)/trustedpath ceremony create --quorum 2/3 --simulate --cards-dir $(DEMO)/cards \
	    --encrypt $(DEMO)/backup.txt --encrypted $(DEMO)/backup.tpbk
	$$($(SWIFT) build --show-bin-path)/trustedpath ceremony restore --simulate --cards-dir $(DEMO)/cards --cards 3,1 \
	    --decrypt $(DEMO)/backup.tpbk --output $(DEMO)/restored.txt
	cmp $(DEMO)/backup.txt $(DEMO)/restored.txt && echo "demo: the backup restored with cards 3 and 1 matches"

# Decodes the sample capture of a real EMV reader at the CCID and APDU layers.
decode-sample: build
	$$($(SWIFT) build --show-bin-path)/trustedpath transcript decode Fixtures/captures/emv-reader-usbmon.pcap

# Unit and replay tiers run in one process; then the firmware-style example (Examples/) is
# built against the library and run; the system tier runs the real libusb and
# libudev under umockdev's preload library, in a process of its own so that no testbed
# leaks into the other tiers; the PC/SC tier runs beside a private pcscd with the vpcd
# driver, in mount and network namespaces of its own (scripts/with-pcscd).
test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip SystemTests --skip PCSCTierTests $(TESTFLAGS)
	scripts/run-example
	umockdev-wrapper $(SWIFT) test --skip-build --filter SystemTests $(TESTFLAGS)
	scripts/with-pcscd $(SWIFT) test --skip-build --filter PCSCTests $(TESTFLAGS)

fuzz:
	@for t in $$(ls Fuzz/*.swift | xargs -n1 basename | sed 's/\.swift$$//'); do scripts/fuzz $$t $${SECONDS_EACH:-60} || exit 1; done

clean:
	rm -rf .build Fuzz/out
