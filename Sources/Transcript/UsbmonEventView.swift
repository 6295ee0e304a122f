/// A usbmon event lent for the length of one call: the header's fields, with the payload
/// (and SETUP packet) still in the buffer they were read into.
///
/// Why it exists: decoding a capture of millions of transfers spent a third of its time
/// building, copying and destroying `UsbmonPacket`s (two arrays each) that the decoder looked
/// at once. `CaptureReader.nextEvent` hands out views instead; `packet` makes the owned
/// value when one is kept.
public struct UsbmonEventView {
    public var urbID: UInt64
    public var event: UsbmonPacket.Event
    public var transferType: UsbmonPacket.TransferType
    public var endpoint: UInt8
    public var device: UInt8
    public var bus: UInt16
    public var seconds: Int64
    public var microseconds: Int32
    public var status: Int32
    public var length: UInt32
    /// The 8-byte SETUP packet of a control submission, else nil.
    public var setup: UnsafeRawBufferPointer?
    public var data: UnsafeRawBufferPointer
    public var interval: Int32
    public var startFrame: Int32
    public var transferFlags: UInt32

    public var isIn: Bool { endpoint & 0x80 != 0 }

    /// An owned copy.
    public var packet: UsbmonPacket {
        UsbmonPacket(urbID: urbID, event: event, transferType: transferType, endpoint: endpoint, device: device,
                     bus: bus, seconds: seconds, microseconds: microseconds, status: status, length: length,
                     setup: setup.map { Array($0) }, data: Array(data), interval: interval,
                     startFrame: startFrame, transferFlags: transferFlags)
    }
}

extension UsbmonPacket {
    /// Lends this packet as a view for the length of `body`.
    public func withView<R>(_ body: (UsbmonEventView) throws -> R) rethrows -> R {
        try data.withUnsafeBytes { data in
            func lend(_ setup: UnsafeRawBufferPointer?) throws -> R {
                try body(UsbmonEventView(urbID: urbID, event: event, transferType: transferType, endpoint: endpoint,
                                         device: device, bus: bus, seconds: seconds, microseconds: microseconds,
                                         status: status, length: length, setup: setup, data: data,
                                         interval: interval, startFrame: startFrame, transferFlags: transferFlags))
            }
            guard let setup else { return try lend(nil) }
            return try setup.withUnsafeBytes { try lend($0) }
        }
    }
}
