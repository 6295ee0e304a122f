/// Devices recognised by vendor and product ID, for those their descriptors don't announce.
public enum KnownDevices {
    public struct Entry: Hashable, Sendable {
        public var idVendor: UInt16
        public var idProduct: UInt16
        public var name: String
    }

    /// Readers that speak CCID over a vendor-class (0xFF) interface, so the class match
    /// misses them: the REINER SCT cyberJack family (DESIGN.md, "Facts worth knowing"; the
    /// e-com is listed by REINER's own driver, not by libccid). Keep in step with
    /// udev/60-trustedpath.rules.
    public static let readers: [Entry] = [
        Entry(idVendor: 0x0c4b, idProduct: 0x0400, name: "REINER SCT cyberJack e-com"),
        Entry(idVendor: 0x0c4b, idProduct: 0x0300, name: "REINER SCT cyberJack"),
    ]

    /// PIN Entry Devices, by identity. PLACEHOLDER: 0x1209 is pid.codes' open-source vendor
    /// ID and 0x7e50 is not a real PED; it stands in until the appliance's PED IDs are
    /// fixed (the PED protocol comes later). A PED can also be marked without a code
    /// change by the udev property TRUSTEDPATH_DEVICE=ped (udev/61-trustedpath-ped.rules).
    public static let peds: [Entry] = [
        Entry(idVendor: 0x1209, idProduct: 0x7e50, name: "TrustedPath PED (placeholder ID)"),
    ]

    static func isReader(_ vendor: UInt16, _ product: UInt16) -> Bool {
        readers.contains { $0.idVendor == vendor && $0.idProduct == product }
    }

    static func isPED(_ vendor: UInt16, _ product: UInt16) -> Bool {
        peds.contains { $0.idVendor == vendor && $0.idProduct == product }
    }
}
