import TrustedPathCore

/// Writes usbmon packets as a little-endian, microsecond pcap that Wireshark, tshark and
/// `umockdev-run -p` open. Bytes out only: the caller owns the file.
public struct UsbmonCaptureWriter: Sendable {
    public enum LinkType: UInt32, Sendable {
        /// 48-byte header: no interval, start frame or transfer flags.
        case usbLinux = 189
        /// 64-byte header, what `tshark -i usbmonN` writes.
        case usbLinuxMmapped = 220
    }

    public var linkType: LinkType

    /// The snapshot length written to the header: usbmon's own, large enough for any
    /// packet a USB device conversation produces here.
    public static let snapLength: UInt32 = 0x0004_0000

    public init(linkType: LinkType = .usbLinuxMmapped) { self.linkType = linkType }

    public func fileHeader() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        out.appendLE32(0xA1B2_C3D4)
        out.appendLE16(2)
        out.appendLE16(4)
        out.appendLE32(0)   // thiszone
        out.appendLE32(0)   // sigfigs
        out.appendLE32(Self.snapLength)
        out.appendLE32(linkType.rawValue)
        return out
    }

    public var headerSize: Int { linkType == .usbLinuxMmapped ? 64 : 48 }

    /// One pcap record: record header, usbmon header, data.
    public func record(_ packet: UsbmonPacket) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + headerSize + packet.data.count)
        append(packet, to: &out)
        return out
    }

    /// Appends one record to `out`, for writers batching many records into one write.
    public func append(_ packet: UsbmonPacket, to out: inout [UInt8]) {
        let header = headerSize
        let captured = header + packet.data.count
        let start = out.count
        // Zero-fill then store fields in place: one bounds check per record, not per byte.
        out.append(contentsOf: repeatElement(0, count: 16 + header))
        out.withUnsafeMutableBytes { raw in
            let r = UnsafeMutableRawBufferPointer(rebasing: raw[start...])
            func put<T: FixedWidthInteger>(_ value: T, _ at: Int) {
                r.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self)
            }
            // A time before 1970 or after 2106 does not fit pcap's u32; the usbmon header
            // keeps the full value.
            put(UInt32(truncatingIfNeeded: packet.seconds), 0)
            put(UInt32(truncatingIfNeeded: packet.microseconds), 4)
            put(UInt32(truncatingIfNeeded: captured), 8)
            // The original length counts the whole transfer, as libpcap's usbmon capture does.
            let original = max(UInt64(captured), UInt64(header) + UInt64(packet.length))
            put(UInt32(truncatingIfNeeded: min(original, UInt64(UInt32.max))), 12)
            let h = 16
            put(packet.urbID, h)
            r[h + 8] = packet.event.rawValue
            r[h + 9] = packet.transferType.rawValue
            r[h + 10] = packet.endpoint
            r[h + 11] = packet.device
            put(packet.bus, h + 12)
            // '-' = no setup packet; '=' = data present, '<' / '>' = none (IN / OUT).
            r[h + 14] = packet.setup == nil ? 0x2D : 0
            r[h + 15] = !packet.data.isEmpty ? 0x3D : (packet.isIn ? 0x3C : 0x3E)
            put(packet.seconds, h + 16)
            put(packet.microseconds, h + 24)
            put(packet.status, h + 28)
            put(packet.length, h + 32)
            put(UInt32(truncatingIfNeeded: packet.data.count), h + 36)
            if let setup = packet.setup {
                for i in 0..<min(8, setup.count) { r[h + 40 + i] = setup[i] }
            }
            if header == 64 {
                put(packet.interval, h + 48)
                put(packet.startFrame, h + 52)
                put(packet.transferFlags, h + 56)
                // ndesc stays 0: iso descriptors are not modelled.
            }
        }
        out.append(contentsOf: packet.data)
    }

    /// A whole capture in memory.
    public func capture(_ packets: some Sequence<UsbmonPacket>) -> [UInt8] {
        var out = fileHeader()
        for packet in packets { append(packet, to: &out) }
        return out
    }
}
