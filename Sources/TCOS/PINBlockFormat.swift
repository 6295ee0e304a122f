import TrustedPathCore

/// How a PIN is laid out in an APDU's data, as plain values a PIN-pad layer maps onto a CCID
/// PIN_VERIFY / PIN_MODIFY structure (bmFormatString, bmPINBlockString, bmPINLengthFormat,
/// wPINMaxExtraDigit) without knowing TCOS.
public struct PINBlockFormat: Sendable, Hashable {
    public enum Encoding: Sendable, Hashable {
        /// One ASCII digit per byte ("1" = 31), padded with `padding` up to `blockLength`.
        case ascii
        /// Two digits per byte, padded with nibble F.
        case bcd
        /// ISO 9564 format 2: `2N` (N = PIN length), BCD digits, F padding, 8 bytes.
        case iso9564Format2
    }

    public var encoding: Encoding
    public var minLength: Int
    public var maxLength: Int
    /// Bytes the PIN block occupies in the APDU data.
    public var blockLength: Int
    /// Fill byte for the unused part of the block (ASCII: the byte; BCD/format 2: FF).
    public var padding: UInt8

    public init(encoding: Encoding, minLength: Int, maxLength: Int, blockLength: Int, padding: UInt8 = 0xFF) {
        self.encoding = encoding
        self.minLength = minLength
        self.maxLength = maxLength
        self.blockLength = blockLength
        self.padding = padding
    }

    /// TrustedPath's slot PINs: 6 to 8 ASCII digits, padded with FF to 8 bytes.
    public static let trustedPathASCII = PINBlockFormat(encoding: .ascii, minLength: 6, maxLength: 8, blockLength: 8)
    public static let bcd = PINBlockFormat(encoding: .bcd, minLength: 6, maxLength: 8, blockLength: 4)
    public static let iso9564Format2 = PINBlockFormat(encoding: .iso9564Format2, minLength: 6, maxLength: 8,
                                                      blockLength: 8)

    /// Where the PIN digits start inside the block (format 2 has the control byte first).
    public var pinOffset: Int { encoding == .iso9564Format2 ? 1 : 0 }
    /// Format 2 carries the PIN length in the low nibble of byte 0: 4 bits at bit 4 of the block.
    public var lengthField: (bitOffset: Int, bitCount: Int)? {
        encoding == .iso9564Format2 ? (bitOffset: 4, bitCount: 4) : nil
    }

    /// The block with no PIN in it: what a template carries where the pad writes the PIN.
    public var emptyBlock: [UInt8] {
        encoding == .iso9564Format2 ? [0x20] + Array(repeating: 0xFF, count: blockLength - 1)
            : Array(repeating: padding, count: blockLength)
    }

    /// The block for a PIN of ASCII digits: what the PIN pad builds inside the reader. Used by
    /// the simulated PIN pad and by tests; nil when the PIN does not fit this format.
    public func block(for pin: SecretBytes) -> SecretBytes? {
        pin.withBytes { digits -> SecretBytes? in
            guard (minLength...maxLength).contains(digits.count),
                  digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            var out = emptyBlock
            switch encoding {
            case .ascii:
                guard digits.count <= blockLength else { return nil }
                for (i, d) in digits.enumerated() { out[i] = d }
            case .bcd, .iso9564Format2:
                guard pinOffset + (digits.count + 1) / 2 <= blockLength else { return nil }
                if encoding == .iso9564Format2 { out[0] = 0x20 | UInt8(digits.count) }
                for (i, d) in digits.enumerated() {
                    let index = pinOffset + i / 2
                    let nibble = d - 0x30
                    out[index] = i % 2 == 0 ? (nibble << 4) | (out[index] & 0x0F) : (out[index] & 0xF0) | nibble
                }
            }
            return SecretBytes(consuming: &out)
        }
    }
}
