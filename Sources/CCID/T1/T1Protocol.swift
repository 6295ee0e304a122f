/// The T=1 block protocol towards one card (ISO 7816-3 §11): chaining, IFS, WTX, error
/// recovery and resynchronisation over an abstract `TPDUTransport`.
///
/// An actor because it holds the link's sequence numbers, which must survive between APDUs
/// and must not be touched by two exchanges at once; a second concurrent `transceive` is
/// refused with `.busy` (actor reentrancy would otherwise interleave two chains).
public actor T1Protocol {
    public let transport: any TPDUTransport
    public let nad: UInt8
    public let edc: T1EDC
    /// Largest INF the card accepts: TA(i) for T=1 of the ATR, default 32; the card may
    /// change it with S(IFS request).
    public private(set) var ifsc: Int
    /// Largest INF we accept, announced with `negotiateIFSD`; default 32.
    public private(set) var ifsd: Int = 32
    /// Bound on one response APDU (default: extended Ne 65536 + SW).
    public let maxResponseLength: Int
    private var ns: UInt8 = 0
    private var nr: UInt8 = 0
    private var busy = false

    public init(transport: any TPDUTransport, edc: T1EDC = .lrc, ifsc: Int = 32, nad: UInt8 = 0,
                maxResponseLength: Int = 65_538) {
        self.transport = transport
        self.maxResponseLength = maxResponseLength
        self.edc = edc
        self.ifsc = min(max(ifsc, 1), T1Block.maxINF)
        self.nad = nad
    }

    /// Sends one command APDU and returns the card's response APDU (data + SW1 SW2).
    public func transceive(_ apdu: [UInt8]) async throws -> [UInt8] {
        guard !apdu.isEmpty else { throw T1Error(.invalidParameter, "empty APDU") }
        guard !busy else { throw T1Error(.busy) }
        busy = true
        defer { busy = false }
        var exchange = T1Exchange(apdu: apdu, ns: ns, nr: nr, ifsc: ifsc, nad: nad, edc: edc,
                                  maxResponseLength: maxResponseLength)
        let reply = try await exchangeBlock(exchange.firstBlock, waitMultiplier: 0)
        return try await run(&exchange, reply: reply, resend: nil)
    }

    /// Has the reader send its I-block (again, when `resend`); returns the card's block, nil
    /// when the card stayed mute.
    public typealias ReaderBuiltBlock = @Sendable (_ prologue: [UInt8], _ resend: Bool) async throws -> [UInt8]?

    /// One exchange whose I-block the reader builds: a TPDU-level PIN pad inserts the PIN into
    /// the APDU and frames it with the prologue we give (CCID 1.1 §6.1.11 bTeoPrologue), so
    /// the PIN never reaches the host. `send` carries the PC_to_RDR_Secure (`resend`: ask the
    /// reader to send that block again, bPINOperation 05) and returns the card's block, or nil
    /// when the card stayed mute. Every later block (R, S(WTX), S(IFS), the card's chain) goes
    /// through the transport like any other exchange's, and the sequence numbers advance as
    /// if we had sent the I-block ourselves. When `send` throws before the card answered (PIN
    /// entry timed out or was cancelled, the reader refused), no block went to the card and
    /// the state stays as it was (libccid's SecurePINVerify undoes its increment likewise).
    public func transceive(readerBuiltINFLength length: Int, send: @escaping ReaderBuiltBlock) async throws -> [UInt8] {
        guard !busy else { throw T1Error(.busy) }
        busy = true
        defer { busy = false }
        var exchange = try T1Exchange(externalINFLength: length, ns: ns, nr: nr, ifsc: ifsc, nad: nad, edc: edc,
                                      maxResponseLength: maxResponseLength)
        let prologue = exchange.prologue
        let reply = try await send(prologue, false)
        return try await run(&exchange, reply: reply, resend: { try await send(prologue, true) })
    }

    /// Follows the engine from the card's first answer to the response APDU.
    private func run(_ exchange: inout T1Exchange, reply first: [UInt8]?,
                     resend: (@Sendable () async throws -> [UInt8]?)?) async throws -> [UInt8] {
        var reply = first
        while true {
            switch exchange.received(reply) {
            case let .send(next, waitMultiplier):
                reply = try await exchangeBlock(next, waitMultiplier: waitMultiplier)
            case .resendExternalBlock:
                guard let resend else { throw T1Error(.invalidParameter, "no reader-built block to send again") }
                reply = try await resend()
            case let .finished(response):
                adopt(exchange)
                return response
            case let .failed(error):
                adopt(exchange)
                throw error
            }
        }
    }

    /// Announces our IFSD with S(IFS request) (§11.4.2). `maxIFSD` is the reader's dwMaxIFSD;
    /// the value sent is clamped to 1...254. Retried up to three times on a garbled or missing
    /// answer.
    public func negotiateIFSD(_ maxIFSD: Int) async throws {
        guard !busy else { throw T1Error(.busy) }
        busy = true
        defer { busy = false }
        let value = UInt8(min(max(maxIFSD, 1), T1Block.maxINF))
        let request = T1Block(nad: nad, kind: .supervisory(.ifs, response: false), inf: [value]).encoded(edc: edc)
        for _ in 0...T1Exchange.maxRetries {
            guard let reply = try await exchangeBlock(request, waitMultiplier: 0),
                  let block = try? T1Block(parsing: reply, edc: edc) else { continue }
            if block.kind == .supervisory(.ifs, response: true), block.inf == [value] {
                ifsd = Int(value)
                return
            }
        }
        throw T1Error(.ifsNegotiationFailed, "S(IFS request) with IFSD \(value) not confirmed")
    }

    /// Resets both sequence numbers with S(RESYNCH request), e.g. after a transport error
    /// left the link state unknown.
    public func resynchronize() async throws {
        guard !busy else { throw T1Error(.busy) }
        busy = true
        defer { busy = false }
        let request = T1Block(nad: nad, kind: .supervisory(.resynch, response: false)).encoded(edc: edc)
        var answered = false
        for _ in 0..<T1Exchange.maxResynchs {
            guard let reply = try await exchangeBlock(request, waitMultiplier: 0) else { continue }
            answered = true
            if let block = try? T1Block(parsing: reply, edc: edc), block.kind == .supervisory(.resynch, response: true) {
                ns = 0
                nr = 0
                return
            }
        }
        throw answered ? T1Error(.resetNeeded, "S(RESYNCH) not confirmed") : T1Error(.cardNotResponding)
    }

    /// One round trip; a BWT timeout becomes `nil`, which the recovery rules handle.
    private func exchangeBlock(_ block: [UInt8], waitMultiplier: UInt8) async throws -> [UInt8]? {
        do {
            return try await transport.transmit(block, waitMultiplier: waitMultiplier)
        } catch let error as T1Error where error.code == .timeout {
            return nil
        }
    }

    private func adopt(_ exchange: T1Exchange) {
        ns = exchange.ns
        nr = exchange.nr
        ifsc = exchange.ifsc
    }
}
