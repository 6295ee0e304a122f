import CCID

/// Standard USB descriptors (USB 2.0 §9.6) of a simulated reader, so a host can read them
/// with GET_DESCRIPTOR the way it would from hardware: device, configuration (with the
/// interface, the CCID class descriptor and the three endpoints) and strings.
enum USBDescriptors {
    static func device(_ profile: ReaderProfile) -> [UInt8] {
        var out: [UInt8] = [18, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 64]
        out.appendLE16(profile.vendorID)
        out.appendLE16(profile.productID)
        out.appendLE16(profile.bcdDevice)
        out += [1, 2, 0, 1]
        return out
    }

    static func configuration(_ profile: ReaderProfile) -> [UInt8] {
        let interface: [UInt8] = [9, 0x04, 0, 0, 3, profile.interfaceClass, 0, 0, 0]
        let endpoints: [UInt8] = [
            7, 0x05, 0x02, 0x02, 0x40, 0x00, 0x00,   // bulk OUT, 64-byte packets
            7, 0x05, 0x82, 0x02, 0x40, 0x00, 0x00,   // bulk IN
            7, 0x05, 0x81, 0x03, 0x08, 0x00, 0x18,   // interrupt IN, 8 bytes, 24 ms
        ]
        let body = interface + profile.descriptor.encode() + endpoints
        var out: [UInt8] = [9, 0x02]
        out.appendLE16(UInt16(9 + body.count))
        out += [1, 1, 0, 0x80, 50]   // one interface, bus powered, 100 mA
        return out + body
    }

    /// String 0 lists English (US); 1 is the manufacturer, 2 the product, in UTF-16LE.
    static func string(_ index: UInt8, _ profile: ReaderProfile) -> [UInt8]? {
        let text: String
        switch index {
        case 0: return [4, 0x03, 0x09, 0x04]
        case 1: text = profile.manufacturer
        case 2: text = profile.name
        default: return nil
        }
        var out: [UInt8] = [0, 0x03]
        for unit in text.utf16 { out.appendLE16(unit) }
        out[0] = UInt8(truncatingIfNeeded: out.count)
        return out
    }
}
