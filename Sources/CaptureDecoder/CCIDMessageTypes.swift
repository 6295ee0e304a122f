import CCID

/// The message types the decoder needs to know by number; names come from the CCID module.
enum CCIDMessageTypes {
    static let xfrBlock: UInt8 = 0x6F
    static let iccPowerOn: UInt8 = 0x62
    static let dataBlock: UInt8 = 0x80

    /// A PC_to_RDR message type: what a reader's bulk OUT carries.
    static func isCommand(_ type: UInt8) -> Bool {
        type < 0x80 && CCIDMessagePayload.staticName(ofType: type) != nil
    }

    /// The CCID 1.1 name of a message type, by the pipe it travelled on.
    static func name(_ type: UInt8, interrupt: Bool) -> StaticString {
        if interrupt {
            switch type {
            case 0x50: return "RDR_to_PC_NotifySlotChange"
            case 0x51: return "RDR_to_PC_HardwareError"
            default: return "unknown interrupt message"
            }
        }
        return CCIDMessagePayload.staticName(ofType: type) ?? "unknown message"
    }
}
