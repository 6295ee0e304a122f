import LibUSBLink
import Testing
import UmockdevSupport
import USBLink

extension SystemTests {
    /// What happens around the transfers: OUT mismatch, control requests, reset, unplug.
    @Suite("Control, reset, removal") struct Lifecycle {
        typealias T = Transfers

        @Test func outBytesThatDifferFromTheRecordingNeverComplete() async throws {
            var capture = UsbmonCapture()
            capture.bulkOut(0x02, T.getSlotStatus)
            let (testbed, link) = try await T.open(capture)
            var other = T.getSlotStatus
            other[6] = 0x02  // bSeq differs
            let error = await #expect(throws: USBError.self) {
                try await link.bulkOut(other, endpoint: 0x02, deadline: .milliseconds(300))
            }
            #expect(error?.code == .timeout)
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func controlInRequest() async throws {
            // GET_DESCRIPTOR(DEVICE), 18 bytes, recorded as usbmon shows it: endpoint 0x80,
            // length wLength (not 8 + wLength), payload without SETUP. umockdev 0.17.16 replays
            // control transfers in exactly that form.
            let setup = USBControlSetup(bmRequestType: 0x80, bRequest: 0x06, wValue: 0x0100, wIndex: 0, wLength: 18)
            let device = hexBytes("12 01 0002 00 00 00 40 4B0C 0004 0001 01 02 03 01")
            var capture = UsbmonCapture()
            let id = capture.submit(.control, 0x80, length: 18, setup: setup.bytes)
            capture.complete(id, .control, 0x80, length: 18, data: device)
            let (testbed, link) = try await T.open(capture)
            let reply = try await link.control(setup, data: [], deadline: .milliseconds(2000))
            #expect(reply == device)
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        /// CCID ABORT (class request 0x01 to the interface, wValue = bSeq << 8 | bSlot), a
        /// control OUT without data stage.
        @Test func controlOutRequest() async throws {
            let abort = USBControlSetup(bmRequestType: 0x21, bRequest: 0x01, wValue: 0x0700, wIndex: 0, wLength: 0)
            var capture = UsbmonCapture()
            let id = capture.submit(.control, 0x00, length: 0, setup: abort.bytes)
            capture.complete(id, .control, 0x00, length: 0)
            let (testbed, link) = try await T.open(capture)
            #expect(try await link.control(abort, data: [], deadline: .milliseconds(2000)) == [])
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        /// Under umockdev, libusb_reset_device issues USBDEVFS_RESET (accepted) and then
        /// re-claims the interface through USBDEVFS_DISCONNECT_CLAIM, which umockdev's usbfs
        /// doesn't implement (ENOTTY): libusb 1.0.26 then reports NOT_FOUND ("re-enumeration
        /// required"), which the link reports as `.noDevice`. On hardware the re-claim works.
        @Test func resetUnderUmockdevIsNoDevice() async throws {
            let (testbed, link) = try await T.open(UsbmonCapture())
            let error = await #expect(throws: USBError.self) {
                try await link.reset(deadline: .milliseconds(2000))
            }
            #expect(error?.code == .noDevice)
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        /// Unplugged: the remove uevent reaches libusb's udev monitor, the link's hotplug
        /// callback fails the pending interrupt read at once, and later calls fail too.
        /// (Without that callback, libusb under umockdev leaves the transfers to their
        /// deadlines: the emulated usbfs fd never reports an error.)
        @Test func removedDeviceIsNoDevice() async throws {
            var capture = UsbmonCapture()
            capture.submit(.interrupt, 0x81, length: 8)
            let (testbed, link) = try await T.open(capture)
            let pending = Task {
                try await link.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(10_000))
            }
            try await Task.sleep(for: .milliseconds(100))
            let start = ContinuousClock.now
            testbed.uevent(Umockdev.readerSysPath, "remove")
            testbed.removeDevice(Umockdev.readerSysPath)
            let result = await pending.result
            #expect(ContinuousClock.now - start < .seconds(2))
            #expect(throws: USBError(.noDevice, "interrupt IN from endpoint 81: 0c4b:0400 on bus 1 address 5 was unplugged")) {
                try result.get()
            }
            let bulk = await #expect(throws: USBError.self) {
                try await link.bulkOut(T.getSlotStatus, endpoint: 0x02, deadline: .milliseconds(500))
            }
            #expect(bulk?.code == .noDevice)
            let reset = await #expect(throws: USBError.self) {
                try await link.reset(deadline: .milliseconds(500))
            }
            #expect(reset?.code == .noDevice)
            #expect(try LibUSBLink.enumerate().isEmpty)
            await link.close()
            withExtendedLifetime(testbed) {}
        }
    }
}
