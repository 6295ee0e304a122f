import CCID
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

    /// A session over the real descriptor of a reader (libccid readers/ dumps, via
    /// ../shared/corpus/ccid-descriptors.json) with its USB IDs.
    private func session(_ raw: String, _ vid: UInt16, _ pid: UInt16, bcdDevice: UInt16) throws -> CCIDReader {
        try CCIDReader(link: ScriptedLink([], vendorID: vid, productID: pid, bcdDevice: bcdDevice, descriptor: bytes(raw)))
    }

    @Test func aKeyboardThatSendsThePINToTheHostGetsNoSecurePINEntry() throws {
        // HPUSBSmartCardKeyboard.txt: bPINSupport 0x03, but the keyboard also reports the keys
        // to the host (libccid ccid_open_hack_post clears bPINSupport).
        let raw = "36210001000103000000a00f0000401f000000012a00002940050000fc0000000000000000000000ba00010007010000ffff00000301"
        let reader = try session(raw, 0x03F0, 0x1024, bcdDevice: 0x0534)
        #expect(try CCIDClassDescriptor(parsing: bytes(raw)).supportsPINVerify)
        #expect(!reader.descriptor.supportsPINVerify && !reader.descriptor.supportsPINModify)
        #expect(reader.descriptor.exchangeLevel == .tpdu)
        #expect(reader.quirks.note.contains("sends the PIN to the host"))
    }

    @Test func aChipWithoutAKeypadChainsAsExtendedAPDU() throws {
        // Cherry_SmartTerminal_XX44.txt: short APDU level and bPINSupport 0x03 announced.
        let raw = "36211001000703000000c0120000401f000004002a0000e74c060060fe0000000700000000000000b80702000f010000ffff00000301"
        let reader = try session(raw, 0x046A, 0x00A7, bcdDevice: 0x0103)
        #expect(reader.descriptor.exchangeLevel == .extendedAPDU)
        #expect(reader.descriptor.bPINSupport == 0)
        // Everything else is the reader's own.
        var expected = try CCIDClassDescriptor(parsing: bytes(raw))
        expected.bPINSupport = 0
        expected.dwFeatures = 0x0004_07B8
        #expect(reader.descriptor == expected)
    }

    @Test func mySmartPadNegotiatesIFSD254() throws {
        let raw = "36ff000100000003000000a00f0000a00f0000002a000008f80100fe000000000000000000000003300201000f010000000000000001"
        #expect(try session(raw, 0x09BE, 0x0002, bcdDevice: 0x0100).maxIFSD == 254)
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

/// Hex digits two by two, as the corpus stores descriptors.
private func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)! }
}
