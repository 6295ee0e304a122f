import TrustedPathCore

/// A Protocol and Parameters Selection exchange (ISO 7816-3 §9): PPSS (FF), PPS0 (protocol in
/// bits 1-4, presence of PPS1/2/3 in bits 5-7), the optional PPS1-3, and PCK making the XOR
/// of all bytes zero.
public struct PPS: Hashable, Sendable {
    public var protocolType: UInt8
    /// Fi index high nibble, Di index low, as TA1.
    public var pps1: UInt8?
    public var pps2: UInt8?
    public var pps3: UInt8?

    public init(protocolType: UInt8, pps1: UInt8? = nil, pps2: UInt8? = nil, pps3: UInt8? = nil) {
        self.protocolType = protocolType & 0x0F
        self.pps1 = pps1; self.pps2 = pps2; self.pps3 = pps3
    }

    /// The usual request: a protocol and the card's TA1 (Fi/Di indexes).
    public init(protocolType: UInt8, fiIndex: UInt8, diIndex: UInt8) {
        self.init(protocolType: protocolType, pps1: (fiIndex & 0x0F) << 4 | (diIndex & 0x0F))
    }

    public func encode() -> [UInt8] {
        var pps0 = protocolType & 0x0F
        if pps1 != nil { pps0 |= 0x10 }
        if pps2 != nil { pps0 |= 0x20 }
        if pps3 != nil { pps0 |= 0x40 }
        var out: [UInt8] = [0xFF, pps0]
        for byte in [pps1, pps2, pps3] { if let byte { out.append(byte) } }
        out.append(out.reduce(0, ^))
        return out
    }

    public init(parsing bytes: [UInt8]) throws(CCIDError) {
        var reader = ByteReader(bytes)
        let (ppss, pps0) = try CCIDError.reading { () throws(ByteReaderError) in
            (try reader.u8("PPSS"), try reader.u8("PPS0"))
        }
        guard ppss == 0xFF else {
            throw CCIDError(.invalidValue, field: "PPSS", offset: 0, "PPSS is 0x\(hexDigits(ppss, 2)), not FF")
        }
        var optional: [UInt8?] = [nil, nil, nil]
        try CCIDError.reading { () throws(ByteReaderError) in
            for i in 0..<3 where pps0 & (0x10 << UInt8(i)) != 0 { optional[i] = try reader.u8("PPS\(i + 1)") }
            _ = try reader.u8("PCK")
        }
        guard reader.isAtEnd else {
            throw CCIDError(.lengthMismatch, field: "PCK", offset: reader.offset,
                            "\(reader.remaining) byte(s) after PCK")
        }
        guard bytes.reduce(0, ^) == 0 else {
            throw CCIDError(.invalidValue, field: "PCK", offset: bytes.count - 1, "PPS check byte is wrong")
        }
        self.init(protocolType: pps0 & 0x0F, pps1: optional[0], pps2: optional[1], pps3: optional[2])
    }

    /// Checks a card's answer against this request by the rules of ISO 7816-3 §9.3 and returns
    /// what was agreed: the protocol echoed, PPS1 either echoed (use it) or absent (keep Fd/Dd),
    /// PPS2/PPS3 echoed or absent. Anything else means the PPS failed and the card must be reset.
    public func validate(response bytes: [UInt8]) throws(CCIDError) -> PPS {
        let response: PPS
        do { response = try PPS(parsing: bytes) } catch {
            throw CCIDError(.ppsRejected, field: error.field, offset: error.offset, "PPS response: \(error.message)")
        }
        guard response.protocolType == protocolType else {
            throw CCIDError(.ppsRejected, field: "PPS0", offset: 1,
                            "card answered T=\(response.protocolType) to a request for T=\(protocolType)")
        }
        let checks: [(String, UInt8?, UInt8?)] = [("PPS1", pps1, response.pps1), ("PPS2", pps2, response.pps2),
                                                  ("PPS3", pps3, response.pps3)]
        for (field, asked, answered) in checks {
            if let answered, answered != asked {
                throw CCIDError(.ppsRejected, field: field, offset: 2,
                                "\(field) answered 0x\(hexDigits(answered, 2)) does not echo the request")
            }
        }
        return response
    }
}
