import APDU
import CCID
import PINPad
import Simulator
import TCOS
import Testing

/// Readers behind pcscd report the end of a PIN entry in the status word, not in bError:
/// libccid turns bError F0 into SW 6400 and EF into 6401, and PC/SC part 10 adds 6402 for a
/// new PIN whose confirmation differs. The pad layer must read those as the same distinct
/// outcomes as the CCID path, and never as a card's refusal or a wrong PIN.
@Suite struct PINPadStatusWordTests {
    /// A keypad reader that answers every PIN entry with `answer`, in front of a simulated
    /// TrustedPath card (so the retry counter and slot checks before the entry are real).
    struct AnsweringTransport: PINPadTransport {
        let card = SimulatedTCOSCard(profile: .trustedPath)
        let answer: [UInt8]

        var supportsPINVerify: Bool { true }
        var supportsPINModify: Bool { true }
        var hasDisplay: Bool { false }
        var label: String { "a PC/SC-style pad" }

        func connectCard() async throws(PINPadError) -> any CardChannel {
            let card = card
            return ByteCardChannel { card.process($0) }
        }

        func secure(_ operation: CCIDPINOperation, timeoutSeconds: Int, entries: Int,
                    options: PINPadOptions) async throws(PINPadError) -> [UInt8] {
            answer
        }

        func escape(_ data: [UInt8], timeoutSeconds: Int) async throws(PINPadError) -> [UInt8] {
            throw PINPadError(.unsupported, "no display")
        }
    }

    private func verify(answering answer: [UInt8]) async -> PINPadError? {
        do {
            try await PINPadReader(transport: AnsweringTransport(answer: answer)).verifyOnPad(slot: .backupKeyShare)
            return nil
        } catch { return error }
    }

    private func change(answering answer: [UInt8]) async -> PINPadError? {
        do {
            try await PINPadReader(transport: AnsweringTransport(answer: answer)).changePINOnPad(slot: .backupKeyShare)
            return nil
        } catch { return error }
    }

    @Test func sw6400IsATimeoutWithTheSameTextAsBErrorF0() async throws {
        let error = try #require(await verify(answering: [0x64, 0x00]))
        #expect(error.code == .timeout)
        #expect(error.description.hasPrefix("No PIN was entered on the reader's keypad within 30 s; nothing was sent to the card and no try was used"),
                "\(error)")
        #expect(try #require(await change(answering: [0x64, 0x00])).code == .timeout)
    }

    @Test func sw6401IsACancel() async throws {
        let error = try #require(await verify(answering: [0x64, 0x01]))
        #expect(error.code == .cancelled)
        #expect(error.description.hasPrefix("PIN entry was cancelled on the reader's keypad"), "\(error)")
        #expect(try #require(await change(answering: [0x64, 0x01])).code == .cancelled)
    }

    @Test func sw6402IsAConfirmationMismatch() async throws {
        let error = try #require(await change(answering: [0x64, 0x02]))
        #expect(error.code == .confirmationMismatch, "\(error)")
        #expect(error.description.contains("the new PIN and its confirmation typed on the keypad differ"), "\(error)")
    }

    @Test func theCardsOwnAnswersStillCount() async throws {
        #expect(await verify(answering: [0x90, 0x00]) == nil)
        let wrong = try #require(await verify(answering: [0x63, 0xC2]))
        #expect(wrong.code == .wrongPIN && wrong.triesLeft == 2)
        #expect(try #require(await verify(answering: [0x69, 0x83])).code == .pinBlocked)
    }
}
