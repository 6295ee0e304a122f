import CCID

/// The simulated TCOS card in a simulated reader's slot: it speaks the protocols its ATR
/// offers (the TCOS 3.0 ATR: T=1 only, TD1 = 81; `t0ATR` for a T=0 card), and the reader's
/// card-side engines frame the APDUs it answers.
extension SimulatedTCOSCard: SimulatedCard {
    public var protocols: CardProtocols {
        guard let parsed = try? ATR(parsing: atr) else { return .t1 }
        var out: CardProtocols = []
        if parsed.protocols.contains(0) { out.insert(.t0) }
        if parsed.protocols.contains(1) { out.insert(.t1) }
        return out.isEmpty ? .t1 : out
    }

    public func process(apdu: [UInt8]) -> [UInt8] {
        process(protocols == .t0 ? Self.asCaseFour(apdu) : apdu)
    }

    /// Under T=0 a case 4 command reaches the card as case 3 (P3 is Lc, ISO 7816-3 §12.2.5),
    /// and the card knows from the instruction that it has data to give, which it announces
    /// with 61xx. The TCOS state decides by Le, so a SELECT that asks for its FCP (P2 not
    /// 0C) gets the Le 00 the T=0 line dropped.
    static func asCaseFour(_ apdu: [UInt8]) -> [UInt8] {
        guard apdu.count > 5, apdu[1] == 0xA4, apdu[3] & 0x0C != 0x0C, apdu[4] != 0,
              apdu.count == 5 + Int(apdu[4]) else { return apdu }
        return apdu + [0x00]
    }

    /// A TCOS card answering in T=0 (`3B 02 14 50`: T=0 by default, two historical bytes),
    /// for readers and tests that need a T=0 card with the TrustedPath slots.
    public static let t0ATR: [UInt8] = [0x3B, 0x02, 0x14, 0x50]
}
