import ArgumentParser
import Synchronization
import CCIDReader
import Foundation
import LibUSBLink
import PCSC
import PINPad
import Quorum
import Simulator
import TCOS
import TrustedPathCore
import USBLink

/// `trustedpath card ...`: a TrustedPath TCOS card in a PIN-pad reader. PINs are typed on
/// the reader's keypad only; no option here takes a PIN.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "TrustedPath card slots through a PIN-pad reader (PINs typed on the pad only).",
        discussion: """
            With --reader, the named reader (VID:PID[:SERIAL] or BUS:ADDRESS) is used. With \
            --simulate, or when no reader is attached, a simulated cyberJack e-com with a \
            simulated TrustedPath card is used; the card's state (PINs, counters, slots) is kept \
            in --card-state between runs. The simulated person presses the keys of --keys: a \
            comma-separated list of digit strings and the words ok, cancel, clear, timeout \
            (nobody presses anything until the entry times out), e.g. --keys "123456,ok"; \
            "--keys -" reads that list from standard input. Without --keys nobody presses \
            anything. Slot NAME: share (backup key share slot) or activation (PKCS#11 slot).
            """,
        subcommands: [Status.self, Verify.self, ChangePIN.self, Read.self, Write.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "PIN tries, default-PIN warning and content per slot (no PIN entry).")
        @Option(help: "Only this slot: share or activation.") var slot: CardSlotName?
        @OptionGroup var connection: CardConnectionOptions

        func run() async throws {
            try await CardSession.with(connection) { session in
                let status = try await session.pad.status()
                switch status.layout {
                case .trustedPath: print("card: TrustedPath layout")
                case .blank: print("card: blank (not personalised)")
                case .foreign(let reason): print("card: not a TrustedPath card (\(reason))")
                }
                for entry in status.slots where slot == nil || entry.slot.kind == slot?.slot.kind {
                    print(Self.line(entry))
                    if entry.defaultPINSet && entry.pin != .blocked { print("  " + CardSession.defaultPINWarning(entry.slot)) }
                }
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

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a slot's PIN typed on the reader's keypad.")
        @Option(help: "share or activation.") var slot: CardSlotName
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions

        func run() async throws {
            try await CardSession.with(connection) { session in
                try await session.pad.verifyOnPad(slot: slot.slot, allowLastTry: allowLastTry)
                await session.show()
                print("PIN verified: \(slot.slot.name)")
                await session.warnIfDefaultPIN(slot.slot)
            }
        }
    }

    struct ChangePIN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change-pin",
            abstract: "Change a slot's PIN on the keypad: current PIN, new PIN, new PIN again.")
        @Option(help: "share or activation.") var slot: CardSlotName
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions

        func run() async throws {
            try await CardSession.with(connection) { session in
                try await session.pad.changePINOnPad(slot: slot.slot, allowLastTry: allowLastTry)
                await session.show()
                print("PIN changed: \(slot.slot.name)")
            }
        }
    }

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a slot after \"Read New Key\" (OK on the pad) and its PIN: kind and length; its bytes are never printed.",
            discussion: """
                Neither a share nor the PKCS#11 activation credential leaves the card through this \
                command: both are secrets, and the credential is not to be copied to another card.
                """)
        @Option(help: "share or activation.") var slot: CardSlotName
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions

        func run() async throws {
            try await CardSession.with(connection) { session in
                try await session.require(.readNewKey)
                try await session.pad.verifyOnPad(slot: slot.slot, allowLastTry: allowLastTry)
                let (content, data) = try await session.pad.card().readSlot(slot.slot)
                await session.show()
                print("\(slot.slot.name): \(content.userText), \(data.count) bytes")
                if content == .shamirShareRecord, let record = data.withBytes({ try? ShareRecord(parsing: $0) }) {
                    // Public parts only: which set, which share, the key's check value.
                    print("  share \(record.x) of \(record.shareCount) (any \(record.threshold) restore), set "
                        + Hex.lower(record.setIdentifier) + ", key check value " + Hex.lower(record.keyCheckValue))
                }
                await session.warnIfDefaultPIN(slot.slot)
            }
        }
    }

    struct Write: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a file into a slot after \"Write New Key\" (OK on the pad) and its PIN.")
        @Option(help: "share or activation.") var slot: CardSlotName
        @Option(name: .customLong("from"), help: "The file to write (a 68-byte share record for share).") var path: String
        @Flag(help: "Spend the last PIN try (a wrong PIN then blocks the slot).") var allowLastTry = false
        @OptionGroup var connection: CardConnectionOptions

        func run() async throws {
            guard let contents = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            var bytes = [UInt8](contents)
            let data = SecretBytes(consuming: &bytes)
            try await CardSession.with(connection) { session in
                try await session.require(.writeNewKey)
                try await session.pad.verifyOnPad(slot: slot.slot, allowLastTry: allowLastTry)
                let kind: TCOSSlotHeader.Content = slot == .share ? .shamirShareRecord : .activationCredential
                try await session.pad.card().writeSlot(slot.slot, content: kind, data: data)
                await session.show()
                print("\(slot.slot.name): wrote \(kind.userText), \(data.count) bytes")
                await session.warnIfDefaultPIN(slot.slot)
            }
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
    @Option(help: "A real reader: VID:PID[:SERIAL] (0c4b:0400) or BUS:ADDRESS.") var reader: String?
    @Flag(help: "Use the simulated cyberJack e-com and TrustedPath card.") var simulate = false
    @Option(help: "A reader that pcscd holds, by its PC/SC name (PIN entry through PC/SC part 10).") var pcsc: String?
    @Option(help: "The simulated card's state file (default $XDG_STATE_HOME or ~/.local/state, trustedpath/sim-card-1).")
    var cardState: String?
    @Option(help: "Keys the simulated person presses: digits, ok, cancel, clear, timeout, comma-separated; - reads stdin.")
    var keys: String?

    func validate() throws {
        if [reader != nil, simulate, pcsc != nil].filter({ $0 }).count > 1 {
            throw ValidationError("--reader, --pcsc and --simulate exclude each other")
        }
        if let reader, LibUSBDeviceSelector(parsing: reader) == nil {
            throw ValidationError("--reader \(reader): use VID:PID[:SERIAL] (0c4b:0400) or BUS:ADDRESS (1:5); "
                + "a reader that pcscd holds is named with --pcsc NAME")
        }
        if let keys, keys != "-", (try? CardKeys.parse(keys)) == nil {
            throw ValidationError("--keys: \(keys): use digits, ok, cancel, clear, timeout separated by commas")
        }
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

/// One run's reader and card: a real reader through libusb, or the simulated pair whose card
/// state is loaded before and saved after (also after a failure: a wrong PIN spends a try).
final class CardSession: Sendable {
    let pad: PINPadReader
    let simulated: SimulatedCCIDReader?
    let simulatedCard: SimulatedTCOSCard?
    let statePath: String?
    private let screensShown = Mutex(0)

    private init(pad: PINPadReader, simulated: SimulatedCCIDReader?, card: SimulatedTCOSCard?, statePath: String?) {
        self.pad = pad
        self.simulated = simulated
        self.simulatedCard = card
        self.statePath = statePath
    }

    /// Opens, runs `body`, prints the pad's screens, saves simulated state, and turns every
    /// failure into one clear line (exit status 1).
    static func with(_ options: CardConnectionOptions, _ body: (CardSession) async throws -> Void) async throws {
        let session: CardSession
        do { session = try await open(options) } catch let error as PINPad.PINPadError {
            throw CLIError(error.description)
        }
        do {
            try await body(session)
            try session.save()
        } catch {
            await session.show()
            try session.save()
            if let error = error as? PINPad.PINPadError { throw CLIError(error.description) }
            if let error = error as? TCOSError { throw CLIError(error.description) }
            throw error
        }
    }

    private static func open(_ options: CardConnectionOptions) async throws -> CardSession {
        let announce: @Sendable (PadMessage) -> Void = { message in
            switch message.kind {
            case .onPad: print("[pad] \(message)")
            case .hostFallback: print("[reader has no display] \(message)")
            }
        }
        switch try await ReaderRoute.open(reader: options.reader, pcsc: options.pcsc, simulate: options.simulate) {
        case .usb(let link):
            print("reader: \(link.device.label)")
            let pad = try PINPadReader(reader: try CCIDReader(link: link), messages: announce)
            return CardSession(pad: pad, simulated: nil, card: nil, statePath: nil)
        case .pcsc(let context, let reader):
            return try await openThroughPCSC(context, reader, announce)
        case .none:
            break
        }
        let path = options.cardState ?? defaultStatePath()
        let card: SimulatedTCOSCard
        if let saved = FileManager.default.contents(atPath: path) {
            do { card = try SimulatedTCOSCard(importing: [UInt8](saved)) } catch {
                throw CLIError("the simulated card state \(path) is unreadable: \(error); delete it to start with a new card")
            }
        } else {
            card = SimulatedTCOSCard(profile: .trustedPath)
        }
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: card)
        if let keys = options.keys {
            let text = keys == "-" ? (readLine() ?? "") : keys
            do { await simulated.press(try CardKeys.parse(text)) } catch {
                throw CLIError("--keys: \(text): use digits, ok, cancel, clear, timeout separated by commas")
            }
        }
        print("reader: simulated cyberJack e-com, card state \(path)")
        let pad = try PINPadReader(reader: try CCIDReader(link: simulated), messages: announce)
        return CardSession(pad: pad, simulated: simulated, card: card, statePath: path)
    }

    /// A reader pcscd holds: the card through SCardTransmit, the PIN through part 10.
    private static func openThroughPCSC(_ context: PCSCContext, _ reader: String,
                                        _ announce: @escaping @Sendable (PadMessage) -> Void) async throws -> CardSession {
        do {
            let card = try await PCSCCard(context: context, reader: reader)
            let transport = try await PCSCPINPadTransport(card: card)
            let pad = try PINPadReader(transport: transport, requirePINPad: false, messages: announce)
            return CardSession(pad: pad, simulated: nil, card: nil, statePath: nil)
        } catch let error as PCSCError {
            throw CLIError(error.description)
        } catch let error as PINPad.PINPadError {
            throw CLIError(error.description)
        }
    }

    static func defaultStatePath() -> String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (env["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/trustedpath/sim-card-1"
    }

    /// The simulated display's screens not printed yet; a real pad's screens stay on the pad.
    func show() async {
        guard let history = await simulated?.display?.history else { return }
        let start = screensShown.withLock { shown in
            defer { shown = history.count }
            return shown
        }
        for screen in history.dropFirst(start) {
            print("[display] " + screen.joined(separator: " | "))
        }
    }

    /// The card's state holds its PINs: the file is private to the user.
    private func save() throws {
        guard let simulatedCard, let statePath else { return }
        let directory = (statePath as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: statePath, contents: Data(simulatedCard.exportState()),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot save the simulated card state to \(statePath)")
        }
    }

    static func defaultPINWarning(_ slot: TCOSSlot) -> String {
        "warning: this card still has the default PIN 123456: change it with "
            + "trustedpath card change-pin --slot \(CardSlotName(slot).rawValue)"
    }

    /// After a PIN was accepted: the default PIN 123456 protects nothing, so every command
    /// that used it says so, not only `status`. Asks the slot header only (no PIN try).
    func warnIfDefaultPIN(_ slot: TCOSSlot) async {
        guard let status = try? await pad.status(), status.slot(slot.kind)?.defaultPINSet == true else { return }
        print(Self.defaultPINWarning(slot))
    }

    /// OK on the pad, or a clear stop.
    func require(_ prompt: PadPrompt) async throws {
        switch try await pad.confirm(prompt) {
        case .ok: await show()
        case .cancel:
            await show()
            throw CLIError("\"\(prompt)\" was cancelled on the reader's keypad; nothing was done")
        case .timeout:
            await show()
            throw CLIError("no OK or Cancel was pressed on the reader's keypad for \"\(prompt)\"; nothing was done")
        }
    }
}
