import TrustedPathCore

/// PIN_VERIFY_STRUCTURE for FEATURE_VERIFY_PIN_DIRECT (pcsc-lite reader.h; packed,
/// little-endian). Unlike CCID's PC_to_RDR_Secure verify block it carries bTimerOut2 right
/// after bTimerOut and ulDataLength before the APDU; the driver rebuilds the CCID form.
public struct PINVerifyStructure: Sendable, Hashable {
    /// Seconds to wait for the first key; 0: the reader's default.
    public var timeout: UInt8 = 0
    /// Seconds after the first key; 0: the reader's default.
    public var timeout2: UInt8 = 0
    /// bmFormatString: bit 7 units in bytes, bits 6-3 PIN position, bit 2 justification, bits 1-0 format.
    public var formatString: UInt8
    /// bmPINBlockString: bits 7-4 PIN-length field size in bits, bits 3-0 PIN block size in bytes.
    public var pinBlockString: UInt8
    /// bmPINLengthFormat: bit 4 units in bytes, bits 3-0 PIN length position.
    public var pinLengthFormat: UInt8
    public var minPINLength: UInt8
    public var maxPINLength: UInt8
    /// bEntryValidationCondition: 1 max size reached, 2 validation key, 4 timeout.
    public var entryValidation: UInt8 = 0x02
    /// bNumberMessage: 0 none, 1 the default prompt, 0xFF the reader's choice.
    public var numberOfMessages: UInt8 = 0x01
    /// wLangId, e.g. 0x0409 English (US), 0x0407 German.
    public var language: UInt16 = 0x0409
    public var messageIndex: UInt8 = 0
    /// bTeoPrologue: T=1 prologue the reader would use; 00 00 00 lets it choose.
    public var teoPrologue: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// The VERIFY APDU with the PIN block's place filled (usually with FF or 00).
    public var apdu: [UInt8]

    public init(formatString: UInt8, pinBlockString: UInt8, pinLengthFormat: UInt8,
                minPINLength: UInt8, maxPINLength: UInt8, apdu: [UInt8]) {
        self.formatString = formatString
        self.pinBlockString = pinBlockString
        self.pinLengthFormat = pinLengthFormat
        self.minPINLength = minPINLength
        self.maxPINLength = maxPINLength
        self.apdu = apdu
    }

    public static let headerLength = 19

    public func encoded() -> [UInt8] {
        var out: [UInt8] = [timeout, timeout2, formatString, pinBlockString, pinLengthFormat]
        out.reserveCapacity(Self.headerLength + apdu.count)
        // wPINMaxExtraDigit is 0xXXYY (XX min, YY max) stored little-endian: max first.
        out.appendLE16(UInt16(minPINLength) << 8 | UInt16(maxPINLength))
        out.append(entryValidation)
        out.append(numberOfMessages)
        out.appendLE16(language)
        out.append(messageIndex)
        out.append(contentsOf: [teoPrologue.0, teoPrologue.1, teoPrologue.2])
        out.appendLE32(UInt32(apdu.count))
        out.append(contentsOf: apdu)
        return out
    }

    public static func == (a: Self, b: Self) -> Bool { a.encoded() == b.encoded() }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded()) }
}
