import ArgumentParser
import CCID
import Foundation
import TrustedPathCore

/// `trustedpath ccid ...`: offline decoders for CCID data.
struct CCIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ccid",
        abstract: "Decode CCID data (class descriptors).",
        subcommands: [CCIDDescriptorCommand.self])
}

/// Decodes CCID class descriptors given as hex, like libccid's `parse` would print them.
struct CCIDDescriptorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "descriptor",
        abstract: "Decode CCID class descriptors (54 bytes, or a whole configuration descriptor).",
        discussion: """
            Each HEX is one descriptor; with none, standard input is read, one descriptor a line \
            (spaces allowed). An invalid descriptor prints an error in its place, the rest are \
            still decoded, and the exit status is 1.
            """)

    @Argument(help: "Descriptors in hex.") var hex: [String] = []
    @Flag(help: "One JSON object per descriptor per line.") var json = false

    func run() throws {
        var failed = false
        for (index, item) in CCIDCLIInput.items(arguments: hex).enumerated() {
            switch Self.decode(item) {
            case .success(let descriptors):
                for descriptor in descriptors {
                    if json {
                        print(descriptor.json.rendered)
                    } else {
                        if index > 0 { print("") }
                        print(descriptor.listing)
                        print("  => \(descriptor.slotCount) slot(s), \(descriptor.exchangeLevel.name) exchange, "
                              + "PIN verify \(descriptor.supportsPINVerify ? "yes" : "no"), "
                              + "PIN modify \(descriptor.supportsPINModify ? "yes" : "no")")
                    }
                }
            case .failure(let error):
                failed = true
                CCIDCLIInput.report(error, item: index + 1, json: json)
            }
        }
        if failed { throw ExitCode.failure }
    }

    /// A 54-byte class descriptor, or a configuration descriptor (type 0x02) searched for one.
    static func decode(_ text: String) -> Result<[CCIDClassDescriptor], CCIDError> {
        let bytes: [UInt8]
        do { bytes = try CCIDCLIInput.bytes(text) } catch { return .failure(error) }
        if bytes.count > 1, bytes[1] == 0x02 {
            let found = CCIDDescriptorLocator.locateAll(in: bytes).map(\.descriptor)
            if found.isEmpty {
                return .failure(CCIDError(.descriptorNotFound, field: "bDescriptorType", offset: 0,
                                          "no CCID class descriptor in this configuration descriptor"))
            }
            return .success(found)
        }
        do { return .success([try CCIDClassDescriptor(parsing: bytes)]) } catch { return .failure(error) }
    }
}

/// Input handling shared by the CCID and ATR commands.
enum CCIDCLIInput {
    /// The arguments, or else the non-empty lines of standard input.
    static func items(arguments: [String]) -> [String] {
        if !arguments.isEmpty { return arguments }
        var lines: [String] = []
        while let line = readLine() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { lines.append(trimmed) }
        }
        return lines
    }

    /// The bytes of one item, or an error saying what is wrong with its hex: the first
    /// character that is no hex digit, or a digit without its pair.
    static func bytes(_ text: String) throws(CCIDError) -> [UInt8] {
        if let bytes = Hex.decode(text) { return bytes }
        // Hex.decode takes a leading 0x and skips spaces and colons between digits.
        let prefix = text.hasPrefix("0x") || text.hasPrefix("0X") ? 2 : 0
        for (offset, character) in text.enumerated().dropFirst(prefix)
        where !(character.isASCII && character.isHexDigit) && !" :\t\r\n".contains(character) {
            throw CCIDError(.invalidHex, field: "input", offset: offset,
                            "'\(character)' at character \(offset + 1) is not a hex digit")
        }
        let digits = text.dropFirst(prefix).filter(\.isHexDigit).count
        throw CCIDError(.invalidHex, field: "input", offset: 0,
                        "\(digits) hex digits, an odd number: each byte takes two")
    }

    /// The error in the item's place on standard output, so output lines stay in input order.
    static func report(_ error: CCIDError, item: Int, json: Bool) {
        if json {
            print(JSONValue.error(error.description).rendered)
        } else {
            print("error: input \(item): \(error.description)")
        }
    }
}
