/// One group of interface bytes: TA(i), TB(i), TC(i), TD(i), any of them absent. Group 0 is
/// TA1..TD1, the global group.
public struct ATRInterfaceBytes: Hashable, Sendable {
    public var ta: UInt8?
    public var tb: UInt8?
    public var tc: UInt8?
    public var td: UInt8?

    public init(ta: UInt8? = nil, tb: UInt8? = nil, tc: UInt8? = nil, td: UInt8? = nil) {
        self.ta = ta; self.tb = tb; self.tc = tc; self.td = td
    }

    /// The protocol TD announces for the groups after it.
    public var protocolAnnounced: UInt8? { td.map { $0 & 0x0F } }
}
