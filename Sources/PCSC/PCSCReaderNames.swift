/// Which PC/SC reader is a given USB reader. pcsc-lite names a USB reader after its driver's
/// friendly name, adds the USB serial number in parentheses when the device has one, then the
/// reader and slot numbers: "REINER SCT cyberJack e-com (4711) 00 00". The serial is the one
/// thing that ties a name to a device, so a reader the user named on the command line is
/// found by it, and never by taking the first reader pcscd lists: with two readers that could
/// be another card.
public enum PCSCReaderNames {
    /// The reader among `readers` that is the USB device with serial `serial`: the one name
    /// holding "(serial)". Without a serial, or when no name or several hold it, the only
    /// reader if there is exactly one, else nil (the caller asks the user to name it).
    public static func reader(forUSBSerial serial: String?, among readers: [String]) -> String? {
        if let serial, !serial.isEmpty {
            let matching = readers.filter { $0.contains("(\(serial))") }
            if matching.count == 1 { return matching[0] }
            if matching.count > 1 { return nil }
        }
        return readers.count == 1 ? readers[0] : nil
    }
}
