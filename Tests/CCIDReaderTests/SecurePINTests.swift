import CCID
@testable import CCIDReader
import Testing
import USBLink

@Suite struct SecurePINTests {
    static let verify = CCIDPINOperation.verify(CCIDPINVerify(
        bTimeOut: 30, bmFormatString: 0x82, bmPINBlockString: 0x08, bmPINLengthFormat: 0x00,
        wPINMaxExtraDigit: 0x0608, apdu: [0x00, 0x20, 0x00, 0x81, 0x08] + Array(repeating: 0xFF, count: 8)))

    static func secureCommand(seq: UInt8) -> [UInt8] {
        let data = verify.encode()
        #expect(data.first == 0x00)              // bPINOperation: verify
        return message(0x69, seq: seq, 0, 0, 0, data)
    }

    @Test func theCardsAnswerComesBackAfterTimeExtensions() async throws {
        let link = ScriptedLink([
            .out(Self.secureCommand(seq: 0)),
            .reply(dataBlock(seq: 0, status: 0x80, error: 0x01)),   // the user is typing
            .reply(dataBlock(seq: 0, status: 0x80, error: 0x01)),
            .reply(dataBlock(seq: 0, status: 0x80, error: 0x01)),
            .reply(dataBlock(seq: 0, [0x90, 0x00])),
        ])
        let reader = try makeReader(link)
        let answer = try await reader.secure(operation: Self.verify, timeout: .milliseconds(100))
        #expect(answer == [0x90, 0x00])
        #expect(await link.remaining == 0)
    }

    @Test func pinTimeoutF0() async throws {
        let link = ScriptedLink([.out(Self.secureCommand(seq: 0)), .reply(dataBlock(seq: 0, status: 0x40, error: 0xF0))])
        let reader = try makeReader(link)
        let error = await #expect(throws: CCIDReaderError.self) {
            _ = try await reader.secure(operation: Self.verify, timeout: .milliseconds(100))
        }
        #expect(error?.code == .pinTimeout)
        #expect(error?.description.hasPrefix("no PIN was entered on the reader's keypad in time") == true)
    }

    @Test func pinCancelledEF() async throws {
        let link = ScriptedLink([.out(Self.secureCommand(seq: 0)), .reply(dataBlock(seq: 0, status: 0x40, error: 0xEF))])
        let reader = try makeReader(link)
        let error = await #expect(throws: CCIDReaderError.self) {
            _ = try await reader.secure(operation: Self.verify, timeout: .milliseconds(100))
        }
        #expect(error?.code == .pinCancelled)
        #expect(error?.description.hasPrefix("PIN entry was cancelled on the reader's keypad") == true)
    }
}
