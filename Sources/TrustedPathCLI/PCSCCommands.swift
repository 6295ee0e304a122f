import ArgumentParser
import CCID
import PCSC
import TrustedPathCore

/// `trustedpath pcsc`: the readers pcscd knows and what they can do.
struct PCSCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pcsc",
        abstract: "Readers and reader features through pcscd (PC/SC).",
        subcommands: [PCSCReadersCommand.self, PCSCFeaturesCommand.self, PCSCBenchCommand.self])
}

/// Prints a PC/SC failure, with what the user can do, on standard error and exits 1.
private func fail(_ error: PCSCError) -> ExitCode {
    let line = "error: \(error)\n"
    // write(2) rather than the C `stderr` global, which strict concurrency rejects.
    _ = line.withCString { write(2, $0, strlen($0)) }
    return ExitCode.failure
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct PCSCReadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List the readers, with the card state and ATR of each.")

    @Flag(help: "One JSON object per reader per line: reader, state, atr.") var json = false

    func run() async throws {
        do throws(PCSCError) {
            let context = try PCSCContext()
            let readers = try await context.readers()
            if readers.isEmpty {
                if !json { print("no readers") }
                return
            }
            let states = try await context.waitForChange(readers: readers.map { .unaware($0) }, timeout: .seconds(2))
            for state in states {
                if json {
                    print(JSONValue.object([("reader", .string(state.reader)),
                                            ("state", .string("\(state.flags.subtracting(.changed))")),
                                            ("atr", state.atr.isEmpty ? .null : .string(Hex.lower(state.atr)))]).rendered)
                    continue
                }
                let atr = state.atr.isEmpty ? "" : "  ATR " + Hex.encode(state.atr, separator: " ")
                print("\(state.reader)  [\(state.flags.subtracting(.changed))]\(atr)")
            }
        } catch {
            throw fail(error)
        }
    }
}

struct PCSCFeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "List a reader's PC/SC part 10 features (secure PIN entry and others).",
        discussion: "Needs a card in the reader: pcscd routes SCardControl through a card connection.")

    @Option(help: "The reader's name, as `trustedpath pcsc readers` prints it.") var reader: String
    @Flag(help: "One JSON object: the reader, its features with their control codes, PIN properties.") var json = false

    func run() async throws {
        do throws(PCSCError) {
            let card = try await PCSCCard(context: PCSCContext(), reader: reader)
            let features = try await card.features()
            if json {
                let properties = try await card.pinProperties(features)
                print(JSONValue.object([
                    ("reader", .string(reader)),
                    ("features", .object(features.features.map { ($0.name, .int(Int(features.controlCode($0) ?? 0))) })),
                    ("lcd", properties.map { .string("\($0.lcdLines)x\($0.lcdCharactersPerLine)") } ?? .null),
                    ("pinEntry", .bool(features.controlCode(.verifyPINDirect) != nil)),
                ]).rendered)
                try await card.disconnect()
                return
            }
            if features.isEmpty {
                print("\(reader): no PC/SC part 10 features (no secure PIN entry)")
            }
            for feature in features.features {
                let code = features.controlCode(feature) ?? 0
                print("\(feature.name)  control code 0x\(String(code, radix: 16, uppercase: true))")
            }
            if let properties = try await card.pinProperties(features) {
                print("PIN properties: LCD \(properties.lcdLines)x\(properties.lcdCharactersPerLine), "
                      + "entry validation 0x\(String(properties.entryValidationCondition, radix: 16)), "
                      + "timeout2 \(properties.timeOut2) s")
            }
            if let tlv = try await card.tlvProperties(features) {
                for tag in tlv.raw.keys.sorted() {
                    print("TLV property 0x\(String(tag, radix: 16, uppercase: true)): \(Hex.encode(tlv.raw[tag] ?? [], separator: " "))")
                }
                if let firmware = tlv.firmwareID { print("firmware: \(firmware)") }
            }
            try await card.disconnect()
        } catch {
            throw fail(error)
        }
    }
}

/// `trustedpath pcsc bench`: round trips per second through pcscd, for scripts/bench-pcsc.
struct PCSCBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Send one APDU many times and print APDUs per second.")

    @Option(help: "The reader's name.") var reader: String
    @Option(help: "The APDU in hex.") var apdu = "00B0000010"
    @Option(parsing: .unconditional, help: "How many times, 1 to 10,000,000.", transform: CountOption.within(1...10_000_000))
    var count = 10_000

    func run() async throws {
        guard let bytes = Hex.decode(apdu), bytes.count >= 4 else { throw ValidationError("--apdu: not an APDU in hex") }
        do throws(PCSCError) {
            let card = try await PCSCCard(context: PCSCContext(), reader: reader)
            _ = try await card.transmit(bytes)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<count { _ = try await card.transmit(bytes) }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("trustedpath PCSC: \(count) APDUs in \(String(format3(seconds))) s: \(Int(Double(count) / seconds)) APDU/s")
            try await card.disconnect()
        } catch {
            throw fail(error)
        }
    }

    private func format3(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
