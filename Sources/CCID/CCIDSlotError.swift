/// bError of an RDR_to_PC message (CCID 1.1 §6.2.6, table 6.2-2). Its meaning depends on
/// bmCommandStatus: only when the command failed is it an error; on a time extension it is
/// the multiplier of the waiting time.
public struct CCIDSlotError: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let cmdAborted = CCIDSlotError(rawValue: 0xFF)
    public static let iccMute = CCIDSlotError(rawValue: 0xFE)
    public static let xfrParityError = CCIDSlotError(rawValue: 0xFD)
    public static let xfrOverrun = CCIDSlotError(rawValue: 0xFC)
    public static let hwError = CCIDSlotError(rawValue: 0xFB)
    public static let badATRTS = CCIDSlotError(rawValue: 0xF8)
    public static let badATRTCK = CCIDSlotError(rawValue: 0xF7)
    public static let iccProtocolNotSupported = CCIDSlotError(rawValue: 0xF6)
    public static let iccClassNotSupported = CCIDSlotError(rawValue: 0xF5)
    public static let procedureByteConflict = CCIDSlotError(rawValue: 0xF4)
    public static let deactivatedProtocol = CCIDSlotError(rawValue: 0xF3)
    public static let busyWithAutoSequence = CCIDSlotError(rawValue: 0xF2)
    public static let pinTimeout = CCIDSlotError(rawValue: 0xF0)
    public static let pinCancelled = CCIDSlotError(rawValue: 0xEF)
    public static let cmdSlotBusy = CCIDSlotError(rawValue: 0xE0)
    public static let commandNotSupported = CCIDSlotError(rawValue: 0x00)

    /// The specification's symbol, e.g. "ICC_MUTE"; "BAD_PARAMETER_n" for a field index.
    public var name: String {
        switch rawValue {
        case 0xFF: "CMD_ABORTED"
        case 0xFE: "ICC_MUTE"
        case 0xFD: "XFR_PARITY_ERROR"
        case 0xFC: "XFR_OVERRUN"
        case 0xFB: "HW_ERROR"
        case 0xF8: "BAD_ATR_TS"
        case 0xF7: "BAD_ATR_TCK"
        case 0xF6: "ICC_PROTOCOL_NOT_SUPPORTED"
        case 0xF5: "ICC_CLASS_NOT_SUPPORTED"
        case 0xF4: "PROCEDURE_BYTE_CONFLICT"
        case 0xF3: "DEACTIVATED_PROTOCOL"
        case 0xF2: "BUSY_WITH_AUTO_SEQUENCE"
        case 0xF0: "PIN_TIMEOUT"
        case 0xEF: "PIN_CANCELLED"
        case 0xE0: "CMD_SLOT_BUSY"
        case 0x00: "CMD_NOT_SUPPORTED"
        case 0x01...0x7F: "BAD_PARAMETER_\(rawValue)"
        default: "USER_DEFINED_0x\(hexDigits(rawValue, 2))"
        }
    }

    /// Text for the person at the reader: what happened and what to try.
    public var meaning: String {
        switch rawValue {
        case 0xFF: "The command was aborted by the host."
        case 0xFE: "The card did not answer (mute). Check that it is inserted the right way round, then retry."
        case 0xFD: "A parity error occurred talking to the card. Reinsert the card and retry."
        case 0xFC: "The card sent more data than the reader could buffer."
        case 0xFB: "The reader reported a hardware error. Unplug and replug the reader."
        case 0xF8: "The card's answer to reset has a bad initial character (TS). The card may be faulty."
        case 0xF7: "The card's answer to reset has a bad check byte (TCK). The card may be faulty."
        case 0xF6: "The card's protocol is not supported by the reader."
        case 0xF5: "The card's voltage class is not supported by the reader."
        case 0xF4: "The card sent a procedure byte that conflicts with the command (T=0)."
        case 0xF3: "The protocol in use has been deactivated."
        case 0xF2: "The reader is busy with an automatic sequence (e.g. PPS). Retry shortly."
        case 0xF0: "No PIN was entered in time on the reader's keypad. Try again and type the PIN promptly."
        case 0xEF: "PIN entry was cancelled on the reader's keypad."
        case 0xE0: "The slot is busy with another command. Retry."
        case 0x00: "The reader does not support this command."
        case 0x01...0x7F: "The reader rejected field \(rawValue) of the command as a bad parameter."
        default: "Reader-specific error 0x\(hexDigits(rawValue, 2))."
        }
    }

    public var description: String { "\(name) (0x\(hexDigits(rawValue, 2))): \(meaning)" }
}
