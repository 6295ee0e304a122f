/// Decodes Windows USBPcap's `USBPCAP_BUFFER_PACKET_HEADER` (link type 249, always
/// little-endian, packed): headerLen u16, irpId u64, status u32 (USBD_STATUS), function u16,
/// info u8, bus u16, device u16, endpoint u8, transfer u8, dataLength u32 — 27 bytes, then
/// for control transfers a 1-byte stage, for iso the iso descriptors; `headerLen` covers all.
struct USBPcapRecord {
    enum Stage: UInt8 { case setup = 0, data = 1, status = 2, complete = 3 }

    var irpID: UInt64
    var usbdStatus: UInt32
    var function: UInt16
    /// Bit 0 set: PDO to FDO, i.e. the device side answered (a completion).
    var isCompletion: Bool
    var bus: UInt16
    var device: UInt16
    var endpoint: UInt8
    /// nil for USBPcap's "unknown" transfer (0xFF: IRPs such as abort pipe), which carry no
    /// USB traffic.
    var transferType: UsbmonPacket.TransferType?
    var stage: Stage?
    var data: [UInt8]

    static let baseSize = 27

    static func decode(_ record: UnsafeRawBufferPointer) throws(DecodeFailure) -> USBPcapRecord {
        guard record.count >= baseSize else {
            throw DecodeFailure(
                "USBPcap packet of \(record.count) bytes is shorter than its \(baseSize)-byte header")
        }
        let f = RawFields(base: record, bigEndian: false)
        let headerLength = Int(f.u16(0))
        guard headerLength >= baseSize, headerLength <= record.count else {
            throw DecodeFailure(
                "USBPcap headerLen \(headerLength) outside \(baseSize)...\(record.count)")
        }
        let transfer = f.u8(22)
        var stage: Stage? = nil
        if transfer == 2 {
            guard headerLength >= baseSize + 1 else {
                throw DecodeFailure("USBPcap control packet without its stage byte")
            }
            guard let s = Stage(rawValue: f.u8(27)) else {
                throw DecodeFailure("USBPcap control stage \(f.u8(27)) is not 0...3")
            }
            stage = s
        }
        let dataCount = min(Int(f.u32(23)), record.count - headerLength)
        return USBPcapRecord(
            irpID: f.u64(2), usbdStatus: f.u32(10), function: f.u16(14),
            isCompletion: f.u8(16) & 1 != 0, bus: f.u16(17), device: f.u16(19),
            endpoint: f.u8(21), transferType: UsbmonPacket.TransferType(rawValue: transfer),
            stage: stage, data: f.bytes(headerLength, dataCount))
    }

    /// The errno-like status usbmon would have reported for a USBD_STATUS.
    static func errno(forUSBD status: UInt32) -> Int32 {
        switch status {
        case 0x0000_0000: return 0
        case 0xC000_0004, 0xC000_0030: return -32            // STALL_PID, ENDPOINT_HALTED: EPIPE
        case 0xC000_0001, 0xC000_0002, 0xC000_0003: return -71 // CRC, BTSTUFF, toggle: EPROTO
        case 0xC000_0005: return -62                          // DEV_NOT_RESPONDING: ETIME
        case 0xC000_0008, 0xC000_000C, 0xC000_0012: return -75 // overrun, babble: EOVERFLOW
        case 0xC000_0009, 0xC000_000D, 0xC000_0013: return -121 // underrun, short: EREMOTEIO
        case 0xC000_6000: return -110                         // TIMEOUT: ETIMEDOUT
        case 0xC001_0000: return -2                           // CANCELED: ENOENT (unlinked)
        case 0xC000_7000, 0xC000_0011: return -19             // DEVICE_GONE, NO_BANDWIDTH→ENODEV
        default: return -71
        }
    }

    /// This record as a usbmon event; a control stage is the caller's to fold.
    func usbmon(type: UsbmonPacket.TransferType, seconds: Int64, microseconds: Int32)
        -> UsbmonPacket
    {
        UsbmonPacket(
            urbID: irpID, event: isCompletion ? .completion : .submission, transferType: type,
            endpoint: endpoint, device: UInt8(truncatingIfNeeded: device), bus: bus,
            seconds: seconds, microseconds: microseconds,
            // usbmon reports a submission in flight as -EINPROGRESS.
            status: isCompletion ? USBPcapRecord.errno(forUSBD: usbdStatus) : -115,
            length: UInt32(truncatingIfNeeded: data.count), data: data)
    }
}
