import LibUSBLink
import PCSC
import USBLink

/// Which PC/SC reader a command uses: one named with --pcsc, or a USB reader that pcscd
/// holds (libusb found it busy), told apart from other readers by the serial pcsc-lite puts
/// in its name.
enum PCSCReaderChoice {
    case named(String)
    case usb(String, serial: String?)

    /// The USB reader `target` (VID:PID[:SERIAL] or BUS:ADDRESS), its serial taken from the
    /// attached device it selects.
    static func heldUSBReader(_ target: String, attached: [USBDeviceInfo]) -> PCSCReaderChoice {
        let selector = LibUSBDeviceSelector(parsing: target)
        return .usb(target, serial: attached.first { selector?.matches($0) == true }?.serialNumber)
    }

    /// The reader's name among those pcscd lists; an error naming the ones it has otherwise.
    func resolve(among readers: [String]) throws -> String {
        guard !readers.isEmpty else { throw CLIError("pcscd lists no reader") }
        switch self {
        case .named(let name):
            guard readers.contains(name) else {
                throw CLIError("pcscd has no reader \"\(name)\"; it has: \(readers.joined(separator: ", "))")
            }
            return name
        case let .usb(device, serial):
            guard let found = PCSCReaderNames.reader(forUSBSerial: serial, among: readers) else {
                throw CLIError("reader \(device) is held by pcscd, which lists several readers: "
                    + readers.joined(separator: ", ") + "; name the one to use with --pcsc NAME")
            }
            return found
        }
    }
}
