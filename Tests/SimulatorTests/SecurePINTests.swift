import CCID
import Simulator
import Testing
import USBLink

/// PC_to_RDR_Secure on the cyberJack e-com preset: keys come from the keypad script, the
/// PIN reaches the card only inside the VERIFY / CHANGE REFERENCE DATA APDU.
@Suite struct SecurePINTests {
    /// ASCII digits, byte units, PIN at offset 0, 8-byte block, no length field, 4-8 digits.
    static func asciiVerify(_ template: [UInt8] = bytes("00 20 00 81 08 FFFFFFFFFFFFFFFF"), format: UInt8 = 0x82,
                            block: UInt8 = 0x08, length: UInt8 = 0x00) -> CCIDMessagePayload {
        .secure(bwi: 0, levelParameter: 0, operation: .verify(CCIDPINVerify(
            bTimeOut: 30, bmFormatString: format, bmPINBlockString: block, bmPINLengthFormat: length,
            wPINMaxExtraDigit: 0x0408, bEntryValidationCondition: 0x02, bNumberMessage: 1, wLangId: 0x0409,
            bMsgIndex: 0, apdu: template)))
    }

    static let modify = CCIDMessagePayload.secure(bwi: 0, levelParameter: 0, operation: .modify(CCIDPINModify(
        bTimeOut: 30, bmFormatString: 0x82, bmPINBlockString: 0x08, bmPINLengthFormat: 0x00,
        bInsertionOffsetOld: 0, bInsertionOffsetNew: 8, wPINMaxExtraDigit: 0x0408, bConfirmPIN: 0x03,
        bEntryValidationCondition: 0x02, bNumberMessage: 3, bMsgIndex: [0, 1, 2],
        apdu: bytes("00 24 00 81 10") + Array(repeating: 0xFF, count: 16))))

    func reader(_ card: MemoryCard = .t1(pin: "1234")) async throws -> SimulatedCCIDReader {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(card)
        return reader
    }

    @Test func rightPIN() async throws {
        let reader = try await reader()
        await reader.press(KeypadKey.digits("1234") + [.ok])
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
        let display = try #require(await reader.display)
        #expect(display.history == [["Enter PIN", ""], ["Enter PIN", "*"], ["Enter PIN", "**"],
                                    ["Enter PIN", "***"], ["Enter PIN", "****"]])
        let card = try #require(await reader.card() as? MemoryCard)
        #expect(card.isVerified)
    }

    @Test func wrongPINCountsDown() async throws {
        let reader = try await reader()
        await reader.press(KeypadKey.digits("1111") + [.ok])
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0, 0, 0, [0x63, 0xC2]))
    }

    @Test func timeoutIsPINTimeout() async throws {
        let reader = try await reader()
        await reader.press([.digit(1), .noKeyUntilTimeout])
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0x40, 0xF0, 0x00))
        // An empty script times out the same way.
        #expect(try await reader.exchange(sequence: 2, Self.asciiVerify()) == reply(0x80, seq: 2, 0x40, 0xF0, 0x00))
    }

    @Test func cancelIsPINCancelled() async throws {
        let reader = try await reader()
        await reader.press(KeypadKey.digits("12") + [.cancel])
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0x40, 0xEF, 0x00))
        let card = try #require(await reader.card() as? MemoryCard)
        #expect(card.retriesLeft == 3)
    }

    @Test func okBelowMinimumIsIgnoredAndClearStartsOver() async throws {
        let reader = try await reader()
        await reader.press(KeypadKey.digits("12") + [.ok, .clear] + KeypadKey.digits("1234") + [.ok])
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func digitsBeyondTheMaximumAreIgnored() async throws {
        let reader = try await reader(.t1(pin: "12345678"))
        await reader.press(KeypadKey.digits("123456789") + [.ok])
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func iso9564Format2Block() async throws {
        // BCD at bit 8, 4-bit length at bit 4, 8-byte block over a 2F FF.. template (OpenSC's GLP).
        let card = MemoryCard(atr: MemoryCard.t1ATR(), protocols: .t1, files: [:], pinBlock: bytes("24 1234 FFFFFFFFFF"))
        let reader = try await reader(card)
        await reader.press(KeypadKey.digits("1234") + [.ok])
        let verify = Self.asciiVerify(bytes("00 20 00 81 08 2FFFFFFFFFFFFFFF"), format: 0x41, block: 0x48, length: 0x04)
        #expect(try await reader.exchange(sequence: 1, verify) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func variableLengthASCIISetsLc() async throws {
        let card = MemoryCard(atr: MemoryCard.t1ATR(), protocols: .t1, files: [:], pinBlock: bytes("31323334 35"))
        let reader = try await reader(card)
        await reader.press(KeypadKey.digits("12345") + [.ok])
        let verify = Self.asciiVerify(bytes("00 20 00 81 00"), block: 0x00)
        #expect(try await reader.exchange(sequence: 1, verify) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func modifyChangesThePIN() async throws {
        let reader = try await reader()
        await reader.press(KeypadKey.digits("1234") + [.ok] + KeypadKey.digits("5678") + [.ok] + KeypadKey.digits("5678") + [.ok])
        #expect(try await reader.exchange(sequence: 1, Self.modify) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
        let prompts = try #require(await reader.display).history.map { $0[0] }
        #expect(Set(prompts) == ["Enter PIN", "Enter new PIN", "Confirm new PIN"])
        await reader.press(KeypadKey.digits("5678") + [.ok])
        #expect(try await reader.exchange(sequence: 2, Self.asciiVerify()) == reply(0x80, seq: 2, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func modifyWithMismatchedConfirmation() async throws {
        let reader = try await reader()
        await reader.press(KeypadKey.digits("1234") + [.ok] + KeypadKey.digits("5678") + [.ok] + KeypadKey.digits("5679") + [.ok])
        #expect(try await reader.exchange(sequence: 1, Self.modify) == reply(0x80, seq: 1, 0x40, 0xC0, 0x00))
        let card = try #require(await reader.card() as? MemoryCard)
        #expect(card.retriesLeft == 3)
    }

    @Test func readerWithoutKeypadRefusesSecure() async throws {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        #expect(try await reader.exchange(sequence: 1, Self.asciiVerify()) == reply(0x80, seq: 1, 0x40, 0x00, 0x00))
    }

    @Test func tpduPINPadAnswersWithAT1Block() async throws {
        var profile = ReaderProfile.tpduT1Reader
        profile.descriptor.bPINSupport = 0x03
        let reader = SimulatedCCIDReader(profile: profile)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        await reader.press(KeypadKey.digits("1234") + [.ok])
        let verify = CCIDMessagePayload.secure(bwi: 0, levelParameter: 0, operation: .verify(CCIDPINVerify(
            bmFormatString: 0x82, bmPINBlockString: 0x08, bmPINLengthFormat: 0, wPINMaxExtraDigit: 0x0408,
            bTeoPrologue: [0x00, 0x00, 0x00], apdu: bytes("00 20 00 81 08 FFFFFFFFFFFFFFFF"))))
        #expect(try await reader.exchange(sequence: 1, verify) == reply(0x80, seq: 1, 0, 0, 0, lrcBlock(0, 0x00, [0x90, 0x00])))
    }
}
