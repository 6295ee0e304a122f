import Foundation
import Testing
import TestSupport

/// An operator with a fresh home folder: the appliance's state and the simulator's live under
/// it, so every file a command may touch can be compared before and after.
struct Operator {
    let home: URL

    init() {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("operator-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { home.appendingPathComponent(name).path }

    var applianceJournal: String { path(".local/state/trustedpath/ceremony.json") }
    var simulatedJournal: String { path(".local/state/trustedpath/simulator/ceremony.json") }

    func run(_ arguments: [String], stdin: String? = nil) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, stdin: stdin, environment: ["HOME": home.path, "XDG_STATE_HOME": ""])
    }

    /// stdout and stderr into one file, as `trustedpath ... > log 2>&1` does: the order an
    /// operator reads in a log.
    func runIntoOneFile(_ arguments: [String]) throws -> [String] {
        let log = path("one-file.log")
        let binary = CommandRunner.productsDirectory.appendingPathComponent("trustedpath").path
        let line = ([binary] + arguments).map { "'\($0)'" }.joined(separator: " ") + " > '\(log)' 2>&1"
        _ = try CommandRunner.run(["-c", "HOME='\(home.path)' XDG_STATE_HOME= " + line], executable: URL(fileURLWithPath: "/bin/sh"))
        return (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n").map(String.init)
    }

    /// Every file under the home folder and its bytes.
    func snapshot() -> [String: Data] {
        var files: [String: Data] = [:]
        let root = home.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        while let name = walker.nextObject() as? String {
            var folder: ObjCBool = false
            let full = root + "/" + name
            if FileManager.default.fileExists(atPath: full, isDirectory: &folder), !folder.boolValue, name != "one-file.log" {
                files[name] = FileManager.default.contents(atPath: full)
            }
        }
        return files
    }

    /// A real share record, as `quorum split` writes it, in a file.
    func shareRecord(_ name: String = "share.bin") throws -> String {
        let split = try run(["quorum", "split", "--k", "2", "--n", "3", "--json"])
        let hex = try #require(split.jsonLines.first?["share"] as? String)
        let bytes = stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func remove() { try? FileManager.default.removeItem(at: home) }
}

/// What an operator must never read: a library's raw error text, a Swift case name.
func expectOperatorWords(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for raw in ["Error Domain=", "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "Swift.DecodingError", "oversizedPacket",
                "sourceFailed", "CCIDReaderError(", "PCSCError(", "USBError("] {
        #expect(!text.contains(raw), "\(raw) in: \(text)", sourceLocation: sourceLocation)
    }
}

/// The command line as an operator meets it: every command in the situations of the field
/// (no device, bad or conflicting options, unwritable paths, damaged state, a second create,
/// a card of the set in use, a wrong PIN, a cancel), with its exit status, its message, and
/// the state (journal, simulated cards) byte for byte the same after every refused run.
@Suite(.serialized) struct OperatorContractTests {
    static let appliancePrompts = ["Write New Key", "Insert 1. card", "Read New Key"]

    private func expectNoPrompt(_ result: CommandRunner.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        for prompt in Self.appliancePrompts {
            #expect(!result.stdout.contains(prompt), "a prompt was shown: \(result.stdout)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Simulation only when asked

    @Test(arguments: [["ceremony", "create", "--quorum", "2/3"], ["ceremony", "restore"], ["ceremony", "copy"],
                      ["card", "status"], ["card", "verify", "--slot", "share"]])
    func withNothingAttachedNothingIsSimulated(command: [String]) throws {
        let person = Operator()
        defer { person.remove() }
        let result = try person.run(command)
        #expect(result.status == 1)
        #expect(result.stderr.contains("no card reader found: seen"), "\(result.stderr)")
        #expect(result.stderr.contains("run on the simulator with --simulate"))
        #expect(!result.stdout.contains("SIMULATION") && !result.stdout.contains("simulated"))
        expectNoPrompt(result)
        #expect(person.snapshot().isEmpty, "a refused run wrote \(person.snapshot().keys)")
    }

    @Test func aSimulatedRunSaysSoFirstAndLastAndKeepsItsStateApart() throws {
        let person = Operator()
        defer { person.remove() }
        let made = try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.lines.first?.hasPrefix("SIMULATION:") == true && made.lines.last?.hasPrefix("SIMULATION:") == true)
        #expect(FileManager.default.fileExists(atPath: person.simulatedJournal))
        #expect(!FileManager.default.fileExists(atPath: person.applianceJournal), "a simulated set entered the appliance's journal")
        // The appliance's journal is never the simulator's, even when named.
        let named = try person.run(["ceremony", "journal", "--simulate", "--journal", person.applianceJournal])
        #expect(named.status == 64 && named.stderr.contains("a simulated set never enters it"))
        // A failing simulated run ends with the marker too, after the error.
        let refused = try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate"])
        #expect(refused.status != 0)
        #expect(refused.stdout.hasPrefix("SIMULATION:") && refused.stderr.split(separator: "\n").last?.hasPrefix("SIMULATION:") == true)
        #expect(try person.run(["ceremony", "journal"]).stdout.contains("no share sets recorded"))
    }

    // MARK: One backup key per appliance

    @Test func aSecondCreateIsRefusedBeforeAnyPromptAndReplaceKeySaysWhatItReplaces() throws {
        let person = Operator()
        defer { person.remove() }
        let first = try person.run(["ceremony", "create", "--quorum", "2/3", "--simulate"])
        #expect(first.status == 0, "\(first.stderr)")
        let set = try #require(first.lines.first { $0.hasPrefix("Set ") }?.split(separator: " ")[1])
        let before = person.snapshot()
        let second = try person.run(["ceremony", "create", "--quorum", "2/3", "--simulate"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("has a backup key: set \(set) (2 of 3), in use since"), "\(second.stderr)")
        #expect(second.stderr.contains("--replace-key"))
        expectNoPrompt(second)
        #expect(person.snapshot() == before)

        let replaced = try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--replace-key", "--cards", "4,5,4,5"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("Replacing the backup key of set \(set): backups made under it need 2 of its cards"))
        #expect(replaced.stdout.contains("it replaces set \(set): backups made under that key need its cards to be read"))
        let journal = try person.run(["ceremony", "journal", "--simulate", "--json"])
        let sets = journal.jsonLines.filter { $0["set"] != nil }
        #expect(sets.map { $0["state"] as? String } == ["replaced", "verified"])
        #expect(journal.jsonLines.last?["inUse"] as? String != String(set))
    }

    /// A restore of a set that is not the one in use reads and checks it, and says so.
    @Test func aRestoreOfAnotherSetSaysItIsNotInUse() throws {
        let person = Operator()
        defer { person.remove() }
        let other = person.path("other-cards")
        #expect(try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate"]).status == 0)
        #expect(try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--cards-dir", other]).status == 0)
        let journal = person.simulatedJournal
        let before = FileManager.default.contents(atPath: journal)
        let restore = try person.run(["ceremony", "restore", "--simulate", "--cards-dir", other, "--journal", journal])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("is not the simulated appliance's backup key"), "\(restore.stdout)")
        #expect(FileManager.default.contents(atPath: journal) == before)
    }

    // MARK: No share is lost

    @Test func cardWriteTakesOnlyAValidShareRecordAndOverwritesOnlyWhenAsked() throws {
        let person = Operator()
        defer { person.remove() }
        #expect(try person.run(["ceremony", "create", "--quorum", "2/3", "--simulate"]).status == 0)
        let empty = person.path("empty")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let garbage = person.path("garbage")
        _ = FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x5A, count: 68))
        let before = person.snapshot()
        for (file, message) in [(empty, "is empty"), (garbage, "is not a valid share record"),
                                (person.path("missing"), "does not exist"), (person.home.path, "is a folder")] {
            let refused = try person.run(["card", "write", "--slot", "share", "--from", file, "--simulate", "--keys", "ok,123456,ok"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
            #expect(!refused.stdout.contains("Write New Key"))
            #expect(person.snapshot() == before)
        }
        let credential = person.path("credential")
        _ = FileManager.default.createFile(atPath: credential, contents: Data(repeating: 0, count: 32))
        let zeros = try person.run(["card", "write", "--slot", "activation", "--from", credential, "--simulate"])
        #expect(zeros.status == 64 && zeros.stderr.contains("one byte repeated"))

        // Card 1 holds share 1 of the set in use: not without --overwrite, and not with it
        // either while the set would be left short of k cards on record (2 of 3: 2 left is fine).
        let record = try person.shareRecord()
        let held = try person.run(["card", "write", "--slot", "share", "--from", record, "--simulate", "--keys", "ok,123456,ok"])
        #expect(held.status != 0)
        #expect(held.stderr.contains("already holds share 1 of set") && held.stderr.contains("--overwrite"), "\(held.stderr)")
        #expect(person.snapshot().filter { $0.key.hasSuffix("ceremony.json") } == before.filter { $0.key.hasSuffix("ceremony.json") })
        let overwritten = try person.run(["card", "write", "--slot", "share", "--from", record, "--overwrite", "--simulate",
                                          "--keys", "ok,123456,ok"])
        #expect(overwritten.status == 0, "\(overwritten.stderr)")
        #expect(overwritten.stdout.contains("is left with 2 card(s) on record, 2 needed"), "\(overwritten.stdout)")
        let journal = try person.run(["ceremony", "journal", "--simulate"]).stdout
        #expect(journal.contains("history:") && journal.contains("overwritten with") && journal.contains("(card write)"))
        #expect(!journal.contains("share 1 on card 89490173000000000101"))
        // Card 2 now is the last card of its share on record: overwriting it would strand the key.
        let last = try person.run(["card", "write", "--slot", "share", "--from", record, "--overwrite", "--simulate",
                                   "--card-state", person.path(".local/state/trustedpath/simulator/cards/card-2"),
                                   "--keys", "ok,123456,ok"])
        #expect(last.status != 0)
        #expect(last.stderr.contains("fewer than the 2 its key needs: nothing was written"), "\(last.stderr)")
    }

    @Test func aDamagedJournalIsNamedAndLeftAsItIs() throws {
        let person = Operator()
        defer { person.remove() }
        try FileManager.default.createDirectory(atPath: person.path(".local/state/trustedpath/simulator"),
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: person.simulatedJournal, contents: Data("{\"version\": 1, \"se".utf8))
        let before = person.snapshot()
        for command in [["ceremony", "create"], ["ceremony", "restore"], ["ceremony", "copy"], ["ceremony", "journal"]] {
            let result = try person.run(command + ["--simulate"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("the ceremony journal \(person.simulatedJournal) is damaged (it is not valid JSON)"),
                    "\(result.stderr)")
            #expect(result.stderr.contains("mv \(person.simulatedJournal) \(person.simulatedJournal).damaged"))
            expectOperatorWords(result.stderr)
            expectNoPrompt(result)
            #expect(person.snapshot() == before)
        }
    }

    // MARK: Everything checked before the first prompt

    @Test(arguments: [
        (["ceremony", "create", "--encrypt", "plain"], 64, "--encrypt needs --encrypted OUT"),
        (["ceremony", "create", "--encrypted", "out"], 64, "--encrypted needs --encrypt FILE"),
        (["ceremony", "restore", "--decrypt", "sealed"], 64, "--decrypt needs --output OUT"),
        (["ceremony", "create", "--encrypt", "nowhere", "--encrypted", "out"], 1, "the file to encrypt"),
        (["ceremony", "create", "--encrypt", "plain", "--encrypted", "."], 1, "is a folder: name a file"),
        (["ceremony", "create", "--encrypt", "plain", "--encrypted", "plain/x"], 1, "is a file, so"),
        (["ceremony", "create", "--encrypt", "plain", "--encrypted", "plain"], 64, "is the input file itself"),
        (["ceremony", "create", "--encrypt", "plain", "--encrypted", "sealed"], 1, "exists already and is never overwritten"),
        (["ceremony", "restore", "--decrypt", "sealed", "--output", "plain"], 1, "exists already and is never overwritten"),
        (["ceremony", "restore", "--decrypt", "plain", "--output", "out"], 1, "is not a TrustedPath backup"),
        (["ceremony", "create", "--cards", "1,x"], 64, "--cards 1,x: card numbers 1 to 99"),
        (["ceremony", "create", "--cards", ""], 64, "--cards : card numbers"),
        (["ceremony", "create", "--pin", "12"], 64, "--pin: a card PIN has 6 to 8 digits"),
        (["ceremony", "create", "--new-pin", "12345678901"], 64, "--new-pin: a card PIN has 6 to 8 digits"),
        (["ceremony", "create", "--new-pin", "123456"], 64, "123456 is the cards' default PIN"),
        (["ceremony", "create", "--quorum", "5/3"], 64, "--quorum 5/3"),
        (["ceremony", "create", "--cards-dir", "plain"], 1, "is a file, so"),
        (["ceremony", "create", "--record", "."], 1, "is a folder: name a file"),
        (["ceremony", "create", "--journal", "."], 1, "is a folder, not a file"),
        (["card", "status", "--card-state", "."], 1, "is a folder"),
        (["card", "status", "--record", "plain/x"], 1, "is a file, so"),
    ] as [([String], Int32, String)])
    func aRefusedOptionTouchesNothing(arguments: [String], status: Int32, message: String) throws {
        let person = Operator()
        defer { person.remove() }
        try Data("backup".utf8).write(to: URL(fileURLWithPath: person.path("plain")))
        #expect(try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--encrypt", person.path("plain"),
                                "--encrypted", person.path("sealed")]).status == 0)
        let before = person.snapshot()
        let replaceKey = arguments.prefix(2) == ["ceremony", "create"] ? ["--replace-key"] : []
        let result = try CommandRunner.run(arguments + ["--simulate"] + replaceKey, environment: ["HOME": person.home.path,
                                                                                                 "XDG_STATE_HOME": ""],
                                           workingDirectory: person.home)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        expectOperatorWords(result.stderr)
        expectNoPrompt(result)
        #expect(person.snapshot() == before, "a refused run changed \(arguments)")
    }

    @Test func simulatorOptionsWithoutSimulateAreRefusedBeforeAnyDevice() throws {
        let person = Operator()
        defer { person.remove() }
        for arguments in [["ceremony", "create", "--pin", "654321"], ["ceremony", "restore", "--cards", "1,2"],
                          ["card", "status", "--keys", "ok"], ["card", "status", "--card-state", "x"],
                          ["card", "status", "--pcsc", "Reader", "--record", "x.pcap"]] {
            let result = try person.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("--simulate") || result.stderr.contains("--record captures"), "\(result.stderr)")
            #expect(person.snapshot().isEmpty)
        }
    }

    // MARK: Every option works, every advice can be followed

    @Test func aNewPINIsSetAndTheCardsAreReadBackAndRestoredWithIt() throws {
        let person = Operator()
        defer { person.remove() }
        let made = try person.run(["ceremony", "create", "--quorum", "2/3", "--simulate", "--new-pin", "24681357"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("PIN changed on card 89490173000000000101, card 89490173000000000102, card 89490173000000000103"))
        #expect(!made.stdout.contains("24681357") && !made.stderr.contains("24681357"))
        let restored = try person.run(["ceremony", "restore", "--simulate", "--cards", "3,1", "--pin", "24681357"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(!restored.stdout.contains("default PIN 123456"))
        let status = try person.run(["card", "status", "--slot", "share", "--simulate", "--json"])
        #expect(status.jsonLines.first { $0["slot"] as? String == "share" }?["defaultPIN"] as? Bool == false)
    }

    @Test func theLastTryIsRefusedWithAFlagTheCeremonyHas() throws {
        let person = Operator()
        defer { person.remove() }
        let wrong = try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--pin", "999999", "--cards", "1,1,1"])
        #expect(wrong.stdout.contains("Confirm the last try explicitly (--allow-last-try)"))
        let help = try person.run(["ceremony", "create", "--help"])
        #expect(help.stdout.contains("--allow-last-try"))
        let last = try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--pin", "999999", "--cards", "1",
                                   "--allow-last-try"])
        #expect(last.stdout.contains("the PIN is blocked") || last.stdout.contains("wrong PIN"), "\(last.stdout)")
        #expect(try person.run(["card", "status", "--slot", "share", "--simulate"]).stdout.contains("BLOCKED"))
    }

    // MARK: Errors in the operator's words, no secret

    @Test func theKeysScriptIsNeverEchoed() throws {
        let person = Operator()
        defer { person.remove() }
        let result = try person.run(["card", "verify", "--slot", "share", "--simulate", "--keys", "135790,bogus"])
        #expect(result.status == 64)
        #expect(!result.stderr.contains("135790") && !result.stdout.contains("135790"))
        let typed = try person.run(["card", "verify", "--slot", "share", "--simulate", "--keys", "135790,ok"])
        #expect(!typed.stderr.contains("135790") && !typed.stdout.contains("135790"))
        #expect(typed.stderr.contains("wrong PIN; 2 tries left"))
    }

    // MARK: Output an operator can follow

    @Test func aLogInOneFileKeepsTheOrderAndThePromptComesBeforeTheAction() throws {
        let person = Operator()
        defer { person.remove() }
        let lines = try person.runIntoOneFile(["ceremony", "create", "--quorum", "2/2", "--simulate", "--pin", "999999",
                                               "--cards", "1,1,1"])
        let prompt = try #require(lines.firstIndex { $0 == "[pad] Insert 1. card / press OK/Cancel" })
        let action = try #require(lines.firstIndex { $0 == "[operator] inserts card 1 and presses OK" })
        #expect(prompt < action)
        let wrong = try #require(lines.firstIndex { $0.contains("wrong PIN; 2 tries left") })
        let error = try #require(lines.firstIndex { $0.hasPrefix("error: ") })
        #expect(wrong < error && error == lines.count - 2, "\(lines.suffix(4))")
        #expect(lines.last?.hasPrefix("SIMULATION:") == true && lines.first?.hasPrefix("SIMULATION:") == true)
    }

    @Test func theSummaryListsEveryCardWritten() throws {
        let person = Operator()
        defer { person.remove() }
        let made = try person.run(["ceremony", "create", "--quorum", "3/5", "--simulate"])
        #expect(made.status == 0, "\(made.stderr)")
        for card in 1...5 { #expect(made.stdout.contains("  share \(card) written to card 8949017300000000010\(card)")) }
        #expect(made.stdout.contains("  read back and checked: share 3"))
        #expect(made.stdout.contains("  no PIN was changed"))
    }

    // MARK: Recording and JSON

    @Test func aRecordedCardWriteKeepsTheShareAndPINOutOfTheCapture() throws {
        let person = Operator()
        defer { person.remove() }
        let record = try person.shareRecord()
        let capture = person.path("write.pcap")
        let write = try person.run(["card", "write", "--slot", "share", "--from", record, "--simulate", "--keys", "ok,123456,ok",
                                    "--record", capture])
        #expect(write.status == 0, "\(write.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: capture))
        let share = try #require(FileManager.default.contents(atPath: record))
        #expect(bytes.range(of: share.subdata(in: 32..<64)) == nil, "the share's bytes are in the capture")
        #expect(bytes.range(of: Data("123456".utf8)) == nil)
        let decoded = try person.run(["transcript", "decode", "--json", capture])
        #expect(decoded.status == 0 && decoded.jsonLines.contains { $0["message"] as? String == "PC_to_RDR_Secure" },
                "\(decoded.stdout.prefix(400))")
    }

    @Test func stateCommandsSpeakJSON() throws {
        let person = Operator()
        defer { person.remove() }
        #expect(try person.run(["ceremony", "create", "--quorum", "2/2", "--simulate"]).status == 0)
        let journal = try person.run(["ceremony", "journal", "--simulate", "--json"])
        let set = try #require(journal.jsonLines.first { $0["set"] != nil })
        #expect(set["k"] as? Int == 2 && set["state"] as? String == "verified" && set["inUse"] as? Bool == true)
        #expect((set["shares"] as? [Any])?.count == 2)
        // Every line of standard output is JSON: the simulation's markers go to standard error.
        let status = try person.run(["card", "status", "--simulate", "--json"])
        #expect(status.jsonLines.allSatisfy { !$0.isEmpty } && status.lines.count == 3, "\(status.stdout)")
        #expect(status.jsonLines.dropFirst().first?["content"] as? String == "shareRecord")
        #expect(status.jsonLines.first?["card"] as? String == "trustedPath")
        #expect(status.stderr.hasPrefix("SIMULATION:"))
        #expect(journal.jsonLines.allSatisfy { !$0.isEmpty })
    }
}
