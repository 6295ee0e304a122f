import Testing
import Transcript
@testable import USBLink

/// Builds usbmon packet lists the way the kernel records them: a submission, then its
/// completion, with the data on the OUT submission or the IN completion.
struct CaptureBuilder {
    var packets: [UsbmonPacket] = []
    private var urb: UInt64 = 0x1000

    mutating func bulkOut(_ data: [UInt8], endpoint: UInt8 = 0x02, status: Int32 = 0) {
        urb += 1
        packets.append(UsbmonPacket(urbID: urb, event: .submission, transferType: .bulk, endpoint: endpoint,
                                    device: 5, bus: 1, status: -115, length: UInt32(data.count), data: data))
        packets.append(UsbmonPacket(urbID: urb, event: .completion, transferType: .bulk, endpoint: endpoint,
                                    device: 5, bus: 1, status: status, length: UInt32(data.count)))
    }

    mutating func bulkIn(_ data: [UInt8], endpoint: UInt8 = 0x82, status: Int32 = 0, completed: Bool = true) {
        urb += 1
        packets.append(UsbmonPacket(urbID: urb, event: .submission, transferType: .bulk, endpoint: endpoint,
                                    device: 5, bus: 1, status: -115, length: 271))
        if completed {
            packets.append(UsbmonPacket(urbID: urb, event: .completion, transferType: .bulk, endpoint: endpoint,
                                        device: 5, bus: 1, status: status, length: UInt32(data.count), data: data))
        }
    }

    /// An interrupt read submitted now; its completion is appended by `interruptDone`.
    mutating func interruptSubmit() -> UInt64 {
        urb += 1
        packets.append(UsbmonPacket(urbID: urb, event: .submission, transferType: .interrupt, endpoint: 0x81,
                                    device: 5, bus: 1, status: -115, length: 8))
        return urb
    }

    mutating func interruptDone(_ id: UInt64, _ data: [UInt8]) {
        packets.append(UsbmonPacket(urbID: id, event: .completion, transferType: .interrupt, endpoint: 0x81,
                                    device: 5, bus: 1, status: 0, length: UInt32(data.count), data: data))
    }
}

let getSlotStatus: [UInt8] = [0x65, 0, 0, 0, 0, 0, 0x01, 0, 0, 0]
let slotStatus: [UInt8] = [0x81, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0]
let powerOn: [UInt8] = [0x62, 0, 0, 0, 0, 0, 0x02, 0x01, 0, 0]

@Suite struct ReplayLinkTests {
    @Test func replaysTheConversationByteForByte() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus)
        capture.bulkIn(slotStatus)
        let link = ReplayLink(packets: capture.packets)
        try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        let reply = try await link.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(100))
        #expect(reply == slotStatus)
        try await link.expectFinished()
        #expect(link.device.bulkOutEndpoint == 0x02 && link.device.bulkInEndpoint == 0x82)
    }

    @Test func aDivergentOutFailsWithFrameAndDiff() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus)
        capture.bulkOut(powerOn)
        let link = ReplayLink(packets: capture.packets)
        try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        var wrong = powerOn
        wrong[7] = 0x02
        let error = await #expect(throws: USBError.self) {
            try await link.bulkOut(wrong, endpoint: 0x02, deadline: .milliseconds(100))
        }
        #expect(error?.code == .replayMismatch)
        let text = error?.description ?? ""
        #expect(text.contains("frame 3"))
        #expect(text.contains("first difference at byte 7"))
        #expect(text.contains("expected: 62 00 00 00 00 00 02 01 00 00"))
        #expect(text.contains("got: 62 00 00 00 00 00 02 02 00 00"))
    }

    @Test func aTransferOfAnotherKindIsAMismatch() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus)
        let link = ReplayLink(packets: capture.packets)
        let error = await #expect(throws: USBError.self) {
            _ = try await link.bulkIn(maxLength: 64, endpoint: 0x82, deadline: .milliseconds(50))
        }
        #expect(error?.code == .replayMismatch)
        #expect(error?.description.contains("the recording has a bulk OUT on endpoint 0x02") == true)
    }

    @Test func aStallReplaysAsStall() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus, status: -32)
        let link = ReplayLink(packets: capture.packets)
        let error = await #expect(throws: USBError.self) {
            try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        }
        #expect(error?.code == .stall)
    }

    @Test func aSubmissionWithoutCompletionTimesOutAtTheDeadline() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus)
        capture.bulkIn([], completed: false)
        let link = ReplayLink(packets: capture.packets)
        try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        let start = ContinuousClock.now
        let error = await #expect(throws: USBError.self) {
            _ = try await link.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(80))
        }
        #expect(error?.code == .timeout)
        #expect(ContinuousClock.now - start >= .milliseconds(75))
    }

    @Test func aVanishedDeviceReplaysAsNoDevice() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus)
        capture.bulkIn([], status: -19)
        let link = ReplayLink(packets: capture.packets)
        try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        let error = await #expect(throws: USBError.self) {
            _ = try await link.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(100))
        }
        #expect(error?.code == .noDevice)
    }

    @Test func moreDataThanAskedForIsAnOverflow() async throws {
        var capture = CaptureBuilder()
        capture.bulkIn(slotStatus)
        let link = ReplayLink(packets: capture.packets)
        let error = await #expect(throws: USBError.self) {
            _ = try await link.bulkIn(maxLength: 4, endpoint: 0x82, deadline: .milliseconds(100))
        }
        #expect(error?.code == .overflow)
    }

    @Test func anInterruptArrivesOnlyOnceTheConversationReachedIt() async throws {
        var capture = CaptureBuilder()
        let pending = capture.interruptSubmit()
        capture.bulkOut(getSlotStatus)
        capture.bulkIn(slotStatus)
        capture.interruptDone(pending, [0x50, 0x03])   // card inserted after the slot status
        let link = ReplayLink(packets: capture.packets)
        let notification = Task { try await link.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(2000)) }
        try await Task.sleep(for: .milliseconds(20))
        try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        #expect(try await link.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(100)) == slotStatus)
        #expect(try await notification.value == [0x50, 0x03])
    }

    @Test func anInterruptThatNeverCompletesTimesOut() async throws {
        var capture = CaptureBuilder()
        _ = capture.interruptSubmit()
        let link = ReplayLink(packets: capture.packets)
        let error = await #expect(throws: USBError.self) {
            _ = try await link.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(50))
        }
        #expect(error?.code == .timeout)
    }

    @Test func unplayedTransfersAreReported() async throws {
        var capture = CaptureBuilder()
        capture.bulkOut(getSlotStatus)
        capture.bulkIn(slotStatus)
        let link = ReplayLink(packets: capture.packets)
        try await link.bulkOut(getSlotStatus, endpoint: 0x02, deadline: .milliseconds(100))
        let error = await #expect(throws: USBError.self) { try await link.expectFinished() }
        #expect(error?.description.contains("1 recorded transfer(s) unplayed, the next at frame 3") == true)
    }

    @Test func closedLinkRefusesTransfers() async throws {
        let link = ReplayLink(packets: [])
        await link.close()
        let error = await #expect(throws: USBError.self) {
            try await link.bulkOut([1], endpoint: 0x02, deadline: .milliseconds(10))
        }
        #expect(error?.code == .closed)
    }
}
