/// The FCP template a SELECT with P2 04 returns (ISO 7816-4 §5.3.3): `62 L` then BER-TLV
/// entries. Entries are kept in card order so that a template re-encodes byte for byte
/// (the simulator answers with `encoded()`, and OpenSC compares nothing but it reads the
/// tags in whatever order the card chose).
public struct FileControlParameters: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var tag: UInt8
        public var value: [UInt8]
        public init(tag: UInt8, value: [UInt8]) {
            self.tag = tag
            self.value = value
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// A DF's template as TCOS 3.0 answers it: descriptor 38, FID, DF name.
    public static func directory(fileID: UInt16, name: [UInt8]?) -> FileControlParameters {
        var entries = [Entry(tag: 0x82, value: [0x38]), Entry(tag: 0x83, value: fileID.bigEndianBytes)]
        if let name { entries.append(Entry(tag: 0x84, value: name)) }
        return FileControlParameters(entries: entries)
    }

    /// An EF's template as TCOS 3.0 answers it: size (81, two bytes), descriptor, FID.
    public static func elementary(fileID: UInt16, size: Int, descriptor: UInt8 = 0x01) -> FileControlParameters {
        FileControlParameters(entries: [
            Entry(tag: 0x81, value: UInt16(clamping: size).bigEndianBytes),
            Entry(tag: 0x82, value: [descriptor]),
            Entry(tag: 0x83, value: fileID.bigEndianBytes),
        ])
    }

    public func value(_ tag: UInt8) -> [UInt8]? { entries.first { $0.tag == tag }?.value }

    /// Tag 80 (data bytes) or 81 (bytes including structural information), big-endian.
    public var fileSize: Int? {
        guard let raw = value(0x80) ?? value(0x81), !raw.isEmpty, raw.count <= 4 else { return nil }
        return raw.reduce(0) { $0 << 8 | Int($1) }
    }

    /// Tag 82's first byte, the file descriptor byte.
    public var descriptor: UInt8? { value(0x82)?.first }
    /// Descriptor bits 6..4 = 111 (0x38) mark a DF.
    public var isDirectory: Bool { (descriptor ?? 0) & 0x38 == 0x38 }
    /// Descriptor low bits: 1 transparent, 2..5 record structures.
    public var isRecordStructured: Bool { !isDirectory && (2...5).contains((descriptor ?? 0) & 0x07) }

    public var fileID: UInt16? {
        guard let raw = value(0x83), raw.count == 2 else { return nil }
        return UInt16(raw[0]) << 8 | UInt16(raw[1])
    }

    public var dfName: [UInt8]? { value(0x84) }
    /// Tag 8A, the life cycle status byte.
    public var lifeCycleStatus: UInt8? { value(0x8A)?.first }
    /// Tags 86 (proprietary security attributes) and 8C/A1 are kept raw in `entries`.
    public var securityAttributes: [UInt8]? { value(0x86) }

    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        for entry in entries {
            body.append(entry.tag)
            body.append(contentsOf: berLength(entry.value.count))
            body.append(contentsOf: entry.value)
        }
        return [0x62] + berLength(body.count) + body
    }

    /// Parses `62 L ...`; every error names the tag and the offset in `bytes`.
    public init(parsing bytes: [UInt8]) throws(TCOSError) {
        guard let first = bytes.first else {
            throw TCOSError(.malformedFCP, field: "template tag", offset: 0, "no data; expected 62")
        }
        guard first == 0x62 else {
            throw TCOSError(.malformedFCP, field: "template tag", offset: 0,
                            "found \(hexByte(first)); expected 62")
        }
        let (length, lengthSize) = try Self.parseLength(bytes, at: 1, tag: 0x62)
        let start = 1 + lengthSize
        guard start + length <= bytes.count else {
            throw TCOSError(.malformedFCP, field: "tag 62 length", offset: 1,
                            "says \(length) byte(s), \(bytes.count - start) present")
        }
        var entries: [Entry] = []
        var offset = start
        let end = start + length
        while offset < end {
            let tag = bytes[offset]
            guard tag & 0x1F != 0x1F else {
                throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag))", offset: offset,
                                "multi-byte tags do not occur in a TCOS FCP")
            }
            guard offset + 1 < end else {
                throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag)) length", offset: offset + 1, "missing")
            }
            let (valueLength, size) = try Self.parseLength(bytes, at: offset + 1, tag: tag, end: end)
            let valueStart = offset + 1 + size
            guard valueStart + valueLength <= end else {
                throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag)) value", offset: valueStart,
                                "says \(valueLength) byte(s), \(end - valueStart) left in the template")
            }
            let value = Array(bytes[valueStart..<(valueStart + valueLength)])
            try Self.check(tag: tag, value: value, offset: offset)
            entries.append(Entry(tag: tag, value: value))
            offset = valueStart + valueLength
        }
        self.entries = entries
    }

    /// Tags with a fixed shape are checked so a caller never gets a half-read FID or size.
    private static func check(tag: UInt8, value: [UInt8], offset: Int) throws(TCOSError) {
        switch tag {
        case 0x80, 0x81:
            guard (1...4).contains(value.count) else {
                throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag)) (file size)", offset: offset,
                                "\(value.count) byte(s); expected 1 to 4")
            }
        case 0x82:
            guard (1...6).contains(value.count) else {
                throw TCOSError(.malformedFCP, field: "tag 82 (file descriptor)", offset: offset,
                                "\(value.count) byte(s); expected 1 to 6")
            }
        case 0x83:
            guard value.count == 2 else {
                throw TCOSError(.malformedFCP, field: "tag 83 (file identifier)", offset: offset,
                                "\(value.count) byte(s); expected 2")
            }
        case 0x84:
            guard (1...16).contains(value.count) else {
                throw TCOSError(.malformedFCP, field: "tag 84 (DF name)", offset: offset,
                                "\(value.count) byte(s); expected 1 to 16")
            }
        case 0x8A:
            guard value.count == 1 else {
                throw TCOSError(.malformedFCP, field: "tag 8A (life cycle status)", offset: offset,
                                "\(value.count) byte(s); expected 1")
            }
        default:
            break
        }
    }

    private static func parseLength(_ bytes: [UInt8], at offset: Int, tag: UInt8,
                                    end: Int? = nil) throws(TCOSError) -> (Int, Int) {
        let end = end ?? bytes.count
        guard offset < end else {
            throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag)) length", offset: offset, "missing")
        }
        let first = bytes[offset]
        if first < 0x80 { return (Int(first), 1) }
        let count = Int(first & 0x7F)
        guard count == 1 || count == 2 else {
            throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag)) length", offset: offset,
                            "length form \(hexByte(first)) not allowed")
        }
        guard offset + count < end else {
            throw TCOSError(.malformedFCP, field: "tag \(hexByte(tag)) length", offset: offset, "truncated")
        }
        var value = 0
        for i in 1...count { value = value << 8 | Int(bytes[offset + i]) }
        return (value, 1 + count)
    }
}

func berLength(_ count: Int) -> [UInt8] {
    if count < 0x80 { return [UInt8(count)] }
    if count <= 0xFF { return [0x81, UInt8(count)] }
    return [0x82, UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

extension UInt16 {
    /// Two bytes, high first: how FIDs travel in APDUs and FCPs. Internal, so it cannot clash
    /// with a helper of the same name in another module.
    var bigEndianBytes: [UInt8] { [UInt8(self >> 8), UInt8(self & 0xFF)] }
}
