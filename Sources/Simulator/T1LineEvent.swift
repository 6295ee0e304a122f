/// What happens to the next T=1 block between a TPDU-level reader and its card, so the host's
/// ISO 7816-3 §11.6 recovery (Annex A's scenarios) can be tested against the simulator.
/// Queued with `SimulatedCCIDReader.inject(_:)`, one block each, in order; an XfrBlock and a
/// PC_to_RDR_Secure that carries a block both take the next one.
public enum T1LineEvent: Sendable, Hashable {
    /// The card never receives the host's block: it stays mute and the reader reports
    /// ICC_MUTE once BWT has passed.
    case blockToCardLost
    /// The card receives the block and acts on it, but its answer never reaches the reader:
    /// ICC_MUTE. (The card's state moved on; only its block was lost.)
    case answerLost
    /// One bit of the card's answer flips on the line: the host sees a bad EDC.
    case answerCorrupted
    /// Before it answers, the card asks for a new IFSC with S(IFS request) (§11.4.2).
    case cardRequestsIFS(UInt8)
}
