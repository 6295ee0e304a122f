import CCIDReader
import Foundation
import LibUSBLink
import PCSC
import PINPad
import Simulator
import Transcript
import USBLink

/// Which reader a workflow is to use, as the operator said it.
public enum ReaderChoice: Sendable, Hashable {
    /// A PIN-pad reader on USB: the one named (VID:PID[:SERIAL] or BUS:ADDRESS), else the
    /// only one attached. One that pcscd holds is reached through PC/SC, as that same reader.
    case usb(String?)
    /// A reader that pcscd holds, by its PC/SC name.
    case pcsc(String)
    /// The simulated reader and cards; never chosen unless asked for.
    case simulated

    public var isSimulated: Bool { self == .simulated }

    /// Checks the shape of a `--reader` value before anything is opened.
    public static func checkSelector(_ text: String) throws(WorkflowError) {
        guard LibUSBDeviceSelector(parsing: text) != nil else {
            throw WorkflowError(.invalidRequest, "--reader \(text): use VID:PID[:SERIAL] (0c4b:0504) or BUS:ADDRESS (1:5); "
                + "a reader that pcscd holds is named with --pcsc NAME")
        }
    }
}

/// A reader opened for a workflow, as a `PadStation`, with what must be let go afterwards.
public final class OpenedReader: Sendable {
    public let station: any PadStation
    /// "REINER SCT cyberJack go (0c4b:0504 on bus 1 address 5)", "\"NAME\" (through pcscd)".
    public let label: String
    /// The simulated reader, when the station is on it.
    public let simulated: SimulatedCCIDReader?
    let recording: PcapFileSink?

    init(station: any PadStation, label: String, simulated: SimulatedCCIDReader?, recording: PcapFileSink?) {
        self.station = station
        self.label = label
        self.simulated = simulated
        self.recording = recording
    }

    /// Closes the reader and the recording; a recording that could not be written says so.
    public func close() async throws(WorkflowError) {
        await station.close()
        guard let recording else { return }
        recording.close()
        if let failure = recording.failure {
            throw WorkflowError(.file, "the recording \(recording.path) is incomplete: \(failure)")
        }
    }
}

/// Finds and opens the reader a workflow runs on: the simulated one only when asked; else
/// the named (or only) USB reader directly over libusb, or, when pcscd holds it, the same
/// reader through PC/SC, told apart from other readers by the serial pcsc-lite puts in its
/// name; else the reader named with `--pcsc`. No reader: an error saying what was seen.
public enum ReaderRoute {
    public struct Options: Sendable {
        public var pinPad = PINPadOptions()
        /// A usbmon capture of the session, with the secrets redacted.
        public var record: String?
        /// PC/SC readers without part 10 PIN entry are refused (the ceremony; `card status`
        /// needs no pad).
        public var requirePINPad = true

        public init(record: String? = nil, requirePINPad: Bool = true) {
            self.record = record
            self.requirePINPad = requirePINPad
        }
    }

    /// Checks what can be checked without a device: the selector, a recording on a path that
    /// can take it, no recording through pcscd (it owns the USB conversation).
    public static func check(_ choice: ReaderChoice, options: Options) throws(WorkflowError) {
        if case .usb(let selector?) = choice { try ReaderChoice.checkSelector(selector) }
        guard let record = options.record else { return }
        if case .pcsc = choice {
            throw WorkflowError(.invalidRequest, "--record captures the USB conversation, and pcscd holds the reader named with "
                + "--pcsc: record it with usbmon instead (tshark -i usbmonN), or drop --record")
        }
        try Files.checkOutput(record, as: "the recording")
    }

    public static func open(_ choice: ReaderChoice, simulated: SimulatedCCIDReader? = nil, options: Options,
                            ui: any OperatorInterface) async throws(WorkflowError) -> OpenedReader {
        try check(choice, options: options)
        switch choice {
        case .simulated:
            guard let simulated else { throw WorkflowError(.invalidRequest, "no simulated reader was set up") }
            return try await usbStation(simulated, label: "the simulated \(simulated.profile.name)", simulated: simulated,
                                  options: options, ui: ui)
        case .pcsc(let name):
            return try await throughPCSC(.named(name), options: options, ui: ui)
        case .usb(let selector):
            return try await usb(selector, options: options, ui: ui)
        }
    }

    private static func usb(_ selector: String?, options: Options, ui: any OperatorInterface) async throws(WorkflowError) -> OpenedReader {
        let attached: [USBDeviceInfo]
        do { attached = try LibUSBLink.enumerate() } catch {
            throw WorkflowError(.device, "the USB devices cannot be listed: \(error)")
        }
        let target: String
        if let selector {
            target = selector
        } else {
            guard !attached.isEmpty else { throw await noReader(ui: ui) }
            guard attached.count == 1 else {
                throw WorkflowError(.invalidRequest, "\(attached.count) readers are attached: "
                    + attached.map { "\($0.label) (--reader \($0.busNumber):\($0.deviceAddress))" }.joined(separator: "; ")
                    + ". Name the one to use with --reader")
            }
            target = "\(attached[0].busNumber):\(attached[0].deviceAddress)"
        }
        let link: LibUSBLink
        do throws(USBError) {
            link = try await LibUSBLink.open(target)
        } catch where error.code == .busy {
            guard options.record == nil else {
                throw WorkflowError(.device, "the reader \(target) is held by pcscd, so --record cannot capture its USB "
                    + "conversation: stop pcscd (systemctl stop pcscd.socket pcscd) to record, or drop --record")
            }
            ui.info("The reader \(target) is held by pcscd: using it through PC/SC")
            let matcher = LibUSBDeviceSelector(parsing: target)
            let serial = attached.first { matcher?.matches($0) == true }?.serialNumber
            return try await throughPCSC(.usb(target, serial: serial), options: options, ui: ui)
        } catch where error.code == .noDevice {
            guard selector != nil else { throw await noReader(ui: ui) }
            throw WorkflowError(.noDevice, "no reader \(target) is attached: plug it in, or check the name with "
                + "`trustedpath devices`; --simulate runs on the simulated reader")
        } catch {
            throw WorkflowError(.device, "the reader \(target) cannot be opened: \(error)")
        }
        return try await usbStation(link, label: link.device.label, simulated: nil, options: options, ui: ui)
    }

    private static func usbStation(_ link: any USBLink, label: String, simulated: SimulatedCCIDReader?, options: Options,
                                   ui: any OperatorInterface) async throws(WorkflowError) -> OpenedReader {
        // The reader is judged before anything is recorded: a refused reader leaves no capture.
        let plain: CCIDReader
        do { plain = try CCIDReader(link: link) } catch {
            await link.close()
            throw WorkflowError(.device, "\(label) is not a usable CCID reader: \(error)")
        }
        if options.requirePINPad, !plain.descriptor.supportsPINVerify {
            await link.close()
            throw WorkflowError(.device, "\(label) has no PIN pad (its descriptor offers no PIN entry): "
                + "the PIN must be typed on a PIN pad, never on the host; use a PIN-pad reader")
        }
        var reader = plain
        var sink: PcapFileSink?
        if let record = options.record {
            do {
                let made = try PcapFileSink(path: record)
                sink = made
                let recording = RecordingLink(wrapping: link, sink: made, redactor: CCIDSecretRedactor(for: link.device).redactor)
                reader = try CCIDReader(link: recording, descriptor: plain.descriptor)
            } catch let error as USBError {
                await link.close()
                throw WorkflowError(.file, "the recording \(record) cannot be created: \(error.context)")
            } catch {
                await link.close()
                throw WorkflowError(.device, "\(label) is not a usable CCID reader: \(error)")
            }
        }
        ui.info("reader: \(label)")
        let station = USBPadStation(reader: reader, options: options.pinPad, label: label, messages: ui.padMessages)
        return OpenedReader(station: station, label: label, simulated: simulated, recording: sink)
    }

    /// Which PC/SC reader: one named with --pcsc, or the USB reader pcscd holds.
    private enum PCSCChoice {
        case named(String)
        case usb(String, serial: String?)
    }

    private static func throughPCSC(_ choice: PCSCChoice, options: Options,
                                    ui: any OperatorInterface) async throws(WorkflowError) -> OpenedReader {
        let context: PCSCContext
        let readers: [String]
        do throws(PCSCError) {
            context = try PCSCContext()
            readers = try await context.readers()
        } catch where error.code == .noReadersAvailable {
            throw WorkflowError(.noDevice, "pcscd lists no reader: plug in the reader, or check that pcscd has a driver for it")
        } catch {
            throw WorkflowError(.device, error.code.advice)
        }
        let reader: String
        switch choice {
        case .named(let name):
            // pcscd's names end in a serial and slot numbers nobody types: the start of one
            // name is enough, as long as it names only one reader.
            let matching = readers.contains(name) ? [name] : readers.filter { $0.hasPrefix(name) }
            guard matching.count == 1 else {
                throw WorkflowError(matching.isEmpty ? .noDevice : .invalidRequest,
                                    (matching.isEmpty ? "pcscd has no reader \"\(name)\"" : "\"\(name)\" names several readers")
                                        + "; it has: " + readers.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            reader = matching[0]
        case let .usb(device, serial):
            guard let found = PCSCReaderNames.reader(forUSBSerial: serial, among: readers) else {
                throw WorkflowError(.invalidRequest, "the reader \(device) is held by pcscd, which lists several readers: "
                    + readers.map { "\"\($0)\"" }.joined(separator: ", ") + "; name the one to use with --pcsc NAME")
            }
            reader = found
        }
        do {
            let station = try await PCSCPadStation.open(context: context, reader: reader, options: options.pinPad,
                                                        requirePINPad: options.requirePINPad,
                                                        askOnHost: { await ui.ask($0) }, messages: ui.padMessages)
            ui.info("reader: \(station.label)")
            return OpenedReader(station: station, label: station.label, simulated: nil, recording: nil)
        } catch {
            throw WorkflowError(.device, error.description)
        }
    }

    /// Nothing to use: what was looked for and seen, and the ways on.
    private static func noReader(ui: any OperatorInterface) async -> WorkflowError {
        let devices = USBInventory.attached()
        let usb = devices.isEmpty ? "no USB device at all"
            : "\(devices.count) USB device(s), none a card reader: " + devices.joined(separator: ", ")
        let pcsc: String
        do throws(PCSCError) {
            let readers = try await PCSCContext().readers()
            pcsc = "pcscd lists " + readers.map { "\"\($0)\"" }.joined(separator: ", ") + " (use one with --pcsc NAME)"
        } catch where error.code == .noReadersAvailable {
            pcsc = "pcscd lists no reader"
        } catch {
            pcsc = "pcscd is not running"
        }
        return WorkflowError(.noDevice, "no card reader found: seen \(usb); \(pcsc). Plug in the PIN-pad reader (or name it "
            + "with --reader VID:PID), or run on the simulator with --simulate")
    }
}

/// The USB devices the kernel lists, as "vvvv:pppp product", for telling the operator what was
/// seen when no reader was (sysfs, as libudev reads it).
enum USBInventory {
    static func attached(root: String = "/sys/bus/usb/devices") -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        return names.sorted().compactMap { name -> String? in
            // Interfaces ("1-1:1.0") are not devices.
            guard !name.contains(":") else { return nil }
            func attribute(_ key: String) -> String? {
                guard let data = FileManager.default.contents(atPath: "\(root)/\(name)/\(key)") else { return nil }
                return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let vendor = attribute("idVendor"), let product = attribute("idProduct") else { return nil }
            return "\(vendor):\(product)" + (attribute("product").map { " \($0)" } ?? "")
        }
    }
}
