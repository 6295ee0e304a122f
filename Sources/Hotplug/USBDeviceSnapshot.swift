/// The raw facts about one USB device as read from sysfs/udev at one moment: plain values,
/// so they leave the libudev thread. Classification works on this, not on libudev.
public struct USBDeviceSnapshot: Hashable, Sendable {
    public var syspath: String
    public var busnum: Int
    public var devnum: Int
    public var idVendor: UInt16
    public var idProduct: UInt16
    public var product: String?
    /// The udev property TRUSTEDPATH_DEVICE our rules set ("reader", "ped"), if any.
    public var trustedPathDevice: String?
    /// bInterfaceClass of each child interface udev knows, plus those of ID_USB_INTERFACES.
    public var interfaceClasses: Set<UInt8>
    /// The sysfs `descriptors` file: device descriptor, then the raw configuration(s).
    public var descriptors: [UInt8]

    public init(syspath: String, busnum: Int, devnum: Int, idVendor: UInt16, idProduct: UInt16,
                product: String? = nil, trustedPathDevice: String? = nil,
                interfaceClasses: Set<UInt8> = [], descriptors: [UInt8] = []) {
        self.syspath = syspath
        self.busnum = busnum
        self.devnum = devnum
        self.idVendor = idVendor
        self.idProduct = idProduct
        self.product = product
        self.trustedPathDevice = trustedPathDevice
        self.interfaceClasses = interfaceClasses
        self.descriptors = descriptors
    }
}
