import CCID
import TrustedPathCore

/// The reader's state for one slot: the card in it, its power and protocol state, and any
/// APDU being chained at extended APDU level.
struct SimulatedSlot {
    /// The card, taken out while an engine works on it (see `present`).
    var card: (any SimulatedCard)?
    /// Whether a card is inserted; kept apart from `card` because the reader lends the card
    /// out during a command, and the reply must still say it is there.
    var present = false
    var powered = false
    var parameters: CCIDProtocolData = .t0(.init())
    var atrParameters: CCIDProtocolData = .t0(.init())
    var t1 = CardT1Engine(edc: .lrc, ifsc: 32)
    var t0 = CardT0Engine()
    /// Command APDU received so far (wLevelParameter 1 and 3).
    var commandChain: [UInt8] = []
    /// Response APDU still to send (bChainParameter 1 and 3).
    var responseChain: [UInt8] = []
    var responseOffset = 0
    /// The last I-block a PIN entry sent to a T=1 card (it holds the PIN), for bPINOperation
    /// 05; wiped at the next PIN entry and when the card is powered off or taken out.
    var lastPINBlock: [UInt8] = []
    /// Changed since the last NotifySlotChange.
    var changed = false
    /// A PPS exchange may come first after the answer to reset (ISO 7816-3 §9), only then.
    var ppsAllowed = false

    var iccStatus: CCIDSlotStatus.ICCStatus {
        !present ? .absent : (powered ? .presentActive : .presentInactive)
    }

    mutating func powerOff() {
        powered = false
        SecretBytes.wipe(&lastPINBlock)
        lastPINBlock = []
        commandChain = []
        responseChain = []
        responseOffset = 0
    }

    /// After a successful reset: protocol, parameters and engines follow the new ATR.
    mutating func activate(atr: [UInt8]) {
        powerOff()
        powered = true
        ppsAllowed = true
        let parsed = try? ATR(parsing: atr)
        atrParameters = parsed.map(Self.parameters(for:)) ?? .t0(.init())
        parameters = atrParameters
        t1 = parsed.map(CardT1Engine.init(atr:)) ?? CardT1Engine(edc: .lrc, ifsc: 32)
        t0 = CardT0Engine()
    }

    static func parameters(for atr: ATR) -> CCIDProtocolData {
        if atr.defaultProtocol == 1 {
            return .t1(.init(bmFindexDindex: atr.ta1OrDefault, bmTCCKST1: atr.usesCRC ? 0x11 : 0x10,
                             bGuardTimeT1: UInt8(truncatingIfNeeded: atr.extraGuardTime),
                             bmWaitingIntegersT1: UInt8(truncatingIfNeeded: atr.bwi << 4 | atr.cwi),
                             bIFSC: UInt8(truncatingIfNeeded: atr.ifsc)))
        }
        return .t0(.init(bmFindexDindex: atr.ta1OrDefault, bGuardTimeT0: UInt8(truncatingIfNeeded: atr.extraGuardTime),
                         bWaitingIntegerT0: UInt8(truncatingIfNeeded: atr.waitingInteger)))
    }
}
