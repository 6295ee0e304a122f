import ArgumentParser
import Glibc
import POSIXSupport
import Simulator
import TrustedPathCore
import TrustedPathWorkflows
import USBEmulation

/// `trustedpath simulate usb [options] -- COMMAND [ARGS…]`: COMMAND runs with the simulated
/// PIN-pad reader (and its TCOS card) on an emulated USB bus, seen through the real libudev
/// and libusb as hardware; the simulation ends when COMMAND does, with COMMAND's status.
struct SimulateUSBCommand: AsyncParsableCommand, SimulatedRun {
    static let configuration = CommandConfiguration(
        commandName: "usb",
        abstract: "Run a command with the simulated reader on an emulated USB bus (umockdev).",
        discussion: """
            COMMAND and everything it starts see one more USB device: the simulated reader \
            (--reader), with a TCOS card in it unless --no-card. libudev enumerates it, libusb \
            opens it, pcscd with libccid drives it as it drives the real reader, and so does \
            trustedpath (--reader VID:PID). Nothing else on the machine sees it: the bus is a \
            umockdev testbed, visible to processes started with its UMOCKDEV_DIR and \
            libumockdev-preload, which this command sets for COMMAND.

            At each PIN entry on the pad the simulated person presses the next keys of --keys \
            (as `card` takes them: "123456,ok"; "timeout" lets the entry time out). The card's \
            state (PINs, files) lasts in --card-state FILE; without it the card is new \
            (PIN 123456) and forgotten at the end.

            Example: trustedpath simulate usb --keys 123456,ok -- trustedpath card verify --reader 0c4b:0504
            """)

    @Option(help: "The simulated reader: \(SimulatedReaderModel.names).") var reader = "cyberjack-go"
    @Option(help: "The simulated card's state file (made if missing); without it a new card, forgotten at the end.")
    var cardState: String?
    @Flag(help: "Leave the reader's slot empty.") var noCard = false
    @Option(help: "Keys the simulated person presses at PIN entries: digits, ok, cancel, clear, timeout, comma-separated.")
    var keys: String?
    @Option(help: "The simulated share cards' folder (card-N files, made if missing), for a ceremony under COMMAND.")
    var cardsDir: String?
    @Option(help: "With --cards-dir: the cards (1 to 99) the simulated operator inserts, in order, at each \"Insert\" prompt, e.g. 1,2,3.")
    var cards: String?
    @Option(help: "With --cards: the PIN the simulated operator types on the pad (default 123456).") var pin: String?
    @Option(help: "With --cards: the new PIN the simulated operator types when a PIN change is asked.") var newPin: String?
    @Argument(parsing: .postTerminator, help: "The command to run (after --).") var command: [String] = []

    var simulated: Bool { true }
    /// COMMAND owns standard output: the simulation's first and last lines go to standard error.
    var printsJSON: Bool { true }

    func validate() throws {
        guard SimulatedReaderModel.profile(named: reader) != nil else {
            throw ValidationError("--reader: \(reader) is not a simulated reader; choose one of \(SimulatedReaderModel.names)")
        }
        if let keys, (try? CardKeys.parse(keys)) == nil {
            throw ValidationError("--keys: use digits, ok, cancel, clear, timeout separated by commas (e.g. \"123456,ok\")")
        }
        if noCard, cardState != nil { throw ValidationError("--no-card and --card-state exclude each other") }
        if (cards == nil) != (cardsDir == nil) { throw ValidationError("--cards and --cards-dir go together") }
        if cards != nil, cardState != nil || noCard || keys != nil {
            throw ValidationError("--cards (a ceremony's operator) excludes --card-state, --no-card and --keys")
        }
        if cards == nil, pin != nil || newPin != nil { throw ValidationError("--pin and --new-pin go with --cards") }
        do { _ = try operatorPlan() } catch { throw ValidationError(error.message) }
        guard let first = command.first else {
            throw ValidationError("no COMMAND: give the command to run after --, e.g. -- pcsc_scan")
        }
        guard Spawn.isRunnable(first) else {
            throw ValidationError("COMMAND \(first) is not a program found in PATH or an executable file")
        }
    }

    /// The ceremony's simulated operator of --cards-dir, --cards, --pin and --new-pin, checked
    /// as `ceremony --simulate` checks them; nil without --cards.
    private func operatorPlan() throws(WorkflowError) -> SimulatedOperatorPlan? {
        guard let cards, let cardsDir else { return nil }
        var plan = SimulatedOperatorPlan()
        plan.cardsDirectory = cardsDir
        plan.cards = try SimulatedOperatorPlan.parseCards(cards)
        plan.pin = pin
        plan.newPIN = newPin
        try plan.checkPINs()
        return plan
    }

    func run() async throws {
        let profile = SimulatedReaderModel.profile(named: reader)!
        let ceremony = try operatorPlan()
        let bench: SimulatedBench?
        if let ceremony, let cardsDir = ceremony.cardsDirectory, let plan = ceremony.cards {
            bench = try SimulatedBench(directory: cardsDir, numbers: plan, profile: profile)
        } else {
            bench = try cardState.map { path throws(WorkflowError) in try SimulatedBench(cardFile: path, profile: profile) }
        }
        let simulatedReader = bench?.reader ?? SimulatedCCIDReader(profile: profile)
        if let bench, let ceremony, let plan = ceremony.cards {
            // The operator of a ceremony: inserts the planned cards at the display's prompts and
            // types each card's PIN on the pad.
            await simulatedReader.attend(CeremonyAttendant(plan: plan, pin: ceremony.pin ?? "123456", newPIN: ceremony.newPIN,
                                                           drawer: { bench.card($0) }, narrate: { complain($0) }))
        } else if !noCard {
            await simulatedReader.insert(card: bench?.card(1) ?? SimulatedTCOSCard(profile: .trustedPath))
        }
        if let keys { await simulatedReader.press(try CardKeys.parse(keys)) }

        let bus: EmulatedUSBBus
        do {
            bus = try EmulatedUSBBus()
            try bus.plug(USBGadget(link: simulatedReader, manufacturer: profile.manufacturer, product: profile.name,
                                   serial: SimulatedReaderModel.serial(of: profile)))
        } catch {
            throw CLIError("the emulated USB bus could not be set up: \(error) (is umockdev installed? run scripts/bootstrap)")
        }
        complain("simulate usb: \(profile.manufacturer) \(profile.name) "
            + "(\(hex4(profile.vendorID)):\(hex4(profile.productID))) on the emulated bus; running \(command[0])")
        let status = try await Spawn.run(command, environment: bus.environment)
        try bench?.save()
        complain(SimulationBanner.last)
        Glibc.exit(status)
    }
}

/// The simulated readers `simulate usb` can put on the bus, by name.
enum SimulatedReaderModel {
    static let all: [(name: String, profile: ReaderProfile)] = [
        ("cyberjack-go", .cyberJackGo),
        ("cyberjack-ecom", .cyberJackEcom),
        ("gempc-twin", .tpduT1Reader),
        ("spr532", .spr532),
    ]

    static var names: String { all.map(\.name).joined(separator: ", ") }

    static func profile(named name: String) -> ReaderProfile? { all.first { $0.name == name }?.profile }

    /// A made-up serial in the reader's own style, stable across runs (pcscd names the reader by it).
    static func serial(of profile: ReaderProfile) -> String { "TP\(hex4(profile.productID))000001" }
}

/// "0c4b" for 0x0C4B: USB IDs as lsusb and udev write them.
private func hex4(_ value: UInt16) -> String { Hex.lower([UInt8(value >> 8), UInt8(truncatingIfNeeded: value)]) }
