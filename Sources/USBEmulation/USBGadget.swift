import USBLink

/// A simulated device as the USB stack sees it: the link that answers its transfers, and
/// the identity and descriptors a host reads from sysfs and with GET_DESCRIPTOR.
///
/// The descriptors are built from the link's `USBDeviceInfo` (one interface, bulk OUT, bulk
/// IN and an optional interrupt IN, the class descriptor between interface and endpoints),
/// so a host that reads them finds the endpoints the simulator answers on.
public struct USBGadget: Sendable {
    public var link: any USBLink
    public var manufacturer: String
    public var product: String
    public var serial: String
    /// Full speed (12 Mbit/s) for readers and PEDs, as the real ones are.
    public var speedMbps: Int

    public init(link: any USBLink, manufacturer: String, product: String, serial: String, speedMbps: Int = 12) {
        self.link = link
        self.manufacturer = manufacturer
        self.product = product
        self.serial = serial
        self.speedMbps = speedMbps
    }

    public var info: USBDeviceInfo { link.device }

    static let manufacturerIndex: UInt8 = 1
    static let productIndex: UInt8 = 2
    static let serialIndex: UInt8 = 3

    /// USB 2.0 §9.6.1, with the three strings at indexes 1, 2 and 3 (libccid asks for 3, the
    /// serial, right after the language list).
    public var deviceDescriptor: [UInt8] {
        var out: [UInt8] = [18, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 64]
        append16(&out, info.vendorID)
        append16(&out, info.productID)
        append16(&out, info.bcdDevice)
        out += [Self.manufacturerIndex, Self.productIndex, Self.serialIndex, 1]
        return out
    }

    /// USB 2.0 §9.6.3-9.6.6: configuration 1, its interface, the class descriptor, endpoints.
    public var configurationDescriptor: [UInt8] {
        let endpointCount: UInt8 = info.interruptInEndpoint == nil ? 2 : 3
        var body: [UInt8] = [9, 0x04, info.interfaceNumber, 0, endpointCount, info.interfaceClass, 0, 0, 0]
        body += info.classDescriptor
        body += [7, 0x05, info.bulkOutEndpoint, 0x02, 0x40, 0x00, 0x00]
        body += [7, 0x05, info.bulkInEndpoint, 0x02, 0x40, 0x00, 0x00]
        if let interrupt = info.interruptInEndpoint { body += [7, 0x05, interrupt, 0x03, 0x08, 0x00, 0x10] }
        var out: [UInt8] = [9, 0x02]
        append16(&out, UInt16(9 + body.count))
        out += [1, 1, 0, 0x80, 50]
        return out + body
    }

    /// String descriptor `index` (0: the language list, English US), or nil: a stall.
    public func stringDescriptor(_ index: UInt8) -> [UInt8]? {
        let text: String
        switch index {
        case 0: return [4, 0x03, 0x09, 0x04]
        case Self.manufacturerIndex: text = manufacturer
        case Self.productIndex: text = product
        case Self.serialIndex: text = serial
        default: return nil
        }
        var out: [UInt8] = [0, 0x03]
        for unit in text.utf16.prefix(126) { append16(&out, unit) }
        out[0] = UInt8(out.count)
        return out
    }
}

func append16(_ out: inout [UInt8], _ value: UInt16) {
    out.append(UInt8(truncatingIfNeeded: value))
    out.append(UInt8(truncatingIfNeeded: value >> 8))
}
