import TrustedPathCore

/// An Answer-to-Reset (ISO 7816-3 §8.2). Parsing is strict about structure (truncation,
/// length, TS) but a wrong TCK is reported as `tckValid == false` rather than thrown: the
/// card answered and a caller may still want to look at it, e.g. to print it.
public struct ATR: Hashable, Sendable {
    public static let maximumLength = 33

    public var bytes: [UInt8]
    public var ts: UInt8
    public var t0: UInt8
    /// Interface-byte groups, one per TD chain step; at least one (possibly all absent).
    public var groups: [ATRInterfaceBytes]
    public var historicalBytes: [UInt8]
    public var tck: UInt8?
    public var tckValid: Bool

    public init(parsing bytes: [UInt8]) throws(CCIDError) {
        guard !bytes.isEmpty else {
            throw CCIDError(.truncated, field: "TS", offset: 0, "empty ATR: no card, or the card is mute")
        }
        guard bytes.count <= Self.maximumLength else {
            throw CCIDError(.tooLong, field: "ATR", offset: Self.maximumLength,
                            "ATR of \(bytes.count) bytes is longer than the 33 ISO 7816-3 allows")
        }
        var reader = ByteReader(bytes)
        let ts = try CCIDError.reading { () throws(ByteReaderError) in try reader.u8("TS") }
        guard ts == 0x3B || ts == 0x3F else {
            throw CCIDError(.invalidTS, field: "TS", offset: 0,
                            "TS is 0x\(hexDigits(ts, 2)); an ATR starts with 3B (direct) or 3F (inverse convention)")
        }
        let t0 = try CCIDError.reading { () throws(ByteReaderError) in try reader.u8("T0") }
        var groups: [ATRInterfaceBytes] = []
        var presence = t0 >> 4
        var needsTCK = false
        var index = 1
        // Each group's presence nibble comes from the TD before it; 33 bytes bound the loop.
        while true {
            var group = ATRInterfaceBytes()
            try CCIDError.reading { () throws(ByteReaderError) in
                if presence & 0x1 != 0 { group.ta = try reader.u8("TA\(index)") }
                if presence & 0x2 != 0 { group.tb = try reader.u8("TB\(index)") }
                if presence & 0x4 != 0 { group.tc = try reader.u8("TC\(index)") }
                if presence & 0x8 != 0 { group.td = try reader.u8("TD\(index)") }
            }
            groups.append(group)
            guard let td = group.td else { break }
            if td & 0x0F != 0 { needsTCK = true }
            presence = td >> 4
            index += 1
        }
        let historical = try CCIDError.reading { () throws(ByteReaderError) in
            try reader.bytes(Int(t0 & 0x0F), "historical bytes")
        }
        var tck: UInt8? = nil
        if needsTCK {
            tck = try CCIDError.reading { () throws(ByteReaderError) in try reader.u8("TCK") }
        }
        guard reader.isAtEnd else {
            throw CCIDError(.lengthMismatch, field: needsTCK ? "TCK" : "historical bytes", offset: reader.offset,
                            "\(reader.remaining) byte(s) after the end of the ATR its T0 and TDi describe")
        }
        self.bytes = bytes
        self.ts = ts
        self.t0 = t0
        self.groups = groups
        self.historicalBytes = historical
        self.tck = tck
        // XOR over T0..TCK is zero for a correct check byte; without TCK there is nothing to check.
        self.tckValid = tck == nil || bytes.dropFirst().reduce(0, ^) == 0
    }

    /// TA(i), TB(i)... by the standard's 1-based numbering.
    public func ta(_ i: Int) -> UInt8? { groups.indices.contains(i - 1) ? groups[i - 1].ta : nil }
    public func tb(_ i: Int) -> UInt8? { groups.indices.contains(i - 1) ? groups[i - 1].tb : nil }
    public func tc(_ i: Int) -> UInt8? { groups.indices.contains(i - 1) ? groups[i - 1].tc : nil }
    public func td(_ i: Int) -> UInt8? { groups.indices.contains(i - 1) ? groups[i - 1].td : nil }

    public var isInverseConvention: Bool { ts == 0x3F }
}
