import CCID
import Testing

/// An I-block the reader builds (a TPDU-level PIN pad inserting the PIN, CCID bTeoPrologue):
/// the host gives the prologue, the reader the block, and every later block of the exchange
/// follows ISO 7816-3 §11.6 through the ordinary transport.
@Suite struct T1ReaderBuiltBlockTests {
    static let ok: [UInt8] = [0x90, 0x00]

    /// The reader's side: what each PC_to_RDR_Secure carried and what it answers.
    actor Pad {
        private var replies: [[UInt8]?]
        private(set) var prologues: [[UInt8]] = []
        private(set) var resends: [Bool] = []
        init(_ replies: [[UInt8]?]) { self.replies = replies }
        func send(_ prologue: [UInt8], _ resend: Bool) throws -> [UInt8]? {
            prologues.append(prologue)
            resends.append(resend)
            guard !replies.isEmpty else { throw T1Error(.invalidParameter, "off script") }
            return replies.removeFirst()
        }
    }

    struct PINTimeout: Error {}

    @Test func thePrologueCarriesOurSequenceAndTheStateAdvances() async throws {
        let card = ScriptedCard([
            step(t1(0x00, [1], .lrc), t1(0x00, Self.ok, .lrc)),      // I(0) ourselves
            step(t1(0x00, [2], .lrc), t1(0x00, Self.ok, .lrc)),      // after the pad's I(1): I(0) again
        ])
        let engine = T1Protocol(transport: card, edc: .lrc)
        #expect(try await engine.transceive([1]) == Self.ok)
        let pad = Pad([t1(0x40, [0x63, 0xC2], .lrc)])
        let answer = try await engine.transceive(readerBuiltINFLength: 13) { try await pad.send($0, $1) }
        #expect(answer == [0x63, 0xC2])
        #expect(await pad.prologues == [[0x00, 0x40, 13]])
        #expect(try await engine.transceive([2]) == Self.ok)
        #expect(await card.failures.isEmpty)
        #expect(await card.finished)
    }

    @Test func aPINEntryThatSentNothingLeavesTheStateAlone() async throws {
        let card = ScriptedCard([step(t1(0x00, [1], .lrc), t1(0x00, Self.ok, .lrc))])
        let engine = T1Protocol(transport: card, edc: .lrc)
        await #expect(throws: PINTimeout.self) {
            try await engine.transceive(readerBuiltINFLength: 13) { _, _ in throw PINTimeout() }
        }
        #expect(try await engine.transceive([1]) == Self.ok)
        #expect(await card.failures.isEmpty)
    }

    /// Annex A: the card did not get the block (mute) and asks for it with R(N(S)); the reader
    /// sends it again (bPINOperation 05), the PIN never passing the host.
    @Test func aLostPINBlockIsSentAgainByTheReader() async throws {
        let card = ScriptedCard([step(t1(0x82, [], .lrc), t1(0x80, [], .lrc))])   // R(0) other error -> R(0)
        let engine = T1Protocol(transport: card, edc: .lrc)
        let pad = Pad([nil, t1(0x00, Self.ok, .lrc)])
        #expect(try await engine.transceive(readerBuiltINFLength: 13) { try await pad.send($0, $1) } == Self.ok)
        #expect(await pad.resends == [false, true])
        #expect(await card.failures.isEmpty)
    }

    @Test func wtxAndAChainedAnswerAfterThePINBlockGoThroughTheTransport() async throws {
        let card = ScriptedCard([
            step(t1(0xE3, [0x02], .lrc), t1(0x20, [1, 2], .lrc), wait: 2),   // S(WTX resp) -> I(0,M)
            step(t1(0x90, [], .lrc), t1(0x40, Self.ok, .lrc)),               // R(1) -> I(1)
            step(t1(0x40, [3], .lrc), t1(0x00, Self.ok, .lrc)),              // next APDU: our I(1)
        ])
        let engine = T1Protocol(transport: card, edc: .lrc)
        let pad = Pad([t1(0xC3, [0x02], .lrc)])
        #expect(try await engine.transceive(readerBuiltINFLength: 5) { try await pad.send($0, $1) } == [1, 2, 0x90, 0x00])
        #expect(try await engine.transceive([3]) == Self.ok)
        #expect(await card.failures.isEmpty)
    }

    @Test func aGarbledAnswerIsAskedForWithAnEDCError() async throws {
        var garbled = t1(0x00, Self.ok, .lrc)
        garbled[garbled.count - 1] ^= 0x01
        let card = ScriptedCard([step(t1(0x81, [], .lrc), t1(0x00, Self.ok, .lrc))])   // R(0) EDC error
        let engine = T1Protocol(transport: card, edc: .lrc)
        let pad = Pad([garbled])
        #expect(try await engine.transceive(readerBuiltINFLength: 5) { try await pad.send($0, $1) } == Self.ok)
        #expect(await card.failures.isEmpty)
    }

    @Test func aBlockLongerThanIFSCIsRefusedBeforeAnythingIsSent() async throws {
        let engine = T1Protocol(transport: ScriptedCard([]), edc: .lrc, ifsc: 8)
        let pad = Pad([])
        await #expect(throws: T1Error.self) {
            try await engine.transceive(readerBuiltINFLength: 9) { try await pad.send($0, $1) }
        }
        #expect(await pad.prologues.isEmpty)
    }
}
