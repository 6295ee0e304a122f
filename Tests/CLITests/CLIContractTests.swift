import Foundation
import Testing
import TestSupport

/// The command-line contracts the issues name: JSON keys, one object a line, input order,
/// and a non-zero exit status for bad input.
@Suite struct CLIContractTests {
    static let tcosATR = "3B BF 96 00 81 31 FE 5D 00 64 04 11 03 01 31 C0 73 F7 01 D0 00 90 00 7D"

    @Test func atrJSONForTheTCOSCard() throws {
        let result = try CommandRunner.run(["atr", "--json", Self.tcosATR.replacingOccurrences(of: " ", with: "")])
        #expect(result.status == 0)
        let atr = try #require(result.jsonLines.first)
        #expect(atr["TS"] as? Int == 0x3B && atr["T0"] as? Int == 0xBF)
        #expect((atr["TA"] as? [Any])?.count == 3)
        #expect((atr["TA"] as? [Any])?.first as? Int == 0x96)
        #expect((atr["TC"] as? [Any])?.first is NSNull)
        #expect(atr["historicalBytes"] as? String == "00640411030131c073f701d0009000")
        #expect(atr["TCK"] as? Int == 0x7D && atr["tckValid"] as? Bool == true)
        #expect(atr["protocols"] as? [Int] == [1])
        #expect(atr["Fi"] as? Int == 512 && atr["Di"] as? Int == 32)
    }

    @Test func atrReadsStdinInOrderAndFailsOnABadOne() throws {
        let result = try CommandRunner.run(["atr", "--json"], stdin: "3B 02 14 50\n3C 00\n" + Self.tcosATR + "\n")
        #expect(result.status != 0)
        let lines = result.jsonLines
        #expect(lines.count == 3)
        #expect(lines[0]["Fi"] as? Int == 372 && lines[0]["Di"] as? Int == 1)
        #expect(lines[1]["error"] is String)
        #expect(lines[2]["T0"] as? Int == 0xBF)
    }

    @Test func badHexSaysWhatIsWrongWithIt() throws {
        for command in [["atr", "--json"], ["ccid", "descriptor", "--json"]] {
            let result = try CommandRunner.run(command + ["3B 02 14 5", "3B:0Z", "0x3B021450"])
            #expect(result.status != 0)
            let errors = result.jsonLines.map { $0["error"] as? String ?? "" }
            #expect(errors.count == 3)
            #expect(errors[0].contains("7 hex digits, an odd number"), "\(errors[0])")
            #expect(errors[1].contains("'Z' at character 5 is not a hex digit"), "\(errors[1])")
            // The third is good hex: an ATR, and for `ccid descriptor` too short to be one.
            #expect(!errors[2].contains("hex"), "\(errors[2])")
        }
    }

    @Test func descriptorJSONHasTheSpecKeysInOrder() throws {
        let acr122u = "36210001000703000000a00f0000a00f000000002a000090d0030000f70000000000000000000000300001000f010000000000000001"
        let result = try CommandRunner.run(["ccid", "descriptor", "--json", acr122u])
        #expect(result.status == 0)
        let keys = ["bcdCCID", "bMaxSlotIndex", "bVoltageSupport", "dwProtocols", "dwDefaultClock", "dwMaximumClock",
                    "bNumClockSupported", "dwDataRate", "dwMaxDataRate", "bNumDataRatesSupported", "dwMaxIFSD",
                    "dwSynchProtocols", "dwMechanical", "dwFeatures", "dwMaxCCIDMessageLength", "bClassGetResponse",
                    "bClassEnvelope", "wLcdLayout", "bPINSupport", "bMaxCCIDBusySlots", "exchangeLevel"]
        let line = try #require(result.lines.first)
        let order = keys.compactMap { line.range(of: "\"\($0)\":")?.lowerBound }
        #expect(order.count == keys.count && order == order.sorted())
        let object = try #require(result.jsonLines.first)
        #expect(object["dwMaxIFSD"] as? Int == 247)
        #expect(object["dwFeatures"] as? Int == 0x0001_0030)
        #expect(object["exchangeLevel"] as? String == "tpdu")
    }

    @Test func decodeJSONOfTheSampleCapture() throws {
        let result = try CommandRunner.run(["transcript", "decode", "--json",
                                            Fixture.url("captures/emv-reader-usbmon.pcap").path])
        #expect(result.status == 0)
        let lines = result.jsonLines
        #expect(lines.count == 426)
        let first = try #require(lines.first)
        #expect(first["frame"] as? Int == 13)
        #expect(first["direction"] as? String == "out")
        #expect(first["endpoint"] as? Int == 2)
        #expect(first["bMessageType"] as? Int == 0x63)
        #expect(first["dwLength"] as? Int == 0 && first["bSlot"] as? Int == 0 && first["bSeq"] as? Int == 34)
    }

    @Test func decodeOfADamagedCaptureKeepsWhatItReadAndNamesTheOffset() throws {
        let whole = try Fixture.bytes("captures/emv-reader-usbmon.pcap")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString).pcap")
        defer { try? FileManager.default.removeItem(at: path) }
        try Data(whole.prefix(40_000)).write(to: path)
        let result = try CommandRunner.run(["transcript", "decode", "--json", path.path])
        #expect(result.status != 0)
        #expect(result.jsonLines.count > 100)
        #expect(result.stderr.contains("offset"))
    }

    @Test func decodeOfAFileThatIsNotACapture() throws {
        let result = try CommandRunner.run(["transcript", "decode", Fixture.url("README.md").path])
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }
}

@Suite struct TranscriptConversionTests {
    /// Capture to text to capture gives back the same packets, and the text is stable.
    @Test func textAndPcapConvertBothWays() throws {
        let original = Fixture.url("captures/emv-reader-usbmon.pcap").path
        let text = try CommandRunner.run(["transcript", "text", original])
        #expect(text.status == 0)
        #expect(text.lines.count == 902)
        #expect(text.lines[12].contains(" S Bo 1:2:02 st=-115 len=10 data=6300000000002200"))
        let rebuilt = FileManager.default.temporaryDirectory.appendingPathComponent("rebuilt-\(UUID().uuidString).pcap")
        defer { try? FileManager.default.removeItem(at: rebuilt) }
        let back = try CommandRunner.run(["transcript", "pcap", "-", rebuilt.path], stdin: text.stdout)
        #expect(back.status == 0, "\(back.stderr)")
        let again = try CommandRunner.run(["transcript", "text", rebuilt.path])
        #expect(again.stdout == text.stdout)
        let decoded = try CommandRunner.run(["transcript", "decode", "--json", rebuilt.path])
        let reference = try CommandRunner.run(["transcript", "decode", "--json", original])
        #expect(decoded.stdout == reference.stdout)
    }

    @Test func aBadTextLineIsNamed() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).pcap")
        let result = try CommandRunner.run(["transcript", "pcap", "-", out.path], stdin: "# header\n1.000000 1 S Bo 1:2:02 len=3\n")
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 2"))
    }
}

@Suite struct QuorumCLITests {
    static let secret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    @Test func splitPrintsOneShareALineAndAnyKCombine() throws {
        let split = try CommandRunner.run(["quorum", "split", "--k", "3", "--n", "5", "--secret", Self.secret, "--json"])
        #expect(split.status == 0)
        let shares = split.jsonLines
        #expect(shares.map { $0["x"] as? Int } == [1, 2, 3, 4, 5])
        #expect(shares.allSatisfy { ($0["y"] as? String)?.count == 64 && ($0["share"] as? String)?.count == 136 })
        let lines = split.lines
        for chosen in [[0, 1, 2], [4, 2, 0], [1, 3, 4]] {
            let combined = try CommandRunner.run(["quorum", "combine"], stdin: chosen.map { lines[$0] }.joined(separator: "\n"))
            #expect(combined.status == 0)
            #expect(combined.stdout == Self.secret + "\n")
        }
        let tooFew = try CommandRunner.run(["quorum", "combine"], stdin: lines[0] + "\n" + lines[1])
        #expect(tooFew.status != 0)
        #expect(tooFew.stderr.contains("3 shares are needed, 2 given"))
        #expect(!tooFew.stderr.contains(Self.secret))
    }

    /// `backup encrypt|decrypt` under the key recombined from shares: any k shares decrypt,
    /// another key and too few shares are refused with a message, and nothing is written.
    @Test func backupEncryptsUnderTheSharesKeyAndOnlyThatKeyDecrypts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        try Data("partition backup".utf8).write(to: URL(fileURLWithPath: path("plain")))
        let lines = try CommandRunner.run(["quorum", "split", "--k", "2", "--n", "3", "--secret", Self.secret, "--json"]).lines
        try (lines[0] + "\n" + lines[2]).write(toFile: path("shares13"), atomically: true, encoding: .utf8)
        #expect(try CommandRunner.run(["backup", "encrypt", "--shares", path("shares13"), path("plain"), path("sealed")]).status == 0)
        let sealed = try Data(contentsOf: URL(fileURLWithPath: path("sealed")))
        #expect(sealed.prefix(4) == Data("TPBK".utf8) && sealed.range(of: Data("partition backup".utf8)) == nil)

        let decrypted = try CommandRunner.run(["backup", "decrypt", "--shares", "-", path("sealed"), path("out")],
                                              stdin: lines[1] + "\n" + lines[2])
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("out"))) == Data("partition backup".utf8))

        let other = try CommandRunner.run(["quorum", "split", "--k", "2", "--n", "2", "--json"]).stdout
        let wrong = try CommandRunner.run(["backup", "decrypt", "--shares", "-", path("sealed"), path("wrong")], stdin: other)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("made with another backup key"))
        let few = try CommandRunner.run(["backup", "decrypt", "--shares", "-", path("sealed"), path("few")], stdin: lines[0])
        #expect(few.status != 0 && few.stderr.contains("2 shares are needed, 1 given"))
        #expect(!FileManager.default.fileExists(atPath: path("wrong")) && !FileManager.default.fileExists(atPath: path("few")))
    }

    @Test func invalidThresholdsAreRefused() throws {
        for (k, n) in [("1", "3"), ("4", "3"), ("2", "17")] {
            let result = try CommandRunner.run(["quorum", "split", "--k", k, "--n", n])
            #expect(result.status != 0, "k=\(k) n=\(n)")
        }
    }
}

/// The main job through the command line: the ceremony on the simulators, as `make demo`
/// runs it, and its failure cases.
@Suite struct CeremonyCLITests {
    private func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ceremony-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func createThenRestoreFromAnyTwoCardsDecryptsTheBackup() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain"), sealed = dir.appendingPathComponent("sealed")
        let restored = dir.appendingPathComponent("restored"), cards = dir.appendingPathComponent("cards").path
        try Data("partition backup".utf8).write(to: plain)
        let create = try CommandRunner.run(["ceremony", "create", "--quorum", "2/3", "--simulate", "--cards-dir", cards,
                                            "--encrypt", plain.path, "--encrypted", sealed.path])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout.contains("Write New Key / press OK/Cancel"))
        #expect(create.stdout.contains("Insert 3. card / press OK/Cancel"))
        #expect(create.stdout.contains("Read New Key / press OK/Cancel"))
        #expect(create.stdout.contains("still has the default PIN 123456"))
        #expect(!create.stdout.contains("123456,") && !create.stdout.contains("313233343536"))
        let restore = try CommandRunner.run(["ceremony", "restore", "--simulate", "--cards-dir", cards, "--cards", "3,1",
                                             "--decrypt", sealed.path, "--output", restored.path])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Data(contentsOf: restored) == Data("partition backup".utf8))
        let journal = try CommandRunner.run(["ceremony", "journal", "--simulate", "--cards-dir", cards])
        #expect(journal.stdout.contains("(2 of 3): verified, in use: share 1 on card 89490173000000000101"))
    }

    @Test func theSameCardTwiceIsNotTwoCards() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cards = dir.appendingPathComponent("cards").path
        #expect(try CommandRunner.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--cards-dir", cards]).status == 0)
        let twice = try CommandRunner.run(["ceremony", "restore", "--simulate", "--cards-dir", cards, "--cards", "2,2"])
        #expect(twice.status != 0)
        #expect(twice.stdout.contains("which was read already: insert a different card"))
    }

    /// `ceremony copy` refuses a target that holds a share of a set in use, says how to
    /// overwrite it; with --overwrite it still never leaves a set this appliance keeps short of
    /// k cards; a spare card is overwritten, and the journal names the copy and the overwrite.
    @Test func copyRefusesACardOfASetInUseUnlessToldToOverwrite() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cards = dir.appendingPathComponent("cards").path
        let base = ["--simulate", "--cards-dir", cards]
        let card = { (n: Int) in "8949017300000000010\(n)" }
        #expect(try CommandRunner.run(["ceremony", "create", "--quorum", "2/2", "--cards", "1,2,1,2"] + base).status == 0)
        #expect(try CommandRunner.run(["ceremony", "create", "--quorum", "2/2", "--replace-key", "--cards", "3,4,3,4"] + base).status == 0)
        let refused = try CommandRunner.run(["ceremony", "copy", "--cards", "1,3"] + base)
        #expect(refused.status != 0)
        #expect(refused.stdout.contains("which is still in use: insert another card (or run with --overwrite)"))
        let short = try CommandRunner.run(["ceremony", "copy", "--overwrite", "--cards", "1,3"] + base)
        #expect(short.status != 0)
        #expect(short.stdout.contains("fewer than the 2 its key needs: nothing was written"), "\(short.stdout)")
        let spare = try CommandRunner.run(["ceremony", "copy", "--cards", "1,5"] + base)
        #expect(spare.status == 0, "\(spare.stderr)")
        #expect(spare.stdout.contains("[pad] Insert source / card: OK/Cancel"))
        #expect(spare.stdout.contains("[pad] Insert target / card: OK/Cancel"))
        #expect(spare.stdout.contains("copied from card \(card(1)) (source) to card \(card(5)) (target)"))
        let copied = try CommandRunner.run(["ceremony", "copy", "--overwrite", "--cards", "3,1"] + base)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("on card \(card(1)): set"))
        #expect(copied.stdout.contains("is left with 2 card(s) on record, 2 needed"))
        let journal = try CommandRunner.run(["ceremony", "journal"] + base).stdout
        #expect(journal.contains("verified, in use: share 1 on card \(card(1)), share 1 on card \(card(3))"), "\(journal)")
        #expect(journal.contains("replaced: share 1 on card \(card(5)), share 2 on card \(card(2))"), "\(journal)")
        #expect(journal.contains("history:") && journal.contains("card \(card(1)): share 1 of set"))
    }

    @Test func aWrongPINThreeTimesBlocksThatCardAndTheCeremonyUsesAnother() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cards = dir.appendingPathComponent("cards").path
        // The operator types a wrong PIN: each card refuses it until its last try, which is
        // never spent; without another card the ceremony stops and nothing is adopted.
        let wrong = try CommandRunner.run(["ceremony", "create", "--quorum", "2/2", "--simulate", "--cards-dir", cards,
                                           "--pin", "999999", "--cards", "1,1,1,1"])
        #expect(wrong.status != 0)
        #expect(wrong.stdout.contains("wrong PIN; 2 tries left"))
        #expect(wrong.stdout.contains("wrong PIN; only 1 try left"))
        #expect(wrong.stdout.contains("only 1 PIN try is left; a wrong PIN now blocks the slot, so nothing was sent to the card"))
        #expect(wrong.stderr.contains("abandoned") && wrong.stderr.contains("the backup key is unchanged"))
        let journal = try CommandRunner.run(["ceremony", "journal", "--simulate", "--cards-dir", cards])
        #expect(journal.stdout.contains("abandoned"))
        #expect(journal.stdout.contains("no backup key in use"))
    }
}
