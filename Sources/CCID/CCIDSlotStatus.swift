/// bStatus of every RDR_to_PC bulk message (CCID 1.1 §6.2.6): the card's state in bits 0-1
/// and the outcome of the command in bits 6-7.
public struct CCIDSlotStatus: Hashable, Sendable {
    public enum ICCStatus: UInt8, Hashable, Sendable {
        case presentActive = 0, presentInactive = 1, absent = 2, reserved = 3

        public var name: String {
            switch self {
            case .presentActive: "present-active"
            case .presentInactive: "present-inactive"
            case .absent: "absent"
            case .reserved: "reserved"
            }
        }
    }

    public enum CommandStatus: UInt8, Hashable, Sendable {
        case processed = 0, failed = 1, timeExtensionRequested = 2, reserved = 3

        public var name: String {
            switch self {
            case .processed: "processed"
            case .failed: "failed"
            case .timeExtensionRequested: "time extension requested"
            case .reserved: "reserved"
            }
        }
    }

    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public init(icc: ICCStatus, command: CommandStatus) {
        rawValue = icc.rawValue | command.rawValue << 6
    }

    // Both fields are two bits wide, so every value maps to a case and the unwraps hold.
    public var icc: ICCStatus { ICCStatus(rawValue: rawValue & 0x03) ?? .reserved }
    public var command: CommandStatus { CommandStatus(rawValue: rawValue >> 6) ?? .reserved }
}
