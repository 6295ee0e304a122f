import CCID

/// Decides whether a USB device is one of ours: a reader (CCID class, CCID-like vendor
/// class, or known by ID) or a PED (table or udev property); everything else is ignored.
///
/// Descriptors come from the device and may lie: a class descriptor that doesn't parse is
/// only "no descriptor", never an error that stops the others from being looked at.
public enum DeviceClassifier {
    public struct Result: Hashable, Sendable {
        public var identity: USBDeviceIdentity
        /// The CCID class descriptors found, one per CCID interface (readers only).
        public var ccid: [CCIDDescriptorLocator.Found]
        /// Why it was taken, for the log: "interface class 0x0B", "known ID", ...
        public var reason: String
    }

    static let ccidClass: UInt8 = 0x0B
    static let vendorClass: UInt8 = 0xFF

    public static func classify(_ device: USBDeviceSnapshot) -> Result? {
        let found = CCIDDescriptorLocator.locateAll(in: device.descriptors)
        let classes = device.interfaceClasses.union(interfaceClasses(in: device.descriptors))
        func result(_ role: USBDeviceIdentity.Role, _ reason: String) -> Result {
            let identity = USBDeviceIdentity(syspath: device.syspath, busnum: device.busnum, devnum: device.devnum,
                                             idVendor: device.idVendor, idProduct: device.idProduct,
                                             product: device.product, role: role)
            return Result(identity: identity, ccid: role == .reader ? found : [], reason: reason)
        }
        // PEDs first: a PED may well carry a vendor interface, and its identity is explicit.
        if device.trustedPathDevice == "ped" { return result(.ped, "TRUSTEDPATH_DEVICE=ped") }
        if KnownDevices.isPED(device.idVendor, device.idProduct) { return result(.ped, "known PED ID") }
        if classes.contains(ccidClass) { return result(.reader, "interface class 0x0B") }
        if found.contains(where: { $0.interfaceClass == vendorClass }) {
            return result(.reader, "vendor-class interface with a CCID class descriptor")
        }
        if KnownDevices.isReader(device.idVendor, device.idProduct) { return result(.reader, "known reader ID") }
        if device.trustedPathDevice == "reader" { return result(.reader, "TRUSTEDPATH_DEVICE=reader") }
        return nil
    }

    /// bInterfaceClass of every interface descriptor in a descriptors blob. Walks by bLength
    /// and stops at the first length that doesn't fit, as the kernel would.
    static func interfaceClasses(in bytes: [UInt8]) -> Set<UInt8> {
        var classes: Set<UInt8> = []
        var offset = 0
        while offset + 2 <= bytes.count {
            let length = Int(bytes[offset])
            guard length >= 2, offset + length <= bytes.count else { break }
            if bytes[offset + 1] == 0x04, length >= 9 { classes.insert(bytes[offset + 5]) }
            offset += length
        }
        return classes
    }
}
