import PEDProtocol

/// What the simulated person at the PED does next, in order. Time is simulated: running out
/// of actions, or `.nothingUntilTimeout`, ends the wait at once as a key-activity timeout.
public enum PEDAction: Sendable, Hashable, CustomStringConvertible {
    /// Takes out whatever key is in and inserts this one.
    case insert(UInt64)
    /// Types digits on the PED's keypad and presses Enter.
    case pin(String)
    /// Answers a yes/no prompt (overwrite this key?).
    case yes, no
    /// Presses the PED's Cancel key.
    case cancel
    case nothingUntilTimeout

    public var description: String {
        switch self {
        case .insert(let id): "inserts key \(PEDKeyID(id))"
        case .pin: "types the PED PIN"
        case .yes: "presses Yes"
        case .no: "presses No"
        case .cancel: "presses Cancel"
        case .nothingUntilTimeout: "does nothing"
        }
    }
}

/// Misbehaviour of the simulated PED, each applied once, in the order injected.
public enum PEDFault: Sendable, Hashable {
    /// The firmware hangs when the next request arrives: nothing is answered, keep-alives
    /// included, until the port's power is cycled (or the PED is replugged).
    case hang
    /// These bytes arrive before the next reply.
    case garbageFirst([UInt8])
    /// The next reply's checksum is damaged (the host drops it and asks again).
    case corruptReply
    /// The next reply is held back and arrives just before the one after it: late.
    case lateReply
    /// The next reply arrives in transfers of at most this many bytes.
    case split(packetSize: Int)
    /// The PED vanishes from the bus when the next request arrives.
    case disappear
}
