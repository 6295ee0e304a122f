import TrustedPathCore

/// FEATURE_IFD_PIN_PROPERTIES (PIN_PROPERTIES_STRUCTURE, packed, little-endian).
public struct PINProperties: Sendable, Hashable {
    /// 0xXXYY: XX lines, YY characters per line; 0 when the reader has no display.
    public var lcdLayout: UInt16
    /// Bit 0: max size reached, bit 1: validation key pressed, bit 2: timeout.
    public var entryValidationCondition: UInt8
    /// Seconds allowed after the first key; 0 means the reader's default.
    public var timeOut2: UInt8

    public var lcdLines: Int { Int(lcdLayout >> 8) }
    public var lcdCharactersPerLine: Int { Int(lcdLayout & 0xFF) }

    public init(parsing bytes: [UInt8]) throws(PCSCParseError) {
        var reader = ByteReader(bytes)
        do throws(ByteReaderError) {
            lcdLayout = try reader.u16le("wLcdLayout")
            entryValidationCondition = try reader.u8("bEntryValidationCondition")
            timeOut2 = try reader.u8("bTimeOut2")
        } catch {
            throw PCSCParseError(structure: "PIN_PROPERTIES_STRUCTURE", field: error.field, offset: error.offset, error.description)
        }
    }
}
