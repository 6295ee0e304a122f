import ArgumentParser
import BackupKey
import CCIDReader
import Ceremony
import Foundation
import LibUSBLink
import PCSC
import Quorum
import Simulator
import TrustedPathCore

struct CeremonyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceremony",
        abstract: "The backup-key quorum ceremony on a PIN-pad reader: create a set of share cards, restore, copy.",
        discussion: """
            With --simulate, or when no reader is attached, a simulated cyberJack e-com and a drawer of \
            simulated TCOS cards (state kept in --cards-dir) are used, and a simulated operator inserts \
            the cards and types the PIN on the simulated pad, unattended.
            """,
        subcommands: [Create.self, Restore.self, Copy.self, Journal.self])

    struct Options: ParsableArguments {
        @Option(help: "A real reader: VID:PID[:SERIAL] or BUS:ADDRESS.") var reader: String?
        @Option(help: ArgumentHelp("A PIN-pad reader that pcscd holds, by its PC/SC name.",
                                   discussion: "Prompts are shown and answered on this terminal; PINs are typed on the reader's keypad (PC/SC part 10). A --reader that pcscd holds is reached this way by itself."))
        var pcsc: String?
        @Flag(help: "Use the simulated reader and cards.") var simulate = false
        @Option(help: "The ceremony journal (default: beside the simulated cards, or ~/.local/state/trustedpath/ceremony.json).")
        var journal: String?
        @Option(help: "Folder of the simulated cards' state files.") var cardsDir: String?
        @Option(help: "The PIN the simulated operator types.") var pin = "123456"
        @Option(help: "Simulated cards inserted, in order (comma-separated numbers); default depends on the command.")
        var cards: String?
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate the backup key, write one share to each of n cards, read k back.")
        @OptionGroup var options: Options
        @Option(help: "k/n: shares needed / shares made (presets 2/3 and 3/5; any 2 <= k <= n <= 16).") var quorum = "2/3"
        @Option(help: "The simulated operator changes each card's default PIN to this one on the pad.") var newPIN: String?
        @Flag(help: "Overwrite cards that hold shares of another set still in use.") var overwrite = false
        @Option(help: "Encrypt this file under the new key (AES-256-GCM) into --encrypted.") var encrypt: String?
        @Option(help: "Where to write the encrypted file.") var encrypted: String?

        func run() async throws {
            let parts = quorum.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, (2...16).contains(parts[1]), (2...parts[1]).contains(parts[0]) else {
                throw ValidationError("--quorum must be k/n with 2 <= k <= n <= 16, e.g. 2/3 or 3/5")
            }
            let (k, n) = (parts[0], parts[1])
            let writePlan = Array(1...n), readPlan = Array((n - k + 1...n).reversed())
            let station = try await CeremonyStation.open(options, plan: writePlan + readPlan, newPIN: newPIN)
            var ceremony = QuorumCeremony(station: station.station, journal: station.journal)
            ceremony.overwriteOtherSets = overwrite
            print("Backup key ceremony: \(k) of \(n) cards")
            let result: QuorumCeremony.Result
            do { result = try await ceremony.create(k: k, n: n) } catch {
                try await station.finish()
                throw CLIError(error.description)
            }
            try await station.finish()
            print("Set \(result.set) created and verified: "
                + result.cards.map { "share \($0.x) on card \($0.card)" }.joined(separator: ", "))
            print("Key check value: \(Hex.lower(BackupKey.keyCheckValue(result.key)))")
            try encryptIfAsked(result.key)
        }

        private func encryptIfAsked(_ key: SecretBytes) throws {
            guard let encrypt else { return }
            guard let encrypted else { throw ValidationError("--encrypt needs --encrypted OUT") }
            guard let data = FileManager.default.contents(atPath: encrypt) else { throw CLIError("cannot read \(encrypt)") }
            do { try writeFile(encrypted, try BackupFile.encrypt([UInt8](data), key: key)) } catch let error as BackupError {
                throw CLIError(error.description)
            }
            print("Encrypted \(encrypt) under the new key into \(encrypted)")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recombine the backup key from any k cards of a set.")
        @OptionGroup var options: Options
        @Option(help: "Decrypt this backup with the restored key into --output.") var decrypt: String?
        @Option(help: "Where to write the decrypted backup.") var output: String?

        func run() async throws {
            let station = try await CeremonyStation.open(options, plan: Array(1...16), newPIN: nil)
            let result: QuorumCeremony.Result
            do { result = try await QuorumCeremony(station: station.station, journal: station.journal).restore() } catch {
                try await station.finish()
                throw CLIError(error.description)
            }
            try await station.finish()
            print("Key restored from " + result.cards.map { "share \($0.x) (card \($0.card))" }.joined(separator: ", ")
                + "; key check value \(Hex.lower(BackupKey.keyCheckValue(result.key)))")
            if !result.badShares.isEmpty { print("warning: share(s) \(result.badShares) do not fit the others: replace those cards") }
            guard let decrypt else { return }
            guard let output else { throw ValidationError("--decrypt needs --output OUT") }
            guard let data = FileManager.default.contents(atPath: decrypt) else { throw CLIError("cannot read \(decrypt)") }
            do {
                let plain = try BackupFile.decrypt([UInt8](data), key: result.key)
                try plain.withBytes { try writeFile(output, $0) }
            } catch let error as BackupError {
                throw CLIError(error.description)
            }
            print("Backup \(decrypt) decrypted into \(output): the restored key is the right one")
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy one share card to another (for a second set of cards).")
        @OptionGroup var options: Options
        @Flag(help: "Overwrite a target card that holds a share of another set still in use.") var overwrite = false

        func run() async throws {
            let station = try await CeremonyStation.open(options, plan: [], newPIN: nil)
            let copy: (x: UInt8, from: String, to: String)
            var ceremony = QuorumCeremony(station: station.station, journal: station.journal)
            ceremony.overwriteOtherSets = overwrite
            do { copy = try await ceremony.copyCard() } catch {
                try await station.finish()
                throw CLIError(error.description)
            }
            try await station.finish()
            print("Share \(copy.x) copied from card \(copy.from) to card \(copy.to)")
        }
    }

    struct Journal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Which cards hold which share of which set.")
        @OptionGroup var options: Options

        func run() async throws {
            let store = JournalStore(path: CeremonyStation.journalPath(options))
            let journal: CeremonyJournal
            do { journal = try store.load() } catch { throw CLIError(error.description) }
            if journal.sets.isEmpty { print("no share sets recorded in \(store.path)") }
            for line in journal.summary { print(line) }
            if let adopted = journal.adopted { print("in use: set \(adopted.set)") }
        }
    }
}

/// The station the ceremony runs on: a real reader, or the simulated one with its operator.
struct CeremonyStation {
    let station: any ShareCardStation
    let journal: JournalStore
    let simulatedOperator: SimulatedOperator?

    func finish() async throws { try await simulatedOperator?.saveCards() }

    static func journalPath(_ options: CeremonyCommand.Options, simulated: Bool? = nil) -> String {
        if let journal = options.journal { return journal }
        return (simulated ?? Self.simulated(options)) ? cardsDirectory(options) + "/ceremony.json"
            : (CardSession.defaultStatePath() as NSString).deletingLastPathComponent + "/ceremony.json"
    }

    static func cardsDirectory(_ options: CeremonyCommand.Options) -> String {
        options.cardsDir ?? (CardSession.defaultStatePath() as NSString).deletingLastPathComponent + "/sim-cards"
    }

    static func simulated(_ options: CeremonyCommand.Options) -> Bool {
        options.simulate || (options.reader == nil && options.pcsc == nil && attachedReader() == nil)
    }

    /// The first attached reader as BUS:ADDRESS, if any (one libusb enumeration).
    static func attachedReader() -> String? {
        ((try? LibUSBLink.enumerate())?.first).map { "\($0.busNumber):\($0.deviceAddress)" }
    }

    static func open(_ options: CeremonyCommand.Options, plan: [Int], newPIN: String?) async throws -> CeremonyStation {
        if options.simulate, options.reader != nil || options.pcsc != nil {
            throw ValidationError("--simulate excludes --reader and --pcsc")
        }
        let route = try await ReaderRoute.open(reader: options.reader, pcsc: options.pcsc, simulate: options.simulate)
        let say: @Sendable (String) -> Void = { print($0) }
        switch route {
        case .usb(let link):
            print("reader: \(link.device.label)")
            return CeremonyStation(station: PINPadStation(reader: try CCIDReader(link: link), messages: say),
                                   journal: JournalStore(path: journalPath(options, simulated: false)), simulatedOperator: nil)
        case .pcsc(let context, let reader):
            return CeremonyStation(station: try await pcscStation(context, reader, say: say),
                                   journal: JournalStore(path: journalPath(options, simulated: false)), simulatedOperator: nil)
        case .none:
            break
        }
        let journal = JournalStore(path: journalPath(options, simulated: true))
        let order = try options.cards.map { text in
            try text.split(separator: ",").map { item -> Int in
                guard let number = Int(item.trimmingCharacters(in: .whitespaces)), (1...16).contains(number) else {
                    throw ValidationError("--cards: \(text): card numbers 1 to 16, comma-separated")
                }
                return number
            }
        } ?? plan
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let reader = try CCIDReader(link: simulated)
        let pad = PINPadStation(reader: reader, messages: say)
        let person = try SimulatedOperator(reader: simulated, inner: pad, directory: cardsDirectory(options),
                                           plan: order, pin: options.pin, newPIN: newPIN)
        print("reader: simulated cyberJack e-com; simulated cards in \(cardsDirectory(options))")
        return CeremonyStation(station: person, journal: journal, simulatedOperator: person)
    }

    /// The station on a PC/SC reader: prompts on this terminal, answered with Enter (OK) or
    /// "c" (Cancel); end of input cancels.
    static func pcscStation(_ context: PCSCContext, _ reader: String,
                            say: @escaping @Sendable (String) -> Void) async throws -> PCSCStation {
        try await PCSCStation.open(context: context, reader: reader, hostConfirm: { _ in
            // One line, prompt included: stdout is line-buffered on a terminal.
            print("  [Enter] OK, [c Enter] Cancel")
            guard let line = readLine() else { return .cancel }
            return line.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("c") ? .cancel : .ok
        }, messages: say)
    }
}
