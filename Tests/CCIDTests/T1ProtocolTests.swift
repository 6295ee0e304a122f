import CCID
import Testing

/// The exchanges of ISO 7816-3 Annex A (T=1 scenarios), host side, against a scripted card
/// that checks every block the host sends byte for byte. I(n,m): N(S)=n, M=m; R(n): N(R)=n.
@Suite struct T1ProtocolTests {
    static let select: [UInt8] = [0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00]
    static let ok: [UInt8] = [0x90, 0x00]

    private func run(_ edc: T1EDC, ifsc: Int = 32, _ steps: [ScriptedCard.Step],
                     _ body: (T1Protocol) async throws -> Void) async throws {
        let card = ScriptedCard(steps)
        let t1 = T1Protocol(transport: card, edc: edc, ifsc: ifsc)
        try await body(t1)
        let failures = await card.failures
        #expect(failures.isEmpty, "\(failures)")
        #expect(await card.finished)
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func plainExchangeAlternatesSequenceNumbers(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0x00, Self.select, edc), t1(0x00, Self.ok, edc)),     // I(0,0) -> I(0,0)
            step(t1(0x40, Self.select, edc), t1(0x40, [0x6A, 0x82], edc)), // I(1,0) -> I(1,0)
            step(t1(0x00, Self.select, edc), t1(0x00, Self.ok, edc)),
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == Self.ok)
            #expect(try await t1.transceive(Self.select) == [0x6A, 0x82])
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func chainingFromHost(edc: T1EDC) async throws {
        let apdu: [UInt8] = Array(0..<10)
        try await run(edc, ifsc: 4, [
            step(t1(0x20, [0, 1, 2, 3], edc), t1(0x90, [], edc)),  // I(0,1) -> R(1)
            step(t1(0x60, [4, 5, 6, 7], edc), t1(0x80, [], edc)),  // I(1,1) -> R(0)
            step(t1(0x00, [8, 9], edc), t1(0x00, Self.ok, edc)),   // I(0,0) -> I(0,0)
            step(t1(0x40, [1], edc), t1(0x40, Self.ok, edc)),      // next APDU: I(1,0)
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(apdu) == Self.ok)
            #expect(try await t1.transceive([1]) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func chainingFromCard(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0x00, Self.select, edc), t1(0x20, [1, 2, 3], edc)), // I(0,0) -> I(0,1)
            step(t1(0x90, [], edc), t1(0x60, [4, 5], edc)),              // R(1) -> I(1,1)
            step(t1(0x80, [], edc), t1(0x00, Self.ok, edc)),             // R(0) -> I(0,0)
            step(t1(0x40, Self.select, edc), t1(0x40, Self.ok, edc)),    // I(1,0) -> I(1,0)
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == [1, 2, 3, 4, 5, 0x90, 0x00])
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func ifsRequestByCardChangesChunkSize(edc: T1EDC) async throws {
        let apdu: [UInt8] = Array(0..<8)
        try await run(edc, ifsc: 4, [
            step(t1(0x20, [0, 1, 2, 3], edc), t1(0xC1, [0x02], edc)),  // I(0,1) -> S(IFS req 2)
            step(t1(0xE1, [0x02], edc), t1(0x90, [], edc)),            // S(IFS resp 2) -> R(1)
            step(t1(0x60, [4, 5], edc), t1(0x80, [], edc)),            // I(1,1) with IFSC 2 -> R(0)
            step(t1(0x00, [6, 7], edc), t1(0x00, Self.ok, edc)),       // I(0,0) -> I(0,0)
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(apdu) == Self.ok)
            #expect(await t1.ifsc == 2)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func ifsRequestByHost(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0xC1, [0xFE], edc), nil),                         // lost: retry
            step(t1(0xC1, [0xFE], edc), t1(0xE1, [0xFE], edc)),
        ]) { (t1: T1Protocol) async throws in
            try await t1.negotiateIFSD(0x10000)   // dwMaxIFSD beyond 254 is clamped
            #expect(await t1.ifsd == 254)
        }
    }

    @Test func ifsRequestRefused() async throws {
        let request = t1(0xC1, [0x80], .lrc)
        try await run(.lrc, Array(repeating: step(request, t1(0xE1, [0x20], .lrc)), count: 4)) { t1 in
            await #expect(throws: T1Error(.ifsNegotiationFailed, "S(IFS request) with IFSD 128 not confirmed")) {
                try await t1.negotiateIFSD(128)
            }
            #expect(await t1.ifsd == 32)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func waitingTimeExtension(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0x00, Self.select, edc), t1(0xC3, [0x03], edc)),          // -> S(WTX req 3)
            step(t1(0xE3, [0x03], edc), t1(0x00, Self.ok, edc), wait: 3),     // S(WTX resp 3), 3 BWT
            step(t1(0x40, Self.select, edc), t1(0x40, Self.ok, edc), wait: 0),
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == Self.ok)
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func lostIBlockIsRetransmitted(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0x00, Self.select, edc), nil),                      // BWT expires
            step(t1(0x82, [], edc), t1(0x80, [], edc)),                 // R(0) other error -> R(0)
            step(t1(0x00, Self.select, edc), t1(0x00, Self.ok, edc)),   // I(0,0) again
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func garbledResponseIsRequestedAgain(edc: T1EDC) async throws {
        var garbled = t1(0x00, Self.ok, edc)
        garbled[3] ^= 0x40
        try await run(edc, [
            step(t1(0x00, Self.select, edc), garbled),                  // bad EDC
            step(t1(0x81, [], edc), garbled),                           // R(0) EDC error; garbled again
            step(t1(0x81, [], edc), [0x00, 0x00, 0x05, 0x90]),          // truncated -> other error
            step(t1(0x82, [], edc), t1(0x00, Self.ok, edc)),
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func rBlockErrorIndicationRetransmits(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0x00, Self.select, edc), t1(0x81, [], edc)),        // card: R(0) EDC error
            step(t1(0x00, Self.select, edc), t1(0x82, [], edc)),        // card: R(0) other error
            step(t1(0x00, Self.select, edc), t1(0x00, Self.ok, edc)),
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func garbledChainedBlockFromCard(edc: T1EDC) async throws {
        var garbled = t1(0x60, [4, 5], edc)
        garbled[garbled.count - 1] ^= 0xFF
        try await run(edc, [
            step(t1(0x00, Self.select, edc), t1(0x20, [1, 2, 3], edc)),
            step(t1(0x90, [], edc), garbled),
            step(t1(0x91, [], edc), t1(0x60, [4, 5], edc)),             // R(1) EDC error
            step(t1(0x80, [], edc), t1(0x90, [], edc)),                 // our R(0) lost: card R
            step(t1(0x80, [], edc), t1(0x00, Self.ok, edc)),            // R(0) again
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == [1, 2, 3, 4, 5, 0x90, 0x00])
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func resynchAfterThreeRetries(edc: T1EDC) async throws {
        let junk: [UInt8] = [0xFF]
        try await run(edc, [
            step(t1(0x00, Self.select, edc), junk),
            step(t1(0x82, [], edc), junk),
            step(t1(0x82, [], edc), junk),
            step(t1(0x82, [], edc), junk),
            step(t1(0xC0, [], edc), t1(0xE0, [], edc)),                 // S(RESYNCH) both ways
            step(t1(0x00, Self.select, edc), t1(0x00, Self.ok, edc)),   // sequence numbers reset
        ]) { (t1: T1Protocol) async throws in
            await #expect(throws: T1Error(.resynchronized)) { try await t1.transceive(Self.select) }
            #expect(try await t1.transceive(Self.select) == Self.ok)
        }
    }

    @Test func resynchResetsSequenceNumbersMidSession() async throws {
        try await run(.lrc, [
            step(t1(0x00, [1], .lrc), t1(0x00, Self.ok, .lrc)),
            step(t1(0x40, [2], .lrc), t1(0x91, [], .lrc)),  // R(1) EDC error: send I(1) again
            step(t1(0x40, [2], .lrc), t1(0x91, [], .lrc)),  // R(1) EDC error: send I(1) again
            step(t1(0x40, [2], .lrc), t1(0x91, [], .lrc)),  // R(1) EDC error: send I(1) again
            step(t1(0x40, [2], .lrc), t1(0x91, [], .lrc)),  // R(1) EDC error: send I(1) again
            step(t1(0xC0, [], .lrc), nil),
            step(t1(0xC0, [], .lrc), t1(0xE0, [], .lrc)),
            step(t1(0x00, [3], .lrc), t1(0x00, Self.ok, .lrc)),
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive([1]) == Self.ok)
            await #expect(throws: T1Error(.resynchronized)) { try await t1.transceive([2]) }
            #expect(try await t1.transceive([3]) == Self.ok)
        }
    }

    @Test func mutedCardGivesUp() async throws {
        try await run(.lrc, [
            step(t1(0x00, [1], .lrc), nil),
            step(t1(0x82, [], .lrc), nil),
            step(t1(0x82, [], .lrc), nil),
            step(t1(0x82, [], .lrc), nil),
            step(t1(0xC0, [], .lrc), nil),
            step(t1(0xC0, [], .lrc), nil),
            step(t1(0xC0, [], .lrc), nil),
        ]) { (t1: T1Protocol) async throws in
            await #expect(throws: T1Error(.cardNotResponding, "no answer to 3 S(RESYNCH request)")) {
                try await t1.transceive([1])
            }
        }
    }

    @Test func garbageForeverNeedsReset() async throws {
        try await run(.lrc, [
            step(t1(0x00, [1], .lrc), [0]),
            step(t1(0x82, [], .lrc), [0]),
            step(t1(0x82, [], .lrc), [0]),
            step(t1(0x82, [], .lrc), [0]),
            step(t1(0xC0, [], .lrc), [0]),
            step(t1(0xC0, [], .lrc), t1(0x00, [], .lrc)),
            step(t1(0xC0, [], .lrc), nil),
        ]) { (t1: T1Protocol) async throws in
            await #expect(throws: T1Error.self) { try await t1.transceive([1]) }
        }
        var exchange = T1Exchange(apdu: [1], ns: 0, nr: 0, ifsc: 32, edc: .lrc)
        var last: T1Step = .send([], waitMultiplier: 0)
        for _ in 0..<7 { last = exchange.received([0]) }
        #expect(last == .failed(T1Error(.resetNeeded, "no valid S(RESYNCH response) after 3 requests")))
    }

    @Test func abortByCard() async throws {
        try await run(.lrc, ifsc: 1, [
            step(t1(0x20, [1], .lrc), t1(0xC2, [], .lrc)),              // S(ABORT request)
            step(t1(0xE2, [], .lrc), t1(0x80, [], .lrc)),               // S(ABORT response)
        ]) { (t1: T1Protocol) async throws in
            await #expect(throws: T1Error(.abortedByCard)) { try await t1.transceive([1, 2]) }
        }
    }

    @Test func endlessWTXIsBounded() {
        var exchange = T1Exchange(apdu: [1], ns: 0, nr: 0, ifsc: 32, edc: .lrc, maxResponseLength: 16)
        var steps = 0
        while case .send = exchange.received(t1(0xC3, [1], .lrc)) {
            steps += 1
            if steps > 100_000 { break }
        }
        #expect(steps < 5_000)
    }

    @Test func responseBoundIsEnforced() {
        var exchange = T1Exchange(apdu: [1], ns: 0, nr: 0, ifsc: 32, edc: .lrc, maxResponseLength: 300)
        #expect(exchange.received(t1(0x20, Array(repeating: 0, count: 254), .lrc)) == .send(t1(0x90, [], .lrc), waitMultiplier: 0))
        #expect(exchange.received(t1(0x60, Array(repeating: 0, count: 254), .lrc))
                == .failed(T1Error(.responseTooLong, "over 300 bytes")))
    }

    @Test func unexpectedBlocksAreAnsweredWithOtherError() {
        var exchange = T1Exchange(apdu: [1, 2], ns: 0, nr: 0, ifsc: 1, edc: .lrc)
        // While we chain, an I-block from the card is a protocol error.
        #expect(exchange.received(t1(0x00, Self.ok, .lrc)) == .send(t1(0x82, [], .lrc), waitMultiplier: 0))
        // A card S(RESYNCH request) is not allowed either.
        #expect(exchange.received(t1(0xC0, [], .lrc)) == .send(t1(0x82, [], .lrc), waitMultiplier: 0))
        // Acknowledgement still works afterwards.
        #expect(exchange.received(t1(0x90, [], .lrc)) == .send(t1(0x40, [2], .lrc), waitMultiplier: 0))
        // Wrong N(S) from the card.
        #expect(exchange.received(t1(0x40, Self.ok, .lrc)) == .send(t1(0x82, [], .lrc), waitMultiplier: 0))
        #expect(exchange.received(t1(0x00, Self.ok, .lrc)) == .finished(Self.ok))
        #expect(exchange.ns == 0 && exchange.nr == 1)
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func chainedBlockAskedAgainByCard(edc: T1EDC) async throws {
        try await run(edc, ifsc: 2, [
            step(t1(0x20, [1, 2], edc), t1(0x81, [], edc)),             // I(0,1) -> R(0) EDC error
            step(t1(0x20, [1, 2], edc), t1(0x90, [], edc)),             // I(0,1) again -> R(1)
            step(t1(0x40, [3], edc), nil),                              // I(1,0) -> lost answer
            step(t1(0x82, [], edc), t1(0x90, [], edc)),                 // R(0) -> card R(1): send I(1,0) again
            step(t1(0x40, [3], edc), t1(0x00, Self.ok, edc)),
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive([1, 2, 3]) == Self.ok)
        }
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func supervisoryRequestsDuringCardChaining(edc: T1EDC) async throws {
        try await run(edc, [
            step(t1(0x00, Self.select, edc), t1(0x20, [1], edc)),       // I(0,0) -> I(0,1)
            step(t1(0x90, [], edc), t1(0xC3, [0x0A], edc)),             // R(1) -> S(WTX 10)
            step(t1(0xE3, [0x0A], edc), t1(0xC1, [0x80], edc), wait: 10), // -> S(IFS 128)
            step(t1(0xE1, [0x80], edc), t1(0x40, [2, 0x90, 0x00], edc)),  // -> I(1,0)
        ]) { (t1: T1Protocol) async throws in
            #expect(try await t1.transceive(Self.select) == [1, 2, 0x90, 0x00])
            #expect(await t1.ifsc == 128)
        }
    }

    @Test func nadIsCarried() async throws {
        let card = ScriptedCard([step(t1(0x00, [1], .lrc, nad: 0x12), t1(0x00, Self.ok, .lrc, nad: 0x21))])
        let t1 = T1Protocol(transport: card, nad: 0x12)
        #expect(try await t1.transceive([1]) == Self.ok)
        #expect(await card.failures.isEmpty)
        await #expect(throws: T1Error(.invalidParameter, "empty APDU")) { try await t1.transceive([]) }
    }

    @Test func errorMessagesSayWhatToDo() {
        #expect(T1Error(.cardNotResponding).description.contains("reset"))
        #expect(T1Error(.badEDC, "LRC at offset 5").description.hasSuffix("(LRC at offset 5)"))
    }
}
