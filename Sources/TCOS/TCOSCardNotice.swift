/// What the user is told about a card, in plain words; `status()` returns these in the
/// order they matter.
public enum TCOSCardNotice: Sendable, Hashable, CustomStringConvertible {
    /// The slot's PIN is still the transport PIN 123456.
    case defaultPINSet(TCOSSlot.Kind)
    case triesLeft(TCOSSlot.Kind, Int)
    case pinBlocked(TCOSSlot.Kind)
    /// Some other application or layout; `reason` says what was found.
    case notOurCard(reason: String)
    case blankCard
    case ready(TCOSSlot.Kind)

    public var userMessage: String {
        switch self {
        case .defaultPINSet(let kind):
            return "The \(TCOSSlot.slot(kind).name) still has the default PIN 123456. Change it before storing anything secret."
        case .triesLeft(let kind, let n):
            return n == 1
                ? "The \(TCOSSlot.slot(kind).name) has 1 PIN try left. One more wrong PIN blocks it."
                : "The \(TCOSSlot.slot(kind).name) has \(n) PIN tries left."
        case .pinBlocked(let kind):
            return "The \(TCOSSlot.slot(kind).name) PIN is blocked. Unblock it with the PUK; the data in the slot is kept."
        case .notOurCard(let reason):
            return "This is not a TrustedPath card (\(reason)). Nothing will be written to it."
        case .blankCard:
            return "This card is blank. It must be personalised with the TrustedPath slots before use."
        case .ready(let kind):
            return "The \(TCOSSlot.slot(kind).name) is ready."
        }
    }

    public var description: String { userMessage }
}
