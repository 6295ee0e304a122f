import CCID
@testable import CCIDReader
import Testing
import Transcript
@testable import USBLink

/// The reader against `ReplayLink`, the same strict replay recorded captures go through.
struct UsbmonBuilder {
    var packets: [UsbmonPacket] = []
    private var urb: UInt64 = 0x2000

    mutating func bulkOut(_ data: [UInt8]) {
        urb += 1
        packets.append(UsbmonPacket(urbID: urb, event: .submission, transferType: .bulk, endpoint: 0x02,
                                    device: 5, bus: 1, status: -115, length: UInt32(data.count), data: data))
        packets.append(UsbmonPacket(urbID: urb, event: .completion, transferType: .bulk, endpoint: 0x02,
                                    device: 5, bus: 1, status: 0, length: UInt32(data.count)))
    }

    mutating func bulkIn(_ data: [UInt8]) {
        urb += 1
        packets.append(UsbmonPacket(urbID: urb, event: .submission, transferType: .bulk, endpoint: 0x82,
                                    device: 5, bus: 1, status: -115, length: 271))
        packets.append(UsbmonPacket(urbID: urb, event: .completion, transferType: .bulk, endpoint: 0x82,
                                    device: 5, bus: 1, status: 0, length: UInt32(data.count), data: data))
    }
}

@Suite struct ReplayTranscriptTests {
    @Test func powerOnWithASplitATRReplays() async throws {
        var capture = UsbmonBuilder()
        capture.bulkOut(getSlotStatus(seq: 0))
        capture.bulkIn(slotStatus(seq: 0, status: 0x01))
        capture.bulkOut(powerOn(seq: 1, select: 0))
        let answer = dataBlock(seq: 1, tcosATR)
        capture.bulkIn(Array(answer[0..<16]))
        capture.bulkIn(Array(answer[16...]))
        let info = USBDeviceInfo(busNumber: 1, deviceAddress: 5, vendorID: 0x0C4B, productID: 0x0400,
                                 bulkOutEndpoint: 0x02, bulkInEndpoint: 0x82, interruptInEndpoint: nil,
                                 classDescriptor: descriptor(features: 0x0004_00FE).encode())
        let link = ReplayLink(packets: capture.packets, device: info)
        let reader = try CCIDReader(link: link, options: fastOptions())
        #expect(reader.quirks.descriptorOnLastEndpoint)
        #expect(try await reader.slotStatus() == .presentInactive)
        let atr = try await reader.powerOn()
        #expect(atr.bytes == tcosATR)
        #expect(atr.tckValid)
        try await link.expectFinished()
    }
}
