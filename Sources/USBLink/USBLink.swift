import TrustedPathCore

/// The one seam through which every layer above talks to a device. Real hardware is
/// `LibUSBLink`; tests use `ReplayLink` (a recorded capture) or a simulated device;
/// `RecordingLink` wraps any of them and writes a usbmon capture of what crossed it.
///
/// Every call carries a deadline. A call that cannot finish by then throws
/// `USBError.timeout`; nothing busy-polls while waiting.
public protocol USBLink: Sendable {
    /// Who the device is and where its endpoints are.
    var device: USBDeviceInfo { get }

    func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError)
    func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8]
    func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8]
    /// A control transfer. For an IN request (`setup.isIn`) `data` is ignored and up to
    /// `setup.wLength` bytes come back; for OUT, `data` is sent and the result is empty.
    func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8]
    /// A USB port reset (USBDEVFS_RESET): the mildest step of recovery.
    func reset(deadline: Deadline) async throws(USBError)
    /// Releases the interface and the device. Idempotent.
    func close() async
}

/// A point in time by which a transfer must have finished.
public struct Deadline: Sendable, Hashable, Comparable {
    public let instant: ContinuousClock.Instant

    public init(_ instant: ContinuousClock.Instant) { self.instant = instant }

    public static func after(_ duration: Duration) -> Deadline {
        Deadline(ContinuousClock.now.advanced(by: duration))
    }

    public static func milliseconds(_ ms: Int) -> Deadline { after(.milliseconds(ms)) }

    /// Milliseconds left, at least 1 so that a libusb timeout of 0 ("forever") never results.
    public var remainingMilliseconds: UInt32 {
        UInt32(clamping: max(1, ContinuousClock.now.duration(to: instant).wholeMilliseconds))
    }

    public var hasPassed: Bool { ContinuousClock.now >= instant }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.instant < b.instant }
}

/// The 8-byte SETUP packet of a control transfer.
public struct USBControlSetup: Sendable, Hashable {
    public var bmRequestType: UInt8
    public var bRequest: UInt8
    public var wValue: UInt16
    public var wIndex: UInt16
    public var wLength: UInt16

    public init(bmRequestType: UInt8, bRequest: UInt8, wValue: UInt16, wIndex: UInt16, wLength: UInt16) {
        self.bmRequestType = bmRequestType
        self.bRequest = bRequest
        self.wValue = wValue
        self.wIndex = wIndex
        self.wLength = wLength
    }

    public var isIn: Bool { bmRequestType & 0x80 != 0 }

    public var bytes: [UInt8] {
        var out = [bmRequestType, bRequest]
        out.appendLE16(wValue)
        out.appendLE16(wIndex)
        out.appendLE16(wLength)
        return out
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        self.init(bmRequestType: bytes[0], bRequest: bytes[1],
                  wValue: UInt16(bytes[2]) | UInt16(bytes[3]) << 8,
                  wIndex: UInt16(bytes[4]) | UInt16(bytes[5]) << 8,
                  wLength: UInt16(bytes[6]) | UInt16(bytes[7]) << 8)
    }
}

/// Identity and endpoint layout of an opened device's interface.
public struct USBDeviceInfo: Sendable, Hashable {
    public var busNumber: UInt16
    public var deviceAddress: UInt8
    public var vendorID: UInt16
    public var productID: UInt16
    public var bcdDevice: UInt16
    public var serialNumber: String?
    public var interfaceNumber: UInt8
    public var interfaceClass: UInt8
    public var bulkOutEndpoint: UInt8
    public var bulkInEndpoint: UInt8
    public var interruptInEndpoint: UInt8?
    /// Bytes of the class-specific descriptor found for the interface (54 for CCID), if any.
    public var classDescriptor: [UInt8]

    public init(busNumber: UInt16, deviceAddress: UInt8, vendorID: UInt16, productID: UInt16,
                bcdDevice: UInt16 = 0, serialNumber: String? = nil, interfaceNumber: UInt8 = 0,
                interfaceClass: UInt8 = 0x0B, bulkOutEndpoint: UInt8, bulkInEndpoint: UInt8,
                interruptInEndpoint: UInt8?, classDescriptor: [UInt8] = []) {
        self.busNumber = busNumber
        self.deviceAddress = deviceAddress
        self.vendorID = vendorID
        self.productID = productID
        self.bcdDevice = bcdDevice
        self.serialNumber = serialNumber
        self.interfaceNumber = interfaceNumber
        self.interfaceClass = interfaceClass
        self.bulkOutEndpoint = bulkOutEndpoint
        self.bulkInEndpoint = bulkInEndpoint
        self.interruptInEndpoint = interruptInEndpoint
        self.classDescriptor = classDescriptor
    }

    /// "0c4b:0400 on bus 1 address 5", for messages.
    public var label: String {
        "\(hex4(vendorID)):\(hex4(productID)) on bus \(busNumber) address \(deviceAddress)"
    }
}

func hex4(_ value: UInt16) -> String {
    let s = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
