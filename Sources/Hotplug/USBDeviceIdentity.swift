/// What names a USB device in events: where it is (syspath, bus and address) and what it
/// is (vendor, product, class of device for the appliance). Read once, when it is added.
public struct USBDeviceIdentity: Hashable, Sendable {
    public enum Role: String, Hashable, Sendable {
        case reader
        case ped
    }

    public var syspath: String
    public var busnum: Int
    public var devnum: Int
    public var idVendor: UInt16
    public var idProduct: UInt16
    /// The product string, when the device has one.
    public var product: String?
    public var role: Role

    public init(syspath: String, busnum: Int, devnum: Int, idVendor: UInt16, idProduct: UInt16,
                product: String? = nil, role: Role) {
        self.syspath = syspath
        self.busnum = busnum
        self.devnum = devnum
        self.idVendor = idVendor
        self.idProduct = idProduct
        self.product = product
        self.role = role
    }

    /// "0c4b:0400".
    public var vidPid: String { "\(Hex.four(idVendor)):\(Hex.four(idProduct))" }
}

enum Hex {
    /// Four lowercase hex digits, as sysfs writes idVendor and idProduct.
    static func four(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
