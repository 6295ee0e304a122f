import CPCSCLite
import TrustedPathCore

/// A reader's state as SCardGetStatusChange reports it: the event flags, the ATR of the card
/// in it, and pcsc-lite's event counter (the upper 16 bits of dwEventState).
public struct PCSCReaderState: Sendable, Hashable, CustomStringConvertible {
    /// The pseudo reader whose state changes when a reader is attached or detached.
    public static let plugAndPlayNotification = "\\\\?PnP?\\Notification"

    public var reader: String
    public var flags: Flags
    /// Counts card insertions and removals (pcsc-lite); tells two "present" states apart.
    public var eventCount: Int
    public var atr: [UInt8]

    public init(reader: String, flags: Flags = [], eventCount: Int = 0, atr: [UInt8] = []) {
        self.reader = reader
        self.flags = flags
        self.eventCount = eventCount
        self.atr = atr
    }

    /// The state to pass first: "tell me the current state at once".
    public static func unaware(_ reader: String) -> PCSCReaderState {
        PCSCReaderState(reader: reader)
    }

    public var isCardPresent: Bool { flags.contains(.present) && !flags.contains(.mute) }
    public var isEmpty: Bool { flags.contains(.empty) }
    public var isExclusive: Bool { flags.contains(.exclusive) }
    public var isInUse: Bool { flags.contains(.inUse) }
    public var isUnknownReader: Bool { flags.contains(.unknown) }

    /// dwCurrentState for the next wait: the flags and counter seen last time.
    var currentStateWord: DWORD {
        DWORD(flags.subtracting(.changed).rawValue) | DWORD(eventCount & 0xFFFF) << 16
    }

    init(reader: String, eventState: DWORD, atr: [UInt8]) {
        self.reader = reader
        flags = Flags(rawValue: UInt32(eventState & 0xFFFF))
        eventCount = Int((eventState >> 16) & 0xFFFF)
        self.atr = atr
    }

    public var description: String {
        "\(reader): \(flags)" + (atr.isEmpty ? "" : " ATR " + Hex.encode(atr, separator: " "))
    }

    /// SCARD_STATE_* flags.
    public struct Flags: OptionSet, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let ignore = Flags(rawValue: 0x0001)
        public static let changed = Flags(rawValue: 0x0002)
        public static let unknown = Flags(rawValue: 0x0004)
        public static let unavailable = Flags(rawValue: 0x0008)
        public static let empty = Flags(rawValue: 0x0010)
        public static let present = Flags(rawValue: 0x0020)
        public static let atrMatch = Flags(rawValue: 0x0040)
        public static let exclusive = Flags(rawValue: 0x0080)
        public static let inUse = Flags(rawValue: 0x0100)
        public static let mute = Flags(rawValue: 0x0200)
        public static let unpowered = Flags(rawValue: 0x0400)

        private static let names: [(Flags, String)] = [
            (.ignore, "ignore"), (.changed, "changed"), (.unknown, "unknown"), (.unavailable, "unavailable"),
            (.empty, "empty"), (.present, "present"), (.atrMatch, "atr-match"), (.exclusive, "exclusive"),
            (.inUse, "in-use"), (.mute, "mute"), (.unpowered, "unpowered"),
        ]

        public var description: String {
            let set = Flags.names.filter { contains($0.0) }.map(\.1)
            return set.isEmpty ? "unaware" : set.joined(separator: ",")
        }
    }
}
