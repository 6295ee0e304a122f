/// Writes typed PIN digits into the APDU template a host sent with PC_to_RDR_Secure, as
/// bmFormatString, bmPINBlockString and bmPINLengthFormat describe (CCID 1.1 §6.1.11.5).
/// Positions count in bits from the most significant bit of the first byte of the block,
/// so ISO 9564 format 2 is BCD digits at bit 8 and a 4-bit length at bit 4 of a template
/// that already holds the control nibble 2 and the F padding.
struct PINBlockFormatter {
    var bmFormatString: UInt8
    var bmPINBlockString: UInt8
    var bmPINLengthFormat: UInt8

    private var unitBits: Int { bmFormatString & 0x80 != 0 ? 8 : 1 }
    private var pinPositionBits: Int { Int(bmFormatString >> 3 & 0x0F) * unitBits }
    private var rightJustified: Bool { bmFormatString & 0x04 != 0 }
    /// 0 binary (a digit per byte, value 0-9), 1 BCD (a digit per nibble), 2 ASCII.
    private var encoding: UInt8 { bmFormatString & 0x03 }
    private var lengthFieldBits: Int { Int(bmPINBlockString >> 4) }
    private var blockBytes: Int { Int(bmPINBlockString & 0x0F) }
    private var lengthPositionBits: Int { Int(bmPINLengthFormat & 0x0F) * (bmPINLengthFormat & 0x10 != 0 ? 8 : 1) }
    private var digitBits: Int { encoding == 1 ? 4 : 8 }

    /// Formats `digits` into `data` starting at byte `blockOffset`; false when the encoding is
    /// reserved (3). The data grows when a variable-length block (size 0) needs the room.
    func write(_ digits: [UInt8], into data: inout [UInt8], blockOffset: Int) -> Bool {
        guard encoding != 3 else { return false }
        let base = blockOffset * 8
        var start = base + pinPositionBits
        if rightJustified, blockBytes > 0 {
            start = base + pinPositionBits + blockBytes * 8 - digits.count * digitBits
        }
        let neededBits = max(start + digits.count * digitBits, base + lengthPositionBits + lengthFieldBits)
        let neededBytes = (neededBits + 7) / 8
        if data.count < neededBytes { data += Array(repeating: 0xFF, count: neededBytes - data.count) }
        for (index, digit) in digits.enumerated() {
            let value: UInt8 = encoding == 2 ? 0x30 + digit : digit
            Self.put(value, bits: digitBits, at: start + index * digitBits, in: &data)
        }
        if lengthFieldBits > 0 {
            Self.put(UInt8(truncatingIfNeeded: digits.count), bits: lengthFieldBits,
                     at: base + lengthPositionBits, in: &data)
        }
        return true
    }

    /// Stores the low `bits` of `value` at bit `position` (MSB-first numbering).
    private static func put(_ value: UInt8, bits: Int, at position: Int, in data: inout [UInt8]) {
        for bit in 0..<bits {
            let source = (value >> UInt8(bits - 1 - bit)) & 1
            let target = position + bit
            let mask = UInt8(0x80) >> UInt8(target % 8)
            if source != 0 { data[target / 8] |= mask } else { data[target / 8] &= ~mask }
        }
    }
}
