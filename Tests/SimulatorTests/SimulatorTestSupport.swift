import CCID
import Simulator
import USBLink

/// Hex text to bytes for expected values; traps on a typo, which is a test bug.
func bytes(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.filter { $0.properties.isASCIIHexDigit }.map { Character($0) }
    precondition(digits.count % 2 == 0, "odd hex: \(text)")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

extension SimulatedCCIDReader {
    func send(_ message: CCIDMessage) async throws {
        try await bulkOut(message.encode(), endpoint: 0x02, deadline: .milliseconds(1000))
    }

    func read(timeoutMs: Int = 1000) async throws -> [UInt8] {
        try await bulkIn(maxLength: 65_546, endpoint: 0x82, deadline: .milliseconds(timeoutMs))
    }

    /// One command out, one reply back, raw bytes as they would cross the USB bus.
    func exchange(_ message: CCIDMessage) async throws -> [UInt8] {
        try await send(message)
        return try await read()
    }

    func exchange(slot: UInt8 = 0, sequence: UInt8, _ payload: CCIDMessagePayload) async throws -> [UInt8] {
        try await exchange(CCIDMessage(slot: slot, sequence: sequence, payload: payload))
    }

    /// Inserts a card and powers it on, draining the interrupt; returns the ATR reply.
    @discardableResult
    func insertAndPowerOn(_ card: any SimulatedCard, slot: UInt8 = 0) async throws -> [UInt8] {
        insert(card: card, slot: Int(slot))
        _ = try await interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(100))
        return try await exchange(slot: slot, sequence: 0, .iccPowerOn(powerSelect: 0))
    }
}

/// The RDR_to_PC header plus data, for expected values: type, dwLength from `data`, slot,
/// seq, the three specific bytes.
func reply(_ type: UInt8, slot: UInt8 = 0, seq: UInt8, _ b7: UInt8, _ b8: UInt8, _ b9: UInt8,
           _ data: [UInt8] = []) -> [UInt8] {
    let n = UInt32(data.count)
    return [type, UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24), slot, seq, b7, b8, b9] + data
}

func xfr(_ data: [UInt8], level: UInt16 = 0) -> CCIDMessagePayload {
    .xfrBlock(bwi: 0, levelParameter: level, data: data)
}

/// A T=1 block with LRC, for building the host's side by hand.
func lrcBlock(_ nad: UInt8, _ pcb: UInt8, _ inf: [UInt8] = []) -> [UInt8] {
    let body = [nad, pcb, UInt8(inf.count)] + inf
    return body + [body.reduce(0, ^)]
}
