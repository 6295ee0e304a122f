import APDU

/// The one error of the TCOS layer: a code to switch on, plus the status word, tries left
/// and the place in the bytes when they apply. `description` tells the user what to do.
public struct TCOSError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// An FCP template the card sent does not parse (`field` and `offset` say where).
        case malformedFCP
        /// A card answer whose data does not have the expected form.
        case malformedResponse
        /// The card answered a status word this command does not expect.
        case unexpectedStatus
        case fileNotFound
        /// The file needs a verified PIN first (6982).
        case securityStatusNotSatisfied
        case wrongPIN
        case pinBlocked
        /// Only one PIN try is left and the caller did not allow spending it.
        case lastTryRefused
        /// The card does not carry the TrustedPath slot layout; nothing was written.
        case notOurCard
        /// The card has no slot layout yet; it must be personalised before use.
        case blankCard
        case slotEmpty
        /// A caller-supplied value is out of range (a PIN length, a chunk size, a record).
        case invalidArgument
        /// The reader path failed (the `CardChannel` threw).
        case transport
    }

    public var code: Code
    public var statusWord: StatusWord?
    public var triesLeft: Int?
    public var field: String?
    public var offset: Int?
    public var context: String
    /// For `.transport`: why the reader path failed (a pulled card, a reader gone, ...).
    public var channel: CardChannelError?

    public init(_ code: Code, statusWord: StatusWord? = nil, triesLeft: Int? = nil, field: String? = nil,
                offset: Int? = nil, _ context: String = "") {
        self.code = code
        self.statusWord = statusWord
        self.triesLeft = triesLeft
        self.field = field
        self.offset = offset
        self.context = context
    }

    /// The reader path failed: the channel's cause is kept, so callers can tell a pulled card
    /// from a reader gone.
    public init(transport error: CardChannelError) {
        self.init(.transport)
        channel = error
    }

    public var description: String {
        var text: String
        switch code {
        case .malformedFCP: text = "the card sent a malformed file control template; the card may be damaged or not a TCOS card"
        case .malformedResponse: text = "the card's answer has an unexpected form; check that this is a TCOS card"
        case .unexpectedStatus: text = "the card refused the command"
        case .fileNotFound: text = "file or application not found on the card"
        case .securityStatusNotSatisfied: text = "the PIN must be verified first"
        case .wrongPIN:
            text = "wrong PIN"
            if let triesLeft {
                text += triesLeft == 1 ? "; only 1 try left, the next wrong PIN blocks the slot"
                    : "; \(triesLeft) tries left"
            }
        case .pinBlocked: text = "the PIN is blocked; unblock it with the PUK (reset retry counter)"
        case .lastTryRefused:
            text = "only 1 PIN try is left; a wrong PIN now blocks the slot, so TrustedPath will not use it unless you confirm the last try explicitly"
        case .notOurCard: text = "this is not a TrustedPath card (no TrustedPath slot layout); nothing was written to it, insert a TrustedPath card"
        case .blankCard: text = "this card is blank; have it personalised with the TrustedPath slot layout first"
        case .slotEmpty: text = "the slot holds no data"
        case .invalidArgument: text = "invalid argument"
        case .transport:
            text = channel.map { $0.description } ?? "the card could not be reached; check the reader and that the card is inserted"
        }
        if let field { text += ": " + field }
        if let offset { text += " at offset \(offset)" }
        if let statusWord { text += " [SW \(statusWord)]" }
        if !context.isEmpty { text += " (" + context + ")" }
        return text
    }
}
