import CCID
import USBLink

/// Per-slot commands. Each slot is its own session (power, protocol, timing); the commands
/// share the reader's pipe one at a time.
extension CCIDReader {
    /// PC_to_RDR_GetSlotStatus: is a card there, and is it powered.
    public func slotStatus(slot: UInt8 = 0) async throws(CCIDReaderError) -> CCIDSlotStatus.ICCStatus {
        do {
            let message = try await transact(.getSlotStatus, slot: slot, readTimeout: options.minimumReadTimeout)
            return message.payload.statusAndError?.status.icc ?? .reserved
        } catch where error.code == .cardAbsent {
            // Several readers report an empty slot as a failed command (ICC_MUTE, absent).
            return .absent
        }
    }

    /// The bPowerSelect values to try, in order. Automatic voltage selection (dwFeatures
    /// 0x08) or no voltage bits: 0 only. Otherwise the supported classes from the lowest up,
    /// as libccid does (1.8V, 3V, 5V; ISO 7816-3 §6.2.4: never start a class-C card at 5V).
    public nonisolated var powerSelectSequence: [UInt8] {
        if let forced = quirks.forcedVoltage { return [forced] }
        let support = descriptor.bVoltageSupport & 0x07
        if descriptor.features.contains(.autoVoltageSelection) || support == 0 { return [0] }
        var out: [UInt8] = []
        if support & 0x04 != 0 { out.append(3) }
        if support & 0x02 != 0 { out.append(2) }
        if support & 0x01 != 0 { out.append(1) }
        return out
    }

    /// PC_to_RDR_IccPowerOn with voltage fallback: ICC_MUTE or ICC_CLASS_NOT_SUPPORTED at one
    /// voltage powers the slot off and tries the next. Returns the parsed ATR.
    public func powerOn(slot: UInt8 = 0) async throws(CCIDReaderError) -> ATR {
        // A reset ends the card session: its T=1 sequence numbers with it.
        if Int(slot) < slotProtocols.count { slotProtocols[Int(slot)] = .unknown }
        let selects = powerSelectSequence
        var last = CCIDReaderError(.cardMute, "no voltage to try")
        for (index, select) in selects.enumerated() {
            let message: CCIDMessage
            do {
                message = try await transact(.iccPowerOn(powerSelect: select), slot: slot,
                                             readTimeout: options.minimumReadTimeout)
            } catch where error.code == .cardMute || error.slotError == .iccClassNotSupported {
                last = error
                if index + 1 < selects.count { _ = try? await powerOff(slot: slot) }
                continue
            }
            guard case .dataBlock(_, _, _, let data) = message.payload else {
                throw CCIDReaderError(.protocolError, "PC_to_RDR_IccPowerOn answered with \(message.name)")
            }
            do { return try ATR(parsing: data) } catch {
                throw CCIDReaderError(.protocolError, "the card's ATR: \(error)")
            }
        }
        throw last
    }

    /// PC_to_RDR_IccPowerOff.
    public func powerOff(slot: UInt8 = 0) async throws(CCIDReaderError) {
        _ = try await transact(.iccPowerOff, slot: slot, readTimeout: options.minimumReadTimeout)
        slotReadTimeouts[Int(slot)] = options.minimumReadTimeout
        slotProtocols[Int(slot)] = .unknown
    }

    /// PC_to_RDR_SetParameters; returns the parameters the reader reports in force.
    @discardableResult
    public func setParameters(slot: UInt8 = 0, _ parameters: CCIDProtocolData) async throws(CCIDReaderError)
        -> CCIDProtocolData {
        let message = try await transact(.setParameters(parameters), slot: slot, readTimeout: options.minimumReadTimeout)
        guard case .parameters(_, _, let current) = message.payload else { return parameters }
        return current
    }

    /// PC_to_RDR_XfrBlock: one TPDU or APDU (part) out, one RDR_to_PC_DataBlock back.
    /// `bwi` multiplies the slot's read timeout (the card's S(WTX)); the reply's
    /// bChainParameter is returned for APDU-level chaining.
    public func xfrBlock(slot: UInt8 = 0, _ data: [UInt8], bwi: UInt8 = 0,
                         levelParameter: UInt16 = 0) async throws(CCIDReaderError) -> (data: [UInt8], chain: UInt8) {
        let timeout = slotReadTimeouts[Int(min(Int(slot), slotReadTimeouts.count - 1))] * Int(max(1, bwi))
        let message = try await transact(.xfrBlock(bwi: bwi, levelParameter: levelParameter, data: data),
                                         slot: slot, readTimeout: timeout)
        guard case .dataBlock(_, _, let chain, let reply) = message.payload else {
            throw CCIDReaderError(.protocolError, "PC_to_RDR_XfrBlock answered with \(message.name)")
        }
        return (reply, chain)
    }

    func setReadTimeout(_ timeout: Duration, slot: UInt8) {
        slotReadTimeouts[Int(slot)] = max(timeout, options.minimumReadTimeout)
    }
}
