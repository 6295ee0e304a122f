/// A change at one slot of a reader, from the interrupt endpoint or from polling.
public enum CCIDCardEvent: Hashable, Sendable {
    case inserted(slot: UInt8)
    case removed(slot: UInt8)
    /// RDR_to_PC_HardwareError; code 0x01 is overcurrent (the card draws too much power).
    case hardwareError(slot: UInt8, code: UInt8)
    /// The link failed; no further events come.
    case readerGone
}
