import APDU
import Synchronization
import TCOS
import Testing
import TrustedPathCore

/// Answers a card should not give: a status word the command does not expect, data of the
/// wrong length, no answer at all. Each is a `TCOSError` naming the command and what was
/// wrong, never a trap and never a silent success.
@Suite struct CardAnswerErrorTests {
    /// A card that answers every command with `answer`.
    private func commands(answering answer: [UInt8]) -> TCOSCommands {
        TCOSCommands(channel: ByteCardChannel { _ in answer })
    }

    /// The TCOSError `body` throws; nil (and a recorded issue) when it throws nothing or
    /// something else.
    private func failure(_ body: () async throws -> Void) async -> TCOSError? {
        do {
            try await body()
            Issue.record("no error")
        } catch let error as TCOSError {
            return error
        } catch {
            Issue.record("not a TCOSError: \(error)")
        }
        return nil
    }

    @Test func anUnexpectedStatusWordNamesTheCommandAndTheStatusWord() async throws {
        let read = try #require(await failure { _ = try await commands(answering: [0x67, 0x00]).readBinary(offset: 16, count: 8) })
        #expect(read.code == .unexpectedStatus)
        #expect(read.statusWord == StatusWord(0x6700))
        #expect(read.description.contains("READ BINARY at 16"), "\(read)")
        #expect(read.description.contains("[SW 6700"), "\(read)")

        // A VERIFY answered with something that is neither 9000, 63Cx nor 6983 is no PIN
        // outcome: not "wrong PIN", not "verified".
        let verify = try #require(await failure {
            _ = try await commands(answering: [0x6A, 0x88]).verify(reference: 0x81, pin: SecretBytes(Array("123456".utf8)))
        })
        #expect(verify.code == .unexpectedStatus && verify.triesLeft == nil)
        #expect(verify.description.contains("VERIFY PIN 81"), "\(verify)")
        let query = try #require(await failure { _ = try await commands(answering: [0x6E, 0x00]).pinStatus(reference: 0x81) })
        #expect(query.code == .unexpectedStatus && query.statusWord == StatusWord(0x6E00))

        let record = try #require(await failure { try await commands(answering: [0x6B, 0x00]).updateRecord(2, data: [1]) })
        #expect(record.code == .unexpectedStatus && record.description.contains("UPDATE RECORD 2"), "\(record)")
    }

    @Test func answersOfTheWrongLengthAreMalformed() async throws {
        // The list command answers FID pairs; an odd byte count is not a list.
        let list = try #require(await failure { _ = try await commands(answering: [0xDF, 0x01, 0x4B, 0x90, 0x00]).listFiles(.directories) })
        #expect(list.code == .malformedResponse && list.field == "file list", "\(list)")
        #expect(list.description.contains("3 byte(s), not FID pairs"), "\(list)")

        let challenge = try #require(await failure { _ = try await commands(answering: [1, 2, 3, 4, 0x90, 0x00]).getChallenge(count: 8) })
        #expect(challenge.code == .malformedResponse && challenge.description.contains("4 byte(s), asked 8"), "\(challenge)")

        // SELECT asked for the FCP and got 9000 with no data.
        let select = try #require(await failure { try await commands(answering: [0x90, 0x00]).select(fileID: 0x2F02) })
        #expect(select.code == .malformedFCP && select.offset == 0, "\(select)")
        #expect(select.description.contains("no data; expected 62"), "\(select)")
    }

    @Test func noStatusWordIsATransportError() async throws {
        let error = try #require(await failure { try await commands(answering: [0x90]).select(fileID: 0x3F00, returnFCP: false) })
        #expect(error.code == .transport, "\(error)")
    }

    @Test func wrongLengthsFromTheCallerAreRefusedBeforeSending() async throws {
        let sent = SentLog()
        let commands = TCOSCommands(channel: ByteCardChannel { sent.append($0); return [0x90, 0x00] })
        let calls: [() async throws -> Void] = [
            { _ = try await commands.readBinary(offset: 0x8000, count: 1) },
            { _ = try await commands.readBinary(offset: 0, count: 0) },
            { _ = try await commands.readRecord(0) },
            { try await commands.updateRecord(1, data: []) },
            { try await commands.select(dfName: []) },
            { try await commands.select(relativePath: []) },
            { _ = try await commands.getChallenge(count: 0) },
        ]
        for body in calls {
            let error = try #require(await failure(body))
            #expect(error.code == .invalidArgument, "\(error)")
        }
        #expect(sent.count == 0)
    }
}

/// The commands a channel was given, across tasks.
final class SentLog: Sendable {
    private let storage = Mutex<[[UInt8]]>([])
    func append(_ bytes: [UInt8]) { storage.withLock { $0.append(bytes) } }
    var count: Int { storage.withLock { $0.count } }
}
