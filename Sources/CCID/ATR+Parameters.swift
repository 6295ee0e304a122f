/// The parameters an ATR implies (ISO 7816-3 §8.3, §10 for T=0, §11 for T=1), with the
/// standard's defaults where the card says nothing.
extension ATR {
    /// Protocols offered by TD1, TD2... in order of first appearance; T=0 when no TD.
    public var protocols: [Int] {
        var seen: [Int] = []
        for group in groups {
            if let t = group.protocolAnnounced, !seen.contains(Int(t)) { seen.append(Int(t)) }
        }
        return seen.isEmpty ? [0] : seen
    }

    /// The first protocol offered (TD1's), which is the one used without PPS (negotiable mode).
    public var firstOfferedProtocol: Int { protocols.first ?? 0 }

    /// TA2 present means specific mode: the card runs the protocol it names, no PPS.
    public struct SpecificMode: Hashable, Sendable {
        public var protocolType: Int
        /// Bit 8 clear: the card can switch to negotiable mode (after a warm reset).
        public var canChangeMode: Bool
        /// Bit 5 set: Fi/Di are implicit, not TA1's.
        public var implicitParameters: Bool
    }

    public var specificMode: SpecificMode? {
        ta(2).map { SpecificMode(protocolType: Int($0 & 0x0F), canChangeMode: $0 & 0x80 == 0,
                                 implicitParameters: $0 & 0x10 != 0) }
    }

    /// The protocol in force after the ATR: TA2's in specific mode, else the first offered.
    public var defaultProtocol: Int { specificMode?.protocolType ?? firstOfferedProtocol }

    /// TA1 with 0x11 (Fd = 372, Dd = 1, 5 MHz... index 1) when absent.
    public var ta1OrDefault: UInt8 { ta(1) ?? 0x11 }
    public var fiIndex: UInt8 { ta1OrDefault >> 4 }
    public var diIndex: UInt8 { ta1OrDefault & 0x0F }
    /// nil when TA1 names a reserved value.
    public var fi: Int? { ta(1) == nil ? 372 : ATRTables.lookup(ATRTables.fi, fiIndex) }
    public var di: Int? { ATRTables.lookup(ATRTables.di, diIndex) }
    /// kHz; 5 MHz when TA1 is absent.
    public var fMaxKHz: Int? { ta(1) == nil ? 5000 : ATRTables.lookup(ATRTables.fMaxKHz, fiIndex) }

    /// Extra guard time N (TC1), 0 by default.
    public var extraGuardTime: Int { Int(tc(1) ?? 0) }
    /// Waiting-time integer WI for T=0 (TC2), 10 by default.
    public var waitingInteger: Int { Int(tc(2) ?? 10) }

    /// The first TA/TB/TC for T=1: in a group after a TD announcing T=1, from TD2 on (TA2,
    /// TB2, TC2 are global or T=0's even when TD1 says T=1).
    private func firstT1(_ byte: KeyPath<ATRInterfaceBytes, UInt8?>) -> UInt8? {
        guard groups.count >= 3 else { return nil }
        for i in 2..<groups.count where groups[i - 1].protocolAnnounced == 1 {
            if let value = groups[i][keyPath: byte] { return value }
        }
        return nil
    }

    public var offersT1: Bool { protocols.contains(1) }

    /// Information field size of the card, 32 by default.
    public var ifsc: Int { Int(firstT1(\.ta) ?? 32) }
    public var bwi: Int { Int((firstT1(\.tb) ?? 0x4D) >> 4) }
    public var cwi: Int { Int((firstT1(\.tb) ?? 0x4D) & 0x0F) }
    /// Error detection code for T=1: CRC when bit 0 of the first TC for T=1 is set, else LRC.
    public var usesCRC: Bool { (firstT1(\.tc) ?? 0) & 0x01 != 0 }

    /// Class indicator: the first TA after a TD announcing T=15; bits 1-6 the classes
    /// (A 5V, B 3V, C 1.8V), bits 7-8 the clock stop indicator.
    public var classIndicator: UInt8? {
        // TD1 cannot announce T=15 (TA2 is global), so the search starts at TD2.
        guard groups.count >= 3 else { return nil }
        for i in 2..<groups.count where groups[i - 1].protocolAnnounced == 15 {
            if let ta = groups[i].ta { return ta }
        }
        return nil
    }
}
