import CCID
import Simulator
import Testing
import USBLink

/// TPDU level: the host frames T=1 blocks and T=0 TPDUs itself; the simulated card answers
/// them through its card-side engine.
@Suite struct TPDUT1Tests {
    /// GemPC Twin with a T=1 card whose IFSC is 32, so 40 bytes of data need chaining.
    func reader(_ card: MemoryCard = .t1(ifsc: 0x20)) async throws -> SimulatedCCIDReader {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        try await reader.insertAndPowerOn(card)
        return reader
    }

    @Test func singleBlockExchange() async throws {
        let reader = try await reader()
        let select = lrcBlock(0x00, 0x00, bytes("00A4000C022F00"))
        #expect(select == bytes("00 00 07 00A4000C022F00 82"))
        #expect(try await reader.exchange(sequence: 1, xfr(select)) == reply(0x80, seq: 1, 0, 0, 0, lrcBlock(0, 0x00, [0x90, 0x00])))
        // Second exchange: both sides have toggled N(S).
        let read = lrcBlock(0x00, 0x40, bytes("00B0000004"))
        #expect(try await reader.exchange(sequence: 2, xfr(read)) == reply(0x80, seq: 2, 0, 0, 0, lrcBlock(0, 0x40, bytes("00010203 9000"))))
    }

    @Test func chainingInBothDirections() async throws {
        let reader = try await reader()
        _ = try await reader.exchange(sequence: 1, xfr(lrcBlock(0, 0x00, bytes("00A4000C022F00"))))
        // Host → card: UPDATE BINARY with 40 bytes is 45 bytes of APDU, IFSC 32: two blocks.
        let update = bytes("00D6000028") + Array(repeating: 0xAB, count: 40)
        let first = lrcBlock(0, 0x60, Array(update[0..<32]))          // I(1, more)
        #expect(try await reader.exchange(sequence: 2, xfr(first)) == reply(0x80, seq: 2, 0, 0, 0, lrcBlock(0, 0x80)))  // R(0)
        let second = lrcBlock(0, 0x00, Array(update[32...]))          // I(0)
        #expect(try await reader.exchange(sequence: 3, xfr(second)) == reply(0x80, seq: 3, 0, 0, 0, lrcBlock(0, 0x40, [0x90, 0x00])))
        // Card → host: 64 bytes + SW with the default IFSD of 32: I(0,M) 32, I(1,M) 32, I(0) 2.
        let content = Array(repeating: UInt8(0xAB), count: 40) + (40..<64).map { UInt8($0) }
        #expect(try await reader.exchange(sequence: 4, xfr(lrcBlock(0, 0x40, bytes("00B0000040")))) ==
                reply(0x80, seq: 4, 0, 0, 0, lrcBlock(0, 0x20, Array(content[0..<32]))))
        #expect(try await reader.exchange(sequence: 5, xfr(lrcBlock(0, 0x90))) ==    // R(1)
                reply(0x80, seq: 5, 0, 0, 0, lrcBlock(0, 0x60, Array(content[32..<64]))))
        // R(1) again asks for I(1) once more (it was lost): the card retransmits it.
        #expect(try await reader.exchange(sequence: 6, xfr(lrcBlock(0, 0x90))) ==
                reply(0x80, seq: 6, 0, 0, 0, lrcBlock(0, 0x60, Array(content[32..<64]))))
        #expect(try await reader.exchange(sequence: 7, xfr(lrcBlock(0, 0x80))) ==    // R(0)
                reply(0x80, seq: 7, 0, 0, 0, lrcBlock(0, 0x00, [0x90, 0x00])))
    }

    @Test func ifsRequestRaisesIFSD() async throws {
        let reader = try await reader()
        #expect(try await reader.exchange(sequence: 1, xfr(lrcBlock(0, 0xC1, [0xFE]))) ==
                reply(0x80, seq: 1, 0, 0, 0, lrcBlock(0, 0xE1, [0xFE])))
        _ = try await reader.exchange(sequence: 2, xfr(lrcBlock(0, 0x00, bytes("00A4000C022F00"))))
        // 64 bytes now come in one block.
        let answer = try await reader.exchange(sequence: 3, xfr(lrcBlock(0, 0x40, bytes("00B0000040"))))
        #expect(answer == reply(0x80, seq: 3, 0, 0, 0, lrcBlock(0, 0x40, (0..<64).map { UInt8($0) } + [0x90, 0x00])))
    }

    @Test func badEDCGetsRBlockWithEDCError() async throws {
        let reader = try await reader()
        var block = lrcBlock(0, 0x00, bytes("00A4000C022F00"))
        block[block.count - 1] ^= 0xFF
        #expect(try await reader.exchange(sequence: 1, xfr(block)) == reply(0x80, seq: 1, 0, 0, 0, lrcBlock(0, 0x81)))
    }

    @Test func cardAsksForWaitingTimeExtensions() async throws {
        let reader = try await reader(.t1(ifsc: 0x20, wtxRequests: 2))
        let select = lrcBlock(0, 0x00, bytes("00A4000C022F00"))
        #expect(try await reader.exchange(sequence: 1, xfr(select)) == reply(0x80, seq: 1, 0, 0, 0, lrcBlock(0, 0xC3, [0x01])))
        #expect(try await reader.exchange(sequence: 2, xfr(lrcBlock(0, 0xE3, [0x01]))) ==
                reply(0x80, seq: 2, 0, 0, 0, lrcBlock(0, 0xC3, [0x01])))
        #expect(try await reader.exchange(sequence: 3, xfr(lrcBlock(0, 0xE3, [0x01]))) ==
                reply(0x80, seq: 3, 0, 0, 0, lrcBlock(0, 0x00, [0x90, 0x00])))
    }

    @Test func resynchResetsSequenceNumbers() async throws {
        let reader = try await reader()
        _ = try await reader.exchange(sequence: 1, xfr(lrcBlock(0, 0x00, bytes("00A4000C022F00"))))
        #expect(try await reader.exchange(sequence: 2, xfr(lrcBlock(0, 0xC0))) == reply(0x80, seq: 2, 0, 0, 0, lrcBlock(0, 0xE0)))
        #expect(try await reader.exchange(sequence: 3, xfr(lrcBlock(0, 0x00, bytes("00A4000C022F00")))) ==
                reply(0x80, seq: 3, 0, 0, 0, lrcBlock(0, 0x00, [0x90, 0x00])))
    }
}

@Suite struct TPDUT0Tests {
    func reader() async throws -> SimulatedCCIDReader {
        let reader = SimulatedCCIDReader(profile: .tpduT0Reader)
        let atr = try await reader.insertAndPowerOn(MemoryCard.t0())
        #expect(atr == reply(0x80, seq: 0, 0, 0, 0, bytes("3B021450")))
        return reader
    }

    @Test func case3AndCase2() async throws {
        let reader = try await reader()
        #expect(try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00"))) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
        #expect(try await reader.exchange(sequence: 2, xfr(bytes("00B0000004"))) == reply(0x80, seq: 2, 0, 0, 0, bytes("00010203 9000")))
    }

    @Test func case4AnswersWith61xxThenGetResponse() async throws {
        let reader = try await reader()
        #expect(try await reader.exchange(sequence: 1, xfr(bytes("00A40000022F00"))) == reply(0x80, seq: 1, 0, 0, 0, [0x61, 0x06]))
        // P3 too large for what is waiting: 6C06.
        #expect(try await reader.exchange(sequence: 2, xfr(bytes("00C0000008"))) == reply(0x80, seq: 2, 0, 0, 0, [0x6C, 0x06]))
        // Part of it: 4 bytes and 61 02 for the rest.
        #expect(try await reader.exchange(sequence: 3, xfr(bytes("00C0000004"))) == reply(0x80, seq: 3, 0, 0, 0, bytes("62048002 6102")))
        #expect(try await reader.exchange(sequence: 4, xfr(bytes("00C0000002"))) == reply(0x80, seq: 4, 0, 0, 0, bytes("012C 9000")))
    }

    @Test func wrongLeGets6CxxAndTheRetryWorks() async throws {
        let reader = try await reader()
        _ = try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00")))
        // 300-byte file, offset 0x120 = 288: 12 bytes left, 32 asked.
        #expect(try await reader.exchange(sequence: 2, xfr(bytes("00B0012020"))) == reply(0x80, seq: 2, 0, 0, 0, [0x6C, 0x0C]))
        #expect(try await reader.exchange(sequence: 3, xfr(bytes("00B001200C"))) ==
                reply(0x80, seq: 3, 0, 0, 0, (288..<300).map { UInt8(truncatingIfNeeded: $0) } + [0x90, 0x00]))
    }

    @Test func case1() async throws {
        let reader = try await reader()
        // VERIFY without data asks for the retry counter.
        #expect(try await reader.exchange(sequence: 1, xfr(bytes("00200081"))) == reply(0x80, seq: 1, 0, 0, 0, [0x63, 0xC3]))
    }
}
