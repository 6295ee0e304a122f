import Foundation
import Testing
import TestSupport

/// Issue 11, the operator's path is safe: the transcript, bench and version commands refuse
/// what they cannot do with a message in plain words, and never trap.
@Suite struct TranscriptCLIContractTests {
    static let sample = Fixture.url("captures/emv-reader-usbmon.pcap").path

    /// A fresh folder per test, removed by the caller.
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("transcript-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func contents(_ folder: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
    }

    // MARK: Counts

    @Test(arguments: [
        (["transcript", "synthesize", "--messages"], "from 2 to 100,000,000"),
        (["bench", "stack", "--apdus"], "from 1 to 10,000,000"),
        (["bench", "quorum", "--rounds"], "from 1 to 1,000,000"),
        (["bench", "quorum", "--samples"], "from 1,000 to 10,000,000"),
    ])
    func badCountsAreRefusedWithTheRange(command: [String], range: String) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = command[0] == "transcript" ? [dir.appendingPathComponent("out.pcap").path] : []
        for count in ["0", "-5", "99999999999999999999", "1000000000000", "many"] {
            let result = try CommandRunner.run(command + [count] + output, timeout: .seconds(30))
            #expect(result.status == 64, "\(command) \(count): \(result.stderr)")
            #expect(result.stderr.contains(range), "\(command) \(count): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
        #expect(contents(dir).isEmpty)
    }

    @Test func anOddMessageCountIsRefusedAndAnEvenOneIsWhatIsWritten() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("small.pcap").path
        let odd = try CommandRunner.run(["transcript", "synthesize", "--messages", "7", path])
        #expect(odd.status == 64)
        #expect(odd.stderr.contains("--messages 7 is odd") && odd.stderr.contains("6 or 8"), "\(odd.stderr)")
        #expect(contents(dir).isEmpty)

        let even = try CommandRunner.run(["transcript", "synthesize", "--messages", "8", path])
        #expect(even.status == 0, "\(even.stderr)")
        #expect(even.stdout.contains("wrote 8 CCID messages"))
        let decoded = try CommandRunner.run(["transcript", "decode", "--json", path])
        #expect(decoded.status == 0)
        #expect(decoded.jsonLines.count == 8)
        // Only the finished file is left: the temporary one it was written under is gone.
        #expect(contents(dir) == ["small.pcap"])
    }

    @Test func synthesizeRefusesAnUnwritablePlaceBeforeWriting() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let cases = [
            (dir.path, "it is a directory"),
            (dir.appendingPathComponent("missing/out.pcap").path, "the folder \(dir.path)/missing does not exist"),
            (file.appendingPathComponent("out.pcap").path, "is a file, not a folder"),
        ]
        for (path, reason) in cases {
            let result = try CommandRunner.run(["transcript", "synthesize", path])
            #expect(result.status == 1, "\(path)")
            #expect(result.stderr.contains("cannot write \(path): "), "\(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
            #expect(!result.stdout.contains("wrote"))
        }
        #expect(contents(dir) == ["plain-file"])
    }

    // MARK: decode --json

    /// Every byte the text form prints after a message's header fields is in the JSON object
    /// of the same message: the ATR, response data and status word, other message data.
    @Test func decodeJSONCarriesTheBytesTheTextFormShows() throws {
        let json = try CommandRunner.run(["transcript", "decode", "--json", Self.sample])
        let text = try CommandRunner.run(["transcript", "decode", Self.sample])
        #expect(json.status == 0 && text.status == 0)
        var textLines: [Int: [String]] = [:]
        for line in text.lines {
            guard line.hasPrefix("#"), let frame = Int(line.dropFirst().prefix { $0.isNumber }) else { continue }
            textLines[frame, default: []].append(line)
        }
        func spaced(_ hex: String) -> String {
            var pairs: [String] = []
            var rest = Substring(hex.uppercased())
            while !rest.isEmpty { pairs.append(String(rest.prefix(2))); rest = rest.dropFirst(2) }
            return pairs.joined(separator: " ")
        }
        var checked = 0
        for object in json.jsonLines where object["apdu"] == nil {
            let frame = try #require(object["frame"] as? Int)
            let message = try #require(object["message"] as? String)
            let line = try #require(textLines[frame]?.first { $0.contains("  \(message)  ") }, "frame \(frame)")
            let shown: String
            if let sw1 = object["SW1"] as? Int, let sw2 = object["SW2"] as? Int {
                let data = try #require(object["data"] as? String, "frame \(frame)")
                shown = (data.isEmpty ? "" : spaced(data) + "  ") + String(format: "SW %02X %02X", sw1, sw2)
            } else if let bytes = (object["atr"] ?? object["data"]) as? String {
                shown = spaced(bytes)
            } else {
                continue
            }
            #expect(line.hasSuffix("  " + shown) || line.hasSuffix("  " + shown + "  (truncated)"),
                    "frame \(frame): text \(line), JSON \(shown)")
            checked += 1
        }
        #expect(checked > 200)

        let lines = json.jsonLines
        let atr = try #require(lines.first { $0["frame"] as? Int == 20 })
        #expect(atr["atr"] as? String == "3b6500002063cbbc00")
        #expect(textLines[20]?.first?.hasSuffix("3B 65 00 00 20 63 CB BC 00") == true)
        // The DataBlock the reader split over two transfers, reassembled.
        let response = try #require(lines.first { $0["frame"] as? Int == 34 })
        #expect(response["data"] as? String == "6f20840e315041592e5359532e4444463031a50e8801019f1101015f2d046672656e")
        #expect(response["SW1"] as? Int == 0x90 && response["SW2"] as? Int == 0x00)
    }

    @Test func aDamagedCaptureEndsItsJSONWithAnErrorLine() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("cut.pcap")
        try Data(try Fixture.bytes("captures/emv-reader-usbmon.pcap").prefix(40_000)).write(to: cut)
        let result = try CommandRunner.run(["transcript", "decode", "--json", cut.path])
        #expect(result.status != 0)
        let lines = result.jsonLines
        #expect(lines.dropLast().count > 100 && lines.dropLast().allSatisfy { $0["frame"] is Int })
        let last = try #require(lines.last)
        #expect(last.count == 1)
        let error = try #require(last["error"] as? String)
        #expect(error.contains("ends too early") && error.contains("frame 446") && error.contains("byte offset 39964"),
                "\(error)")
        #expect(result.stderr.contains("byte offset 39964"))
    }

    @Test func aFileThatIsNoCaptureGivesOneErrorLineWithJSON() throws {
        for path in [Fixture.url("README.md").path, "/nonexistent/capture.pcap", FileManager.default.temporaryDirectory.path] {
            let result = try CommandRunner.run(["transcript", "decode", "--json", path])
            #expect(result.status != 0)
            #expect(result.lines.count == 1, "\(path): \(result.stdout)")
            #expect(result.jsonLines.first?["error"] is String, "\(path): \(result.stdout)")
        }
    }

    // MARK: Plain words

    /// The capture errors name what is wrong in words: no Swift case name, no Foundation text.
    @Test func captureErrorsAreInPlainWords() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A pcap header (usbmon, link type 220), then a record claiming 2 GiB of data.
        var oversized: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 220, 0, 0, 0]
        oversized += [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0x80]
        let big = dir.appendingPathComponent("oversized.pcap")
        try Data(oversized).write(to: big)
        let cut = dir.appendingPathComponent("cut.pcap")
        try Data(try Fixture.bytes("captures/emv-reader-usbmon.pcap").prefix(1_000)).write(to: cut)
        let runs = [
            (["transcript", "decode", big.path], "a damaged packet record"),
            (["transcript", "decode", "--json", big.path], "a damaged packet record"),
            (["transcript", "text", cut.path], "the capture ends too early"),
            (["transcript", "text", Fixture.url("README.md").path], "not a capture file"),
            (["transcript", "text", dir.path], "it is a directory"),
            (["transcript", "pcap", Fixture.url("README.md").path, dir.appendingPathComponent("out.pcap").path],
             "the text does not parse at line"),
        ]
        let caseNames = ["truncated at", "notACapture", "unsupportedLinkType", "corruptBlock", "oversizedPacket",
                         "malformedPacket", "sourceFailed", "textSyntax", "Error Domain=", "NSCocoaErrorDomain"]
        for (arguments, words) in runs {
            let result = try CommandRunner.run(arguments)
            #expect(result.status != 0)
            let printed = result.stderr + result.stdout
            #expect(printed.contains(words), "\(arguments): \(printed)")
            for name in caseNames { #expect(!printed.contains(name), "\(arguments): \(printed)") }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.pcap").path))
    }

    // MARK: Version

    @Test func bothToolsPrintTheSameVersion() throws {
        let cli = try CommandRunner.run(["--version"])
        #expect(cli.status == 0)
        #expect(cli.stdout.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+\n$"#, options: .regularExpression) != nil, "\(cli.stdout)")
        // The daemon prints it and exits instead of starting to watch devices.
        let daemon = try CommandRunner.run(["--version"], tool: "trustedpathd", timeout: .seconds(30))
        #expect(!daemon.timedOut && daemon.status == 0)
        #expect(daemon.stdout == cli.stdout)
    }
}
