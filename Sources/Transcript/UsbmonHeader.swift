import TrustedPathCore

/// Decodes the Linux usbmon link layer (`struct usbmon_packet`): link type 189 (48-byte
/// header) and 220 (64 bytes, then 16 bytes per iso descriptor before the data).
enum UsbmonHeader {
    static let size189 = 48
    static let size220 = 64

    /// `record` is the whole captured packet. Throws only a reason; the reader adds the place.
    static func decode(_ record: UnsafeRawBufferPointer, mmapped: Bool, bigEndian: Bool)
        throws(DecodeFailure) -> UsbmonPacket
    {
        try view(record, mmapped: mmapped, bigEndian: bigEndian).packet
    }

    /// The event, its payload left in `record`.
    @inline(__always)
    static func view(_ record: UnsafeRawBufferPointer, mmapped: Bool, bigEndian: Bool)
        throws(DecodeFailure) -> UsbmonEventView
    {
        let headerSize = mmapped ? size220 : size189
        guard record.count >= headerSize else {
            throw DecodeFailure(
                "usbmon packet of \(record.count) bytes is shorter than its \(headerSize)-byte header")
        }
        let f = RawFields(base: record, bigEndian: bigEndian)
        guard let event = UsbmonPacket.Event(rawValue: f.u8(8)) else {
            throw DecodeFailure("usbmon event type 0x\(Hex.encode([f.u8(8)])) is not S, C or E")
        }
        guard let type = UsbmonPacket.TransferType(rawValue: f.u8(9)) else {
            throw DecodeFailure("usbmon transfer type \(f.u8(9)) is not 0...3")
        }
        let setupPresent = f.u8(14) == 0
        var dataStart = headerSize
        var interval: Int32 = 0, startFrame: Int32 = 0, flags: UInt32 = 0
        if mmapped {
            interval = f.i32(48)
            startFrame = f.i32(52)
            flags = f.u32(56)
            // Iso descriptors sit between header and data; a snaplen cut may shorten them.
            let ndesc = Int(f.u32(60))
            let room = record.count - headerSize
            dataStart += ndesc > room / 16 ? room : ndesc * 16
        }
        let lenCap = Int(f.u32(36))
        let dataCount = min(lenCap, record.count - dataStart)
        return UsbmonEventView(
            urbID: f.u64(0), event: event, transferType: type, endpoint: f.u8(10),
            device: f.u8(11), bus: f.u16(12), seconds: f.i64(16), microseconds: f.i32(24),
            status: f.i32(28), length: f.u32(32),
            setup: setupPresent ? UnsafeRawBufferPointer(rebasing: record[40..<48]) : nil,
            data: UnsafeRawBufferPointer(rebasing: record[dataStart..<(dataStart + max(0, dataCount))]),
            interval: interval, startFrame: startFrame, transferFlags: flags)
    }
}

/// Why a link-layer header did not decode; the reader turns it into a `TranscriptError`
/// with the offset and frame.
struct DecodeFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
