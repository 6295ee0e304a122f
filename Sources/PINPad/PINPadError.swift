import APDU
import CCIDReader
import TCOS

/// The one error of the PIN-pad layer: a code for programs, a message that tells the
/// operator what happened at the reader and what to do. Card and reader failures that are
/// not about PIN entry keep their own error inside (`card`, `reader`).
public struct PINPadError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// The reader's descriptor reports no PIN pad (bPINSupport) for what was asked.
        case noPINPad
        /// The reader cannot do this here (exchange level, display escape, PIN block format).
        case unsupported
        case wrongPIN
        case pinBlocked
        /// One try left and the caller did not allow spending it; nothing was sent.
        case lastTryRefused
        /// Nobody finished typing in time (bError F0, or SW 6400 from readers that say so).
        case timeout
        /// Cancel was pressed (bError EF, or SW 6401).
        case cancelled
        /// PIN change: the new PIN and its confirmation differ (the reader's vendor bError).
        case confirmationMismatch
        /// The card was taken out of the reader (or none is in it).
        case cardRemoved
        /// The reader is gone: unplugged, faulty, or pcscd stopped.
        case readerGone
        /// The card refused or failed otherwise; `card` holds the TCOS error.
        case card
        /// The reader failed otherwise; `reader` holds the reader error.
        case reader
        /// The reader answered something that is not a valid answer to what was sent.
        case protocolError
    }

    public var code: Code
    public var triesLeft: Int?
    /// The entry timeout, for `.timeout`.
    public var timeoutSeconds: Int?
    public var card: TCOSError?
    public var reader: CCIDReaderError?
    public var context: String

    public init(_ code: Code, triesLeft: Int? = nil, timeoutSeconds: Int? = nil, card: TCOSError? = nil,
                reader: CCIDReaderError? = nil, _ context: String = "") {
        self.code = code
        self.triesLeft = triesLeft
        self.timeoutSeconds = timeoutSeconds
        self.card = card
        self.reader = reader
        self.context = context
    }

    public var description: String {
        var text: String
        switch code {
        case .noPINPad:
            text = "this reader has no PIN pad: the PIN must be typed on a PIN pad, never on the host"
        case .unsupported:
            text = "not supported by this reader"
        case .wrongPIN:
            text = "wrong PIN"
            if let triesLeft {
                text += triesLeft == 1 ? "; only 1 try left, the next wrong PIN blocks the slot"
                    : "; \(triesLeft) tries left"
            }
        case .pinBlocked:
            text = "the PIN is blocked; nothing was sent to the card. Unblock it with the PUK (reset retry counter)"
        case .lastTryRefused:
            text = "only 1 PIN try is left; a wrong PIN now blocks the slot, so nothing was sent to the card. "
                + "Confirm the last try explicitly (--allow-last-try) if you are sure of the PIN"
        case .timeout:
            // A real pad shows nothing when it gives up, so this line is all the operator gets.
            let seconds = timeoutSeconds.map { " within \($0) s" } ?? " in time"
            text = "No PIN was entered on the reader's keypad\(seconds); nothing was sent to the card and no try was used"
        case .cancelled:
            text = "PIN entry was cancelled on the reader's keypad; nothing was sent to the card and no try was used"
        case .confirmationMismatch:
            text = "the new PIN and its confirmation typed on the keypad differ; the PIN was not changed "
                + "and no try was used. Start again and type the same new PIN twice"
        case .cardRemoved:
            text = "no card in the reader (it was taken out, or not inserted): insert the card"
        case .readerGone:
            text = "the reader is gone (unplugged, or pcscd stopped): plug it in again and start over"
        case .card:
            text = card?.description ?? "the card refused the command"
        case .reader:
            text = reader?.description ?? "the reader failed"
        case .protocolError:
            text = "the reader sent an invalid answer"
        }
        // A pulled card or a gone reader says all the operator can act on; the reader's own
        // wording of it (PC_to_RDR_IccPowerOn: ICC_MUTE ...) would only repeat it in CCID terms.
        if !context.isEmpty, code != .cardRemoved, code != .readerGone { text += " (" + context + ")" }
        return text
    }

    /// A TCOS error in PIN-pad terms: the PIN outcomes get their own codes.
    public static func from(_ error: TCOSError) -> PINPadError {
        switch error.code {
        case .wrongPIN: PINPadError(.wrongPIN, triesLeft: error.triesLeft, card: error, error.context)
        case .pinBlocked: PINPadError(.pinBlocked, triesLeft: 0, card: error, error.context)
        case .lastTryRefused: PINPadError(.lastTryRefused, triesLeft: error.triesLeft, card: error, error.context)
        case .transport: error.channel.map { from($0, card: error) } ?? PINPadError(.card, card: error)
        default: PINPadError(.card, card: error)
        }
    }

    /// A reader path's failure: a pulled card and a reader gone get their own codes, the rest
    /// stays a card failure with its cause inside.
    public static func from(_ error: CardChannelError, card: TCOSError? = nil) -> PINPadError {
        switch error.cause {
        case .cardRemoved: PINPadError(.cardRemoved, card: card, error.context)
        case .readerGone: PINPadError(.readerGone, card: card, error.context)
        default: PINPadError(.card, card: card ?? TCOSError(transport: error))
        }
    }
}
