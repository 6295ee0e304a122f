import CCID
import TrustedPathCore
import USBLink

/// The one error type of the reader session: a code for programs, a context for people.
/// The description says what happened and what the user can do about it.
public struct CCIDReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// No card in the slot (bmICCStatus 2).
        case cardAbsent
        /// The card did not answer (ICC_MUTE), at every voltage tried for a power-on.
        case cardMute
        /// PC_to_RDR_Secure: bError 0xF0, nobody typed the PIN in time.
        case pinTimeout
        /// PC_to_RDR_Secure: bError 0xEF, the user pressed Cancel.
        case pinCancelled
        /// CMD_SLOT_BUSY persisted through every retry.
        case slotBusy
        /// The reader answered something that is not a valid answer: garbage, a wrong
        /// length, a wrong slot or message type, or a protocol step the card refused.
        case protocolError
        /// The reader did not answer within the deadline; the abort procedure was run.
        case timeout
        /// The reader failed repeatedly and is not used any more until `recover()`.
        case readerFault
        /// The reader or card cannot do what was asked (level, protocol, command).
        case unsupported
        /// The reader reported a failure that is none of the above (bError in context).
        case commandFailed
        /// The USB link failed (unplugged, stalled, closed).
        case link
        /// A parameter given by the caller is out of range.
        case invalidParameter
    }

    public var code: Code
    /// What was seen: the command, bError, the bytes; never PIN data.
    public var context: String
    /// bError of the failed answer, when there was one.
    public var slotError: CCIDSlotError?

    public init(_ code: Code, _ context: String = "", slotError: CCIDSlotError? = nil) {
        self.code = code
        self.context = context
        self.slotError = slotError
    }

    public var description: String {
        let text: String
        switch code {
        case .cardAbsent: text = "no card in the reader; insert the card"
        case .cardMute: text = "the card does not answer; check that it is inserted the right way round"
        case .pinTimeout: text = "no PIN was entered on the reader's keypad in time"
        case .pinCancelled: text = "PIN entry was cancelled on the reader's keypad"
        case .slotBusy: text = "the reader's slot stayed busy; retry shortly"
        case .protocolError: text = "the reader sent an invalid answer"
        case .timeout: text = "the reader did not answer in time; the command was aborted"
        case .readerFault: text = "the reader failed repeatedly and is treated as faulty; unplug and replug it"
        case .unsupported: text = "not supported by this reader or card"
        case .commandFailed: text = "the reader reported a failure"
        case .link: text = "USB link error"
        case .invalidParameter: text = "invalid parameter"
        }
        return context.isEmpty ? text : text + " (" + context + ")"
    }

    /// Maps a failed answer's bError to a code; `command` names what was sent.
    static func failed(_ error: CCIDSlotError, status: CCIDSlotStatus, command: String) -> CCIDReaderError {
        let code: Code
        if status.icc == .absent {
            code = .cardAbsent
        } else {
            switch error {
            case .iccMute: code = .cardMute
            case .pinTimeout: code = .pinTimeout
            case .pinCancelled: code = .pinCancelled
            case .cmdSlotBusy: code = .slotBusy
            case .hwError: code = .readerFault
            case .commandNotSupported, .iccProtocolNotSupported, .iccClassNotSupported: code = .unsupported
            case .xfrParityError, .xfrOverrun, .badATRTS, .badATRTCK, .procedureByteConflict: code = .protocolError
            default: code = .commandFailed
            }
        }
        return CCIDReaderError(code, "\(command): \(error)", slotError: error)
    }

    static func link(_ error: USBError, _ what: String) -> CCIDReaderError {
        CCIDReaderError(.link, "\(what): \(error)")
    }
}
