/// Appends one JSON object a line to a byte buffer, without Foundation: the decode benchmark
/// prints half a million of these, so the writer appends digits and hex straight into the
/// buffer and never builds intermediate strings.
public struct JSONLineWriter {
    public private(set) var buffer: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 1 << 16) { buffer.reserveCapacity(capacity) }

    public mutating func beginObject() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        buffer.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func endLine() {
        buffer.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    public mutating func key(_ name: StaticString) {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    public mutating func number<I: BinaryInteger>(_ name: StaticString, _ value: I) {
        key(name)
        appendInteger(value)
        needsComma = true
    }

    public mutating func null(_ name: StaticString) {
        key(name)
        buffer.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
        needsComma = true
    }

    public mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        buffer.append(contentsOf: Array((value ? "true" : "false").utf8))
        needsComma = true
    }

    public mutating func string(_ name: StaticString, _ value: StaticString) {
        key(name)
        buffer.append(UInt8(ascii: "\""))
        value.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A string value, escaped as JSON requires.
    public mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        buffer.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(byte)
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0..<0x20:
                buffer.append(contentsOf: Array("\\u00".utf8))
                buffer.append(JSONLineWriter.hexDigits[Int(byte >> 4)])
                buffer.append(JSONLineWriter.hexDigits[Int(byte & 0x0F)])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Bytes as a lower-case hex string value.
    public mutating func hex<C: Collection>(_ name: StaticString, _ bytes: C) where C.Element == UInt8 {
        key(name)
        buffer.append(UInt8(ascii: "\""))
        for byte in bytes {
            buffer.append(JSONLineWriter.hexDigits[Int(byte >> 4)])
            buffer.append(JSONLineWriter.hexDigits[Int(byte & 0x0F)])
        }
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Empties the buffer, keeping its capacity, after the caller wrote it out.
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        needsComma = false
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendInteger<I: BinaryInteger>(_ value: I) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        if magnitude == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[count] = UInt8(truncatingIfNeeded: magnitude % 10) + UInt8(ascii: "0")
                magnitude /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[i]) }
        }
    }
}
