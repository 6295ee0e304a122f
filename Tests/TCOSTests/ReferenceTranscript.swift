import TestSupport

/// Fixtures/reference/opensc-tcos-apdus.txt read into sections of command/response pairs.
/// The file cuts lines at 160 characters: such a line holds only a prefix of the bytes
/// (and, for a response, no status word).
struct ReferenceTranscript {
    struct Exchange {
        var command: [UInt8]
        var commandTruncated: Bool
        var response: [UInt8]
        var responseTruncated: Bool
        var line: Int
    }

    struct Section {
        var name: String
        var exchanges: [Exchange]
    }

    var sections: [Section] = []

    static let lineLimit = 160

    init() throws {
        let text = try Fixture.text("reference/opensc-tcos-apdus.txt")
        var pending: ([UInt8], Bool, Int)?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("### ") {
                sections.append(Section(name: String(line.dropFirst(4)), exchanges: []))
            } else if line.hasPrefix(">> ") {
                pending = (Self.bytes(line), line.count >= Self.lineLimit, index + 1)
            } else if line.hasPrefix("<< "), let command = pending {
                sections[sections.count - 1].exchanges.append(Exchange(
                    command: command.0, commandTruncated: command.1, response: Self.bytes(line),
                    responseTruncated: line.count >= Self.lineLimit, line: command.2))
                pending = nil
            }
        }
    }

    /// The complete hex tokens after the direction mark; a cut-off last token is dropped.
    static func bytes(_ line: Substring) -> [UInt8] {
        line.dropFirst(3).split(separator: " ").compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
    }
}
