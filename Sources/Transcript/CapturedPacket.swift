/// A packet as found in a capture file: where it was, and what it says.
public struct CapturedPacket: Sendable, Hashable {
    /// 1-based index among all packet records of the file, skipped ones included, so it
    /// matches the frame number Wireshark shows. A USBPcap control transfer folded from
    /// several stage records carries the frame of its first record.
    public var frame: Int
    /// Byte offset of the packet's record (pcap record header or pcapng block) in the file.
    public var offset: Int
    public var packet: UsbmonPacket

    public init(frame: Int, offset: Int, packet: UsbmonPacket) {
        self.frame = frame
        self.offset = offset
        self.packet = packet
    }
}

/// The container a reader found, from the file's magic.
public enum CaptureFormat: Sendable, Hashable {
    case pcap(bigEndian: Bool, nanoseconds: Bool)
    case pcapng
}

/// The link types this module reads.
public enum USBLinkType: UInt32, Sendable, Hashable, CaseIterable {
    /// Linux usbmon, 48-byte header.
    case usbLinux = 189
    /// Linux usbmon (memory-mapped API), 64-byte header; the default for writing.
    case usbLinuxMmapped = 220
    /// Windows USBPcap.
    case usbPcap = 249

    /// Name of any link type, for error messages.
    static func name(_ value: UInt32) -> String {
        switch value {
        case 0: return "NULL"
        case 1: return "ETHERNET"
        case 101: return "RAW"
        case 105: return "IEEE802_11"
        case 113: return "LINUX_SLL"
        case 127: return "IEEE802_11_RADIOTAP"
        case 186: return "USB_FREEBSD"
        case 187: return "BLUETOOTH_HCI_H4"
        case 189: return "USB_LINUX"
        case 195: return "IEEE802_15_4"
        case 201: return "BLUETOOTH_HCI_H4_WITH_PHDR"
        case 220: return "USB_LINUX_MMAPPED"
        case 228: return "IPV4"
        case 229: return "IPV6"
        case 249: return "USBPCAP"
        case 276: return "LINUX_SLL2"
        case 288: return "USB_DARWIN"
        default: return "link type \(value)"
        }
    }
}
