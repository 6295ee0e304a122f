extension PCSCError {
    /// A PC/SC return code (winscard.h / pcsclite.h). Kept as a number, not an enum, so that a
    /// code newer than this table still reaches the user, by value.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let internalError = Code(rawValue: 0x8010_0001)
        public static let cancelled = Code(rawValue: 0x8010_0002)
        public static let invalidHandle = Code(rawValue: 0x8010_0003)
        public static let invalidParameter = Code(rawValue: 0x8010_0004)
        public static let insufficientBuffer = Code(rawValue: 0x8010_0008)
        public static let unknownReader = Code(rawValue: 0x8010_0009)
        public static let timeout = Code(rawValue: 0x8010_000A)
        public static let sharingViolation = Code(rawValue: 0x8010_000B)
        public static let noSmartcard = Code(rawValue: 0x8010_000C)
        public static let protocolMismatch = Code(rawValue: 0x8010_000F)
        public static let notTransacted = Code(rawValue: 0x8010_0016)
        public static let readerUnavailable = Code(rawValue: 0x8010_0017)
        public static let noService = Code(rawValue: 0x8010_001D)
        public static let serviceStopped = Code(rawValue: 0x8010_001E)
        /// pcsc-lite gives SCARD_E_UNEXPECTED and SCARD_E_UNSUPPORTED_FEATURE the same value.
        public static let unsupportedFeature = Code(rawValue: 0x8010_001F)
        public static let noReadersAvailable = Code(rawValue: 0x8010_002E)
        public static let commDataLost = Code(rawValue: 0x8010_002F)
        public static let serverTooBusy = Code(rawValue: 0x8010_0031)
        public static let unresponsiveCard = Code(rawValue: 0x8010_0066)
        public static let unpoweredCard = Code(rawValue: 0x8010_0067)
        public static let resetCard = Code(rawValue: 0x8010_0068)
        public static let removedCard = Code(rawValue: 0x8010_0069)

        public var description: String { name }

        /// The constant's name in pcsclite.h, or the value in hex.
        public var name: String {
            Code.names[rawValue] ?? "0x" + String(rawValue, radix: 16, uppercase: true)
        }

        /// What the user can do about it.
        public var advice: String {
            switch self {
            case .noService, .serviceStopped:
                return "pcscd is not running: start it (systemctl start pcscd.socket) or use the direct USB backend"
            case .noReadersAvailable:
                return "no reader is attached: plug in the reader, or check that pcscd has a driver for it (pcscd -f -d shows why)"
            case .unknownReader:
                return "no reader of that name: list the readers (trustedpath pcsc readers) and use one of those names"
            case .readerUnavailable:
                return "the reader went away or cannot be used now: reconnect it"
            case .sharingViolation:
                return "another application holds the card exclusively: close it (or stop its connection) and try again"
            case .noSmartcard:
                return "no card in the reader: insert the card"
            case .removedCard:
                return "the card was removed: insert it again and reconnect"
            case .resetCard:
                return "the card was reset by another application: reconnect and authenticate again"
            case .unpoweredCard:
                return "the card is not powered: reconnect to power it up"
            case .unresponsiveCard:
                return "the card does not answer the reset: insert it the right way round, or try another card"
            case .timeout:
                return "nothing happened within the timeout: try again with a longer one"
            case .cancelled:
                return "the wait was cancelled"
            case .protocolMismatch:
                return "the card does not speak the requested protocol: allow both T=0 and T=1"
            case .unsupportedFeature:
                return "the reader or its driver does not support this request"
            case .insufficientBuffer:
                return "the answer was longer than the buffer: this is a bug in the caller, please report it"
            case .commDataLost, .notTransacted:
                return "the exchange with the reader failed: reconnect the card; if it repeats, reconnect the reader"
            case .serverTooBusy:
                return "pcscd is overloaded: try again shortly"
            default:
                return "see pcscd's log (pcscd -f -d) for the cause"
            }
        }

        static let names: [UInt32: String] = [
            0x8010_0001: "SCARD_F_INTERNAL_ERROR", 0x8010_0002: "SCARD_E_CANCELLED",
            0x8010_0003: "SCARD_E_INVALID_HANDLE", 0x8010_0004: "SCARD_E_INVALID_PARAMETER",
            0x8010_0005: "SCARD_E_INVALID_TARGET", 0x8010_0006: "SCARD_E_NO_MEMORY",
            0x8010_0007: "SCARD_F_WAITED_TOO_LONG", 0x8010_0008: "SCARD_E_INSUFFICIENT_BUFFER",
            0x8010_0009: "SCARD_E_UNKNOWN_READER", 0x8010_000A: "SCARD_E_TIMEOUT",
            0x8010_000B: "SCARD_E_SHARING_VIOLATION", 0x8010_000C: "SCARD_E_NO_SMARTCARD",
            0x8010_000D: "SCARD_E_UNKNOWN_CARD", 0x8010_000E: "SCARD_E_CANT_DISPOSE",
            0x8010_000F: "SCARD_E_PROTO_MISMATCH", 0x8010_0010: "SCARD_E_NOT_READY",
            0x8010_0011: "SCARD_E_INVALID_VALUE", 0x8010_0012: "SCARD_E_SYSTEM_CANCELLED",
            0x8010_0013: "SCARD_F_COMM_ERROR", 0x8010_0014: "SCARD_F_UNKNOWN_ERROR",
            0x8010_0015: "SCARD_E_INVALID_ATR", 0x8010_0016: "SCARD_E_NOT_TRANSACTED",
            0x8010_0017: "SCARD_E_READER_UNAVAILABLE", 0x8010_0019: "SCARD_E_PCI_TOO_SMALL",
            0x8010_001A: "SCARD_E_READER_UNSUPPORTED", 0x8010_001B: "SCARD_E_DUPLICATE_READER",
            0x8010_001C: "SCARD_E_CARD_UNSUPPORTED", 0x8010_001D: "SCARD_E_NO_SERVICE",
            0x8010_001E: "SCARD_E_SERVICE_STOPPED", 0x8010_001F: "SCARD_E_UNSUPPORTED_FEATURE",
            0x8010_0020: "SCARD_E_ICC_INSTALLATION", 0x8010_0021: "SCARD_E_ICC_CREATEORDER",
            0x8010_0023: "SCARD_E_DIR_NOT_FOUND", 0x8010_0024: "SCARD_E_FILE_NOT_FOUND",
            0x8010_0025: "SCARD_E_NO_DIR", 0x8010_0026: "SCARD_E_NO_FILE",
            0x8010_0027: "SCARD_E_NO_ACCESS", 0x8010_0028: "SCARD_E_WRITE_TOO_MANY",
            0x8010_0029: "SCARD_E_BAD_SEEK", 0x8010_002A: "SCARD_E_INVALID_CHV",
            0x8010_002B: "SCARD_E_UNKNOWN_RES_MNG", 0x8010_002C: "SCARD_E_NO_SUCH_CERTIFICATE",
            0x8010_002D: "SCARD_E_CERTIFICATE_UNAVAILABLE", 0x8010_002E: "SCARD_E_NO_READERS_AVAILABLE",
            0x8010_002F: "SCARD_E_COMM_DATA_LOST", 0x8010_0030: "SCARD_E_NO_KEY_CONTAINER",
            0x8010_0031: "SCARD_E_SERVER_TOO_BUSY", 0x8010_0065: "SCARD_W_UNSUPPORTED_CARD",
            0x8010_0066: "SCARD_W_UNRESPONSIVE_CARD", 0x8010_0067: "SCARD_W_UNPOWERED_CARD",
            0x8010_0068: "SCARD_W_RESET_CARD", 0x8010_0069: "SCARD_W_REMOVED_CARD",
            0x8010_006A: "SCARD_W_SECURITY_VIOLATION", 0x8010_006B: "SCARD_W_WRONG_CHV",
            0x8010_006C: "SCARD_W_CHV_BLOCKED", 0x8010_006D: "SCARD_W_EOF",
            0x8010_006E: "SCARD_W_CANCELLED_BY_USER", 0x8010_006F: "SCARD_W_CARD_NOT_AUTHENTICATED",
        ]
    }
}
