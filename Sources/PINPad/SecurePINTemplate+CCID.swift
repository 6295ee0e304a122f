import CCID
import TCOS

/// A TCOS secure-PIN template as the CCID structure the pad executes. Only the template
/// (header and empty PIN blocks) goes to the reader; the pad writes the digits.
extension SecurePINTemplate {
    /// PIN_VERIFY: one entry, validated by the OK key only (bEntryValidationCondition 02), so
    /// a timeout never sends a half-typed PIN to the card; the pad shows its "Enter PIN" (0).
    func ccidVerify(options: PINPadOptions) throws(PINPadError) -> CCIDPINVerify {
        let fields = try format.ccidFields()
        return CCIDPINVerify(bTimeOut: options.entryTimeoutSeconds, bmFormatString: fields.bmFormatString,
                             bmPINBlockString: fields.bmPINBlockString, bmPINLengthFormat: fields.bmPINLengthFormat,
                             wPINMaxExtraDigit: fields.wPINMaxExtraDigit, bEntryValidationCondition: 0x02,
                             bNumberMessage: 1, wLangId: options.languageID, bMsgIndex: 0, apdu: templateAPDU)
    }

    /// PIN_MODIFY: the current PIN, the new PIN and (with confirmation) the new PIN again,
    /// each with the pad's message for it: "Enter PIN" (0), "Enter new PIN" (1), "Confirm new PIN" (2).
    func ccidModify(options: PINPadOptions) throws(PINPadError) -> CCIDPINModify {
        let fields = try format.ccidFields()
        guard case .modify(let confirm) = operation, let newOffset = newPINOffset, newOffset < 256 else {
            throw PINPadError(.unsupported, "not a CHANGE REFERENCE DATA template")
        }
        let messages: [UInt8] = confirm ? [0, 1, 2] : [0, 1]
        return CCIDPINModify(bTimeOut: options.entryTimeoutSeconds, bmFormatString: fields.bmFormatString,
                             bmPINBlockString: fields.bmPINBlockString, bmPINLengthFormat: fields.bmPINLengthFormat,
                             bInsertionOffsetOld: UInt8(pinOffset), bInsertionOffsetNew: UInt8(newOffset),
                             wPINMaxExtraDigit: fields.wPINMaxExtraDigit, bConfirmPIN: 0x02 | (confirm ? 0x01 : 0),
                             bEntryValidationCondition: 0x02, bNumberMessage: UInt8(messages.count),
                             wLangId: options.languageID, bMsgIndex: messages, apdu: templateAPDU)
    }
}
