/// Why an APDU got no answer, in the terms every reader path shares: a CCID slot over USB and
/// a PC/SC connection fail in their own words, and this is what survives the `CardChannel`
/// seam, so a pulled card, a reader gone, a timeout and a broken exchange stay four different
/// things all the way up to the operator's message.
public struct CardChannelError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Cause: String, Hashable, Sendable {
        /// No card in the reader any more: it was taken out.
        case cardRemoved
        /// A card is there but does not answer.
        case cardMute
        /// The reader is gone: unplugged, faulty, or (PC/SC) pcscd stopped.
        case readerGone
        /// The reader or card did not answer within the deadline.
        case timeout
        /// Another program holds the reader or card.
        case busy
        /// The reader or card cannot carry this command (an exchange level, a length).
        case unsupported
        /// The answer broke the protocol: garbage, a wrong length, a refused protocol step.
        case protocolError
    }

    public var cause: Cause
    /// What was seen below the seam, for a log or a bug report; never secret bytes.
    public var context: String
    /// The APDU layer's own error, when the transmission rules (chaining, GET RESPONSE
    /// bounds, a malformed answer) are what failed.
    public var apdu: APDUError?

    public init(_ cause: Cause, _ context: String = "") {
        self.cause = cause
        self.context = context
    }

    /// An APDU-layer failure: a command this path cannot carry, or an answer out of bounds.
    public init(_ error: APDUError) {
        switch error.code {
        case .extendedLengthNotSupported, .invalidClass: cause = .unsupported
        default: cause = .protocolError
        }
        context = error.description
        apdu = error
    }

    public var description: String {
        let text: String
        switch cause {
        case .cardRemoved: text = "the card was taken out of the reader"
        case .cardMute: text = "the card does not answer; check that it is inserted the right way round"
        case .readerGone: text = "the reader is gone (unplugged, or its service stopped)"
        case .timeout: text = "the reader or the card did not answer in time"
        case .busy: text = "another program is using the reader or the card"
        case .unsupported: text = "the reader cannot carry this command"
        case .protocolError: text = "the exchange with the card failed (the answer broke the protocol)"
        }
        return context.isEmpty ? text : text + " (" + context + ")"
    }
}
