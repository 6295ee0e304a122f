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
        append(packet, to: &out)
        return out
    }

    /// Appends one record to `out`, for writers batching many records into one write.
    public func append(_ packet: UsbmonPacket, to out: inout [UInt8]) {
        // No reserveCapacity here: Array reserves exactly what is asked, so reserving a little
        // more on every append would reallocate each time and make writing quadratic.
        let captured = headerSize + packet.data.count
        // A time before 1970 or after 2106 does not fit pcap's u32; the usbmon header
        // keeps the full value.
        out.appendLE32(UInt32(truncatingIfNeeded: packet.seconds))
        out.appendLE32(UInt32(truncatingIfNeeded: packet.microseconds))
        out.appendLE32(UInt32(truncatingIfNeeded: captured))
        // The original length counts the whole transfer, as libpcap's usbmon capture does.
        let original = max(UInt64(captured), UInt64(headerSize) + UInt64(packet.length))
        out.appendLE32(UInt32(truncatingIfNeeded: min(original, UInt64(UInt32.max))))

        out.appendLE64(packet.urbID)
        out.append(packet.event.rawValue)
        out.append(packet.transferType.rawValue)
        out.append(packet.endpoint)
        out.append(packet.device)
        out.appendLE16(packet.bus)
        // '-' = no setup packet; '=' = data present, '<' / '>' = none (IN / OUT).
        out.append(packet.setup == nil ? 0x2D : 0)
        out.append(!packet.data.isEmpty ? 0x3D : (packet.isIn ? 0x3C : 0x3E))
        out.appendLE64(UInt64(bitPattern: packet.seconds))
        out.appendLE32(UInt32(bitPattern: packet.microseconds))
        out.appendLE32(UInt32(bitPattern: packet.status))
        out.appendLE32(packet.length)
        out.appendLE32(UInt32(truncatingIfNeeded: packet.data.count))
        if let setup = packet.setup {
            for i in 0..<8 { out.append(i < setup.count ? setup[i] : 0) }
        } else {
            out.append(contentsOf: repeatElement(0, count: 8))
        }
        if linkType == .usbLinuxMmapped {
            out.appendLE32(UInt32(bitPattern: packet.interval))
            out.appendLE32(UInt32(bitPattern: packet.startFrame))
            out.appendLE32(packet.transferFlags)
            out.appendLE32(0)   // ndesc: iso descriptors are not modelled
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
