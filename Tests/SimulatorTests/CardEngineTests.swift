import CCID
import Simulator
import Testing

/// The card-side engines on their own, for the corners the reader tests do not reach.
@Suite struct CardT1EngineTests {
    var card: any SimulatedCard = MemoryCard.t1(ifsc: 0x20)
    var engine = CardT1Engine(edc: .lrc, ifsc: 0x20)

    @Test mutating func repeatedIBlockGetsTheSameAnswerAgain() {
        let select = lrcBlock(0, 0x00, bytes("00A4000C022F00"))
        let answer = engine.receive(select, card: &card)
        #expect(answer == lrcBlock(0, 0x00, [0x90, 0x00]))
        // The host did not get it and sends I(0) again: the card repeats, it does not re-execute.
        #expect(engine.receive(select, card: &card) == answer)
    }

    @Test mutating func oversizedBlockAndHostWTXRequestAreErrors() {
        let tooLong = lrcBlock(0, 0x00, Array(repeating: 0, count: 33))
        #expect(engine.receive(tooLong, card: &card) == lrcBlock(0, 0x82))
        #expect(engine.receive(lrcBlock(0, 0xC3, [1]), card: &card) == lrcBlock(0, 0x82))
    }

    /// ISO 7816-3 Annex A: an R-block naming the card's last I-block gets it again; one that
    /// does not (the host's own block was lost) asks for the host's block.
    @Test mutating func anRBlockGetsTheLastIBlockOnlyWhenItNamesIt() {
        let select = lrcBlock(0, 0x00, bytes("00A4000C022F00"))
        let answer = engine.receive(select, card: &card)                    // card I(0)
        #expect(engine.receive(lrcBlock(0, 0x82), card: &card) == answer)  // R(0): repeat I(0)
        // The host's I(1) never arrived; its R(1) names no block of ours: ask for I(1).
        #expect(engine.receive(lrcBlock(0, 0x92), card: &card) == lrcBlock(0, 0x90))
    }

    @Test mutating func theCardCanLowerItsIFSCBeforeAnswering() {
        engine.requestIFS(4)
        let select = lrcBlock(0, 0x00, bytes("00A4000C022F00"))
        #expect(engine.receive(select, card: &card) == lrcBlock(0, 0xC1, [4]))
        // Lost on the way: the host's R-block gets the request again.
        #expect(engine.receive(lrcBlock(0, 0x82), card: &card) == lrcBlock(0, 0xC1, [4]))
        #expect(engine.receive(lrcBlock(0, 0xE1, [4]), card: &card) == lrcBlock(0, 0x00, [0x90, 0x00]))
        #expect(engine.ifsc == 4)
        #expect(engine.receive(lrcBlock(0, 0x40, Array(repeating: 0, count: 5)), card: &card) == lrcBlock(0, 0x92))
    }

    @Test mutating func abortRequestIsAnswered() {
        _ = engine.receive(lrcBlock(0, 0x20, Array(repeating: 0, count: 10)), card: &card)
        #expect(engine.receive(lrcBlock(0, 0xC2), card: &card) == lrcBlock(0, 0xE2))
    }

    @Test mutating func crcCardsUseCRC() {
        var engine = CardT1Engine(edc: .crc, ifsc: 0xFE)
        let body: [UInt8] = [0x00, 0x00, 0x07] + bytes("00A4000C022F00")
        let crc = T1EDC.crc(body[...])
        let block = body + [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        let answer = engine.receive(block, card: &card)
        let expectedBody: [UInt8] = [0x00, 0x00, 0x02, 0x90, 0x00]
        let expectedCRC = T1EDC.crc(expectedBody[...])
        #expect(answer == expectedBody + [UInt8(expectedCRC >> 8), UInt8(expectedCRC & 0xFF)])
    }
}

@Suite struct PINFormatTests {
    func verified(template: [UInt8], format: UInt8, block: UInt8, cardBlock: [UInt8]) async throws -> [UInt8] {
        let card = MemoryCard(atr: MemoryCard.t1ATR(), protocols: .t1, files: [:], pinBlock: cardBlock)
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(card)
        await reader.press(KeypadKey.digits("1234") + [.ok])
        return try await reader.exchange(sequence: 1, SecurePINTests.asciiVerify(template, format: format, block: block))
    }

    @Test func bcdRightJustified() async throws {
        let answer = try await verified(template: bytes("00 20 00 81 08 FFFFFFFFFFFFFFFF"), format: 0x85, block: 0x08,
                                        cardBlock: bytes("FFFFFFFFFFFF 1234"))
        #expect(answer == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func binaryDigitPerByte() async throws {
        let answer = try await verified(template: bytes("00 20 00 81 08 FFFFFFFFFFFFFFFF"), format: 0x80, block: 0x08,
                                        cardBlock: bytes("01020304 FFFFFFFF"))
        #expect(answer == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func asciiAtByteOffsetTwo() async throws {
        // PIN position 2 in byte units: bmFormatString 1 0010 0 10 = 0x92.
        let answer = try await verified(template: bytes("00 20 00 81 08 AABBFFFFFFFFFFFF"), format: 0x92, block: 0x06,
                                        cardBlock: bytes("AABB 31323334 FFFF"))
        #expect(answer == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
    }
}
