import Transcript

/// A usbmon capture built by hand: a pcap file (link type 220, LINKTYPE_USB_LINUX_MMAPPED)
/// whose records are 64-byte `struct usbmon_packet` headers plus payload, which is what
/// umockdev replays. Written here rather than with the Transcript writer so the system
/// tests don't depend on it, and so each test reads as the conversation it expects.
///
/// umockdev 0.17 matches a submission on transfer type, endpoint and requested length (and
/// OUT bytes exactly); for a completion it copies the payload, `length` as actual_length
/// and `status` into the URB.
public struct UsbmonCapture {
    public static let bus: UInt16 = 1
    public static let device: UInt8 = 5
    /// The device address the URBs are recorded for: umockdev replays only the URBs whose
    /// bus and device match the emulated device's busnum and devnum.
    public var deviceAddress: UInt8 = Self.device

    public private(set) var packets: [UsbmonPacket] = []
    private var nextID: UInt64 = 0xffff_8880_0000_1000
    private var clock: Int64 = 0

    /// A transfer submitted and completed: OUT sends `data`; IN asks for `length` and gets `reply`.
    public init() {}

    public mutating func bulkOut(_ endpoint: UInt8, _ data: [UInt8]) {
        let id = submit(.bulk, endpoint, length: UInt32(data.count), data: data)
        complete(id, .bulk, endpoint, length: UInt32(data.count))
    }

    public mutating func bulkIn(_ endpoint: UInt8, length: Int, reply: [UInt8], status: Int32 = 0) {
        let id = submit(.bulk, endpoint, length: UInt32(length))
        complete(id, .bulk, endpoint, length: UInt32(reply.count), data: reply, status: status)
    }

    /// An interrupt IN asking for `length` bytes, answered with `reply` (nil: never answered).
    public mutating func interruptIn(_ endpoint: UInt8, length: Int, reply: [UInt8]?) {
        let id = submit(.interrupt, endpoint, length: UInt32(length))
        if let reply { complete(id, .interrupt, endpoint, length: UInt32(reply.count), data: reply) }
    }

    /// A submission only; completed later with `complete` (or never).
    @discardableResult
    public mutating func submit(_ type: UsbmonPacket.TransferType, _ endpoint: UInt8, length: UInt32,
                         data: [UInt8] = [], setup: [UInt8]? = nil) -> UInt64 {
        nextID += 0x40
        append(UsbmonPacket(urbID: nextID, event: .submission, transferType: type, endpoint: endpoint,
                            device: deviceAddress, bus: Self.bus, status: -115, length: length,
                            setup: setup, data: data))
        return nextID
    }

    public mutating func complete(_ id: UInt64, _ type: UsbmonPacket.TransferType, _ endpoint: UInt8,
                           length: UInt32, data: [UInt8] = [], status: Int32 = 0) {
        append(UsbmonPacket(urbID: id, event: .completion, transferType: type, endpoint: endpoint,
                            device: deviceAddress, bus: Self.bus, status: status, length: length, data: data))
    }

    private mutating func append(_ packet: UsbmonPacket) {
        var packet = packet
        clock += 1000  // 1 ms apart
        packet.seconds = 1_700_000_000 + clock / 1_000_000
        packet.microseconds = Int32(clock % 1_000_000)
        packets.append(packet)
    }

    /// The pcap file.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.le32(0xa1b2_c3d4)
        out.le16(2); out.le16(4)
        out.le32(0); out.le32(0)      // thiszone, sigfigs
        out.le32(65535)               // snaplen
        out.le32(220)                 // LINKTYPE_USB_LINUX_MMAPPED
        for p in packets {
            let record = Self.record(p)
            out.le32(UInt32(truncatingIfNeeded: p.seconds)); out.le32(UInt32(bitPattern: p.microseconds))
            out.le32(UInt32(record.count)); out.le32(UInt32(record.count))
            out += record
        }
        return out
    }

    private static func record(_ p: UsbmonPacket) -> [UInt8] {
        var r: [UInt8] = []
        r.le64(p.urbID)
        r.append(p.event.rawValue)
        r.append(p.transferType.rawValue)
        r.append(p.endpoint)
        r.append(p.device)
        r.le16(p.bus)
        r.append(p.setup == nil ? UInt8(ascii: "-") : 0)                 // flag_setup
        r.append(p.data.isEmpty ? UInt8(ascii: p.isIn ? "<" : ">") : 0)  // flag_data
        r.le64(UInt64(bitPattern: p.seconds))
        r.le32(UInt32(bitPattern: p.microseconds))
        r.le32(UInt32(bitPattern: p.status))
        r.le32(p.length)                                // urb_len
        r.le32(UInt32(p.data.count))                    // data_len
        r += p.setup ?? [UInt8](repeating: 0, count: 8)
        r.le32(UInt32(bitPattern: p.interval))
        r.le32(UInt32(bitPattern: p.startFrame))
        r.le32(p.transferFlags)
        r.le32(0)                                       // ndesc
        precondition(r.count == 64)
        return r + p.data
    }
}

private extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xff)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(s)) & 0xff)) } }
    mutating func le64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { append(UInt8((v >> UInt64(s)) & 0xff)) } }
}
