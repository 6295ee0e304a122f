import CCID
import Foundation
import Testing
import TrustedPathCore

/// Every descriptor of libccid's reader collection must decode to the values libccid's own
/// `parse` printed for it. The JSON lists descriptors per dump file in dump order, so the
/// n-th entry for a file pairs with the n-th "CCID Class Descriptor" section of that file.
@Suite struct DescriptorCorpusTests {
    struct Entry { var file: String; var raw: String }

    static var fixtures: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    static func entries() throws -> [Entry] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("ccid-descriptors.json"))
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return try array.map { item in
            Entry(file: try #require(item["file"] as? String), raw: try #require(item["raw"] as? String))
        }
    }

    /// Splits a dump into its class-descriptor sections: field name -> printed value.
    static func sections(ofDump text: String) -> [[String: String]] {
        var result: [[String: String]] = []
        // Some dumps have CRLF line ends; "\r\n" is one Character, so split on any newline.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.trimmingCharacters(in: .whitespaces) == "CCID Class Descriptor" {
                result.append([:])
                continue
            }
            // Fields are indented by exactly two spaces; their explanations by three.
            guard !result.isEmpty, line.hasPrefix("  "), !line.hasPrefix("   "),
                  let colon = line.firstIndex(of: ":") else { continue }
            let key = line[line.startIndex..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if result[result.count - 1][key] == nil { result[result.count - 1][key] = value }
        }
        return result
    }

    /// The number libccid printed, in the unit our decoder uses.
    static func expected(_ field: String, _ text: String) -> Int? {
        let first = String(text.split(separator: " ").first ?? "")
        switch field {
        case "bcdCCID":
            let parts = first.split(separator: ".")
            guard parts.count == 2, let major = Int(parts[0], radix: 16), let minor = Int(parts[1], radix: 16)
            else { return nil }
            return major << 8 | minor
        case "dwProtocols":
            let words = text.split(separator: " ").compactMap { Int($0.dropFirst(2), radix: 16) }
            return words.count == 2 ? words[0] << 16 | words[1] : nil
        case "dwDefaultClock", "dwMaximumClock":
            // "%2.3f MHz" of kHz / 1000: the three decimals are exactly the kHz remainder.
            let parts = first.split(separator: ".")
            guard parts.count == 2, let mhz = Int(parts[0]), let khz = Int(parts[1]) else { return nil }
            return mhz * 1000 + khz
        default:
            if first.hasPrefix("0x") { return Int(first.dropFirst(2), radix: 16) }
            return Int(first)
        }
    }

    static let fields: [(String, @Sendable (CCIDClassDescriptor) -> Int)] = [
        ("bcdCCID", { Int($0.bcdCCID) }), ("bMaxSlotIndex", { Int($0.bMaxSlotIndex) }),
        ("bVoltageSupport", { Int($0.bVoltageSupport) }), ("dwProtocols", { Int($0.dwProtocols) }),
        ("dwDefaultClock", { Int($0.dwDefaultClock) }), ("dwMaximumClock", { Int($0.dwMaximumClock) }),
        ("bNumClockSupported", { Int($0.bNumClockSupported) }), ("dwDataRate", { Int($0.dwDataRate) }),
        ("dwMaxDataRate", { Int($0.dwMaxDataRate) }),
        ("bNumDataRatesSupported", { Int($0.bNumDataRatesSupported) }), ("dwMaxIFSD", { Int($0.dwMaxIFSD) }),
        ("dwSynchProtocols", { Int($0.dwSynchProtocols) }), ("dwMechanical", { Int($0.dwMechanical) }),
        ("dwFeatures", { Int($0.dwFeatures) }), ("dwMaxCCIDMessageLength", { Int($0.dwMaxCCIDMessageLength) }),
        ("bClassGetResponse", { Int($0.bClassGetResponse) }), ("bClassEnvelope", { Int($0.bClassEnvelope) }),
        ("wLcdLayout", { Int($0.wLcdLayout) }), ("bPINSupport", { Int($0.bPINSupport) }),
        ("bMaxCCIDBusySlots", { Int($0.bMaxCCIDBusySlots) }),
    ]

    @Test func everyDescriptorMatchesLibccidParse() throws {
        let entries = try Self.entries()
        #expect(entries.count == 773)
        var sectionsByFile: [String: [[String: String]]] = [:]
        var used: [String: Int] = [:]
        var mismatches: [String] = []
        var checkedFields = 0
        for entry in entries {
            if sectionsByFile[entry.file] == nil {
                let url = Self.fixtures.appendingPathComponent("ccid-readers").appendingPathComponent(entry.file)
                let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
                sectionsByFile[entry.file] = Self.sections(ofDump: text)
            }
            let index = used[entry.file, default: 0]
            used[entry.file] = index + 1
            guard let sections = sectionsByFile[entry.file], index < sections.count else {
                mismatches.append("\(entry.file)#\(index): no matching section in the dump")
                continue
            }
            let section = sections[index]
            let descriptor: CCIDClassDescriptor
            do {
                descriptor = try CCIDClassDescriptor(parsing: try #require(Hex.decode(entry.raw)))
            } catch {
                mismatches.append("\(entry.file)#\(index): does not decode: \(error)")
                continue
            }
            for (field, value) in Self.fields {
                guard let printed = section[field] else {
                    mismatches.append("\(entry.file)#\(index) \(field): missing from the dump")
                    continue
                }
                guard let want = Self.expected(field, printed) else {
                    mismatches.append("\(entry.file)#\(index) \(field): cannot read \"\(printed)\"")
                    continue
                }
                checkedFields += 1
                if value(descriptor) != want {
                    mismatches.append("\(entry.file)#\(index) \(field): dump \(want) (\"\(printed)\"), decoded \(value(descriptor))")
                }
            }
        }
        // Every dump section must be used by exactly one entry.
        for (file, sections) in sectionsByFile where used[file] != sections.count {
            mismatches.append("\(file): \(sections.count) sections, \(used[file] ?? 0) descriptors")
        }
        #expect(checkedFields == 773 * Self.fields.count)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatch(es):\n\(mismatches.joined(separator: "\n"))")
    }

    @Test func everyDescriptorRoundTripsAndPrintsJSON() throws {
        for entry in try Self.entries() {
            let raw = try #require(Hex.decode(entry.raw))
            let descriptor = try CCIDClassDescriptor(parsing: raw)
            #expect(descriptor.encode() == raw, "\(entry.file)")
            let json = descriptor.json.rendered
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object.count == 21)
        }
    }
}
