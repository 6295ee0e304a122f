import APDU

/// How a PIN-pad entry (VERIFY/MODIFY PIN DIRECT) ended when it did not succeed, read from
/// the status word the reader or the card returned.
public enum PINPadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 6400: nobody typed the PIN in time.
    case timeout
    /// 6401: the user pressed Cancel.
    case cancelled
    /// 6402: the two entries of the new PIN differ.
    case newPINMismatch
    /// 6403: the PIN entered is shorter or longer than allowed.
    case pinLengthOutOfRange
    /// 63Cx: the card refused the PIN; x tries are left.
    case wrongPIN(triesLeft: Int)
    /// 6983: no tries left.
    case blocked
    case other(StatusWord)

    /// nil when the status word reports success (9000).
    public init?(_ statusWord: StatusWord) {
        switch statusWord.rawValue {
        case 0x9000: return nil
        case 0x6400: self = .timeout
        case 0x6401: self = .cancelled
        case 0x6402: self = .newPINMismatch
        case 0x6403: self = .pinLengthOutOfRange
        case 0x6983: self = .blocked
        default:
            if let tries = statusWord.triesLeft { self = .wrongPIN(triesLeft: tries) } else { self = .other(statusWord) }
        }
    }

    /// Throws unless the response is 9000.
    public static func check(_ response: ResponseAPDU) throws(PINPadError) {
        if let error = PINPadError(response.statusWord) { throw error }
    }

    public var description: String {
        switch self {
        case .timeout: return "PIN entry timed out on the PIN pad: start again and type the PIN within the time shown"
        case .cancelled: return "PIN entry was cancelled on the PIN pad"
        case .newPINMismatch: return "the new PIN and its confirmation differ: start again"
        case .pinLengthOutOfRange: return "the PIN entered has the wrong length: check the allowed length and start again"
        case .wrongPIN(let tries) where tries == 0: return "wrong PIN; no tries left, the PIN is now blocked"
        case .wrongPIN(let tries): return "wrong PIN; \(tries) \(tries == 1 ? "try" : "tries") left"
        case .blocked: return "the PIN is blocked: it must be unblocked with the PUK or by the security officer"
        case .other(let sw): return "PIN entry failed: \(sw)"
        }
    }
}
