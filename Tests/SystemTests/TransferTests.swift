import LibUSBLink
import Synchronization
import Testing
import UmockdevSupport
import USBLink

extension SystemTests {
    /// Transfers through the real libusb, answered by umockdev replaying a usbmon capture.
    @Suite("Transfers replayed from usbmon") struct Transfers {
        static let getSlotStatus = hexBytes("65 00000000 00 01 000000")
        static let slotStatus = hexBytes("81 00000000 00 01 01 00 00")       // ICC present, inactive
        static let iccPowerOn = hexBytes("62 00000000 00 02 01 0000")        // 5 V
        static let atr = hexBytes("3B BF 96 00 81 31 FE 5D 00 64 04 11 03 01 31 C0 73 F7 01 D0 00 90 00 7D")
        static let dataBlock = hexBytes("80 18000000 00 02 00 00 00") + atr
        /// RDR_to_PC_NotifySlotChange: slot 0 card present, changed.
        static let notifySlotChange: [UInt8] = [0x50, 0x03]
        static let bulkInLength = 1024

        /// A testbed with the reader, replaying `capture`, and the reader opened.
        static func open(_ capture: UsbmonCapture) async throws -> (Testbed, LibUSBLink) {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            try testbed.loadPcap(Umockdev.readerSysPath, capture)
            let link = try await LibUSBLink.open("0c4b:0400")
            return (testbed, link)
        }

        @Test func ccidConversationIsByteExact() async throws {
            var capture = UsbmonCapture()
            capture.bulkOut(0x02, Self.getSlotStatus)
            capture.bulkIn(0x82, length: Self.bulkInLength, reply: Self.slotStatus)
            capture.bulkOut(0x02, Self.iccPowerOn)
            capture.bulkIn(0x82, length: Self.bulkInLength, reply: Self.dataBlock)
            let (testbed, link) = try await Self.open(capture)
            let d = link.device
            try await link.bulkOut(Self.getSlotStatus, endpoint: d.bulkOutEndpoint, deadline: .milliseconds(2000))
            let status = try await link.bulkIn(maxLength: Self.bulkInLength, endpoint: d.bulkInEndpoint,
                                               deadline: .milliseconds(2000))
            #expect(status == Self.slotStatus)
            try await link.bulkOut(Self.iccPowerOn, endpoint: d.bulkOutEndpoint, deadline: .milliseconds(2000))
            let block = try await link.bulkIn(maxLength: Self.bulkInLength, endpoint: d.bulkInEndpoint,
                                              deadline: .milliseconds(2000))
            #expect(block == Self.dataBlock)
            #expect(Array(block.dropFirst(10)) == Self.atr)
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func unansweredSubmitTimesOutByTheDeadline() async throws {
            var capture = UsbmonCapture()
            capture.submit(.bulk, 0x82, length: UInt32(Self.bulkInLength))  // and no completion
            let (testbed, link) = try await Self.open(capture)
            let start = ContinuousClock.now
            let error = await #expect(throws: USBError.self) {
                _ = try await link.bulkIn(maxLength: Self.bulkInLength, endpoint: 0x82, deadline: .milliseconds(300))
            }
            #expect(error?.code == .timeout)
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(290))
            #expect(elapsed < .milliseconds(1500))
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func stallStatusIsStall() async throws {
            var capture = UsbmonCapture()
            capture.bulkIn(0x82, length: Self.bulkInLength, reply: [], status: -32)  // EPIPE
            let (testbed, link) = try await Self.open(capture)
            let error = await #expect(throws: USBError.self) {
                _ = try await link.bulkIn(maxLength: Self.bulkInLength, endpoint: 0x82, deadline: .milliseconds(2000))
            }
            #expect(error?.code == .stall)
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func overflowStatusIsOverflow() async throws {
            var capture = UsbmonCapture()
            capture.bulkIn(0x82, length: 64, reply: [], status: -75)  // EOVERFLOW: babble
            let (testbed, link) = try await Self.open(capture)
            let error = await #expect(throws: USBError.self) {
                _ = try await link.bulkIn(maxLength: 64, endpoint: 0x82, deadline: .milliseconds(2000))
            }
            #expect(error?.code == .overflow)
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func interruptStaysPendingWhileBulkGoesThrough() async throws {
            var capture = UsbmonCapture()
            let notify = capture.submit(.interrupt, 0x81, length: 8)
            capture.bulkOut(0x02, Self.getSlotStatus)
            capture.bulkIn(0x82, length: Self.bulkInLength, reply: Self.slotStatus)
            capture.complete(notify, .interrupt, 0x81, length: 2, data: Self.notifySlotChange)
            let (testbed, link) = try await Self.open(capture)
            let bulkDone = Flag()
            let interrupt = Task {
                let bytes = try await link.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(5000))
                return (bytes, bulkDone.isSet)
            }
            try await link.bulkOut(Self.getSlotStatus, endpoint: 0x02, deadline: .milliseconds(2000))
            let status = try await link.bulkIn(maxLength: Self.bulkInLength, endpoint: 0x82, deadline: .milliseconds(2000))
            bulkDone.set()
            #expect(status == Self.slotStatus)
            let (notification, afterBulk) = try await interrupt.value
            #expect(notification == Self.notifySlotChange)
            #expect(afterBulk, "the notification completes after the bulk exchange, as recorded")
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func closeCancelsAPendingInterruptRead() async throws {
            var capture = UsbmonCapture()
            capture.submit(.interrupt, 0x81, length: 8)  // never completes: no card event
            capture.bulkOut(0x02, Self.getSlotStatus)
            capture.bulkIn(0x82, length: Self.bulkInLength, reply: Self.slotStatus)
            let (testbed, link) = try await Self.open(capture)
            let interrupt = Task {
                try await link.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(60_000))
            }
            try await link.bulkOut(Self.getSlotStatus, endpoint: 0x02, deadline: .milliseconds(2000))
            #expect(try await link.bulkIn(maxLength: Self.bulkInLength, endpoint: 0x82,
                                          deadline: .milliseconds(2000)) == Self.slotStatus)
            let start = ContinuousClock.now
            await link.close()
            #expect(ContinuousClock.now - start < .seconds(1))
            let result = await interrupt.result
            #expect(throws: USBError(.closed, "interrupt IN from endpoint 81")) { try result.get() }
            withExtendedLifetime(testbed) {}
        }

        @Test func taskCancellationCancelsTheTransfer() async throws {
            var capture = UsbmonCapture()
            capture.submit(.interrupt, 0x81, length: 8)
            let (testbed, link) = try await Self.open(capture)
            let interrupt = Task {
                try await link.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(60_000))
            }
            try await Task.sleep(for: .milliseconds(100))
            let start = ContinuousClock.now
            interrupt.cancel()
            let result = await interrupt.result
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(throws: USBError(.timeout, "interrupt IN from endpoint 81: task cancelled")) { try result.get() }
            await link.close()
            withExtendedLifetime(testbed) {}
        }

        @Test func transfersAfterCloseThrowClosed() async throws {
            let (testbed, link) = try await Self.open(UsbmonCapture())
            await link.close()
            let error = await #expect(throws: USBError.self) {
                try await link.bulkOut(Self.getSlotStatus, endpoint: 0x02, deadline: .milliseconds(500))
            }
            #expect(error?.code == .closed)
            withExtendedLifetime(testbed) {}
        }
    }
}

/// A one-way flag shared between tasks.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
