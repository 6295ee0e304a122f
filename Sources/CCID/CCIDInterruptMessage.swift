import TrustedPathCore

/// Messages on the interrupt IN endpoint (CCID 1.1 §6.3).
public enum CCIDInterruptMessage: Hashable, Sendable {
    /// One entry per slot: card present now, and whether that changed since the last report.
    public struct SlotState: Hashable, Sendable {
        public var present: Bool
        public var changed: Bool
        public init(present: Bool, changed: Bool) { self.present = present; self.changed = changed }
    }

    /// RDR_to_PC_NotifySlotChange (0x50): bmSlotICCState, two bits per slot, slot 0 in the
    /// low bits of the first byte. The bitmap is as long as the reader's slot count needs,
    /// so every two-bit pair present is reported; trailing pairs past the last slot are zero.
    case notifySlotChange([SlotState])
    /// RDR_to_PC_HardwareError (0x51); bHardwareErrorCode 0x01 is overcurrent.
    case hardwareError(slot: UInt8, sequence: UInt8, code: UInt8)

    public var name: String {
        switch self {
        case .notifySlotChange: "RDR_to_PC_NotifySlotChange"
        case .hardwareError: "RDR_to_PC_HardwareError"
        }
    }

    public init(parsing bytes: [UInt8]) throws(CCIDError) {
        guard let type = bytes.first else {
            throw CCIDError(.truncated, field: "bMessageType", offset: 0, "empty interrupt message")
        }
        switch type {
        case 0x50:
            guard bytes.count >= 2 else {
                throw CCIDError(.truncated, field: "bmSlotICCState", offset: 1,
                                "RDR_to_PC_NotifySlotChange without bmSlotICCState")
            }
            var slots: [SlotState] = []
            slots.reserveCapacity((bytes.count - 1) * 4)
            for byte in bytes.dropFirst() {
                for pair in 0..<4 {
                    let bits = byte >> UInt8(pair * 2)
                    slots.append(SlotState(present: bits & 1 != 0, changed: bits & 2 != 0))
                }
            }
            self = .notifySlotChange(slots)
        case 0x51:
            guard bytes.count == 4 else {
                throw CCIDError(bytes.count < 4 ? .truncated : .lengthMismatch, field: "bHardwareErrorCode",
                                offset: min(bytes.count, 3),
                                "RDR_to_PC_HardwareError is 4 bytes, \(bytes.count) received")
            }
            self = .hardwareError(slot: bytes[1], sequence: bytes[2], code: bytes[3])
        default:
            throw CCIDError(.unknownMessageType, field: "bMessageType", offset: 0,
                            "0x\(hexDigits(type, 2)) is not a CCID interrupt message")
        }
    }

    public func encode() -> [UInt8] {
        switch self {
        case .notifySlotChange(let slots):
            var out: [UInt8] = [0x50]
            let byteCount = max(1, (slots.count + 3) / 4)
            out += Array(repeating: 0, count: byteCount)
            for (index, slot) in slots.enumerated() {
                let bits: UInt8 = (slot.present ? 1 : 0) | (slot.changed ? 2 : 0)
                out[1 + index / 4] |= bits << UInt8((index % 4) * 2)
            }
            return out
        case .hardwareError(let slot, let sequence, let code):
            return [0x51, slot, sequence, code]
        }
    }
}
