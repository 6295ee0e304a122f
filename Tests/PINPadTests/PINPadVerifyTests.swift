import CCIDReader
import PINPad
import Simulator
import TCOS
import Testing

/// PIN verification typed on the simulated cyberJack's keypad, through the whole stack.
@Suite struct PINPadVerifyTests {
    @Test func theRightPINVerifiesAndUnlocksTheSlot() async throws {
        let h = try await PadHarness()
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
        #expect(h.triesLeft() == 3)
        // The slot is open in this card session: its payload can be written and read.
        let card = try await h.pad.card()
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: .init([1, 2, 3]))
        #expect(try await card.readSlot(.backupKeyShare).data.withBytes { $0 } == [1, 2, 3])
        let screens = await h.simulated.display?.history ?? []
        #expect(screens.first == ["Enter PIN", ""])
        #expect(screens.contains(["Enter PIN", "******"]))
        #expect(h.messages.all.map(\.description) == ["Enter PIN"])
    }

    @Test func aWrongPINReportsTheTriesLeft() async throws {
        let h = try await PadHarness()
        await h.press("654321,ok")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .wrongPIN)
        #expect(error?.triesLeft == 2)
        #expect(error?.description.contains("2 tries left") == true)
        #expect(h.triesLeft() == 2)
    }

    @Test func noKeyIsATimeoutAndSpendsNoTry() async throws {
        let h = try await PadHarness()
        await h.press("12,timeout")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .timeout)
        #expect(error?.description == "No PIN was entered on the reader's keypad within 30 s; nothing was sent to the card and no try was used")
        #expect(h.triesLeft() == 3)
    }

    @Test func cancelIsItsOwnErrorAndSpendsNoTry() async throws {
        let h = try await PadHarness()
        await h.press("1234,cancel")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .cancelled)
        #expect(error?.description.contains("cancelled on the reader's keypad") == true)
        #expect(h.triesLeft() == 3)
    }

    @Test func aBlockedPINIsRefusedWithoutPINEntry() async throws {
        let h = try await PadHarness()
        for expected in [2, 1] {
            await h.press("111111,ok")
            await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare, allowLastTry: true) }
            #expect(h.triesLeft() == expected)
        }
        await h.press("111111,ok")
        let third = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare, allowLastTry: true) }
        #expect(third?.code == .pinBlocked)
        let securesBefore = h.secureMessages.count
        await h.press("123456,ok")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare, allowLastTry: true) }
        #expect(error?.code == .pinBlocked)
        #expect(h.secureMessages.count == securesBefore, "a Secure was sent to a blocked PIN")
        #expect(await h.simulated.keypad.remaining.count == 7, "the pad asked for a PIN")
    }

    @Test func theLastTryIsRefusedUnlessAllowed() async throws {
        let h = try await PadHarness()
        await h.press("111111,ok,111111,ok")
        for _ in 0..<2 { await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) } }
        #expect(h.triesLeft() == 1)
        let securesBefore = h.secureMessages.count
        await h.press("123456,ok")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .lastTryRefused)
        #expect(h.secureMessages.count == securesBefore)
        #expect(h.triesLeft() == 1)
        try await h.pad.verifyOnPad(slot: .backupKeyShare, allowLastTry: true)
        #expect(h.triesLeft() == 3)
    }

    @Test func aReaderWithoutPINPadIsRefused() async throws {
        let simulated = SimulatedCCIDReader(profile: .tpduT1Reader)
        let error = #expect(throws: PINPadError.self) { try PINPadReader(reader: try CCIDReader(link: simulated)) }
        #expect(error?.code == .noPINPad)
        #expect(error?.description.hasPrefix("this reader has no PIN pad: the PIN must be typed on a PIN pad, never on the host") == true)
    }

    /// The host's Secure message carries the template (FF blocks), never digits.
    @Test func theSecureMessageHoldsOnlyTheTemplate() async throws {
        let h = try await PadHarness(redact: false)
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
        let secure = try #require(h.secureMessages.first)
        // bPINOperation 0, then the CCID structure: ASCII, 8-byte block, 6-8 digits, OK key.
        #expect(Array(secure[10..<25]) == [0x00, 30, 0x82, 0x08, 0x00, 0x08, 0x06, 0x02, 0x01, 0x09, 0x04, 0x00, 0, 0, 0])
        #expect(Array(secure[25...]) == [0x00, 0x20, 0x00, 0x81, 0x08] + [UInt8](repeating: 0xFF, count: 8))
    }
}
