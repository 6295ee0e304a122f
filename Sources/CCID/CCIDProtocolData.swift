import TrustedPathCore

/// abProtocolDataStructure of PC_to_RDR_SetParameters and RDR_to_PC_Parameters
/// (CCID 1.1 §6.1.7): five bytes for T=0, seven for T=1.
public enum CCIDProtocolData: Hashable, Sendable {
    public struct T0: Hashable, Sendable {
        /// Fi index in the high nibble, Di index in the low (as TA1).
        public var bmFindexDindex: UInt8
        /// Bit 1: inverse convention. Other bits zero.
        public var bmTCCKST0: UInt8
        /// Extra guard time N (TC1).
        public var bGuardTimeT0: UInt8
        /// WI (TC2).
        public var bWaitingIntegerT0: UInt8
        /// 0 not allowed, 1 stop low, 2 stop high, 3 either.
        public var bClockStop: UInt8

        public init(bmFindexDindex: UInt8 = 0x11, bmTCCKST0: UInt8 = 0, bGuardTimeT0: UInt8 = 0,
                    bWaitingIntegerT0: UInt8 = 10, bClockStop: UInt8 = 0) {
            self.bmFindexDindex = bmFindexDindex; self.bmTCCKST0 = bmTCCKST0
            self.bGuardTimeT0 = bGuardTimeT0; self.bWaitingIntegerT0 = bWaitingIntegerT0
            self.bClockStop = bClockStop
        }
    }

    public struct T1: Hashable, Sendable {
        public var bmFindexDindex: UInt8
        /// 0x10 | bit 0 CRC (else LRC) | bit 1 inverse convention.
        public var bmTCCKST1: UInt8
        public var bGuardTimeT1: UInt8
        /// BWI in the high nibble, CWI in the low.
        public var bmWaitingIntegersT1: UInt8
        public var bClockStop: UInt8
        public var bIFSC: UInt8
        public var bNadValue: UInt8

        public init(bmFindexDindex: UInt8 = 0x11, bmTCCKST1: UInt8 = 0x10, bGuardTimeT1: UInt8 = 0,
                    bmWaitingIntegersT1: UInt8 = 0x4D, bClockStop: UInt8 = 0, bIFSC: UInt8 = 32,
                    bNadValue: UInt8 = 0) {
            self.bmFindexDindex = bmFindexDindex; self.bmTCCKST1 = bmTCCKST1
            self.bGuardTimeT1 = bGuardTimeT1; self.bmWaitingIntegersT1 = bmWaitingIntegersT1
            self.bClockStop = bClockStop; self.bIFSC = bIFSC; self.bNadValue = bNadValue
        }

        public var usesCRC: Bool { bmTCCKST1 & 0x01 != 0 }
        public var bwi: UInt8 { bmWaitingIntegersT1 >> 4 }
        public var cwi: UInt8 { bmWaitingIntegersT1 & 0x0F }
    }

    case t0(T0)
    case t1(T1)
    /// A protocol number other than 0/1, or a length that does not fit it (a failed
    /// GetParameters may carry no structure at all); kept as bytes rather than refused.
    case raw(protocolNumber: UInt8, bytes: [UInt8])

    public var protocolNumber: UInt8 {
        switch self {
        case .t0: 0
        case .t1: 1
        case .raw(let number, _): number
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .t0(let p): [p.bmFindexDindex, p.bmTCCKST0, p.bGuardTimeT0, p.bWaitingIntegerT0, p.bClockStop]
        case .t1(let p): [p.bmFindexDindex, p.bmTCCKST1, p.bGuardTimeT1, p.bmWaitingIntegersT1,
                          p.bClockStop, p.bIFSC, p.bNadValue]
        case .raw(_, let bytes): bytes
        }
    }

    public init(protocolNumber: UInt8, bytes: [UInt8]) {
        switch (protocolNumber, bytes.count) {
        case (0, 5):
            self = .t0(T0(bmFindexDindex: bytes[0], bmTCCKST0: bytes[1], bGuardTimeT0: bytes[2],
                          bWaitingIntegerT0: bytes[3], bClockStop: bytes[4]))
        case (1, 7):
            self = .t1(T1(bmFindexDindex: bytes[0], bmTCCKST1: bytes[1], bGuardTimeT1: bytes[2],
                          bmWaitingIntegersT1: bytes[3], bClockStop: bytes[4], bIFSC: bytes[5],
                          bNadValue: bytes[6]))
        default:
            self = .raw(protocolNumber: protocolNumber, bytes: bytes)
        }
    }
}
