import LibUSBLink
import PCSC
import USBLink

/// Where a card command's reader is, chosen the same way for `card` and `ceremony`: a reader
/// named with --pcsc; else the USB reader named with --reader, or the first one attached,
/// directly over libusb, or, when pcscd holds it (libusb finds it busy), that same reader
/// through PC/SC, told apart from other readers by the serial pcsc-lite puts in its name;
/// else none (the commands then use the simulator).
enum ReaderRoute {
    case usb(LibUSBLink)
    case pcsc(PCSCContext, reader: String)
    case none

    static func open(reader: String?, pcsc: String?, simulate: Bool) async throws -> ReaderRoute {
        if simulate { return .none }
        if let name = pcsc { return try await throughPCSC(.named(name)) }
        let attached = (try? LibUSBLink.enumerate()) ?? []
        guard let target = reader ?? attached.first.map({ "\($0.busNumber):\($0.deviceAddress)" }) else { return .none }
        do {
            return .usb(try await LibUSBLink.open(target))
        } catch where error.code == .busy {
            print("reader \(target) is held by pcscd; using PC/SC")
            let selector = LibUSBDeviceSelector(parsing: target)
            let serial = attached.first { selector?.matches($0) == true }?.serialNumber
            return try await throughPCSC(.usb(target, serial: serial))
        } catch {
            throw CLIError("cannot open reader \(target): \(error)")
        }
    }

    /// Which PC/SC reader: one named with --pcsc, or the USB reader pcscd holds.
    private enum PCSCChoice {
        case named(String)
        case usb(String, serial: String?)
    }

    private static func throughPCSC(_ choice: PCSCChoice) async throws -> ReaderRoute {
        let context: PCSCContext
        let readers: [String]
        do {
            context = try PCSCContext()
            readers = try await context.readers()
        } catch {
            throw CLIError(error.description)
        }
        guard !readers.isEmpty else { throw CLIError("pcscd lists no reader") }
        let reader: String
        switch choice {
        case .named(let name):
            guard readers.contains(name) else {
                throw CLIError("pcscd has no reader \"\(name)\"; it has: \(readers.joined(separator: ", "))")
            }
            reader = name
        case let .usb(device, serial):
            guard let found = PCSCReaderNames.reader(forUSBSerial: serial, among: readers) else {
                throw CLIError("reader \(device) is held by pcscd, which lists several readers: "
                    + readers.joined(separator: ", ") + "; name the one to use with --pcsc NAME")
            }
            reader = found
        }
        print("reader: \(reader) (through pcscd)")
        return .pcsc(context, reader: reader)
    }
}
