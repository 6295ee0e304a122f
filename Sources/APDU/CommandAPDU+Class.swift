/// What the class byte says (ISO 7816-4 §5.4.1): chaining, secure messaging, logical channel.
extension CommandAPDU {
    public enum ClassKind: Sendable, Hashable {
        /// 0x00...0x1F: channels 0...3, two SM bits.
        case firstInterindustry
        /// 0x40...0x7F: channels 4...19, one SM bit.
        case furtherInterindustry
        /// 0x20...0x3F: reserved for future use.
        case reserved
        /// 0x80...0xFE: proprietary; commonly structured like the first interindustry class.
        case proprietary
        /// 0xFF: invalid (PPS uses it).
        case invalid
    }

    public enum SecureMessaging: Sendable, Hashable {
        case none
        case proprietary
        /// ISO 7816-4 SM, command header not processed (not authenticated).
        case headerNotAuthenticated
        /// ISO 7816-4 SM, command header authenticated.
        case headerAuthenticated
    }

    public static let chainingBit: UInt8 = 0x10

    public var classKind: ClassKind {
        switch cla {
        case 0x00...0x1F: return .firstInterindustry
        case 0x20...0x3F: return .reserved
        case 0x40...0x7F: return .furtherInterindustry
        case 0xFF: return .invalid
        default: return .proprietary
        }
    }

    /// CLA b5: more commands of this chain follow.
    public var isChained: Bool {
        classKind == .invalid || classKind == .reserved ? false : cla & CommandAPDU.chainingBit != 0
    }

    /// The logical channel number, nil for classes that do not define one.
    public var logicalChannel: Int? {
        switch classKind {
        case .firstInterindustry: return Int(cla & 0x03)
        case .furtherInterindustry: return 4 + Int(cla & 0x0F)
        default: return nil
        }
    }

    /// The secure-messaging indication, nil for classes that do not define one.
    public var secureMessaging: SecureMessaging? {
        switch classKind {
        case .firstInterindustry:
            switch cla >> 2 & 0x03 {
            case 0: return SecureMessaging.none
            case 1: return .proprietary
            case 2: return .headerNotAuthenticated
            default: return .headerAuthenticated
            }
        case .furtherInterindustry:
            return cla & 0x20 != 0 ? .headerNotAuthenticated : SecureMessaging.none
        default:
            return nil
        }
    }

    /// The class byte for follow-up commands (GET RESPONSE): same channel, no chaining, no SM.
    public var plainClass: UInt8 {
        switch classKind {
        case .firstInterindustry: return cla & 0x03
        case .furtherInterindustry: return cla & 0x4F
        default: return 0x00
        }
    }
}
