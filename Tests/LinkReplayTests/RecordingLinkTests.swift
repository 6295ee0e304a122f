import Testing
import Transcript
@testable import USBLink

/// A device that answers each bulk OUT with a fixed reply, stalls on request, and reports
/// an interrupt; enough to exercise recording without hardware.
actor EchoDevice: USBLink {
    nonisolated let device = USBDeviceInfo(busNumber: 2, deviceAddress: 7, vendorID: 0x0C4B, productID: 0x0400,
                                           bulkOutEndpoint: 0x02, bulkInEndpoint: 0x82, interruptInEndpoint: 0x81)
    private var pending: [UInt8] = []

    func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) throws(USBError) {
        if data.first == 0x72 { throw USBError.stall() }
        pending = [0x80] + data.dropFirst()
    }

    func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) throws(USBError) -> [UInt8] {
        defer { pending = [] }
        return pending
    }

    func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) throws(USBError) -> [UInt8] { [0x50, 0x02] }

    func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) throws(USBError) -> [UInt8] {
        setup.isIn ? [0x10, 0x27, 0, 0] : []
    }

    func reset(deadline: Deadline) throws(USBError) {}
    func close() {}
}

@Suite struct RecordingLinkTests {
    /// What a recording holds replays against the same host code, transfer for transfer.
    @Test func aRecordingReplaysStrictly() async throws {
        let sink = MemoryCaptureSink()
        let recorder = RecordingLink(wrapping: EchoDevice(), sink: sink)
        let getClocks = USBControlSetup(bmRequestType: 0xA1, bRequest: 0x02, wValue: 0, wIndex: 0, wLength: 4)
        try await recorder.bulkOut(powerOn, endpoint: 0x02, deadline: .milliseconds(100))
        let answer = try await recorder.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(100))
        let clocks = try await recorder.control(getClocks, data: [], deadline: .milliseconds(100))
        let interrupt = try await recorder.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(100))
        await #expect(throws: USBError.stall()) {
            try await recorder.bulkOut([0x72, 0, 0, 0, 0, 0, 3, 0, 0, 0], endpoint: 0x02, deadline: .milliseconds(100))
        }

        let packets = sink.packets
        #expect(packets.count == 10)
        #expect(packets.allSatisfy { $0.bus == 2 && $0.device == 7 })
        #expect(packets[0].event == .submission && packets[0].data == powerOn && packets[0].status == -115)
        #expect(packets[3].data == answer && packets[3].length == UInt32(answer.count))
        #expect(packets[4].setup == getClocks.bytes)
        #expect(packets[9].status == -32)

        let replay = ReplayLink(packets: packets)
        try await replay.bulkOut(powerOn, endpoint: 0x02, deadline: .milliseconds(100))
        #expect(try await replay.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(100)) == answer)
        #expect(try await replay.control(getClocks, data: [], deadline: .milliseconds(100)) == clocks)
        #expect(try await replay.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(100)) == interrupt)
        let error = await #expect(throws: USBError.self) {
            try await replay.bulkOut([0x72, 0, 0, 0, 0, 0, 3, 0, 0, 0], endpoint: 0x02, deadline: .milliseconds(100))
        }
        #expect(error?.code == .stall)
        try await replay.expectFinished()
    }

    /// The secret never reaches the capture, and the redacted capture still replays the
    /// same host code, because replay redacts the host's bytes the same way first.
    @Test func redactedBytesNeverReachTheCaptureAndStillReplay() async throws {
        let pinBlanker = Redactor { _, data in
            guard data.count > 10, data[0] == 0x6F else { return data }
            return Array(data[..<10]) + [UInt8](repeating: Redactor.filler, count: data.count - 10)
        }
        let verify: [UInt8] = [0x6F, 9, 0, 0, 0, 0, 4, 0, 0, 0, 0x00, 0x20, 0x00, 0x81, 0x04, 0x31, 0x32, 0x33, 0x34]
        let sink = MemoryCaptureSink()
        let recorder = RecordingLink(wrapping: EchoDevice(), sink: sink, redactor: pinBlanker)
        try await recorder.bulkOut(verify, endpoint: 0x02, deadline: .milliseconds(100))
        let recorded = sink.packets[0].data
        #expect(recorded.count == verify.count)
        #expect(!recorded.contains(0x31) && !recorded.contains(0x34))

        let replay = ReplayLink(packets: sink.packets, redactor: pinBlanker)
        try await replay.bulkOut(verify, endpoint: 0x02, deadline: .milliseconds(100))
    }

    @Test func aRedactorThatChangesTheLengthBlanksEverything() {
        let faulty = Redactor { _, data in Array(data.dropLast()) }
        #expect(faulty.apply(endpoint: 2, [1, 2, 3]) == [0xFF, 0xFF, 0xFF])
    }
}
