import PINPad
import TCOS
import Testing

/// The pad builds the PIN block the card expects from the format fields of the Secure
/// message alone (CCID 1.1 §6.1.11.5), so each PIN block format must map onto those fields
/// exactly: the bytes below are what libccid and OpenSC's reader-pcsc.c put there.
@Suite struct PINBlockFormatPadTests {
    private func options(_ format: PINBlockFormat) -> PINPadOptions {
        var options = PINPadOptions()
        options.pinFormat = format
        return options
    }

    /// bmFormatString 89 (bytes, PIN at byte 1, BCD), bmPINBlockString 48 (4-bit length, 8-byte
    /// block), bmPINLengthFormat 04 (length at bit 4); the template's block is 20 FF..FF. The
    /// card takes the block the pad fills in: the PIN verifies.
    @Test func isoFormat2VerifiesThroughThePad() async throws {
        let h = try await PadHarness(redact: false, options: options(.iso9564Format2))
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
        #expect(h.triesLeft() == 3)
        let secure = try #require(h.secureMessages.first)
        #expect(Array(secure[12..<17]) == [0x89, 0x48, 0x04, 0x08, 0x06])
        #expect(Array(secure[25...]) == [0x00, 0x20, 0x00, 0x81, 0x08, 0x20] + [UInt8](repeating: 0xFF, count: 7))
    }

    /// A PIN change in format 2: two blocks, the new one at offset 8 (bInsertionOffsetNew).
    @Test func isoFormat2ChangesThePINThroughThePad() async throws {
        let h = try await PadHarness(redact: false, options: options(.iso9564Format2))
        await h.press("123456,ok,11223344,ok,11223344,ok")
        try await h.pad.changePINOnPad(slot: .backupKeyShare)
        let secure = try #require(h.secureMessages.first)
        // bmFormatString..bmPINLengthFormat, then bInsertionOffsetOld and New.
        #expect(Array(secure[12..<17]) == [0x89, 0x48, 0x04, 0x00, 0x08])
        let again = try await PadHarness(card: h.card)
        await again.press("11223344,ok")
        try await again.pad.verifyOnPad(slot: .backupKeyShare)
    }

    /// BCD: bmFormatString 81 (bytes, PIN at byte 0, BCD), a 4-byte block with no length
    /// field, template FF FF FF FF. Cancelled on the pad, so no try is spent on a card that
    /// holds an ASCII PIN.
    @Test func bcdFieldsInTheSecureMessage() async throws {
        let h = try await PadHarness(redact: false, options: options(.bcd))
        await h.press("1234,cancel")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .cancelled)
        let secure = try #require(h.secureMessages.first)
        #expect(Array(secure[12..<17]) == [0x81, 0x04, 0x00, 0x08, 0x06])
        #expect(Array(secure[25...]) == [0x00, 0x20, 0x00, 0x81, 0x04, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(h.triesLeft() == 3)
    }

    /// ASCII (TrustedPath's own): bmFormatString 82, an 8-byte block, 6 to 8 digits.
    @Test func asciiFieldsInTheSecureMessage() async throws {
        let h = try await PadHarness(redact: false)
        await h.press("cancel")
        _ = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        let secure = try #require(h.secureMessages.first)
        #expect(Array(secure[12..<17]) == [0x82, 0x08, 0x00, 0x08, 0x06])
    }
}
