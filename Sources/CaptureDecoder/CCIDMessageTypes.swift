/// Message type numbers the decoder needs before the full CCID codec is consulted.
enum CCIDMessageTypes {
    static let xfrBlock: UInt8 = 0x6F
    static let dataBlock: UInt8 = 0x80

    static func isCommand(_ type: UInt8) -> Bool {
        (0x61...0x73).contains(type) && type != 0x64 && type != 0x66 && type != 0x67 && type != 0x68
            && type != 0x70
    }
}

extension CCIDMessageTypes {
    /// The CCID 1.1 name of a message type, by the pipe it travelled on.
    static func name(_ type: UInt8, interrupt: Bool) -> StaticString {
        if interrupt {
            switch type {
            case 0x50: return "RDR_to_PC_NotifySlotChange"
            case 0x51: return "RDR_to_PC_HardwareError"
            default: return "unknown interrupt message"
            }
        }
        switch type {
        case 0x62: return "PC_to_RDR_IccPowerOn"
        case 0x63: return "PC_to_RDR_IccPowerOff"
        case 0x65: return "PC_to_RDR_GetSlotStatus"
        case 0x6F: return "PC_to_RDR_XfrBlock"
        case 0x6C: return "PC_to_RDR_GetParameters"
        case 0x6D: return "PC_to_RDR_ResetParameters"
        case 0x61: return "PC_to_RDR_SetParameters"
        case 0x6B: return "PC_to_RDR_Escape"
        case 0x6E: return "PC_to_RDR_IccClock"
        case 0x6A: return "PC_to_RDR_T0APDU"
        case 0x69: return "PC_to_RDR_Secure"
        case 0x71: return "PC_to_RDR_Mechanical"
        case 0x72: return "PC_to_RDR_Abort"
        case 0x73: return "PC_to_RDR_SetDataRateAndClockFrequency"
        case 0x80: return "RDR_to_PC_DataBlock"
        case 0x81: return "RDR_to_PC_SlotStatus"
        case 0x82: return "RDR_to_PC_Parameters"
        case 0x83: return "RDR_to_PC_Escape"
        case 0x84: return "RDR_to_PC_DataRateAndClockFrequency"
        default: return "unknown message"
        }
    }
}
