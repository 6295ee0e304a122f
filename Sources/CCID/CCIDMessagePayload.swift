/// What a CCID bulk message says, one case per message of CCID 1.1 §6.1 and §6.2. The three
/// message-specific header bytes and abData are folded into typed values; RFU bytes are
/// written as zero and ignored when read.
public enum CCIDMessagePayload: Hashable, Sendable {
    // PC_to_RDR (bulk OUT)
    /// bPowerSelect: 0 automatic, 1 5.0V, 2 3.0V, 3 1.8V.
    case iccPowerOn(powerSelect: UInt8)
    case iccPowerOff
    case getSlotStatus
    /// bBWI extends the block waiting time; wLevelParameter chains APDUs at APDU level.
    case xfrBlock(bwi: UInt8, levelParameter: UInt16, data: [UInt8])
    case getParameters
    case resetParameters
    case setParameters(CCIDProtocolData)
    case escape(data: [UInt8])
    /// bClockCommand: 0 restart, 1 stop.
    case iccClock(command: UInt8)
    case t0APDU(changes: UInt8, classGetResponse: UInt8, classEnvelope: UInt8)
    case secure(bwi: UInt8, levelParameter: UInt16, operation: CCIDPINOperation)
    /// bFunction: 1 accept, 2 eject, 3 capture, 4 lock, 5 unlock.
    case mechanical(function: UInt8)
    case abort
    case setDataRateAndClockFrequency(clockFrequency: UInt32, dataRate: UInt32)

    // RDR_to_PC (bulk IN)
    case dataBlock(status: CCIDSlotStatus, error: CCIDSlotError, chainParameter: UInt8, data: [UInt8])
    /// bClockStatus: 0 running, 1 stopped low, 2 stopped high, 3 stopped unknown.
    case slotStatus(status: CCIDSlotStatus, error: CCIDSlotError, clockStatus: UInt8)
    case parameters(status: CCIDSlotStatus, error: CCIDSlotError, CCIDProtocolData)
    case escapeResponse(status: CCIDSlotStatus, error: CCIDSlotError, data: [UInt8])
    case dataRateAndClockFrequency(status: CCIDSlotStatus, error: CCIDSlotError,
                                   clockFrequency: UInt32, dataRate: UInt32)

    public var messageType: UInt8 {
        switch self {
        case .iccPowerOn: 0x62
        case .iccPowerOff: 0x63
        case .getSlotStatus: 0x65
        case .xfrBlock: 0x6F
        case .getParameters: 0x6C
        case .resetParameters: 0x6D
        case .setParameters: 0x61
        case .escape: 0x6B
        case .iccClock: 0x6E
        case .t0APDU: 0x6A
        case .secure: 0x69
        case .mechanical: 0x71
        case .abort: 0x72
        case .setDataRateAndClockFrequency: 0x73
        case .dataBlock: 0x80
        case .slotStatus: 0x81
        case .parameters: 0x82
        case .escapeResponse: 0x83
        case .dataRateAndClockFrequency: 0x84
        }
    }

    /// The specification's name for a message type, or nil when it is not one.
    public static func name(ofType type: UInt8) -> String? {
        staticName(ofType: type).map { "\($0)" }
    }

    /// The name as a static string: capture decoders print it for every message without
    /// building a String.
    public static func staticName(ofType type: UInt8) -> StaticString? {
        switch type {
        case 0x62: "PC_to_RDR_IccPowerOn"
        case 0x63: "PC_to_RDR_IccPowerOff"
        case 0x65: "PC_to_RDR_GetSlotStatus"
        case 0x6F: "PC_to_RDR_XfrBlock"
        case 0x6C: "PC_to_RDR_GetParameters"
        case 0x6D: "PC_to_RDR_ResetParameters"
        case 0x61: "PC_to_RDR_SetParameters"
        case 0x6B: "PC_to_RDR_Escape"
        case 0x6E: "PC_to_RDR_IccClock"
        case 0x6A: "PC_to_RDR_T0APDU"
        case 0x69: "PC_to_RDR_Secure"
        case 0x71: "PC_to_RDR_Mechanical"
        case 0x72: "PC_to_RDR_Abort"
        case 0x73: "PC_to_RDR_SetDataRateAndClockFrequency"
        case 0x80: "RDR_to_PC_DataBlock"
        case 0x81: "RDR_to_PC_SlotStatus"
        case 0x82: "RDR_to_PC_Parameters"
        case 0x83: "RDR_to_PC_Escape"
        case 0x84: "RDR_to_PC_DataRateAndClockFrequency"
        default: nil
        }
    }

    public var name: String { Self.name(ofType: messageType) ?? "unknown" }

    /// True for RDR_to_PC messages, which carry bStatus and bError.
    public var isResponse: Bool { messageType >= 0x80 }

    /// bStatus and bError of a response; nil for a command.
    public var statusAndError: (status: CCIDSlotStatus, error: CCIDSlotError)? {
        switch self {
        case .dataBlock(let s, let e, _, _), .slotStatus(let s, let e, _), .parameters(let s, let e, _),
             .escapeResponse(let s, let e, _), .dataRateAndClockFrequency(let s, let e, _, _):
            (s, e)
        default:
            nil
        }
    }
}
