@testable import CCIDReader
import Testing
import USBLink

@Suite struct ReaderQuirksTests {
    @Test func cyberJackEComIsKnown() {
        let quirks = ReaderQuirks.lookup(vendorID: 0x0C4B, productID: 0x0400, bcdDevice: 0x0101)
        #expect(quirks.descriptorOnLastEndpoint)
        #expect(quirks.note.contains("e-com"))
    }

    @Test func bogusFirmwareFollowsTheBcdDeviceRange() {
        #expect(ReaderQuirks.lookup(vendorID: 0x04E6, productID: 0xE001, bcdDevice: 0x0515).bogusFirmware)
        #expect(!ReaderQuirks.lookup(vendorID: 0x04E6, productID: 0xE001, bcdDevice: 0x0516).bogusFirmware)
        #expect(ReaderQuirks.lookup(vendorID: 0x072F, productID: 0x2200, bcdDevice: 0x0205).bogusFirmware)
    }

    @Test func rowsMergeAndUnknownReadersHaveNone() {
        let scm = ReaderQuirks.lookup(vendorID: 0x04E6, productID: 0xE001, bcdDevice: 0x0400)
        #expect(scm.bogusFirmware && scm.maxMessageLength == 270)
        #expect(ReaderQuirks.lookup(vendorID: 0x1234, productID: 0x5678, bcdDevice: 0x0100) == .none)
        let table = [ReaderQuirkEntry(vendorID: 1, productID: 2, bcdDevice: 0x0100...0x01FF,
                                      quirks: ReaderQuirks(maxIFSD: 32, readZeroLengthPacket: true))]
        #expect(ReaderQuirks.lookup(vendorID: 1, productID: 2, bcdDevice: 0x0150, in: table).maxIFSD == 32)
        #expect(ReaderQuirks.lookup(vendorID: 1, productID: 2, bcdDevice: 0x0200, in: table).maxIFSD == nil)
    }

    @Test func theSessionTakesItsQuirksFromTheTable() throws {
        let link = ScriptedLink([], vendorID: 0x04E6, productID: 0xE001, bcdDevice: 0x0600,
                                descriptor: descriptor(features: 0x0001_0000, maxMessage: 263).encode())
        let reader = try CCIDReader(link: link)
        #expect(reader.descriptor.dwMaxCCIDMessageLength == 263)
        #expect(reader.maxMessageLength == 270)
    }

    @Test func aZeroLengthPacketIsReadWhenTheQuirkSaysSo() async throws {
        // 64-byte frame: 10 header + 54 data, then the reader's zero-length packet.
        let data = Array(repeating: UInt8(0x5A), count: 52) + [0x90, 0x00]
        let link = ScriptedLink([
            .out(xfrBlock(seq: 0, [0x00, 0xB0, 0x00, 0x00, 0x34])), .reply(dataBlock(seq: 0, data)), .reply([]),
            .out(getSlotStatus(seq: 1)), .reply(slotStatus(seq: 1)),
        ])
        let reader = try makeReader(link, quirks: ReaderQuirks(readZeroLengthPacket: true))
        #expect(try await reader.xfrBlock([0x00, 0xB0, 0x00, 0x00, 0x34]).data == data)
        #expect(try await reader.slotStatus() == .presentActive)
        #expect(await link.remaining == 0)
    }
}
