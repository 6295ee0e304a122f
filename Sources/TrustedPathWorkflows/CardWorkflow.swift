import Ceremony
import PINPad
import Quorum
import Simulator
import Synchronization
import TCOS
import TrustedPathCore

/// Where a `card` command runs: the reader, the appliance's state, the simulated card and the
/// keys the simulated person presses (simulation only), a recording.
public struct CardSetup: Sendable {
    public var reader: ReaderChoice
    public var state: ApplianceState
    /// The simulated card's state file (default: card 1 of the simulator's drawer).
    public var cardState: String?
    /// The keys the simulated person presses, in order (simulation only).
    public var keys: [KeypadKey]?
    /// The ceremony journal `write` keeps up to date (default: the appliance's, or the
    /// simulator's for a simulated card).
    public var journal: String?
    public var record: String?
    public var pinPad = PINPadOptions()

    public init(reader: ReaderChoice, state: ApplianceState) {
        self.reader = reader
        self.state = state
    }
}

/// One card in a PIN-pad reader for the length of a command.
public final class CardSession: Sendable {
    public let pad: PINPadReader
    let opened: OpenedReader
    let bench: SimulatedBench?
    let screens: DisplayScreens?

    private init(pad: PINPadReader, opened: OpenedReader, bench: SimulatedBench?, screens: DisplayScreens?) {
        self.pad = pad
        self.opened = opened
        self.bench = bench
        self.screens = screens
    }

    /// Checks the setup, then opens the reader and the card session.
    static func open(_ setup: CardSetup, requirePINPad: Bool, ui: any OperatorInterface) async throws(WorkflowError) -> CardSession {
        var options = ReaderRoute.Options(record: setup.record, requirePINPad: requirePINPad)
        options.pinPad = setup.pinPad
        try ReaderRoute.check(setup.reader, options: options)
        var bench: SimulatedBench?
        var displayed: DisplayScreens?
        if setup.reader.isSimulated {
            let made = try SimulatedBench(cardFile: setup.cardState ?? setup.state.simulatedCard)
            guard let card = made.card(1) else { throw WorkflowError(.file, "the simulated card could not be set up") }
            await made.reader.insert(card: card)
            if let keys = setup.keys { await made.reader.press(keys) }
            let screens = DisplayScreens(ui: ui)
            await made.reader.watchDisplay { screens.shown($0) }
            displayed = screens
            ui.info("simulated card \(setup.cardState ?? setup.state.simulatedCard)")
            bench = made
        } else if setup.cardState != nil || setup.keys != nil {
            throw WorkflowError(.invalidRequest, "--card-state and --keys are for the simulated card and need --simulate: "
                + "on a real PIN pad the operator presses the keys")
        }
        let opened = try await ReaderRoute.open(setup.reader, simulated: bench?.reader, options: options, ui: ui)
        let pad: PINPadReader
        do { pad = try await opened.station.waitForCard() } catch {
            try? await opened.close()
            throw WorkflowError(.device, error.description)
        }
        return CardSession(pad: pad, opened: opened, bench: bench, screens: displayed)
    }

    /// Runs a PIN-pad step; what the pad or card reports becomes the operator's message.
    func onPad<T: Sendable>(_ body: (PINPadReader) async throws(PINPadError) -> T) async throws(WorkflowError) -> T {
        // What the display showed comes before what the host says of the outcome.
        defer { screens?.flush() }
        do { return try await body(pad) } catch { throw WorkflowError(.refused, error.description) }
    }

    /// Lets go of the reader; saves the simulated card (a wrong PIN spends a try there too).
    func finish() async throws(WorkflowError) {
        screens?.flush()
        var failure: WorkflowError?
        do { try await opened.close() } catch { failure = error }
        do { try bench?.save() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }

    /// Runs `body` on an opened session and finishes it whatever the outcome.
    static func with<T: Sendable>(_ setup: CardSetup, requirePINPad: Bool = true, ui: any OperatorInterface,
                                  _ body: (CardSession) async throws(WorkflowError) -> T) async throws(WorkflowError) -> T {
        let session = try await open(setup, requirePINPad: requirePINPad, ui: ui)
        let result: Result<T, WorkflowError>
        do { result = .success(try await body(session)) } catch { result = .failure(error) }
        let finished: WorkflowError?
        do { try await session.finish(); finished = nil } catch { finished = error }
        let value = try result.get()
        if let finished { throw finished }
        return value
    }
}

/// The simulated display's screens as the operator would read them: a prompt, and a PIN
/// entry once it is typed (one line, not a line a digit).
final class DisplayScreens: Sendable {
    let ui: any OperatorInterface
    private let pending = Mutex<[String]?>(nil)

    init(ui: any OperatorInterface) { self.ui = ui }

    func shown(_ screen: [String]) {
        let previous = pending.withLock { last -> [String]? in
            defer { last = screen }
            return last?.first == screen.first ? nil : last
        }
        if let previous { show(previous) }
    }

    func flush() {
        if let last = pending.withLock({ last -> [String]? in defer { last = nil }; return last }) { show(last) }
    }

    private func show(_ screen: [String]) { ui.show(OperatorMessage(.simulatedDisplay, screen.joined(separator: " | "))) }
}

/// What `read` may tell of a slot: its kind and length, and for a share its public parts.
public struct SlotReading: Sendable {
    public var content: TCOSSlotHeader.Content
    public var length: Int
    public var share: (x: UInt8, n: Int, k: Int, set: String, keyCheckValue: String)?
}

/// The `card` commands' checked workflows. No PIN crosses the host: every PIN is typed on the
/// pad; every write checks its input before anything is shown on the pad.
public enum CardWorkflow {
    public static func status(setup: CardSetup, ui: any OperatorInterface) async throws(WorkflowError) -> TCOSCardStatus {
        try await CardSession.with(setup, requirePINPad: false, ui: ui) { session throws(WorkflowError) in
            try await session.onPad { pad throws(PINPadError) in try await pad.status() }
        }
    }

    public static func verify(_ slot: TCOSSlot, allowLastTry: Bool, setup: CardSetup,
                              ui: any OperatorInterface) async throws(WorkflowError) {
        try await CardSession.with(setup, ui: ui) { session throws(WorkflowError) in
            try await session.onPad { pad throws(PINPadError) in try await pad.verifyOnPad(slot: slot, allowLastTry: allowLastTry) }
            ui.info("PIN verified: \(slot.name)")
            await warnIfDefaultPIN(session, slot, ui)
        }
    }

    public static func changePIN(_ slot: TCOSSlot, allowLastTry: Bool, setup: CardSetup,
                                 ui: any OperatorInterface) async throws(WorkflowError) {
        try await CardSession.with(setup, ui: ui) { session throws(WorkflowError) in
            try await session.onPad { pad throws(PINPadError) in try await pad.changePINOnPad(slot: slot, allowLastTry: allowLastTry) }
            ui.info("PIN changed: \(slot.name)")
        }
    }

    /// After "Read New Key" (OK on the pad) and the slot's PIN: what the slot holds. Its bytes
    /// never leave this function: a share and the activation credential are secrets.
    public static func read(_ slot: TCOSSlot, allowLastTry: Bool, setup: CardSetup,
                            ui: any OperatorInterface) async throws(WorkflowError) -> SlotReading {
        try await CardSession.with(setup, ui: ui) { session throws(WorkflowError) in
            try await require(.readNewKey, session)
            try await session.onPad { pad throws(PINPadError) in try await pad.verifyOnPad(slot: slot, allowLastTry: allowLastTry) }
            let (content, data) = try await card(session) { card throws(TCOSError) in try await card.readSlot(slot) }
            var reading = SlotReading(content: content, length: data.count)
            if content == .shamirShareRecord, let record = data.withBytes({ try? ShareRecord(parsing: $0) }) {
                reading.share = (record.x, record.shareCount, record.threshold, record.setLabel, Hex.lower(record.keyCheckValue))
            }
            await warnIfDefaultPIN(session, slot, ui)
            return reading
        }
    }

    /// Writes the file `path` into `slot` after "Write New Key" (OK on the pad) and the slot's
    /// PIN. The share slot takes only a valid share record, the activation slot only a
    /// plausible credential; a slot that holds something is overwritten only with
    /// `overwrite`, never below k cards of a set the journal keeps, and the journal says so.
    public static func write(_ slot: TCOSSlot, from path: String, overwrite: Bool, allowLastTry: Bool, setup: CardSetup,
                             ui: any OperatorInterface) async throws(WorkflowError) -> (content: TCOSSlotHeader.Content, length: Int) {
        // A share file of any size is read, so that its refusal can say what a record is.
        var bytes = try Files.read(path, as: slot.kind == .backupKeyShare ? "the share record" : "the activation credential",
                                   limit: slot.kind == .backupKeyShare ? 1 << 16 : slot.payloadCapacity)
        let data = SecretBytes(consuming: &bytes)
        let record = try checkPayload(data, for: slot, path: path)
        let store = JournalStore(path: try journalPath(setup))
        var log = try mapped { () throws(CeremonyError) in try store.load() }
        try mapped { () throws(CeremonyError) in try store.checkWritable() }
        return try await CardSession.with(setup, ui: ui) { session throws(WorkflowError) in
            try await require(.writeNewKey, session)
            try await session.onPad { pad throws(PINPadError) in try await pad.verifyOnPad(slot: slot, allowLastTry: allowLastTry) }
            let serial = try await cardSerial(session)
            let kind: TCOSSlotHeader.Content = slot.kind == .backupKeyShare ? .shamirShareRecord : .activationCredential
            let status = try await session.onPad { pad throws(PINPadError) in try await pad.status() }
            var replaced: ShareRecord?
            if let current = status.slot(slot.kind), current.content != .empty {
                let (_, held) = try await card(session) { card throws(TCOSError) in try await card.readSlot(slot) }
                replaced = held.withBytes { try? ShareRecord(parsing: $0) }
                let what = replaced.map { "share \($0.x) of set \($0.setLabel)" } ?? current.content.userText
                guard overwrite else {
                    throw WorkflowError(.refused, "card \(serial) already holds \(what) in its \(slot.name): nothing was written. "
                        + "To overwrite it, run again with --overwrite")
                }
                if let replaced {
                    if let refusal = log.overwriteRefusal(card: serial, set: replaced.setLabel, x: replaced.x) {
                        throw WorkflowError(.refused, refusal.context)
                    }
                    ui.warn(log.overwriteNotice(card: serial, set: replaced.setLabel, x: replaced.x))
                } else {
                    ui.warn("Overwriting \(what) on card \(serial)")
                }
            }
            try await card(session) { card throws(TCOSError) in try await card.writeSlot(slot, content: kind, data: data) }
            if let replaced {
                let new = record.map { "share \($0.x) of set \($0.setLabel) (card write)" } ?? "other data (card write)"
                log.recordOverwrite(card: serial, set: replaced.setLabel, x: replaced.x, with: new)
            }
            if let record, log.set(record.setLabel) != nil {
                log.place(card: serial, x: Int(record.x), in: record.setLabel, verified: false)
            }
            if replaced != nil || record.map({ log.set($0.setLabel) != nil }) == true {
                try mapped { () throws(CeremonyError) in try store.save(log) }
            }
            await warnIfDefaultPIN(session, slot, ui)
            return (kind, data.count)
        }
    }

    /// The share slot takes a share record whose magic, version and CRC hold; the activation
    /// slot a credential of 16 to 512 bytes that is not a share record and not one byte
    /// repeated (an empty or zeroed file). The share record, if it is one.
    static func checkPayload(_ data: SecretBytes, for slot: TCOSSlot, path: String) throws(WorkflowError) -> ShareRecord? {
        let record = data.withBytes { bytes -> Result<ShareRecord, QuorumError> in
            do throws(QuorumError) { return .success(try ShareRecord(parsing: bytes)) } catch { return .failure(error) }
        }
        switch slot.kind {
        case .backupKeyShare:
            switch record {
            case .success(let record): return record
            case .failure(let error):
                throw WorkflowError(.invalidRequest, "\(path) is not a valid share record (\(error)): nothing was written. "
                    + "A share record is the \(ShareRecord.encodedLength)-byte record `trustedpath quorum split` or a ceremony makes")
            }
        case .pkcs11Activation:
            if case .success = record {
                throw WorkflowError(.invalidRequest, "\(path) is a share record, which belongs in the share slot (--slot share), "
                    + "not the activation slot: nothing was written")
            }
            guard data.count >= 16 else {
                throw WorkflowError(.invalidRequest, "\(path) holds \(data.count) bytes; an activation credential has 16 to "
                    + "\(slot.payloadCapacity): nothing was written")
            }
            let uniform = data.withBytes { bytes in bytes.allSatisfy { $0 == bytes.first } }
            guard !uniform else {
                throw WorkflowError(.invalidRequest, "\(path) is one byte repeated, not an activation credential: nothing was written")
            }
            return nil
        }
    }

    static func journalPath(_ setup: CardSetup) throws(WorkflowError) -> String {
        var ceremony = CeremonySetup(reader: setup.reader, state: setup.state)
        ceremony.journal = setup.journal
        // A card of another drawer (--card-state) goes with that drawer's journal, as the
        // ceremony's --cards-dir does; the default card is the simulator's own drawer.
        if setup.reader.isSimulated, setup.journal == nil, let cardState = setup.cardState {
            ceremony.simulation.cardsDirectory = Files.folder(of: cardState)
        }
        return try CeremonyWorkflow.journalPath(ceremony)
    }

    // MARK: - Helpers

    /// OK on the pad, or a clear stop.
    static func require(_ prompt: PadPrompt, _ session: CardSession) async throws(WorkflowError) {
        let answer = try await session.onPad { pad throws(PINPadError) in try await pad.confirm(prompt) }
        switch answer {
        case .ok: return
        case .cancel: throw WorkflowError(.refused, "\"\(prompt)\" was cancelled on the reader's keypad; nothing was done")
        case .timeout: throw WorkflowError(.refused, "no OK or Cancel was pressed on the reader's keypad for \"\(prompt)\"; nothing was done")
        }
    }

    static func cardSerial(_ session: CardSession) async throws(WorkflowError) -> String {
        try await card(session) { card throws(TCOSError) in
            _ = try await card.commands.select(path: [0x3F00, 0x2F02], returnFCP: false)
            let gdo = try await card.commands.readBinary(offset: 0, count: 12)
            return gdo.count == 12 && gdo[0] == 0x5A ? Hex.lower(gdo[2...]) : Hex.lower(gdo)
        }
    }

    /// After a PIN was accepted: the default PIN 123456 protects nothing, so every command
    /// that used it says so. Asks the slot header only (no PIN try).
    static func warnIfDefaultPIN(_ session: CardSession, _ slot: TCOSSlot, _ ui: any OperatorInterface) async {
        guard let status = try? await session.pad.status(), status.slot(slot.kind)?.defaultPINSet == true else { return }
        ui.warn(defaultPINWarning(slot))
    }

    public static func defaultPINWarning(_ slot: TCOSSlot) -> String {
        "this card still has the default PIN 123456: change it with trustedpath card change-pin --slot "
            + (slot.kind == .backupKeyShare ? "share" : "activation")
    }

    static func card<T: Sendable>(_ session: CardSession,
                                  _ body: (TCOSCard) async throws(TCOSError) -> T) async throws(WorkflowError) -> T {
        let card = try await session.onPad { pad throws(PINPadError) in try await pad.card() }
        do { return try await body(card) } catch { throw WorkflowError(.refused, PINPadError.from(error).description) }
    }

    static func mapped<T>(_ body: () throws(CeremonyError) -> T) throws(WorkflowError) -> T {
        try CeremonyWorkflow.mapped(body)
    }
}
