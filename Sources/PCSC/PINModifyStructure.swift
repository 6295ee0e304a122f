import TrustedPathCore

/// PIN_MODIFY_STRUCTURE for FEATURE_MODIFY_PIN_DIRECT (pcsc-lite reader.h; packed,
/// little-endian): as the verify structure, plus the old and new PIN offsets, the
/// confirmation flags and three message indexes.
public struct PINModifyStructure: Sendable, Hashable {
    public var timeout: UInt8 = 0
    public var timeout2: UInt8 = 0
    public var formatString: UInt8
    public var pinBlockString: UInt8
    public var pinLengthFormat: UInt8
    /// Offset in bytes of the current PIN in the APDU data, after the format's PIN position.
    public var insertionOffsetOld: UInt8
    /// Offset in bytes of the new PIN in the APDU data.
    public var insertionOffsetNew: UInt8
    public var minPINLength: UInt8
    public var maxPINLength: UInt8
    /// bConfirmPIN: bit 0 ask for the new PIN twice, bit 1 ask for the current PIN too.
    public var confirmPIN: UInt8 = 0x03
    public var entryValidation: UInt8 = 0x02
    /// 0 none, 1-3 prompts (current, new, confirm), 0xFF the reader's choice.
    public var numberOfMessages: UInt8 = 0x03
    public var language: UInt16 = 0x0409
    public var messageIndexes: (UInt8, UInt8, UInt8) = (0, 1, 2)
    public var teoPrologue: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// The CHANGE REFERENCE DATA APDU with room for both PIN blocks.
    public var apdu: [UInt8]

    public init(formatString: UInt8, pinBlockString: UInt8, pinLengthFormat: UInt8,
                insertionOffsetOld: UInt8, insertionOffsetNew: UInt8,
                minPINLength: UInt8, maxPINLength: UInt8, apdu: [UInt8]) {
        self.formatString = formatString
        self.pinBlockString = pinBlockString
        self.pinLengthFormat = pinLengthFormat
        self.insertionOffsetOld = insertionOffsetOld
        self.insertionOffsetNew = insertionOffsetNew
        self.minPINLength = minPINLength
        self.maxPINLength = maxPINLength
        self.apdu = apdu
    }

    public static let headerLength = 24

    public func encoded() -> [UInt8] {
        var out: [UInt8] = [timeout, timeout2, formatString, pinBlockString, pinLengthFormat,
                            insertionOffsetOld, insertionOffsetNew]
        out.reserveCapacity(Self.headerLength + apdu.count)
        out.appendLE16(UInt16(minPINLength) << 8 | UInt16(maxPINLength))
        out.append(confirmPIN)
        out.append(entryValidation)
        out.append(numberOfMessages)
        out.appendLE16(language)
        out.append(contentsOf: [messageIndexes.0, messageIndexes.1, messageIndexes.2])
        out.append(contentsOf: [teoPrologue.0, teoPrologue.1, teoPrologue.2])
        out.appendLE32(UInt32(apdu.count))
        out.append(contentsOf: apdu)
        return out
    }

    public static func == (a: Self, b: Self) -> Bool { a.encoded() == b.encoded() }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded()) }
}
