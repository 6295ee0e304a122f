import ArgumentParser
import Ceremony
import Foundation
import TrustedPathWorkflows

struct CeremonyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceremony",
        abstract: "The backup-key quorum ceremony on a PIN-pad reader: create a set of share cards, restore, copy.",
        discussion: """
            Runs on the PIN-pad reader attached (--reader names one), or one that pcscd holds \
            (--pcsc NAME). With --simulate, and only then, a simulated cyberJack with a drawer of \
            simulated TCOS cards is used, and a simulated operator inserts the cards (--cards) and \
            types the PINs on the simulated pad (--pin, --new-pin); the simulator keeps its cards \
            and its own journal apart from the appliance's.
            """,
        subcommands: [Create.self, Restore.self, Copy.self, Journal.self])

    struct Options: ParsableArguments {
        @Option(help: "The PIN-pad reader: VID:PID[:SERIAL] or BUS:ADDRESS (default: the one attached).") var reader: String?
        @Option(help: ArgumentHelp("A PIN-pad reader that pcscd holds, by its PC/SC name.",
                                   discussion: "Prompts are shown and answered on this terminal; PINs are typed on the reader's keypad (PC/SC part 10). A --reader that pcscd holds is reached this way by itself."))
        var pcsc: String?
        @Flag(help: "Run on the simulated reader and cards (never done unless asked).") var simulate = false
        @Option(help: "The ceremony journal (default: ~/.local/state/trustedpath/ceremony.json; the simulator keeps its own).")
        var journal: String?
        @Flag(help: "Spend a card's last PIN try (a wrong PIN then blocks the card).") var allowLastTry = false
        @Option(help: "Record the USB conversation as a usbmon capture (secrets redacted).") var record: String?
        @Option(help: "Simulation: the simulated cards' folder.") var cardsDir: String?
        @Option(help: "Simulation: the PIN the simulated operator types (6 to 8 digits; default 123456).") var pin: String?
        @Option(help: "Simulation: the simulated cards inserted, in order (comma-separated numbers); default depends on the command.")
        var cards: String?

        func validate() throws {
            if [reader != nil, pcsc != nil, simulate].filter({ $0 }).count > 1 {
                throw ValidationError("--reader, --pcsc and --simulate exclude each other")
            }
        }

        /// Whose backup key the summary speaks of.
        var appliance: String { simulate ? "the simulated appliance's" : "this appliance's" }

        /// The workflow's setup; every value checked before the first prompt.
        func setup(newPIN: String? = nil, overwrite: Bool = false) throws -> CeremonySetup {
            let choice: ReaderChoice = simulate ? .simulated : pcsc.map { .pcsc($0) } ?? .usb(reader)
            var setup = CeremonySetup(reader: choice, state: .forUser(environment: ProcessInfo.processInfo.environment))
            setup.journal = journal
            setup.record = record
            setup.allowLastTry = allowLastTry
            setup.overwrite = overwrite
            setup.simulation.cardsDirectory = cardsDir
            setup.simulation.pin = pin
            setup.simulation.newPIN = newPIN
            setup.simulation.cards = try cards.map { try SimulatedOperatorPlan.parseCards($0) }
            return setup
        }
    }

    struct Create: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(
            abstract: "Generate the backup key, write one share to each of n cards, read k back.",
            discussion: """
                One backup key per appliance: it cannot change after installation without \
                invalidating every backup made under it, so a second create is refused unless \
                --replace-key is given. --encrypt and --encrypted go together.
                """)
        @OptionGroup var options: Options
        @Option(help: "k/n: shares needed / shares made (presets 2/3 and 3/5; any 2 <= k <= n <= 16).") var quorum = "2/3"
        @Option(help: "Simulation: the PIN the simulated operator sets when the ceremony offers to change a card's default PIN.")
        var newPIN: String?
        @Flag(help: "Overwrite cards that hold a share of another set (never below k cards of a set this appliance keeps).")
        var overwrite = false
        @Flag(help: "Replace this appliance's backup key (backups made under the old one then need the old set's cards).")
        var replaceKey = false
        @Option(help: "Encrypt this file under the new key (AES-256-GCM) into --encrypted.") var encrypt: String?
        @Option(help: "Where to write the encrypted file (with --encrypt).") var encrypted: String?

        var simulated: Bool { options.simulate }

        func validate() throws {
            guard (encrypt == nil) == (encrypted == nil) else {
                throw ValidationError(encrypt == nil ? "--encrypted needs --encrypt FILE (the file to encrypt)"
                                                     : "--encrypt needs --encrypted OUT (where to write the encrypted file)")
            }
            _ = try Self.quorum(quorum)
        }

        static func quorum(_ text: String) throws -> (k: Int, n: Int) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let k = parts[0], let n = parts[1], (2...16).contains(n), (2...n).contains(k) else {
                throw ValidationError("--quorum \(text): use k/n with 2 <= k <= n <= 16, e.g. 2/3 or 3/5")
            }
            return (k, n)
        }

        func run() async throws {
            let (k, n) = try Self.quorum(quorum)
            let setup = try options.setup(newPIN: newPIN, overwrite: overwrite)
            let outcome = try await CeremonyWorkflow.create(k: k, n: n, replaceKey: replaceKey,
                                                           encrypt: encrypt.map { ($0, encrypted!) }, setup: setup, ui: Terminal())
            let result = outcome.result
            say("Set \(result.set) (\(k) of \(n)) created and verified; it is \(options.appliance) backup key")
            for (x, card) in result.cards { say("  share \(x) written to card \(card)") }
            say("  read back and checked: " + result.readBack.map { "share \($0.x) (card \($0.card))" }.joined(separator: ", "))
            say(result.pinsChanged.isEmpty ? "  no PIN was changed"
                : "  PIN changed on " + result.pinsChanged.map { "card \($0)" }.joined(separator: ", "))
            if let replaced = result.replaced {
                say("  it replaces set \(replaced): backups made under that key need its cards to be read")
            }
            say("Key check value: \(outcome.keyCheckValue)")
            if let output = outcome.output, let encrypt { say("Encrypted \(encrypt) under the new key into \(output)") }
        }
    }

    struct Restore: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(
            abstract: "Recombine the backup key from any k cards of a set (and decrypt a backup with it).",
            discussion: """
                On an appliance without a backup key (a node joining a cluster) the restored set \
                becomes its backup key; a set other than the one in use is read and checked, not \
                adopted. --decrypt and --output go together; the decrypted file is readable by \
                its owner only.
                """)
        @OptionGroup var options: Options
        @Option(help: "Decrypt this backup with the restored key into --output.") var decrypt: String?
        @Option(help: "Where to write the decrypted backup (with --decrypt).") var output: String?

        var simulated: Bool { options.simulate }

        func validate() throws {
            guard (decrypt == nil) == (output == nil) else {
                throw ValidationError(decrypt == nil ? "--output needs --decrypt BACKUP (the backup to decrypt)"
                                                     : "--decrypt needs --output OUT (where to write the decrypted backup)")
            }
        }

        func run() async throws {
            let outcome = try await CeremonyWorkflow.restore(decrypt: decrypt.map { ($0, output!) }, setup: try options.setup(),
                                                            ui: Terminal())
            let result = outcome.result
            say("Key of set \(result.set) (\(result.k) of \(result.n)) restored from "
                + result.cards.map { "share \($0.x) (card \($0.card))" }.joined(separator: ", ")
                + "; key check value \(outcome.keyCheckValue)")
            switch result.adoption {
            case .adopted: say("Set \(result.set) is now \(options.appliance) backup key")
            case .inUse: say("Set \(result.set) is \(options.appliance) backup key")
            case .notInUse(let current):
                say("warning: set \(result.set) is not \(options.appliance) backup key (that is set \(current)); it was not adopted")
            case .abandoned: say("warning: set \(result.set) was abandoned before its key was adopted; it was not adopted")
            }
            if !result.badShares.isEmpty { say("warning: share(s) \(result.badShares) do not fit the others: replace those cards") }
            if let output = outcome.output, let decrypt {
                say("Backup \(decrypt) decrypted into \(output) (readable by you only): the restored key is the right one")
            }
        }
    }

    struct Copy: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(
            abstract: "Copy one share card (the source) to another card (the target), for a second set of cards.")
        @OptionGroup var options: Options
        @Flag(help: "Overwrite a target card that holds a share of another set (never below k cards of a set this appliance keeps).")
        var overwrite = false

        var simulated: Bool { options.simulate }

        func run() async throws {
            let copy = try await CeremonyWorkflow.copy(setup: try options.setup(overwrite: overwrite), ui: Terminal())
            say("Share \(copy.x) of set \(copy.set) copied from card \(copy.from) (source) to card \(copy.to) (target)")
        }
    }

    struct Journal: AsyncParsableCommand, SimulatedRun {
        static let configuration = CommandConfiguration(abstract: "Which cards hold which share of which set, and the key in use.")
        @OptionGroup var options: Options
        @Flag(help: "The journal as JSON: one object per set per line, then one for the key in use.") var json = false
        var simulated: Bool { options.simulate }
        var printsJSON: Bool { json }

        func run() async throws {
            let (path, journal) = try CeremonyWorkflow.journal(setup: try options.setup())
            if json {
                for set in journal.sets { say(JournalJSON.set(set, inUse: set.set == journal.adopted?.set)) }
                say(JournalJSON.summary(journal, path: path))
                return
            }
            if journal.sets.isEmpty { say("no share sets recorded in \(path)") }
            for line in journal.summary { say(line) }
            if let adopted = journal.adopted { say("in use: set \(adopted.set)") } else { say("no backup key in use") }
            for event in journal.history { say("history: \(JournalJSON.date(event.date)) \(event.what)") }
        }
    }
}
