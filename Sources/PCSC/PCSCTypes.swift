import CPCSCLite

/// SCARD_SHARE_*: whether other applications may use the card while we hold it.
public enum ShareMode: DWORD, Sendable, CustomStringConvertible {
    case exclusive = 1, shared = 2, direct = 3
    public var description: String {
        switch self {
        case .exclusive: "exclusive"
        case .shared: "shared"
        case .direct: "direct"
        }
    }
}

/// SCARD_PROTOCOL_* as a set, for the preferred protocols of a connect.
public struct PCSCProtocols: OptionSet, Sendable, Hashable {
    public var rawValue: DWORD
    public init(rawValue: DWORD) { self.rawValue = rawValue }
    public static let t0 = PCSCProtocols(rawValue: 1)
    public static let t1 = PCSCProtocols(rawValue: 2)
    public static let raw = PCSCProtocols(rawValue: 4)
}

/// The protocol a connection runs.
public enum PCSCProtocol: DWORD, Sendable, CustomStringConvertible {
    case undefined = 0, t0 = 1, t1 = 2, raw = 4, t15 = 8
    public var description: String {
        switch self {
        case .undefined: "none"
        case .t0: "T=0"
        case .t1: "T=1"
        case .raw: "raw"
        case .t15: "T=15"
        }
    }
}

/// SCARD_LEAVE_CARD and friends: what happens to the card when we let go of it.
public enum PCSCDisposition: DWORD, Sendable, CustomStringConvertible {
    case leave = 0, reset = 1, unpower = 2, eject = 3
    public var description: String {
        switch self {
        case .leave: "leave"
        case .reset: "reset"
        case .unpower: "unpower"
        case .eject: "eject"
        }
    }
}

/// What SCardStatus says about a connected card.
public struct PCSCCardStatus: Sendable, Hashable {
    public var reader: String
    public var state: State
    public var activeProtocol: PCSCProtocol
    public var atr: [UInt8]

    /// SCARD_ABSENT … SCARD_SPECIFIC (pcsc-lite reports them as bits).
    public struct State: OptionSet, Sendable, Hashable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let unknown = State(rawValue: 0x01)
        public static let absent = State(rawValue: 0x02)
        public static let present = State(rawValue: 0x04)
        public static let swallowed = State(rawValue: 0x08)
        public static let powered = State(rawValue: 0x10)
        public static let negotiable = State(rawValue: 0x20)
        public static let specific = State(rawValue: 0x40)
    }
}
