import BackupKey
import Ceremony
import PINPad
import Simulator
import TCOS
import TrustedPathCore

/// Where and how a ceremony command runs: the reader, the appliance's state, the simulated
/// operator (simulation only), a recording.
public struct CeremonySetup: Sendable {
    public var reader: ReaderChoice
    public var state: ApplianceState
    /// A journal other than the appliance's (never the appliance's for a simulated run).
    public var journal: String?
    public var simulation = SimulatedOperatorPlan()
    /// A usbmon capture of the session, secrets redacted.
    public var record: String?
    /// Spend a card's last PIN try.
    public var allowLastTry = false
    /// Overwrite cards that hold a share of another set (never below k cards of the set in use).
    public var overwrite = false
    public var pinPad = PINPadOptions()

    public init(reader: ReaderChoice, state: ApplianceState) {
        self.reader = reader
        self.state = state
    }
}

/// What the simulated operator does: which cards, in which order, which PINs. These exist for
/// the simulator only: on a real PIN pad the operator types the PIN on its keypad.
public struct SimulatedOperatorPlan: Sendable, Hashable {
    /// The simulated cards' folder (default: the simulator's state).
    public var cardsDirectory: String?
    /// Drawer card numbers in the order they are inserted (default: depends on the command).
    public var cards: [Int]?
    /// The PIN typed (default 123456, the cards' transport PIN).
    public var pin: String?
    /// The PIN set on each card whose default PIN the ceremony offers to change.
    public var newPIN: String?

    public init() {}

    var isEmpty: Bool { self == SimulatedOperatorPlan() }

    /// The PINs the simulated operator types obey the cards' PIN rules (6 to 8 digits), and
    /// a new PIN is not the default one.
    public func checkPINs() throws(WorkflowError) {
        let rule = PINBlockFormat.trustedPathASCII
        for (flag, pin) in [("--pin", pin), ("--new-pin", newPIN)] {
            guard let pin else { continue }
            guard pin.utf8.allSatisfy({ (0x30...0x39).contains($0) }), (rule.minLength...rule.maxLength).contains(pin.utf8.count) else {
                throw WorkflowError(.invalidRequest, "\(flag): a card PIN has \(rule.minLength) to \(rule.maxLength) digits")
            }
        }
        if let newPIN, newPIN == String(decoding: TCOSSlot.transportPIN, as: UTF8.self) {
            throw WorkflowError(.invalidRequest, "--new-pin: 123456 is the cards' default PIN, which protects nothing; choose another")
        }
    }

    /// Parses a `--cards` list: "3,1", drawer numbers 1 to 99.
    public static func parseCards(_ text: String) throws(WorkflowError) -> [Int] {
        var numbers: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.filter { $0 != " " }
            guard let number = Int(word), (1...99).contains(number) else {
                throw WorkflowError(.invalidRequest, "--cards \(text): card numbers 1 to 99, separated by commas (e.g. 3,1)")
            }
            numbers.append(number)
        }
        return numbers
    }
}

/// The ceremony summary for the operator, and for firmware the key itself.
public struct CeremonyOutcome: Sendable {
    public var result: QuorumCeremony.Result
    /// Hex of the key check value, safe to print.
    public var keyCheckValue: String
    /// The file the backup was encrypted to (create) or decrypted to (restore).
    public var output: String?
    public var journal: String
}

struct CopyOutcome: Sendable {
    var x: UInt8
    var set: String
    var from: String
    var to: String
}

/// The backup-key ceremony's checked workflows, the same for the CLI and for firmware with
/// its own UI: every option is checked and every file opened before anything is shown on the
/// pad, so a refused run leaves cards and journal as they were.
public enum CeremonyWorkflow {
    /// Creates the appliance's backup key on k of n cards; encrypts `encrypt.input` under it
    /// into `encrypt.output` when asked.
    public static func create(k: Int, n: Int, replaceKey: Bool, encrypt: (input: String, output: String)?,
                              setup: CeremonySetup, ui: any OperatorInterface) async throws(WorkflowError) -> CeremonyOutcome {
        guard (2...16).contains(n), (2...n).contains(k) else {
            throw WorkflowError(.invalidRequest, "--quorum \(k)/\(n): k of n must have 2 <= k <= n <= 16, e.g. 2/3 or 3/5")
        }
        let plaintext = try encrypt.map { files throws(WorkflowError) -> [UInt8] in
            let bytes = try Files.read(files.input, as: "the file to encrypt")
            try Files.checkOutput(files.output, as: "the encrypted file", inputs: [files.input], keepExisting: true)
            return bytes
        }
        var run = try Run(setup, defaultPlan: Array(1...n) + Array((n - k + 1...n).reversed()), ui: ui)
        run.replaceKey = replaceKey
        try mapped { () throws(CeremonyError) in try QuorumCeremony.checkCreate(journal: run.journal, replaceKey: replaceKey) }
        ui.info("Backup key ceremony: \(k) of \(n) cards")
        let result = try await run.perform { ceremony throws(CeremonyError) in try await ceremony.create(k: k, n: n) }
        var outcome = run.outcome(result)
        if let encrypt, let plaintext {
            let sealed: [UInt8]
            do { sealed = try BackupFile.encrypt(plaintext, key: result.key) } catch {
                throw WorkflowError(.refused, "the new key is in use, but \(encrypt.input) was not encrypted: \(error)")
            }
            do { try Files.write(encrypt.output, sealed, mode: 0o644, as: "the encrypted file") } catch {
                throw WorkflowError(.file, "the new key is in use, but the encrypted backup was not written: \(error.message)")
            }
            outcome.output = encrypt.output
        }
        return outcome
    }

    /// Recombines the backup key from any k cards of a set; decrypts `decrypt.input` with it
    /// into `decrypt.output` (readable by its owner only) when asked.
    public static func restore(decrypt: (input: String, output: String)?, setup: CeremonySetup,
                               ui: any OperatorInterface) async throws(WorkflowError) -> CeremonyOutcome {
        let backup = try decrypt.map { files throws(WorkflowError) -> [UInt8] in
            let bytes = try Files.read(files.input, as: "the backup to decrypt")
            do { _ = try BackupFile.keyCheckValue(of: bytes) } catch {
                throw WorkflowError(.file, "the backup to decrypt \(files.input) is \(error)")
            }
            try Files.checkOutput(files.output, as: "the decrypted file", inputs: [files.input], keepExisting: true)
            return bytes
        }
        let run = try Run(setup, defaultPlan: Array(1...16), ui: ui)
        try mapped { () throws(CeremonyError) in try QuorumCeremony.checkJournal(run.journal) }
        let result = try await run.perform { ceremony throws(CeremonyError) in try await ceremony.restore() }
        var outcome = run.outcome(result)
        if let decrypt, let backup {
            let plain: SecretBytes
            do { plain = try BackupFile.decrypt(backup, key: result.key) } catch {
                throw WorkflowError(.refused, "the key of set \(result.set) was restored, but \(decrypt.input) was not "
                    + "decrypted: \(error)")
            }
            try plain.withBytes { bytes throws(WorkflowError) in
                try Files.write(decrypt.output, bytes, mode: 0o600, as: "the decrypted file")
            }
            outcome.output = decrypt.output
        }
        return outcome
    }

    /// Copies a share card (the source) to another card (the target).
    public static func copy(setup: CeremonySetup, ui: any OperatorInterface) async throws(WorkflowError)
        -> (x: UInt8, set: String, from: String, to: String) {
        let run = try Run(setup, defaultPlan: [1, 2], ui: ui)
        try mapped { () throws(CeremonyError) in try QuorumCeremony.checkJournal(run.journal) }
        let copied = try await run.perform { ceremony throws(CeremonyError) in
            let copy = try await ceremony.copyCard()
            return CopyOutcome(x: copy.x, set: copy.set, from: copy.from, to: copy.to)
        }
        return (copied.x, copied.set, copied.from, copied.to)
    }

    /// The journal of the appliance (or of the simulator, with `.simulated`).
    public static func journal(setup: CeremonySetup) throws(WorkflowError) -> (path: String, journal: CeremonyJournal) {
        let path = try journalPath(setup)
        let journal = try mapped { () throws(CeremonyError) in try JournalStore(path: path).load() }
        return (path, journal)
    }

    /// The journal a setup uses: the appliance's, or the simulator's own for a simulated run.
    public static func journalPath(_ setup: CeremonySetup) throws(WorkflowError) -> String {
        guard setup.reader.isSimulated else { return setup.journal ?? setup.state.journal }
        // The simulator's own drawer has its journal beside it; another drawer (--cards-dir) its own.
        let drawer = setup.simulation.cardsDirectory.flatMap { Files.sameFile($0, setup.state.simulatedCards) ? nil : $0 }
        let path = setup.journal ?? drawer.map { $0 + "/ceremony.json" } ?? setup.state.simulatedJournal
        if Files.sameFile(path, setup.state.journal) || path == setup.state.journal {
            throw WorkflowError(.invalidRequest, "--journal \(path) is the appliance's own journal: a simulated set never enters "
                + "it; drop --journal (the simulator keeps its own) or name another file")
        }
        return path
    }

    // MARK: - One run

    /// A ceremony command once its options are checked: the journal, the simulated bench if
    /// any. `perform` opens the reader and runs the ceremony on it.
    struct Run {
        let setup: CeremonySetup
        let ui: any OperatorInterface
        let bench: SimulatedBench?
        let plan: [Int]
        let journal: JournalStore
        var replaceKey = false

        init(_ setup: CeremonySetup, defaultPlan: [Int], ui: any OperatorInterface) throws(WorkflowError) {
            self.setup = setup
            self.ui = ui
            try ReaderRoute.check(setup.reader, options: ReaderRoute.Options(record: setup.record))
            journal = JournalStore(path: try CeremonyWorkflow.journalPath(setup))
            if setup.reader.isSimulated {
                try setup.simulation.checkPINs()
                plan = setup.simulation.cards ?? defaultPlan
                bench = try SimulatedBench(directory: setup.simulation.cardsDirectory ?? setup.state.simulatedCards, numbers: plan)
            } else {
                guard setup.simulation.isEmpty else {
                    throw WorkflowError(.invalidRequest, "--pin, --new-pin, --cards and --cards-dir drive the simulated operator "
                        + "and need --simulate: on a real PIN pad the operator inserts the cards and types every PIN on its keypad")
                }
                plan = []
                bench = nil
            }
        }

        /// Opens the reader, runs `body` on the ceremony, lets go of everything (and saves the
        /// simulated cards) whatever the outcome.
        func perform<T: Sendable>(_ body: (QuorumCeremony) async throws(CeremonyError) -> T) async throws(WorkflowError) -> T {
            let ui = self.ui
            if let bench {
                let attendant = CeremonyAttendant(plan: plan, pin: setup.simulation.pin ?? "123456", newPIN: setup.simulation.newPIN,
                                                  drawer: { [bench] number in bench.card(number) },
                                                  narrate: { ui.show(OperatorMessage(.simulatedOperator, $0)) })
                await bench.reader.attend(attendant)
                ui.info("simulated cards in \(bench.directory); journal \(journal.path)")
            }
            var options = ReaderRoute.Options(record: setup.record)
            options.pinPad = setup.pinPad
            let opened = try await ReaderRoute.open(setup.reader, simulated: bench?.reader, options: options, ui: ui)
            var ceremony = QuorumCeremony(station: PadShareCardStation(pad: opened.station, inform: { ui.info($0) }), journal: journal)
            ceremony.allowLastTry = setup.allowLastTry
            ceremony.overwriteOtherSets = setup.overwrite
            ceremony.replaceKey = replaceKey
            let outcome: Result<T, CeremonyError>
            do { outcome = .success(try await body(ceremony)) } catch { outcome = .failure(error) }
            var closing: WorkflowError?
            do { try await opened.close() } catch { closing = error }
            do { try bench?.save() } catch { closing = closing ?? error }
            switch outcome {
            case .failure(let error): throw CeremonyWorkflow.mapped(error)
            case .success(let result):
                if let closing { throw closing }
                return result
            }
        }

        func outcome(_ result: QuorumCeremony.Result) -> CeremonyOutcome {
            CeremonyOutcome(result: result, keyCheckValue: Hex.lower(BackupKey.keyCheckValue(result.key)), output: nil,
                            journal: journal.path)
        }
    }

    /// A ceremony's refusal in the workflow's terms (same message).
    static func mapped(_ error: CeremonyError) -> WorkflowError {
        WorkflowError(error.code == .journal ? .journal : .refused, error.context)
    }

    static func mapped<T>(_ body: () throws(CeremonyError) -> T) throws(WorkflowError) -> T {
        do { return try body() } catch { throw mapped(error) }
    }
}

