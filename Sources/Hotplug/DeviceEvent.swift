/// One change in what is attached: the unit `trustedpathd` prints and streams to subscribers.
///
/// The identity fields are copied from the device at the time it was seen, so a `removed`
/// event names the same device as its `added` event even though sysfs is gone by then.
public struct DeviceEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case readerAdded = "reader-added"
        case readerRemoved = "reader-removed"
        case readerUnresponsive = "reader-unresponsive"
        case readerRecovered = "reader-recovered"
        case cardInserted = "card-inserted"
        case cardRemoved = "card-removed"
        case pedAdded = "ped-added"
        case pedRemoved = "ped-removed"
        case pedUnresponsive = "ped-unresponsive"
        case pedRecovered = "ped-recovered"
    }

    public var kind: Kind
    public var device: USBDeviceIdentity
    /// The CCID slot, for card events only.
    public var slot: UInt8?
    /// For `ped-recovered` and `reader-recovered`: the recovery step that brought the device
    /// back ("usb-reset", "reauthorize", "port-power-cycle").
    public var recovery: String?

    public init(_ kind: Kind, device: USBDeviceIdentity, slot: UInt8? = nil, recovery: String? = nil) {
        self.kind = kind
        self.device = device
        self.slot = slot
        self.recovery = recovery
    }
}

extension DeviceEvent: CustomStringConvertible {
    public var description: String {
        "\(kind.rawValue) \(device.vidPid) at \(device.busnum):\(device.devnum) (\(device.syspath))"
    }
}
