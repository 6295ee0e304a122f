/// One usbmon event, the unit of a Linux USB capture (the kernel's `struct usbmon_packet`,
/// pcap link types 189 and 220). A transfer is a submission ('S') followed by its completion
/// ('C') or error ('E'), paired by `urbID`.
public struct UsbmonPacket: Sendable, Hashable {
    public enum Event: UInt8, Sendable, Hashable {
        case submission = 0x53   // 'S'
        case completion = 0x43   // 'C'
        case error = 0x45        // 'E'
    }

    public enum TransferType: UInt8, Sendable, Hashable {
        case isochronous = 0
        case interrupt = 1
        case control = 2
        case bulk = 3
    }

    public var urbID: UInt64
    public var event: Event
    public var transferType: TransferType
    /// Endpoint address with the direction bit (0x80 = IN).
    public var endpoint: UInt8
    public var device: UInt8
    public var bus: UInt16
    /// Seconds and microseconds since the epoch.
    public var seconds: Int64
    public var microseconds: Int32
    /// Linux errno, negated (0 = success, -32 EPIPE = stall, -115 EINPROGRESS on a submit,
    /// -110 ETIMEDOUT, -19 ENODEV, -108 ESHUTDOWN, -75 EOVERFLOW).
    public var status: Int32
    /// For a submission, the requested length; for a completion, the actual length.
    public var length: UInt32
    /// The 8-byte SETUP packet of a control submission, else nil.
    public var setup: [UInt8]?
    /// The captured payload (may be shorter than `length` if the capture truncated it).
    public var data: [UInt8]
    public var interval: Int32
    public var startFrame: Int32
    public var transferFlags: UInt32

    public init(urbID: UInt64, event: Event, transferType: TransferType, endpoint: UInt8,
                device: UInt8, bus: UInt16, seconds: Int64 = 0, microseconds: Int32 = 0,
                status: Int32 = 0, length: UInt32, setup: [UInt8]? = nil, data: [UInt8] = [],
                interval: Int32 = 0, startFrame: Int32 = 0, transferFlags: UInt32 = 0) {
        self.urbID = urbID
        self.event = event
        self.transferType = transferType
        self.endpoint = endpoint
        self.device = device
        self.bus = bus
        self.seconds = seconds
        self.microseconds = microseconds
        self.status = status
        self.length = length
        self.setup = setup
        self.data = data
        self.interval = interval
        self.startFrame = startFrame
        self.transferFlags = transferFlags
    }

    public var isIn: Bool { endpoint & 0x80 != 0 }
}
