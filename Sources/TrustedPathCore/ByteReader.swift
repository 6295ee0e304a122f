/// Raised when input ends before a field it must hold, or a field's value is not allowed.
/// `offset` counts from the start of the buffer the reader was made over.
public struct ByteReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var offset: Int
    public var needed: Int
    public var available: Int

    public init(field: String, offset: Int, needed: Int, available: Int) {
        self.field = field
        self.offset = offset
        self.needed = needed
        self.available = available
    }

    public var description: String {
        "truncated input: \(field) needs \(needed) byte(s) at offset \(offset), \(available) left"
    }
}

/// A cursor over bytes that never traps: every read is bounds-checked and names the field
/// it was reading when the input runs short. Parsers of device and file input use it.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = max(0, min(offset, bytes.count))
        self.end = max(self.offset, min(end ?? bytes.count, bytes.count))
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset >= end }

    private func require(_ count: Int, _ field: String) throws(ByteReaderError) {
        guard count >= 0, count <= remaining else {
            throw ByteReaderError(field: field, offset: offset, needed: count, available: remaining)
        }
    }

    public mutating func u8(_ field: String) throws(ByteReaderError) -> UInt8 {
        try require(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16le(_ field: String) throws(ByteReaderError) -> UInt16 {
        try require(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    public mutating func u16be(_ field: String) throws(ByteReaderError) -> UInt16 {
        try require(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func u32le(_ field: String) throws(ByteReaderError) -> UInt32 {
        try require(4, field)
        defer { offset += 4 }
        return bytes.loadLE32(at: offset)
    }

    public mutating func u32be(_ field: String) throws(ByteReaderError) -> UInt32 {
        try require(4, field)
        defer { offset += 4 }
        return bytes.loadLE32(at: offset).byteSwapped
    }

    public mutating func u64le(_ field: String) throws(ByteReaderError) -> UInt64 {
        try require(8, field)
        defer { offset += 8 }
        return UInt64(bytes.loadLE32(at: offset)) | UInt64(bytes.loadLE32(at: offset + 4)) << 32
    }

    public mutating func bytes(_ count: Int, _ field: String) throws(ByteReaderError) -> [UInt8] {
        try require(count, field)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func skip(_ count: Int, _ field: String) throws(ByteReaderError) {
        try require(count, field)
        offset += count
    }

    public mutating func rest() -> [UInt8] {
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

extension Array where Element == UInt8 {
    /// Little-endian 32-bit load; the caller has checked the bounds.
    @inline(__always)
    public func loadLE32(at index: Int) -> UInt32 {
        UInt32(self[index]) | UInt32(self[index + 1]) << 8
            | UInt32(self[index + 2]) << 16 | UInt32(self[index + 3]) << 24
    }

    public mutating func appendLE16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    public mutating func appendLE32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    public mutating func appendLE64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    public mutating func appendBE16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func appendBE32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}
