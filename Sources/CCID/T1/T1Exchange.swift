/// What the engine does next after a block from the card.
public enum T1Step: Sendable, Hashable {
    /// Send these bytes; the reader should wait `waitMultiplier` BWTs (0: normal).
    case send([UInt8], waitMultiplier: UInt8)
    /// The card asks for our pending I-block again, and the reader built it (a PIN pad that
    /// inserted the PIN, CCID bTeoPrologue): have the reader send it again (PC_to_RDR_Secure
    /// bPINOperation 05, "re-send last I-block"). We never held its INF, so cannot ourselves.
    case resendExternalBlock
    /// The response APDU is complete.
    case finished([UInt8])
    case failed(T1Error)
}

/// The state machine of one APDU exchange over T=1 (ISO 7816-3 §11.5, §11.6), without I/O:
/// bytes in, next block out. Kept apart from the actor so that it can be unit-tested and fuzzed
/// synchronously. A value type owned by one caller; not shared, so it needs no isolation.
public struct T1Exchange: Sendable {
    enum Phase: Sendable {
        /// Our I-block with M=1 is pending; the card must acknowledge with R(N(S)+1).
        case sendingChain
        /// Our last I-block (M=0) is pending; the card's I-block acknowledges it.
        case awaitingResponse
        /// We acknowledged a card I-block with M=1 and wait for the next one.
        case receivingChain
        /// S(RESYNCH request) sent.
        case resynching
        /// We answered S(ABORT request); whatever comes next ends the exchange.
        case aborted
    }

    /// Retransmissions of one block before resynchronising (§11.6.3: "up to three").
    public static let maxRetries = 3
    /// S(RESYNCH request) attempts before giving up.
    public static let maxResynchs = 3

    let apdu: [UInt8]
    let nad: UInt8
    let edc: T1EDC
    let maxResponseLength: Int
    /// Any block count above this is a misbehaving card (WTX or empty chained blocks forever).
    let maxSteps: Int

    public private(set) var ifsc: Int
    /// N(S) of our pending I-block; after an acknowledgement, of our next one.
    public private(set) var ns: UInt8
    /// N(S) we expect in the card's next I-block.
    public private(set) var nr: UInt8

    var phase: Phase
    var chunkStart = 0
    var chunkEnd: Int
    var pendingI: [UInt8]
    var last: [UInt8]
    var response: [UInt8] = []
    var errors = 0
    var resynchs = 0
    var answeredDuringResynch = false
    var steps = 0
    /// The pending I-block is the reader's (see `init(externalINFLength:...)`).
    let external: Bool

    /// The first block to send.
    public var firstBlock: [UInt8] { pendingI }

    public init(apdu: [UInt8], ns: UInt8, nr: UInt8, ifsc: Int, nad: UInt8 = 0, edc: T1EDC,
                maxResponseLength: Int = 65_538) {
        self.apdu = apdu
        self.nad = nad
        self.edc = edc
        self.maxResponseLength = maxResponseLength
        self.maxSteps = 4_096 + apdu.count + maxResponseLength
        self.ifsc = min(max(ifsc, 1), T1Block.maxINF)
        self.ns = ns & 1
        self.nr = nr & 1
        chunkEnd = min(apdu.count, self.ifsc)
        let more = chunkEnd < apdu.count
        phase = more ? .sendingChain : .awaitingResponse
        pendingI = T1Block.encode(nad: nad, pcb: T1Block.pcb(.information(sequence: ns & 1, more: more)),
                                  inf: apdu[0..<chunkEnd], edc: edc)
        last = pendingI
        external = false
    }

    /// An exchange whose one I-block the reader builds and sends: a TPDU-level PIN pad puts
    /// the PIN into the APDU itself (CCID 1.1 §6.1.11, PC_to_RDR_Secure with bTeoPrologue).
    /// `prologue` is what the reader must use; feed the reader's answer (the card's block)
    /// to `received` as usual. The host never sees the INF, so it cannot be chained: at
    /// most IFSC bytes.
    public init(externalINFLength: Int, ns: UInt8, nr: UInt8, ifsc: Int, nad: UInt8 = 0, edc: T1EDC,
                maxResponseLength: Int = 65_538) throws(T1Error) {
        self.apdu = []
        self.nad = nad
        self.edc = edc
        self.maxResponseLength = maxResponseLength
        self.maxSteps = 4_096 + maxResponseLength
        self.ifsc = min(max(ifsc, 1), T1Block.maxINF)
        self.ns = ns & 1
        self.nr = nr & 1
        guard externalINFLength > 0, externalINFLength <= self.ifsc else {
            throw T1Error(.invalidParameter, "an I-block built by the reader carries 1...\(self.ifsc) bytes (IFSC), "
                          + "not \(externalINFLength)")
        }
        chunkEnd = 0
        phase = .awaitingResponse
        pendingI = [nad, T1Block.pcb(.information(sequence: ns & 1, more: false)), UInt8(externalINFLength)]
        last = pendingI
        external = true
    }

    /// NAD, PCB and LEN of the pending I-block: bTeoPrologue for a reader that builds it.
    public var prologue: [UInt8] { Array(pendingI.prefix(3)) }

    /// Feeds the card's answer to the last block; `nil` when none came within BWT.
    public mutating func received(_ reply: [UInt8]?) -> T1Step {
        steps += 1
        guard steps <= maxSteps else {
            return .failed(T1Error(.resetNeeded, "more than \(maxSteps) blocks for one APDU"))
        }
        if phase == .aborted {
            return .failed(T1Error(.abortedByCard))
        }
        if phase == .resynching, reply != nil { answeredDuringResynch = true }
        guard let reply else { return fault(.other) }
        let block: T1Block
        do {
            block = try T1Block(parsing: reply, edc: edc)
        } catch {
            return fault(error.code == .badEDC ? .edc : .other)
        }
        if phase == .resynching {
            if case .supervisory(.resynch, response: true) = block.kind {
                ns = 0
                nr = 0
                return .failed(T1Error(.resynchronized))
            }
            return resynchAgain()
        }
        switch block.kind {
        case let .information(sequence, more):
            return receivedI(sequence: sequence, more: more, inf: block.inf)
        case let .receiveReady(sequence, _):
            return receivedR(sequence: sequence)
        case let .supervisory(type, response):
            guard !response else { return fault(.other) }
            switch type {
            case .ifs:
                // The card changes its IFSC; it applies from the next block we build.
                ifsc = Int(block.inf[0])
                return sendS(.ifs, inf: block.inf, waitMultiplier: 0)
            case .wtx:
                return sendS(.wtx, inf: block.inf, waitMultiplier: block.inf[0])
            case .abort:
                phase = .aborted
                return sendS(.abort, inf: [], waitMultiplier: 0)
            case .resynch:
                // Only the interface device may request resynchronisation.
                return fault(.other)
            }
        }
    }

    private mutating func receivedI(sequence: UInt8, more: Bool, inf: [UInt8]) -> T1Step {
        guard phase != .sendingChain, sequence == nr else { return fault(.other) }
        if phase == .awaitingResponse { ns ^= 1 }  // the card's I-block acknowledges ours
        nr ^= 1
        errors = 0
        guard response.count + inf.count <= maxResponseLength else {
            return .failed(T1Error(.responseTooLong, "over \(maxResponseLength) bytes"))
        }
        if response.isEmpty && !more {
            return .finished(inf)  // the common case: one block, no copy
        }
        response.append(contentsOf: inf)
        guard more else { return .finished(response) }
        phase = .receivingChain
        last = T1Block.encode(nad: nad, pcb: T1Block.pcb(.receiveReady(sequence: nr, error: .none)),
                              inf: [], edc: edc)
        return .send(last, waitMultiplier: 0)
    }

    private mutating func receivedR(sequence: UInt8) -> T1Step {
        switch phase {
        case .sendingChain where sequence != ns:
            // Acknowledged: build the next chunk with the IFSC in force now.
            errors = 0
            ns ^= 1
            chunkStart = chunkEnd
            chunkEnd = min(apdu.count, chunkStart + ifsc)
            let more = chunkEnd < apdu.count
            phase = more ? .sendingChain : .awaitingResponse
            pendingI = T1Block.encode(nad: nad, pcb: T1Block.pcb(.information(sequence: ns, more: more)),
                                      inf: apdu[chunkStart..<chunkEnd], edc: edc)
            last = pendingI
            return .send(last, waitMultiplier: 0)
        case .sendingChain, .awaitingResponse:
            // R(N(R) = our pending N(S)): the card asks for our pending I-block again.
            guard sequence == ns else { return fault(.other) }
            if external {
                errors += 1
                guard errors <= T1Exchange.maxRetries else { return startResynch() }
                return .resendExternalBlock
            }
            return retransmit(pendingI)
        case .receivingChain:
            // Our acknowledgement did not arrive intact: send it again.
            let ack = T1Block.encode(nad: nad, pcb: T1Block.pcb(.receiveReady(sequence: nr, error: .none)),
                                     inf: [], edc: edc)
            return retransmit(ack)
        default:
            return fault(.other)
        }
    }

    private mutating func sendS(_ type: T1Block.SType, inf: [UInt8], waitMultiplier: UInt8) -> T1Step {
        last = T1Block.encode(nad: nad, pcb: T1Block.pcb(.supervisory(type, response: true)),
                              inf: inf[...], edc: edc)
        return .send(last, waitMultiplier: waitMultiplier)
    }

    private mutating func retransmit(_ block: [UInt8]) -> T1Step {
        errors += 1
        guard errors <= T1Exchange.maxRetries else { return startResynch() }
        last = block
        return .send(block, waitMultiplier: 0)
    }

    /// An invalid block or none: ask for the card's block again with R(N(R)) and the error bits.
    private mutating func fault(_ error: T1Block.RError) -> T1Step {
        if phase == .resynching { return resynchAgain() }
        if phase == .aborted { return .failed(T1Error(.abortedByCard)) }
        let block = T1Block.encode(nad: nad, pcb: T1Block.pcb(.receiveReady(sequence: nr, error: error)),
                                   inf: [], edc: edc)
        return retransmit(block)
    }

    private mutating func startResynch() -> T1Step {
        phase = .resynching
        resynchs = 1
        last = T1Block.encode(nad: nad, pcb: T1Block.pcb(.supervisory(.resynch, response: false)),
                              inf: [], edc: edc)
        return .send(last, waitMultiplier: 0)
    }

    private mutating func resynchAgain() -> T1Step {
        resynchs += 1
        guard resynchs <= T1Exchange.maxResynchs else {
            return .failed(answeredDuringResynch
                ? T1Error(.resetNeeded, "no valid S(RESYNCH response) after \(T1Exchange.maxResynchs) requests")
                : T1Error(.cardNotResponding, "no answer to \(T1Exchange.maxResynchs) S(RESYNCH request)"))
        }
        return .send(last, waitMultiplier: 0)
    }
}
