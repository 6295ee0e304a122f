import Testing
@testable import CaptureDecoder
import Transcript

@Suite struct MessageAssemblyTests {
    private func bulk(_ urb: UInt64, _ data: [UInt8], inbound: Bool) -> [UsbmonPacket] {
        let ep: UInt8 = inbound ? 0x82 : 0x02
        let s = UsbmonPacket(urbID: urb, event: .submission, transferType: .bulk, endpoint: ep, device: 3, bus: 1,
                             status: -115, length: inbound ? 271 : UInt32(data.count), data: inbound ? [] : data)
        let c = UsbmonPacket(urbID: urb, event: .completion, transferType: .bulk, endpoint: ep, device: 3, bus: 1,
                             status: 0, length: UInt32(data.count), data: inbound ? data : [])
        return [s, c]
    }

    private func decode(_ packets: [UsbmonPacket]) -> [CCIDRecord] {
        var decoder = CaptureCCIDDecoder()
        var records: [CCIDRecord] = []
        for (i, p) in packets.enumerated() {
            decoder.feed(frame: i + 1, p) { if case .message(let r) = $0 { records.append(r) } }
        }
        decoder.finish { if case .message(let r) = $0 { records.append(r) } }
        return records
    }

    @Test func aMessageSplitOverThreeTransfersIsOneMessage() {
        let xfr: [UInt8] = [0x6F, 5, 0, 0, 0, 0, 7, 0, 0, 0, 0x00, 0xB0, 0x00, 0x00, 0x04]
        let reply: [UInt8] = [0x80, 6, 0, 0, 0, 0, 7, 0, 0, 0, 1, 2, 3, 4, 0x90, 0x00]
        let packets = bulk(1, xfr, inbound: false) + bulk(2, Array(reply[0..<4]), inbound: true)
            + bulk(3, Array(reply[4..<12]), inbound: true) + bulk(4, Array(reply[12...]), inbound: true)
        let records = decode(packets)
        #expect(records.count == 2)
        #expect(records[1].bytes == reply)
        #expect(records[1].frame == 8)
        #expect(records[1].answersXfrBlock)
        #expect(!records[1].truncated)
    }

    @Test func aTimeExtensionIsNotTheAnswer() {
        let xfr: [UInt8] = [0x6F, 0, 0, 0, 0, 0, 9, 0, 0, 0]
        let wtx: [UInt8] = [0x80, 0, 0, 0, 0, 0, 9, 0x80, 2, 0]
        let answer: [UInt8] = [0x80, 2, 0, 0, 0, 0, 9, 0, 0, 0, 0x90, 0x00]
        let records = decode(bulk(1, xfr, inbound: false) + bulk(2, wtx, inbound: true) + bulk(3, answer, inbound: true))
        #expect(records.map(\.answersXfrBlock) == [false, false, true])
    }

    @Test func aMessageCutOffByTheEndOfTheCaptureIsMarkedTruncated() {
        let reply: [UInt8] = [0x80, 20, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2]
        let records = decode(bulk(1, [0x65, 0, 0, 0, 0, 0, 1, 0, 0, 0], inbound: false) + bulk(2, reply, inbound: true))
        #expect(records.last?.truncated == true)
        #expect(records.last?.bytes == reply)
    }

    @Test func anImpossibleLengthPassesTheTransferOnAsIs() {
        let garbage: [UInt8] = [0x80, 0xFF, 0xFF, 0xFF, 0x7F, 0, 1, 0, 0, 0, 0xAA]
        let records = decode(bulk(1, [0x65, 0, 0, 0, 0, 0, 1, 0, 0, 0], inbound: false) + bulk(2, garbage, inbound: true))
        #expect(records.count == 2)
        #expect(records[1].truncated)
    }

    @Test func apduCasesFollowTheLengthRules() {
        let case1 = APDUFields([0x00, 0xA4, 0x00, 0x0C][...])
        #expect(case1?.lc == nil && case1?.le == nil)
        #expect(APDUFields([0x00, 0xB0, 0x00, 0x00, 0x00][...])?.le == 256)
        let case3 = APDUFields([0x00, 0x20, 0x00, 0x01, 0x02, 0x31, 0x32][...])
        #expect(case3?.lc == 2 && case3?.le == nil && Array(case3!.data) == [0x31, 0x32])
        #expect(APDUFields([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00][...])?.le == 65536)
        let case4e = APDUFields([0x00, 0x2A, 0x9E, 0x9A, 0x00, 0x00, 0x01, 0x55, 0x01, 0x00][...])
        #expect(case4e?.lc == 1 && case4e?.le == 256)
        #expect(APDUFields([0x00, 0xA4, 0x04, 0x00, 0x05, 0x01][...]) == nil)
        #expect(APDUFields([0x00, 0xA4][...]) == nil)
    }
}
