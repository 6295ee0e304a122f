import TrustedPathCore

/// Class-specific control requests (CCID 1.1 §5.3) as USB setup packets, plus parsers of the
/// arrays GET_CLOCK_FREQUENCIES and GET_DATA_RATES return. No I/O: the link layer sends them.
public struct CCIDClassRequest: Hashable, Sendable {
    public var bmRequestType: UInt8
    public var bRequest: UInt8
    public var wValue: UInt16
    public var wIndex: UInt16
    public var wLength: UInt16

    public static let abortRequest: UInt8 = 0x01
    public static let getClockFrequenciesRequest: UInt8 = 0x02
    public static let getDataRatesRequest: UInt8 = 0x03

    /// ABORT: host to device, class, interface; wValue carries bSeq high, bSlot low. The host
    /// must then send PC_to_RDR_Abort with the same slot and sequence.
    public static func abort(interface: UInt16, slot: UInt8, sequence: UInt8) -> CCIDClassRequest {
        CCIDClassRequest(bmRequestType: 0x21, bRequest: abortRequest,
                         wValue: UInt16(sequence) << 8 | UInt16(slot), wIndex: interface, wLength: 0)
    }

    /// GET_CLOCK_FREQUENCIES: `count` is the descriptor's bNumClockSupported (4 bytes each).
    public static func getClockFrequencies(interface: UInt16, count: UInt8) -> CCIDClassRequest {
        CCIDClassRequest(bmRequestType: 0xA1, bRequest: getClockFrequenciesRequest,
                         wValue: 0, wIndex: interface, wLength: UInt16(count) * 4)
    }

    /// GET_DATA_RATES: `count` is bNumDataRatesSupported.
    public static func getDataRates(interface: UInt16, count: UInt8) -> CCIDClassRequest {
        CCIDClassRequest(bmRequestType: 0xA1, bRequest: getDataRatesRequest,
                         wValue: 0, wIndex: interface, wLength: UInt16(count) * 4)
    }

    /// The 8-byte setup packet, little-endian words.
    public var setupPacket: [UInt8] {
        var out: [UInt8] = [bmRequestType, bRequest]
        out.appendLE16(wValue); out.appendLE16(wIndex); out.appendLE16(wLength)
        return out
    }

    /// The little-endian u32 array of a GET_CLOCK_FREQUENCIES (kHz) or GET_DATA_RATES (bps)
    /// answer. A length that is not a multiple of four is an error: the reader cut it short.
    public static func parseValues(_ bytes: [UInt8], field: String = "dwValue") throws(CCIDError) -> [UInt32] {
        guard bytes.count % 4 == 0 else {
            throw CCIDError(.truncated, field: field, offset: bytes.count - bytes.count % 4,
                            "answer of \(bytes.count) bytes is not a whole number of 4-byte values")
        }
        return stride(from: 0, to: bytes.count, by: 4).map { bytes.loadLE32(at: $0) }
    }
}
