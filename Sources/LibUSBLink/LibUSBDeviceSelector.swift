import USBLink

/// Which device to open: where it is plugged in, or who it is.
///
/// String forms (what a user types on the command line):
/// - `"0c4b:0400"`, `"0c4b:0400:SERIAL"`: vendor and product id, 4 hex digits each, and
///   optionally the serial number (everything after the second colon, so it may hold colons);
/// - `"1:5"`, `"001/005"`: bus number and device address, decimal (the lsusb form and the
///   /dev/bus/usb path form).
public enum LibUSBDeviceSelector: Sendable, Hashable, CustomStringConvertible {
    case busAddress(bus: UInt16, address: UInt8)
    case vendorProduct(vendorID: UInt16, productID: UInt16, serial: String?)

    public init?(parsing text: String) {
        if text.contains("/") {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let bus = Self.decimal(parts[0], max: 999),
                  let address = Self.decimal(parts[1], max: 255) else { return nil }
            self = .busAddress(bus: UInt16(bus), address: UInt8(address))
            return
        }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        // Four hex digits on both sides means an id pair; "1:5" or "001:005" a location.
        if parts[0].count == 4, parts[1].count == 4,
           let vendor = UInt16(parts[0], radix: 16), let product = UInt16(parts[1], radix: 16) {
            let serial = parts.count == 3 ? String(parts[2]) : nil
            guard serial?.isEmpty != true else { return nil }
            self = .vendorProduct(vendorID: vendor, productID: product, serial: serial)
            return
        }
        guard parts.count == 2, let bus = Self.decimal(parts[0], max: 999),
              let address = Self.decimal(parts[1], max: 255) else { return nil }
        self = .busAddress(bus: UInt16(bus), address: UInt8(address))
    }

    private static func decimal(_ text: Substring, max: Int) -> Int? {
        guard (1...3).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(text), value <= max else { return nil }
        return value
    }

    public var description: String {
        switch self {
        case let .busAddress(bus, address): return "bus \(bus) address \(address)"
        case let .vendorProduct(vendor, product, serial):
            let ids = "\(hex4(vendor)):\(hex4(product))"
            return serial.map { "\(ids) serial \($0)" } ?? ids
        }
    }

    public func matches(_ info: USBDeviceInfo) -> Bool {
        switch self {
        case let .busAddress(bus, address):
            return info.busNumber == bus && info.deviceAddress == address
        case let .vendorProduct(vendor, product, serial):
            guard info.vendorID == vendor, info.productID == product else { return false }
            return serial == nil || info.serialNumber == serial
        }
    }
}

func hex4(_ value: UInt16) -> String {
    let s = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
