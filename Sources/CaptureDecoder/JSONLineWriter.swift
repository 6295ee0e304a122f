/// Appends one JSON object a line to a byte buffer, without Foundation: the decode benchmark
/// prints half a million of these, so the writer appends digits and hex straight into the
/// buffer and never builds intermediate strings.
public struct JSONLineWriter {
    public internal(set) var output: ByteBuffer

    public init(capacity: Int = 1 << 16) { output = ByteBuffer(capacity: capacity) }

    /// What was written, as an array (tests); the CLI writes `output` directly.
    public var buffer: [UInt8] { output.bytes }

    /// Empties the buffer, keeping its capacity, after the caller wrote it out.
    public mutating func reset() {
        output.removeAll()
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

    /// Two digits a byte, lower case.
    @inline(__always)
    mutating func hexUnchecked<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            output.appendUnchecked(Self.hexDigit(byte >> 4))
            output.appendUnchecked(Self.hexDigit(byte & 0x0F))
        }
    }

    /// Computed rather than looked up: a static table costs a lazy-initialisation check and a
    /// bounds check per digit, and response data makes hex the bulk of the output.
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble &+ (nibble < 10 ? UInt8(ascii: "0") : UInt8(ascii: "a") &- 10)
    }
}
