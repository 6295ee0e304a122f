import ArgumentParser
import CCID
import Power
#if canImport(Glibc)
import Glibc
#endif

/// `trustedpath recover`: brings back a USB device that stopped answering, mildest step
/// first (USB reset, sysfs re-authorize, port power cycle), and says what to unplug when
/// nothing worked.
struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Bring back a USB device that stopped answering (USB reset, re-authorize, port power cycle).",
        discussion: """
            After each step the device must be back in sysfs and answer GET_DESCRIPTOR(DEVICE) \
            through libusb; the first step after which it does is the last one taken. The steps \
            need write access to the device node, its sysfs `authorized` attribute and its port's \
            `disable` attribute (root, or the udev rule in docs/recovery.md). Exits 0 when the \
            device answers again, 1 when it has to be unplugged and replugged.
            """)

    @Argument(help: "The device: a sysfs path, a kernel name (1-2), bus:address (1:5) or vid:pid (0c4b:0400).")
    var device: String

    @Option(name: .customLong("step"),
            help: "Take only this step (usb-reset, reauthorize, port-power-cycle); repeat for several.")
    var steps: [String] = []

    @Flag(help: "The device has its own power supply (e.g. a PED on firmware 2.7.x): port power won't reset it.")
    var externallyPowered = false

    @Flag(help: "One JSON object with the attempts and the outcome.") var json = false

    func run() async throws {
        let chosen = try steps.map { name in
            guard let step = RecoveryStep(rawValue: name) else {
                throw ValidationError("--step \(name): use " + RecoveryStep.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return step
        }
        let recovery: SysfsDeviceRecovery
        do {
            recovery = try SysfsDeviceRecovery(locating: device, externallyPowered: externallyPowered ? true : nil)
        } catch {
            throw ValidationError("\(error)")
        }
        let name = recovery.vendorProduct().map { "\(recovery.deviceName) (\($0))" } ?? recovery.deviceName
        let ladder = chosen.isEmpty ? RecoveryLadder() : RecoveryLadder(steps: chosen)
        let outcome = await ladder.run(recovery) {
            // Why it did not answer goes to stderr: "no answer" alone hides a probe that
            // was not permitted to open the device.
            guard let address = recovery.address() else {
                printError("probe: \(recovery.deviceName) is not attached")
                return false
            }
            do {
                try await USBControl.probe(bus: address.bus, address: address.address)
                return true
            } catch {
                printError("probe: \(error)")
                return false
            }
        }
        let advice = outcome.replugAdvice(device: name, externallyPowered: externallyPowered ? true : nil)
        if json {
            print(Self.json(name: recovery.deviceName, outcome, address: recovery.address(), advice).rendered)
        } else {
            for attempt in outcome.attempts { print(attempt) }
            if case .recovered(let step, _) = outcome {
                print("\(name) answers again after \(step.rawValue)"
                      + (recovery.address().map { ", at bus:address \($0)" } ?? ""))
            }
            if let advice { print(advice) }
        }
        if advice != nil { throw ExitCode.failure }
    }

    static func json(name: String, _ outcome: RecoveryOutcome, address: USBAddress?, _ advice: ReplugAdvice?) -> JSONValue {
        let attempts: [JSONValue] = outcome.attempts.map { attempt in
            let (result, reason): (String, String?) = switch attempt.result {
            case .notPossible(let why): ("not-possible", why)
            case .failed(let why): ("failed", why)
            case .noAnswer: ("no-answer", nil)
            case .answered: ("answered", nil)
            }
            return .object([("step", .string(attempt.step.rawValue)), ("result", .string(result)),
                            ("reason", reason.map(JSONValue.string) ?? .null)])
        }
        let recoveredBy: JSONValue = if case .recovered(let step, _) = outcome { .string(step.rawValue) } else { .null }
        return .object([
            ("device", .string(name)), ("outcome", .string(advice == nil ? "recovered" : "replug-required")),
            ("recoveredBy", recoveredBy), ("address", address.map { .string($0.description) } ?? .null),
            ("attempts", .array(attempts)),
            ("externallyPowered", .bool(advice?.externallyPowered ?? false)),
            ("message", advice.map { .string($0.description) } ?? .null),
        ])
    }
}

/// A line on standard error (write(2): the C `stderr` global is rejected by strict concurrency).
private func printError(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
