import CCID

/// The card's half of ISO 7816-3 T=1 (§11), for TPDU-level readers: each XfrBlock carries
/// one block from the host and its DataBlock one block back. It reassembles chained
/// I-blocks (acknowledging each with an R-block), answers with I-blocks no longer than the
/// host's IFSD, chaining when needed, honours S(IFS) and S(RESYNCH), can ask for S(WTX)
/// first, and answers a block with a bad EDC with R(EDC error). Uses the same `T1Block`
/// codec as the host, so the two sides cannot drift apart on framing.
public struct CardT1Engine: Sendable {
    public let edc: T1EDC
    /// IFSC: the most INF the card accepts in one block; the card may change it with
    /// S(IFS request) (`requestIFS`).
    public private(set) var ifsc: Int
    /// IFSD: the most INF the card may send; the host sets it with S(IFS request).
    public private(set) var ifsd = 32
    /// BWT multiplier carried by each S(WTX request).
    public var wtxMultiplier: UInt8 = 1

    private var expectedHostSequence: UInt8 = 0
    private var cardSequence: UInt8 = 0
    private var received: [UInt8] = []
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var wtxLeft = 0
    private var awaitingWTXResponse = false
    /// An IFSC the card will announce before its next answer, then the one announced.
    private var ifsToRequest: UInt8?
    private var awaitingIFSResponse: UInt8?
    /// Repeated on a request to retransmit (R-block naming a block we already sent).
    private var lastSent: [UInt8] = []

    public init(edc: T1EDC, ifsc: Int) {
        self.edc = edc
        self.ifsc = ifsc
    }

    /// EDC and IFSC as the card's ATR announces them.
    public init(atr: ATR) {
        self.init(edc: atr.usesCRC ? .crc : .lrc, ifsc: atr.ifsc)
    }

    /// One block from the host in, the card's block out.
    public mutating func receive(_ bytes: [UInt8], card: inout any SimulatedCard) -> [UInt8] {
        let block: T1Block
        do {
            block = try T1Block(parsing: bytes, edc: edc)
        } catch {
            return send(.receiveReady(sequence: expectedHostSequence, error: error.code == .badEDC ? .edc : .other))
        }
        switch block.kind {
        case let .information(sequence, more):
            guard sequence == expectedHostSequence else {
                // The host repeated its block: our answer was lost on the way, send it again.
                return lastSent.isEmpty ? send(.receiveReady(sequence: expectedHostSequence, error: .other)) : lastSent
            }
            guard block.inf.count <= ifsc else {
                return send(.receiveReady(sequence: expectedHostSequence, error: .other))
            }
            expectedHostSequence ^= 1
            pending = []
            pendingOffset = 0
            received += block.inf
            if more { return send(.receiveReady(sequence: expectedHostSequence, error: .none)) }
            let apdu = received
            received = []
            pending = card.process(apdu: apdu)
            wtxLeft = card.wtxRequests
            return answerOrAskForTime()
        case let .receiveReady(sequence, _):
            if sequence == cardSequence, pendingOffset > 0, pendingOffset < pending.count {
                return sendNextChunk()
            }
            return answerRBlock(sequence: sequence)
        case let .supervisory(type, response):
            return supervisory(type, response: response, inf: block.inf)
        }
    }

    /// The card announces `value` as its new IFSC before its next answer.
    public mutating func requestIFS(_ value: UInt8) { ifsToRequest = value }

    /// An R-block that is not a chaining acknowledgement (ISO 7816-3 §11.6.2, Annex A):
    /// - it names our last I-block (N(R) = its N(S)): that block was lost or garbled, send it again;
    /// - our S(WTX) or S(IFS) request is unanswered: the host did not get it, send it again;
    /// - otherwise the host's own block never arrived (or our acknowledgement of its chain
    ///   went astray): R(N(S) we expect), which asks for it and acknowledges alike.
    private mutating func answerRBlock(sequence: UInt8) -> [UInt8] {
        if lastSent.count >= 2, let kind = T1Block.kind(pcb: lastSent[1]) {
            switch kind {
            case .information(let sent, _) where sent == sequence:
                return lastSent
            case .supervisory(_, response: false) where awaitingWTXResponse || awaitingIFSResponse != nil:
                return lastSent
            default:
                break
            }
        }
        return send(.receiveReady(sequence: expectedHostSequence, error: .none))
    }

    private mutating func supervisory(_ type: T1Block.SType, response: Bool, inf: [UInt8]) -> [UInt8] {
        if response {
            if type == .ifs, let announced = awaitingIFSResponse, inf == [announced] {
                ifsc = Int(announced)
                awaitingIFSResponse = nil
                return answerOrAskForTime()
            }
            guard type == .wtx, awaitingWTXResponse else {
                return send(.receiveReady(sequence: expectedHostSequence, error: .other))
            }
            return answerOrAskForTime()
        }
        switch type {
        case .ifs:
            ifsd = Int(inf[0])
            return send(.supervisory(.ifs, response: true), inf: inf)
        case .resynch:
            expectedHostSequence = 0
            cardSequence = 0
            ifsd = 32
            clearExchange()
            return send(.supervisory(.resynch, response: true))
        case .abort:
            clearExchange()
            return send(.supervisory(.abort, response: true))
        case .wtx:
            // Only the card may ask for more time.
            return send(.receiveReady(sequence: expectedHostSequence, error: .other))
        }
    }

    private mutating func answerOrAskForTime() -> [UInt8] {
        if let value = ifsToRequest {
            ifsToRequest = nil
            awaitingIFSResponse = value
            return send(.supervisory(.ifs, response: false), inf: [value])
        }
        if wtxLeft > 0 {
            wtxLeft -= 1
            awaitingWTXResponse = true
            return send(.supervisory(.wtx, response: false), inf: [wtxMultiplier])
        }
        awaitingWTXResponse = false
        return sendNextChunk()
    }

    private mutating func sendNextChunk() -> [UInt8] {
        let end = min(pending.count, pendingOffset + ifsd)
        let more = end < pending.count
        let out = T1Block.encode(nad: 0, pcb: T1Block.pcb(.information(sequence: cardSequence, more: more)),
                                 inf: pending[pendingOffset..<end], edc: edc)
        cardSequence ^= 1
        pendingOffset = end
        if !more { clearExchange() }
        lastSent = out
        return out
    }

    private mutating func clearExchange() {
        received = []
        pending = []
        pendingOffset = 0
        wtxLeft = 0
        awaitingWTXResponse = false
        awaitingIFSResponse = nil
    }

    private mutating func send(_ kind: T1Block.Kind, inf: [UInt8] = []) -> [UInt8] {
        lastSent = T1Block.encode(nad: 0, pcb: T1Block.pcb(kind), inf: inf[...], edc: edc)
        return lastSent
    }
}
