/// What `TCOSCard.status()` found, without verifying any PIN.
public struct TCOSCardStatus: Sendable, Hashable {
    public enum Layout: Sendable, Hashable {
        case trustedPath
        case blank
        case foreign(reason: String)
    }

    public var layout: Layout
    public var slots: [TCOSSlotStatus]
    public var notices: [TCOSCardNotice]

    public func slot(_ kind: TCOSSlot.Kind) -> TCOSSlotStatus? { slots.first { $0.slot.kind == kind } }
}

public struct TCOSSlotStatus: Sendable, Hashable {
    public var slot: TCOSSlot
    public var present: Bool
    public var pin: PINStatus?
    public var defaultPINSet: Bool
    public var content: TCOSSlotHeader.Content
    public var contentLength: Int
}
