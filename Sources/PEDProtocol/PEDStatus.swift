/// The status byte every reply starts with. Nonzero statuses are followed by a short
/// detail text that never holds a secret.
public enum PEDStatus: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case ok = 0x00
    case wrongPIN = 0x01
    case wrongKeyColour = 0x02
    case duplicateKey = 0x03
    case timeout = 0x04
    case cancelled = 0x05
    case noKey = 0x06
    case unsupportedProtocol = 0x07
    case badRequest = 0x08
    case blankKey = 0x09
    case pinRule = 0x0A
    case pinMismatch = 0x0B
    case busy = 0x0C
    case otherKeySet = 0x0D
    case keyNotBlank = 0x0E

    /// The name used in logs and docs. LUNA_RET_PED_UNSUPPORTED_PROTOCOL is the HSM's own
    /// return code for a PED it refuses; the others are this protocol's.
    public var name: String {
        switch self {
        case .ok: "PED_OK"
        case .wrongPIN: "PED_WRONG_PIN"
        case .wrongKeyColour: "PED_WRONG_KEY_COLOUR"
        case .duplicateKey: "PED_DUPLICATE_KEY"
        case .timeout: "PED_TIMEOUT"
        case .cancelled: "PED_CANCELLED"
        case .noKey: "PED_NO_KEY"
        case .unsupportedProtocol: "LUNA_RET_PED_UNSUPPORTED_PROTOCOL"
        case .badRequest: "PED_BAD_REQUEST"
        case .blankKey: "PED_BLANK_KEY"
        case .pinRule: "PED_PIN_RULE"
        case .pinMismatch: "PED_PIN_MISMATCH"
        case .busy: "PED_BUSY"
        case .otherKeySet: "PED_OTHER_KEY_SET"
        case .keyNotBlank: "PED_KEY_NOT_BLANK"
        }
    }

    public var description: String { name }
}
