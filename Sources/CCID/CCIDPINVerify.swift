import TrustedPathCore

/// The PIN verification data structure of PC_to_RDR_Secure (CCID 1.1 §6.1.11.5): how the
/// reader formats the digits typed on its keypad into the APDU it then sends to the card.
/// Words are little-endian, as everywhere in CCID.
public struct CCIDPINVerify: Hashable, Sendable {
    /// Seconds to wait for entry; 0 means the reader's default.
    public var bTimeOut: UInt8
    public var bmFormatString: UInt8
    public var bmPINBlockString: UInt8
    public var bmPINLengthFormat: UInt8
    /// 0xXXYY: XX minimum, YY maximum PIN size in digits.
    public var wPINMaxExtraDigit: UInt16
    public var bEntryValidationCondition: UInt8
    public var bNumberMessage: UInt8
    public var wLangId: UInt16
    public var bMsgIndex: UInt8
    /// T=1 prologue (NAD, PCB, LEN) for TPDU readers; zeros otherwise.
    public var bTeoPrologue: [UInt8]
    public var apdu: [UInt8]

    static let fixedLength = 14

    public init(bTimeOut: UInt8 = 0, bmFormatString: UInt8, bmPINBlockString: UInt8, bmPINLengthFormat: UInt8,
                wPINMaxExtraDigit: UInt16, bEntryValidationCondition: UInt8 = 0x02, bNumberMessage: UInt8 = 1,
                wLangId: UInt16 = 0x0409, bMsgIndex: UInt8 = 0, bTeoPrologue: [UInt8] = [0, 0, 0], apdu: [UInt8]) {
        self.bTimeOut = bTimeOut; self.bmFormatString = bmFormatString
        self.bmPINBlockString = bmPINBlockString; self.bmPINLengthFormat = bmPINLengthFormat
        self.wPINMaxExtraDigit = wPINMaxExtraDigit; self.bEntryValidationCondition = bEntryValidationCondition
        self.bNumberMessage = bNumberMessage; self.wLangId = wLangId; self.bMsgIndex = bMsgIndex
        self.bTeoPrologue = bTeoPrologue; self.apdu = apdu
    }

    public var minimumPINSize: Int { Int(wPINMaxExtraDigit >> 8) }
    public var maximumPINSize: Int { Int(wPINMaxExtraDigit & 0xFF) }

    /// `base` is the offset of the structure within the whole message, for error context.
    public init(parsing bytes: [UInt8], base: Int = 0) throws(CCIDError) {
        var reader = ByteReader(bytes)
        do throws(ByteReaderError) {
            bTimeOut = try reader.u8("bTimeOut")
            bmFormatString = try reader.u8("bmFormatString")
            bmPINBlockString = try reader.u8("bmPINBlockString")
            bmPINLengthFormat = try reader.u8("bmPINLengthFormat")
            wPINMaxExtraDigit = try reader.u16le("wPINMaxExtraDigit")
            bEntryValidationCondition = try reader.u8("bEntryValidationCondition")
            bNumberMessage = try reader.u8("bNumberMessage")
            wLangId = try reader.u16le("wLangId")
            bMsgIndex = try reader.u8("bMsgIndex")
            bTeoPrologue = try reader.bytes(3, "bTeoPrologue")
            apdu = reader.rest()
        } catch {
            throw CCIDError(ByteReaderError(field: error.field, offset: error.offset + base,
                                            needed: error.needed, available: error.available))
        }
    }

    public func encode() -> [UInt8] {
        var out = [bTimeOut, bmFormatString, bmPINBlockString, bmPINLengthFormat]
        out.appendLE16(wPINMaxExtraDigit)
        out += [bEntryValidationCondition, bNumberMessage]
        out.appendLE16(wLangId)
        out.append(bMsgIndex)
        out += CCIDPINVerify.prologue(bTeoPrologue)
        out += apdu
        return out
    }

    /// Exactly three bytes whatever the caller stored, so the layout never shifts.
    static func prologue(_ bytes: [UInt8]) -> [UInt8] {
        Array((bytes + [0, 0, 0]).prefix(3))
    }
}
