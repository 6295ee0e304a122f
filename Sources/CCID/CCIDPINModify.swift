import TrustedPathCore

/// The PIN modification data structure of PC_to_RDR_Secure (CCID 1.1 §6.1.11.7).
///
/// The number of bMsgIndex bytes follows bNumberMessage: one, two or three (0 still carries
/// one, 0xFF — "reader's default" — carries three). Encoding writes exactly that many, padding
/// with zeros or dropping extras, so a decoded value always re-encodes to the same layout.
public struct CCIDPINModify: Hashable, Sendable {
    public var bTimeOut: UInt8
    public var bmFormatString: UInt8
    public var bmPINBlockString: UInt8
    public var bmPINLengthFormat: UInt8
    /// Where the old PIN goes in the APDU data, in units of bmFormatString.
    public var bInsertionOffsetOld: UInt8
    public var bInsertionOffsetNew: UInt8
    public var wPINMaxExtraDigit: UInt16
    /// Bit 0: enter the new PIN twice; bit 1: ask for the current PIN.
    public var bConfirmPIN: UInt8
    public var bEntryValidationCondition: UInt8
    public var bNumberMessage: UInt8
    public var wLangId: UInt16
    public var bMsgIndex: [UInt8]
    public var bTeoPrologue: [UInt8]
    public var apdu: [UInt8]

    public init(bTimeOut: UInt8 = 0, bmFormatString: UInt8, bmPINBlockString: UInt8, bmPINLengthFormat: UInt8,
                bInsertionOffsetOld: UInt8, bInsertionOffsetNew: UInt8, wPINMaxExtraDigit: UInt16,
                bConfirmPIN: UInt8 = 0x03, bEntryValidationCondition: UInt8 = 0x02, bNumberMessage: UInt8 = 3,
                wLangId: UInt16 = 0x0409, bMsgIndex: [UInt8] = [0, 1, 2], bTeoPrologue: [UInt8] = [0, 0, 0],
                apdu: [UInt8]) {
        self.bTimeOut = bTimeOut; self.bmFormatString = bmFormatString
        self.bmPINBlockString = bmPINBlockString; self.bmPINLengthFormat = bmPINLengthFormat
        self.bInsertionOffsetOld = bInsertionOffsetOld; self.bInsertionOffsetNew = bInsertionOffsetNew
        self.wPINMaxExtraDigit = wPINMaxExtraDigit; self.bConfirmPIN = bConfirmPIN
        self.bEntryValidationCondition = bEntryValidationCondition; self.bNumberMessage = bNumberMessage
        self.wLangId = wLangId; self.bMsgIndex = bMsgIndex; self.bTeoPrologue = bTeoPrologue; self.apdu = apdu
    }

    /// How many bMsgIndex bytes the structure carries for a given bNumberMessage.
    public static func messageIndexCount(_ bNumberMessage: UInt8) -> Int {
        max(1, min(3, Int(bNumberMessage)))
    }

    public var minimumPINSize: Int { Int(wPINMaxExtraDigit >> 8) }
    public var maximumPINSize: Int { Int(wPINMaxExtraDigit & 0xFF) }

    public init(parsing bytes: [UInt8], base: Int = 0) throws(CCIDError) {
        var reader = ByteReader(bytes)
        do throws(ByteReaderError) {
            bTimeOut = try reader.u8("bTimeOut")
            bmFormatString = try reader.u8("bmFormatString")
            bmPINBlockString = try reader.u8("bmPINBlockString")
            bmPINLengthFormat = try reader.u8("bmPINLengthFormat")
            bInsertionOffsetOld = try reader.u8("bInsertionOffsetOld")
            bInsertionOffsetNew = try reader.u8("bInsertionOffsetNew")
            wPINMaxExtraDigit = try reader.u16le("wPINMaxExtraDigit")
            bConfirmPIN = try reader.u8("bConfirmPIN")
            bEntryValidationCondition = try reader.u8("bEntryValidationCondition")
            bNumberMessage = try reader.u8("bNumberMessage")
            wLangId = try reader.u16le("wLangId")
            bMsgIndex = try reader.bytes(Self.messageIndexCount(bNumberMessage), "bMsgIndex")
            bTeoPrologue = try reader.bytes(3, "bTeoPrologue")
            apdu = reader.rest()
        } catch {
            throw CCIDError(ByteReaderError(field: error.field, offset: error.offset + base,
                                            needed: error.needed, available: error.available))
        }
    }

    public func encode() -> [UInt8] {
        var out = [bTimeOut, bmFormatString, bmPINBlockString, bmPINLengthFormat,
                   bInsertionOffsetOld, bInsertionOffsetNew]
        out.appendLE16(wPINMaxExtraDigit)
        out += [bConfirmPIN, bEntryValidationCondition, bNumberMessage]
        out.appendLE16(wLangId)
        let count = Self.messageIndexCount(bNumberMessage)
        out += Array((bMsgIndex + [0, 0, 0]).prefix(count))
        out += CCIDPINVerify.prologue(bTeoPrologue)
        out += apdu
        return out
    }
}
