import ArgumentParser
import Foundation
import Simulator
import TCOS
import TrustedPathWorkflows

/// `trustedpath card ...`: a TrustedPath TCOS card in a PIN-pad reader. PINs are typed on
/// the reader's keypad only; no option here takes a PIN.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "TrustedPath card slots through a PIN-pad reader (PINs typed on the pad only).",
        discussion: """
            Runs on the PIN-pad reader attached (--reader names one), or one that pcscd holds \
            (--pcsc NAME). With --simulate, and only then, a simulated cyberJack with a simulated \
            TrustedPath card is used: the card's state (PINs, counters, slots) is kept in \
            --card-state (default: card 1 of the simulator's drawer, which `ceremony --simulate` \
            uses too), and the simulated person presses the keys of --keys: a comma-separated list \
            of digit strings and the words ok, cancel, clear, timeout (nobody presses anything \
            until the entry times out), e.g. --keys "123456,ok"; "--keys -" reads that list from \
            standard input. Without --keys nobody presses anything. Slot NAME: share (backup key \
            share slot) or activation (PKCS#11 slot).
            """,
        subcommands: [Status.self, Verify.self, ChangePIN.self, Read.self, Write.self])

    struct Status: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(abstract: "PIN tries, default-PIN warning and content per slot (no PIN entry).")
        @Option(help: "Only this slot: share or activation.") var slot: CardSlotName?
        @Flag(help: "One JSON object for the card, then one per slot, a line each.") var json = false
        @OptionGroup var connection: CardConnectionOptions
        var simulated: Bool { connection.simulate }
        var printsJSON: Bool { json }

        func run() async throws {
            let status = try await CardWorkflow.status(setup: try connection.setup(), ui: Terminal(jsonOutput: json))
            let slots = status.slots.filter { slot == nil || $0.slot.kind == slot?.slot.kind }
            if json {
                var shown = status
                shown.slots = slots
                for line in CardStatusJSON.lines(shown) { say(line) }
                return
            }
            switch status.layout {
            case .trustedPath: say("card: TrustedPath layout")
            case .blank: say("card: blank (not personalised)")
            case .foreign(let reason): say("card: not a TrustedPath card (\(reason))")
            }
            for entry in slots {
                say(Self.line(entry))
                if entry.defaultPINSet && entry.pin != .blocked { say("  warning: " + CardWorkflow.defaultPINWarning(entry.slot)) }
            }
        }

        static func line(_ entry: TCOSSlotStatus) -> String {
            let name = "\(entry.slot.name) (\(CardSlotName(entry.slot).rawValue))"
            guard entry.present else { return "\(name): not present" }
            let pin: String
            switch entry.pin {
            case .verified?: pin = "verified"
            case .notVerified(let n)?: pin = n == 1 ? "1 try left" : "\(n) tries left"
            case .blocked?: pin = "BLOCKED (unblock with the PUK)"
            case nil: pin = "unknown"
            }
            let content = entry.content == .empty ? "empty" : "\(entry.content.userText), \(entry.contentLength) bytes"
            return "\(name): PIN \(pin); \(entry.defaultPINSet ? "default PIN" : "PIN changed"); content: \(content)"
        }
    }

    struct Verify: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(abstract: "Verify a slot's PIN typed on the reader's keypad.")
        @Option(help: "share or activation.") var slot: CardSlotName
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions
        var simulated: Bool { connection.simulate }

        func run() async throws {
            try await CardWorkflow.verify(slot.slot, allowLastTry: allowLastTry, setup: try connection.setup(), ui: Terminal())
        }
    }

    struct ChangePIN: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(
            commandName: "change-pin",
            abstract: "Change a slot's PIN on the keypad: current PIN, new PIN, new PIN again.")
        @Option(help: "share or activation.") var slot: CardSlotName
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions
        var simulated: Bool { connection.simulate }

        func run() async throws {
            try await CardWorkflow.changePIN(slot.slot, allowLastTry: allowLastTry, setup: try connection.setup(), ui: Terminal())
        }
    }

    struct Read: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(
            abstract: "Read a slot after \"Read New Key\" (OK on the pad) and its PIN: kind and length; its bytes are never printed.",
            discussion: """
                Neither a share nor the PKCS#11 activation credential leaves the card through this \
                command: both are secrets, and the credential is not to be copied to another card.
                """)
        @Option(help: "share or activation.") var slot: CardSlotName
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions
        var simulated: Bool { connection.simulate }

        func run() async throws {
            let reading = try await CardWorkflow.read(slot.slot, allowLastTry: allowLastTry, setup: try connection.setup(),
                                                      ui: Terminal())
            say("\(slot.slot.name): \(reading.content.userText), \(reading.length) bytes")
            if let share = reading.share {
                // Public parts only: which set, which share, the key's check value.
                say("  share \(share.x) of \(share.n) (any \(share.k) restore), set \(share.set), key check value \(share.keyCheckValue)")
            }
        }
    }

    struct Write: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(
            abstract: "Write a file into a slot after \"Write New Key\" (OK on the pad) and its PIN.",
            discussion: """
                The share slot takes a valid 68-byte share record only (magic, version and CRC are \
                checked), the activation slot a credential of 16 to 512 bytes. A slot that holds \
                something is overwritten only with --overwrite, never when that would leave a set \
                this appliance keeps with fewer than k cards; the ceremony journal records it.
                """)
        @Option(help: "share or activation.") var slot: CardSlotName
        @Option(name: .customLong("from"), help: "The file to write (a 68-byte share record for share).") var path: String
        @Flag(help: "Overwrite what the slot holds.") var overwrite = false
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @Option(help: "The ceremony journal kept up to date (default: the appliance's; the simulator keeps its own).")
        var journal: String?
        @OptionGroup var connection: CardConnectionOptions
        var simulated: Bool { connection.simulate }

        func run() async throws {
            var setup = try connection.setup()
            setup.journal = journal
            let written = try await CardWorkflow.write(slot.slot, from: path, overwrite: overwrite, allowLastTry: allowLastTry,
                                                       setup: setup, ui: Terminal())
            say("\(slot.slot.name): wrote \(written.content.userText), \(written.length) bytes")
        }
    }
}

/// The slot names on the command line.
enum CardSlotName: String, ExpressibleByArgument, CaseIterable {
    case share, activation

    init(_ slot: TCOSSlot) { self = slot.kind == .backupKeyShare ? .share : .activation }

    var slot: TCOSSlot { self == .share ? .backupKeyShare : .pkcs11Activation }
}

struct CardConnectionOptions: ParsableArguments {
    @Option(help: "The PIN-pad reader: VID:PID[:SERIAL] (0c4b:0504) or BUS:ADDRESS (default: the one attached).")
    var reader: String?
    @Flag(help: "Run on the simulated cyberJack and TrustedPath card (never done unless asked).") var simulate = false
    @Option(help: "A reader that pcscd holds, by its PC/SC name (PIN entry through PC/SC part 10).") var pcsc: String?
    @Option(help: "Record the USB conversation as a usbmon capture (secrets redacted).") var record: String?
    @Option(help: "Simulation: the simulated card's state file (default: card 1 of the simulator's drawer).")
    var cardState: String?
    @Option(help: "Simulation: keys the simulated person presses: digits, ok, cancel, clear, timeout, comma-separated; - reads stdin.")
    var keys: String?

    func validate() throws {
        if [reader != nil, simulate, pcsc != nil].filter({ $0 }).count > 1 {
            throw ValidationError("--reader, --pcsc and --simulate exclude each other")
        }
        if let reader {
            do { try ReaderChoice.checkSelector(reader) } catch { throw ValidationError(error.message) }
        }
        // The keys may hold a PIN: a refusal never repeats them.
        if let keys, keys != "-", (try? CardKeys.parse(keys)) == nil {
            throw ValidationError("--keys: use digits, ok, cancel, clear, timeout separated by commas (e.g. \"123456,ok\")")
        }
    }

    func setup() throws -> CardSetup {
        let choice: ReaderChoice = simulate ? .simulated : pcsc.map { .pcsc($0) } ?? .usb(reader)
        var setup = CardSetup(reader: choice, state: .forUser(environment: ProcessInfo.processInfo.environment))
        setup.cardState = cardState
        setup.record = record
        if let keys {
            let text = keys == "-" ? (readLine() ?? "") : keys
            do { setup.keys = try CardKeys.parse(text) } catch {
                throw WorkflowError(.invalidRequest, "--keys: use digits, ok, cancel, clear, timeout separated by commas")
            }
        }
        return setup
    }
}

/// The `--keys` script: "123456,ok", "1,2,clear,654321,ok", "cancel", "timeout".
enum CardKeys {
    struct Invalid: Error {}

    static func parse(_ text: String) throws -> [KeypadKey] {
        try text.split(separator: ",").flatMap { item throws -> [KeypadKey] in
            let word = item.trimmingCharacters(in: .whitespaces)
            switch word {
            case "ok": return [.ok]
            case "cancel": return [.cancel]
            case "clear": return [.clear]
            case "timeout": return [.noKeyUntilTimeout]
            default:
                guard !word.isEmpty, word.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { throw Invalid() }
                return KeypadKey.digits(word)
            }
        }
    }
}
