import Foundation
import Simulator
import Testing
import TestSupport

/// `trustedpath card` against the simulated reader, its card state kept in a file between runs.
@Suite(.serialized) struct CardCommandTests {
    let state = FileManager.default.temporaryDirectory
        .appendingPathComponent("trustedpath-card-\(UUID().uuidString)").appendingPathComponent("sim-card").path

    private func card(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run(["card"] + arguments + ["--simulate", "--card-state", state])
    }

    /// A real share record (`quorum split`), in a file beside the card state.
    private func shareRecordFile() throws -> (path: String, bytes: [UInt8]) {
        let split = try CommandRunner.run(["quorum", "split", "--k", "2", "--n", "3", "--json"])
        let hex = try #require(split.jsonLines.first?["share"] as? String)
        let bytes = stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        try FileManager.default.createDirectory(atPath: (state as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let path = state + "-share"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return (path, bytes)
    }

    @Test func statusVerifyAndTheRetryCounterAcrossRuns() throws {
        let status = try card(["status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("backup key share slot (share): PIN 3 tries left; default PIN; content: empty"))
        #expect(status.stdout.contains("this card still has the default PIN 123456: change it with trustedpath card change-pin --slot share"))

        let right = try card(["verify", "--slot", "share", "--keys", "123456,ok"])
        #expect(right.status == 0)
        #expect(right.lines.contains("[pad] Enter PIN"))
        #expect(right.lines.contains("[display] Enter PIN | ******"))
        // A PIN that is still 123456 protects nothing: verify says so too, not only status.
        // The last line before the simulation's closing line.
        #expect(right.lines.dropLast().last == "warning: this card still has the default PIN 123456: change it with trustedpath card change-pin --slot share")
        #expect(!right.stdout.replacingOccurrences(of: "default PIN 123456", with: "").contains("123456"))

        for expected in ["2 tries left", "only 1 try left"] {
            let wrong = try card(["verify", "--slot", "activation", "--keys", "111111,ok"])
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("wrong PIN; \(expected)"))
        }
        let refused = try card(["verify", "--slot", "activation", "--keys", "111111,ok"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("only 1 PIN try is left"))
        #expect(try card(["status", "--slot", "activation"]).stdout.contains("PIN 1 try left"))

        let last = try card(["verify", "--slot", "activation", "--allow-last-try", "--keys", "111111,ok"])
        #expect(last.status != 0)
        let blocked = try card(["verify", "--slot", "activation", "--keys", "123456,ok"])
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("the PIN is blocked"))
        #expect(!blocked.stdout.contains("[pad] Enter PIN"))
    }

    @Test func timeoutCancelAndChangePIN() throws {
        let timeout = try card(["verify", "--slot", "share", "--keys", "12,timeout"])
        #expect(timeout.status != 0)
        #expect(timeout.stderr.contains("No PIN was entered on the reader's keypad within 30 s; nothing was sent to the card and no try was used"))
        let cancel = try card(["verify", "--slot", "share", "--keys", "cancel"])
        #expect(cancel.stderr.contains("cancelled on the reader's keypad"))
        #expect(try card(["status", "--slot", "share"]).stdout.contains("PIN 3 tries left"))

        let change = try card(["change-pin", "--slot", "share", "--keys", "123456,ok,24681357,ok,24681357,ok"])
        #expect(change.status == 0)
        let status = try card(["status", "--slot", "share"])
        #expect(status.stdout.contains("PIN changed") && !status.stdout.contains("warning"))
        let changed = try card(["verify", "--slot", "share", "--keys", "24681357,ok"])
        #expect(changed.status == 0)
        #expect(!changed.stdout.contains("warning"))
    }

    @Test func writeAndReadNeverPrintAShare() throws {
        let (file, share) = try shareRecordFile()
        let write = try card(["write", "--slot", "share", "--from", file, "--keys", "ok,123456,ok"])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.lines.contains("[display] Write New Key | press OK/Cancel"))
        #expect(write.lines.contains("warning: this card still has the default PIN 123456: change it with trustedpath card change-pin --slot share"))
        let read = try card(["read", "--slot", "share", "--keys", "ok,123456,ok"])
        #expect(read.status == 0)
        #expect(read.stdout.contains("backup key share slot: a backup key share, 68 bytes"))
        let shareHex = share.map { String(format: "%02x", $0) }.joined()
        #expect(!read.stdout.lowercased().contains(shareHex.dropFirst(64).prefix(16)))
        #expect(try card(["read", "--slot", "share", "--raw"]).status == 64)
        let cancelled = try card(["write", "--slot", "share", "--from", file, "--keys", "cancel"])
        #expect(cancelled.status != 0 && cancelled.stderr.contains("nothing was done"))
    }

    /// The PKCS#11 activation credential is a secret that has no quorum: it is never printed,
    /// so the tools offer no way to copy it to another card.
    @Test func readNeverPrintsTheActivationCredential() throws {
        let file = state + "-credential"
        try FileManager.default.createDirectory(atPath: (state as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let credential = (0..<32).map { UInt8(0xA0 + $0) }
        #expect(FileManager.default.createFile(atPath: file, contents: Data(credential)))
        let write = try card(["write", "--slot", "activation", "--from", file, "--keys", "ok,123456,ok"])
        #expect(write.status == 0, "\(write.stderr)")
        let read = try card(["read", "--slot", "activation", "--keys", "ok,123456,ok"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.contains("32 bytes"), "\(read.stdout)")
        #expect(!read.stdout.lowercased().contains("a0a1a2a3"))
        #expect(try card(["read", "--slot", "activation", "--raw"]).status == 64)
    }

    @Test func aMalformedReaderIsNamedBeforeAnythingIsOpened() throws {
        let result = try CommandRunner.run(["card", "status", "--reader", "garbage"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--reader garbage: use VID:PID[:SERIAL] (0c4b:0504) or BUS:ADDRESS (1:5)"), "\(result.stderr)")
        #expect(!result.stderr.contains("the device is gone"))
    }

    /// A card of another application (a NetKey card) in the reader: status says it is not
    /// ours, and write stops before asking for a PIN or writing anything.
    @Test func aForeignCardIsNamedAndNeverWritten() throws {
        try FileManager.default.createDirectory(atPath: (state as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let foreign = SimulatedTCOSCard(profile: .netKeyReference(certificateWrapped: true)).exportState()
        #expect(FileManager.default.createFile(atPath: state, contents: Data(foreign)))
        let status = try card(["status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("card: not a TrustedPath card"), "\(status.stdout)")

        let (file, _) = try shareRecordFile()
        let write = try card(["write", "--slot", "share", "--from", file, "--keys", "ok,123456,ok"])
        #expect(write.status != 0)
        #expect(write.stderr.contains("this is not a TrustedPath card"), "\(write.stderr)")
        #expect(write.stderr.contains("nothing was written to it"), "\(write.stderr)")
        #expect(!write.stdout.contains("[pad] Enter PIN"), "a PIN was asked for on a foreign card")
        #expect(FileManager.default.contents(atPath: state).map { [UInt8]($0) } == foreign)
    }
}
