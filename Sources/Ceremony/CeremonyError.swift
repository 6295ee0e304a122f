/// Why a ceremony step did not finish, and what state it left: every error says whether the
/// step can be retried and what the operator should do.
public struct CeremonyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case cancelled, timeout, wrongPIN, cardBlocked, lastTryRefused, cardPulled, readerGone
        case foreignCard, sameCardTwice, otherSetOnCard, tooFewCards, keyCheckFailed, cardFault
        /// The reader offers no PIN entry on its keypad: no ceremony on it.
        case noPINPad
        /// The appliance has a backup key already: a new one would strand every backup.
        case keyInUse
        /// Overwriting this card would leave the set in use with fewer than k cards.
        case wouldLoseKey
        /// The journal cannot be read or written; it names the file and how to go on.
        case journal
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    public var description: String { context }
}
