import CCID
import TCOS

/// The CCID 1.1 §6.1.11.5 format fields for a TCOS PIN block, so the pad builds exactly the
/// block `PINBlockFormat.block(for:)` describes.
extension PINBlockFormat {
    struct CCIDFields: Hashable {
        var bmFormatString: UInt8
        var bmPINBlockString: UInt8
        var bmPINLengthFormat: UInt8
        var wPINMaxExtraDigit: UInt16
    }

    /// bmFormatString: bit 7 units are bytes, bits 6-3 the PIN's offset in the block, bit 2
    /// left justified (0), bits 1-0 the digit encoding (1 BCD, 2 ASCII). bmPINBlockString:
    /// bits 7-4 the size of the PIN length field in bits, 3-0 the block's size in bytes.
    /// bmPINLengthFormat: bit 4 units are bits (0), bits 3-0 where the length field starts.
    func ccidFields() throws(PINPadError) -> CCIDFields {
        guard (1...15).contains(blockLength), pinOffset < 16, (0...255).contains(minLength),
              (minLength...255).contains(maxLength) else {
            throw PINPadError(.unsupported, "a \(blockLength)-byte PIN block does not fit the CCID structure")
        }
        let encodingBits: UInt8 = encoding == .ascii ? 0x02 : 0x01
        let formatString = 0x80 | UInt8(pinOffset) << 3 | encodingBits
        var blockString = UInt8(blockLength)
        var lengthFormat: UInt8 = 0
        if let field = lengthField {
            blockString |= UInt8(field.bitCount) << 4
            lengthFormat = UInt8(field.bitOffset)
        }
        return CCIDFields(bmFormatString: formatString, bmPINBlockString: blockString, bmPINLengthFormat: lengthFormat,
                          wPINMaxExtraDigit: UInt16(minLength) << 8 | UInt16(maxLength))
    }
}
