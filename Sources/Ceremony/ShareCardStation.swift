import Quorum
import TrustedPathCore

/// What the ceremony needs from the place where cards are handled: a PIN-pad reader with a
/// display, or a simulation of one. The ceremony never sees a PIN: verification happens on
/// the pad.
public protocol ShareCardStation: Sendable {
    /// Shows a prompt (on the reader's display, and to the operator's terminal) and waits
    /// for OK or Cancel on the pad.
    func confirm(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> PadAnswer

    /// Waits for a card to be inserted and opens it.
    func waitForCard() async throws(CeremonyError) -> any ShareCard

    /// Tells the operator something (a warning, a result); shown, not answered.
    func inform(_ message: String) async
}

public enum PadAnswer: Sendable, Hashable { case ok, cancel, timeout }

/// One inserted smart card, as the ceremony uses it.
public protocol ShareCard: Sendable {
    /// A stable identity the operator can read (the card's serial number).
    var identity: String { get }
    /// What the card's share slot holds, read without a PIN.
    func inspect() async throws(CeremonyError) -> CardInspection
    /// PIN verification typed on the pad; spends a try only when the operator enters a PIN,
    /// and the last one only when allowed.
    func verifyOnPad(allowLastTry: Bool) async throws(CeremonyError)
    func writeShare(_ record: ShareRecord) async throws(CeremonyError)
    func readShare() async throws(CeremonyError) -> ShareRecord
    /// Offers the PIN change on the pad (right after writing, while the default PIN is set).
    func changePINOnPad() async throws(CeremonyError)
}

public struct CardInspection: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A TrustedPath card whose share slot is empty.
        case empty
        /// A TrustedPath card holding a share. Its set and x are known only where the card
        /// shows them without a PIN; nil until the share has been read after verification.
        case holdsShare(set: String?, x: UInt8?)
        /// Not one of our cards: nothing is written to it.
        case foreign(reason: String)
    }

    public var kind: Kind
    public var defaultPINSet: Bool
    public var triesLeft: Int?
    public var blocked: Bool

    public init(kind: Kind, defaultPINSet: Bool, triesLeft: Int?, blocked: Bool) {
        self.kind = kind
        self.defaultPINSet = defaultPINSet
        self.triesLeft = triesLeft
        self.blocked = blocked
    }
}
