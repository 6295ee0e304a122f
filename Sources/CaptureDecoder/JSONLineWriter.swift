/// Appends one JSON object a line to a byte buffer, without Foundation: the decode benchmark
/// prints half a million of these, so the writer appends digits and hex straight into the
/// buffer and never builds intermediate strings.
public struct JSONLineWriter {
    public internal(set) var output: ByteBuffer
    private var needsComma = false

    public init(capacity: Int = 1 << 16) { output = ByteBuffer(capacity: capacity) }

    /// What was written, as an array (tests); the CLI writes `output` directly.
    public var buffer: [UInt8] { output.bytes }

    public mutating func beginObject() {
        if needsComma { output.append(UInt8(ascii: ",")) }
        output.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        output.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func endLine() {
        output.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    public mutating func key(_ name: StaticString) {
        if needsComma { output.append(UInt8(ascii: ",")) }
        output.append(UInt8(ascii: "\""))
        raw(name)
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func number<I: BinaryInteger>(_ name: StaticString, _ value: I) {
        key(name)
        appendInteger(value)
        needsComma = true
    }

    public mutating func null(_ name: StaticString) {
        key(name)
        "null".utf8.forEach { output.append($0) }
        needsComma = true
    }

    public mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        (value ? "true" : "false").utf8.forEach { output.append($0) }
        needsComma = true
    }

    public mutating func string(_ name: StaticString, _ value: StaticString) {
        key(name)
        output.append(UInt8(ascii: "\""))
        value.withUTF8Buffer { output.append(UnsafeRawBufferPointer($0)) }
        output.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A string value, escaped as JSON requires.
    public mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case UInt8(ascii: "\n"):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "n"))
            case 0..<0x20:
                "\\u00".utf8.forEach { output.append($0) }
                output.append(JSONLineWriter.hexDigits[Int(byte >> 4)])
                output.append(JSONLineWriter.hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Bytes as a lower-case hex string value.
    public mutating func hex<C: Collection>(_ name: StaticString, _ bytes: C) where C.Element == UInt8 {
        key(name)
        output.append(UInt8(ascii: "\""))
        appendHexDigits(bytes)
        output.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Lower-case hex digits of `bytes`, no quotes.
    public mutating func appendHexDigits<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            output.append(JSONLineWriter.hexDigits[Int(byte >> 4)])
            output.append(JSONLineWriter.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Empties the buffer, keeping its capacity, after the caller wrote it out.
    public mutating func reset() {
        output.removeAll()
        needsComma = false
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendInteger<I: BinaryInteger>(_ value: I) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            decimal(UInt64(value.magnitude))
        } else {
            decimal(UInt64(value))
        }
    }

    /// Appends literal bytes as they are: the record writer emits whole fragments such as
    /// `,"bSlot":` in one call.
    @inline(__always)
    public mutating func raw(_ literal: StaticString) {
        literal.withUTF8Buffer { output.append(UnsafeRawBufferPointer($0)) }
    }

    // The record writer reserves room for a whole line once, then uses these unchecked
    // forms; every caller of them must have called `output.ensureRoom` for what it writes.

    @inline(__always)
    mutating func rawUnchecked(_ literal: StaticString) {
        literal.withUTF8Buffer { output.appendUnchecked(UnsafeRawBufferPointer($0)) }
    }

    /// At most 20 digits.
    @inline(__always)
    mutating func decimalUnchecked(_ value: UInt64) {
        let zero = UInt8(ascii: "0")
        if value < 10 {
            output.appendUnchecked(zero &+ UInt8(truncatingIfNeeded: value))
            return
        }
        if value < 100 {
            output.appendUnchecked(zero &+ UInt8(truncatingIfNeeded: value / 10))
            output.appendUnchecked(zero &+ UInt8(truncatingIfNeeded: value % 10))
            return
        }
        var divisor: UInt64 = 100
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            output.appendUnchecked(zero &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Two digits a byte.
    @inline(__always)
    mutating func hexUnchecked<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            output.appendUnchecked(JSONLineWriter.hexDigits[Int(byte >> 4)])
            output.appendUnchecked(JSONLineWriter.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Appends a non-negative number in decimal; small values (most CCID fields) take the
    /// short paths.
    public mutating func decimal(_ value: UInt64) {
        let zero = UInt8(ascii: "0")
        if value < 10 {
            output.append(zero + UInt8(value))
        } else if value < 100 {
            output.append(zero + UInt8(value / 10))
            output.append(zero + UInt8(value % 10))
        } else if value < 1000 {
            output.append(zero + UInt8(value / 100))
            output.append(zero + UInt8(value / 10 % 10))
            output.append(zero + UInt8(value % 10))
        } else {
            var digits = [UInt8]()
            var rest = value
            while rest > 0 {
                digits.append(zero + UInt8(rest % 10))
                rest /= 10
            }
            for digit in digits.reversed() { output.append(digit) }
        }
    }

}
