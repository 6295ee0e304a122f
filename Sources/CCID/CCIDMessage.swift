import TrustedPathCore

/// One CCID bulk message: the 10-byte header (bMessageType, dwLength, bSlot, bSeq and three
/// message-specific bytes) and its data (CCID 1.1 §6). The payload carries everything but
/// slot and sequence, which the session layer matches responses by.
public struct CCIDMessage: Hashable, Sendable {
    public static let headerLength = 10

    public var slot: UInt8
    public var sequence: UInt8
    public var payload: CCIDMessagePayload

    public init(slot: UInt8 = 0, sequence: UInt8, payload: CCIDMessagePayload) {
        self.slot = slot
        self.sequence = sequence
        self.payload = payload
    }

    /// "PC_to_RDR_XfrBlock" and so on.
    public var name: String { payload.name }

    /// Decodes one complete message. dwLength must equal the bytes after the header: a short
    /// frame is `truncated` (read more), a long one `lengthMismatch`; both name abData or
    /// dwLength and the offset.
    public init(parsing bytes: [UInt8]) throws(CCIDError) {
        var reader = ByteReader(bytes)
        let (type, length, slot, sequence, b7, b8, b9) = try CCIDError.reading {
            () throws(ByteReaderError) -> (UInt8, UInt32, UInt8, UInt8, UInt8, UInt8, UInt8) in
            (try reader.u8("bMessageType"), try reader.u32le("dwLength"), try reader.u8("bSlot"),
             try reader.u8("bSeq"), try reader.u8("abMessageSpecific[0]"), try reader.u8("abMessageSpecific[1]"),
             try reader.u8("abMessageSpecific[2]"))
        }
        guard let name = CCIDMessagePayload.name(ofType: type) else {
            throw CCIDError(.unknownMessageType, field: "bMessageType", offset: 0,
                            "0x\(hexDigits(type, 2)) is not a CCID 1.1 bulk message type")
        }
        let present = reader.remaining
        // Compared as UInt64 so a 4 GiB dwLength cannot overflow Int on any platform.
        if UInt64(length) > UInt64(present) {
            throw CCIDError(.truncated, field: "abData", offset: Self.headerLength,
                            "\(name): dwLength says \(length) data byte(s), \(present) present")
        }
        if UInt64(length) < UInt64(present) {
            throw CCIDError(.lengthMismatch, field: "dwLength", offset: 1,
                            "\(name): dwLength says \(length) data byte(s), but \(present) follow the header")
        }
        let data = reader.rest()
        self.slot = slot
        self.sequence = sequence
        self.payload = try Self.payload(type: type, name: name, b7: b7, b8: b8, b9: b9, data: data)
    }

    private static func payload(type: UInt8, name: String, b7: UInt8, b8: UInt8, b9: UInt8,
                                data: [UInt8]) throws(CCIDError) -> CCIDMessagePayload {
        let level = UInt16(b8) | UInt16(b9) << 8
        let status = CCIDSlotStatus(rawValue: b7)
        let error = CCIDSlotError(rawValue: b8)
        func noData() throws(CCIDError) {
            guard data.isEmpty else {
                throw CCIDError(.lengthMismatch, field: "dwLength", offset: 1,
                                "\(name) carries no data, but dwLength is \(data.count)")
            }
        }
        func rateAndClock() throws(CCIDError) -> (UInt32, UInt32) {
            guard data.count == 8 else {
                throw CCIDError(.lengthMismatch, field: "dwLength", offset: 1,
                                "\(name) carries 8 bytes (dwClockFrequency, dwDataRate), dwLength is \(data.count)")
            }
            return (data.loadLE32(at: 0), data.loadLE32(at: 4))
        }
        switch type {
        case 0x62: try noData(); return .iccPowerOn(powerSelect: b7)
        case 0x63: try noData(); return .iccPowerOff
        case 0x65: try noData(); return .getSlotStatus
        case 0x6F: return .xfrBlock(bwi: b7, levelParameter: level, data: data)
        case 0x6C: try noData(); return .getParameters
        case 0x6D: try noData(); return .resetParameters
        case 0x61: return .setParameters(CCIDProtocolData(protocolNumber: b7, bytes: data))
        case 0x6B: return .escape(data: data)
        case 0x6E: try noData(); return .iccClock(command: b7)
        case 0x6A: try noData(); return .t0APDU(changes: b7, classGetResponse: b8, classEnvelope: b9)
        case 0x69:
            return .secure(bwi: b7, levelParameter: level,
                           operation: try CCIDPINOperation(parsing: data, base: headerLength))
        case 0x71: try noData(); return .mechanical(function: b7)
        case 0x72: try noData(); return .abort
        case 0x73:
            let (clock, rate) = try rateAndClock()
            return .setDataRateAndClockFrequency(clockFrequency: clock, dataRate: rate)
        case 0x80: return .dataBlock(status: status, error: error, chainParameter: b9, data: data)
        case 0x81: try noData(); return .slotStatus(status: status, error: error, clockStatus: b9)
        case 0x82: return .parameters(status: status, error: error, CCIDProtocolData(protocolNumber: b9, bytes: data))
        case 0x83: return .escapeResponse(status: status, error: error, data: data)
        case 0x84:
            // A failed request may come back without the 8 bytes; keep it readable as zeros.
            if data.isEmpty, status.command != .processed {
                return .dataRateAndClockFrequency(status: status, error: error, clockFrequency: 0, dataRate: 0)
            }
            let (clock, rate) = try rateAndClock()
            return .dataRateAndClockFrequency(status: status, error: error, clockFrequency: clock, dataRate: rate)
        default:
            throw CCIDError(.unknownMessageType, field: "bMessageType", offset: 0,
                            "0x\(hexDigits(type, 2)) is not a CCID 1.1 bulk message type")
        }
    }

    /// The bytes to send (or, for a simulated reader, to answer with).
    public func encode() -> [UInt8] {
        var specific: (UInt8, UInt8, UInt8) = (0, 0, 0)
        var data: [UInt8] = []
        func level(_ value: UInt16) -> (UInt8, UInt8) { (UInt8(value & 0xFF), UInt8(value >> 8)) }
        switch payload {
        case .iccPowerOn(let select): specific.0 = select
        case .iccPowerOff, .getSlotStatus, .getParameters, .resetParameters, .abort: break
        case .xfrBlock(let bwi, let levelParameter, let bytes):
            let (lo, hi) = level(levelParameter)
            specific = (bwi, lo, hi); data = bytes
        case .setParameters(let parameters):
            specific.0 = parameters.protocolNumber; data = parameters.bytes
        case .escape(let bytes): data = bytes
        case .iccClock(let command): specific.0 = command
        case .t0APDU(let changes, let getResponse, let envelope): specific = (changes, getResponse, envelope)
        case .secure(let bwi, let levelParameter, let operation):
            let (lo, hi) = level(levelParameter)
            specific = (bwi, lo, hi); data = operation.encode()
        case .mechanical(let function): specific.0 = function
        case .setDataRateAndClockFrequency(let clock, let rate):
            data.appendLE32(clock); data.appendLE32(rate)
        case .dataBlock(let status, let error, let chain, let bytes):
            specific = (status.rawValue, error.rawValue, chain); data = bytes
        case .slotStatus(let status, let error, let clock):
            specific = (status.rawValue, error.rawValue, clock)
        case .parameters(let status, let error, let parameters):
            specific = (status.rawValue, error.rawValue, parameters.protocolNumber); data = parameters.bytes
        case .escapeResponse(let status, let error, let bytes):
            specific = (status.rawValue, error.rawValue, 0); data = bytes
        case .dataRateAndClockFrequency(let status, let error, let clock, let rate):
            specific = (status.rawValue, error.rawValue, 0)
            data.appendLE32(clock); data.appendLE32(rate)
        }
        var out: [UInt8] = [payload.messageType]
        out.reserveCapacity(Self.headerLength + data.count)
        out.appendLE32(UInt32(truncatingIfNeeded: data.count))
        out += [slot, sequence, specific.0, specific.1, specific.2]
        out += data
        return out
    }
}
