import APDU
import CCID
import CCIDReader
import Simulator
import Testing
import Transcript
import USBLink

/// Our host against what independent devices do (CCID 1.1, ISO 7816-3 Annex A, and where
/// libccid falls short): time extensions, an old answer before the right one, a card pulled
/// between commands, and T=1 error recovery, each through the simulated reader and recorded,
/// so the blocks the host sent can be checked.
@Suite struct IndependentDeviceTests {
    struct Bench {
        let simulated: SimulatedCCIDReader
        let reader: CCIDReader
        let connection: CCIDCardConnection
        let sink: MemoryCaptureSink

        init(_ profile: ReaderProfile, _ card: any SimulatedCard) async throws {
            simulated = SimulatedCCIDReader(profile: profile)
            await simulated.insert(card: card)
            sink = MemoryCaptureSink()
            reader = try CCIDReader(link: RecordingLink(wrapping: simulated, sink: sink))
            connection = try await reader.connect()
        }

        func send(_ bytes: [UInt8]) async throws -> ResponseAPDU {
            try await connection.channel.transmit(try CommandAPDU(parsing: bytes))
        }

        /// The T=1 blocks the host sent in XfrBlocks, in order (abData of each PC_to_RDR_XfrBlock).
        var hostBlocks: [[UInt8]] {
            sink.packets.filter { !$0.isIn && $0.transferType == .bulk && $0.data.first == 0x6F }
                .map { Array($0.data.dropFirst(10)) }
        }

        /// bBWI of each XfrBlock, in order.
        var bwis: [UInt8] {
            sink.packets.filter { !$0.isIn && $0.transferType == .bulk && $0.data.first == 0x6F }.map { $0.data[7] }
        }
    }

    static let readFirst: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x04]
    static func read(at offset: UInt8) -> [UInt8] { [0x00, 0xB0, 0x00, offset, 0x04] }
    static func select(_ fid: UInt16) -> [UInt8] { [0x00, 0xA4, 0x02, 0x0C, 0x02, UInt8(fid >> 8), UInt8(fid & 0xFF)] }
    static func verify(_ pin: String) -> [UInt8] { [0x00, 0x20, 0x00, 0x81, 0x08] + MemoryCard.asciiPINBlock(pin) }

    // MARK: CCID

    @Test(arguments: [("TPDU T=1", ReaderProfile.tpduT1Reader), ("short APDU", ReaderProfile.cyberJackEcom)])
    func severalTimeExtensionsBeforeTheAnswer(_ name: String, _ profile: ReaderProfile) async throws {
        let bench = try await Bench(profile, MemoryCard.t1(timeExtensions: 4))
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success, "\(name)")
        #expect(try await bench.send(Self.read(at: 8)).data == [8, 9, 10, 11], "\(name)")
        let extensions = bench.sink.packets.filter { $0.isIn && $0.data.count >= 10 && $0.data[0] == 0x80 && $0.data[7] & 0xC0 == 0x80 }
        #expect(extensions.count >= 8, "\(name): the reader asked for time at least 4 times per command")
    }

    /// The answer to the previous command comes again before the right one. libccid takes
    /// it (bSeq is not checked against the command) and is one answer behind from then on;
    /// we drop it by its bSeq, and every later answer is the one asked for.
    @Test(arguments: [("TPDU T=1", ReaderProfile.tpduT1Reader), ("short APDU", ReaderProfile.cyberJackEcom),
                      ("TPDU T=0", ReaderProfile.tpduT0Reader)])
    func anOldAnswerBeforeTheRightOneLeavesTheSessionInStep(_ name: String, _ profile: ReaderProfile) async throws {
        let card: MemoryCard = profile == .tpduT0Reader ? .t0() : .t1()
        let bench = try await Bench(profile, card)
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)
        #expect(try await bench.send(Self.read(at: 0)).data == [0, 1, 2, 3])
        await bench.simulated.inject(.previousAnswerFirst)
        #expect(try await bench.send(Self.read(at: 16)).data == [16, 17, 18, 19], "\(name)")
        for offset in [32, 48, 64] as [UInt8] {
            #expect(try await bench.send(Self.read(at: offset)).data == (offset..<(offset + 4)).map { $0 }, "\(name)")
        }
    }

    @Test(arguments: [("TPDU T=1", ReaderProfile.tpduT1Reader, 1), ("TPDU T=0", ReaderProfile.tpduT0Reader, 0),
                      ("short APDU", ReaderProfile.cyberJackEcom, 1), ("extended APDU", ReaderProfile.extendedAPDUReader, 1)])
    func aCardPulledBetweenTwoCommandsIsCardRemoved(_ name: String, _ profile: ReaderProfile, _ protocolNumber: Int) async throws {
        let bench = try await Bench(profile, protocolNumber == 1 ? MemoryCard.t1() : MemoryCard.t0())
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)
        await bench.simulated.remove()
        let error = await #expect(throws: CardChannelError.self) { try await bench.send(Self.read(at: 0)) }
        #expect(error?.cause == .cardRemoved, "\(name): \(String(describing: error))")
        // One XfrBlock for the read, none spent on T=1 recovery against an empty slot (T=1 at
        // the TPDU level sent S(IFS) at connect too).
        #expect(bench.hostBlocks.count == (protocolNumber == 1 && profile.exchangeLevel == .tpdu ? 3 : 2), "\(name)")
    }

    // MARK: T=1, ISO 7816-3 Annex A

    /// A garbled answer is asked for again with R(N(R), EDC error), not given up on.
    @Test func aBlockWithABadEDCIsAskedForWithAnEDCError() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1())
        let before = bench.hostBlocks.count
        await bench.simulated.inject(.answerCorrupted)
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)
        let sent = Array(bench.hostBlocks.dropFirst(before))
        #expect(sent.count == 2)
        #expect(sent.last.map { Array($0.prefix(3)) } == [0x00, 0x81, 0x00], "R(0) with the EDC error bit")
    }

    /// The card never got our block: BWT passes (ICC_MUTE), we send R(N(R), other error), the
    /// card asks for our block with R(N(S)), and we send it again. libccid at this point
    /// resynchronises or declares "T=1 state machine is DEAD"; ISO 7816-3 asks for the R-block.
    @Test func aLostBlockToTheCardIsSentAgainAfterAnRBlock() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1())
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)  // I(0) done; next is I(1)
        let before = bench.hostBlocks.count
        await bench.simulated.inject(.blockToCardLost)
        #expect(try await bench.send(Self.read(at: 4)).data == [4, 5, 6, 7])
        let pcbs = bench.hostBlocks.dropFirst(before).map { $0[1] }
        #expect(pcbs == [0x40, 0x92, 0x40], "I(1), R(1) other error, I(1) again")
    }

    /// The card answered, its answer was lost: our R-block makes it repeat the answer, and the
    /// command ran once (a wrong PIN costs one try, not two).
    @Test func aLostAnswerIsRepeatedAndTheCommandRunsOnce() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1(pin: "1234"))
        await bench.simulated.inject(.answerLost)
        #expect(try await bench.send(Self.verify("9999")).statusWord.triesLeft == 2)
        #expect(try await bench.send([0x00, 0x20, 0x00, 0x81]).statusWord.triesLeft == 2)
        #expect(try await bench.send(Self.verify("1234")).statusWord == .success)
    }

    /// A card that stays mute gets three R-blocks and three S(RESYNCH) before we give up with
    /// a clear "not responding"; when it answers again, the session goes on.
    @Test func aMuteCardGetsRBlocksThenResynchThenAClearError() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1())
        let before = bench.hostBlocks.count
        for _ in 0..<7 { await bench.simulated.inject(.blockToCardLost) }
        let error = await #expect(throws: CardChannelError.self) { try await bench.send(Self.select(0x2F00)) }
        #expect(error?.cause == .cardMute)
        let pcbs = bench.hostBlocks.dropFirst(before).map { $0[1] }
        #expect(pcbs == [0x00, 0x82, 0x82, 0x82, 0xC0, 0xC0, 0xC0])
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)
    }

    @Test func wtxRequestsAreAnsweredAndTheWaitScaled() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1(wtxRequests: 3))
        let before = bench.hostBlocks.count
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)
        let sent = Array(bench.hostBlocks.dropFirst(before))
        #expect(sent.map { $0[1] } == [0x00, 0xE3, 0xE3, 0xE3], "I(0), then S(WTX response) three times")
        #expect(sent.dropFirst().allSatisfy { $0[3] == 1 }, "the multiplier is echoed")
        #expect(Array(bench.bwis.suffix(3)) == [1, 1, 1], "bBWI carries the card's multiplier")
    }

    /// S(IFS) both ways: we announce IFSD 254 at connect; the card lowers its IFSC later and
    /// our next long command is chained in blocks of that size.
    @Test func ifsChangesBothWays() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1())
        #expect(bench.hostBlocks.first == [0x00, 0xC1, 0x01, 0xFE, 0x3E], "S(IFS request) IFSD 254 at connect")
        await bench.simulated.inject(.cardRequestsIFS(8))
        #expect(try await bench.send(Self.select(0x5015)).statusWord == .success)
        let before = bench.hostBlocks.count
        let write: [UInt8] = [0x00, 0xD6, 0x00, 0x00, 0x0C] + Array(1...12)
        #expect(try await bench.send(write).statusWord.rawValue == 0x6982)  // refused before VERIFY, but carried
        let sent = bench.hostBlocks.dropFirst(before)
        let iBlocks = sent.filter { $0[1] & 0x80 == 0 }
        #expect(iBlocks.map { Int($0[2]) } == [8, 8, 1], "17 bytes in blocks of the new IFSC 8")
        #expect(bench.hostBlocks.contains { $0.prefix(4) == [0x00, 0xE1, 0x01, 0x08] }, "S(IFS response) 8")
    }

    @Test func chainingBothWays() async throws {
        let bench = try await Bench(.tpduT1Reader, MemoryCard.t1(ifsc: 0x10))
        #expect(try await bench.send(Self.verify("1234")).statusWord == .success)
        #expect(try await bench.send(Self.select(0x5015)).statusWord == .success)
        let before = bench.hostBlocks.count
        let write: [UInt8] = [0x00, 0xD6, 0x00, 0x00, 0x10] + Array(repeating: 0xAB, count: 16)
        #expect(try await bench.send(write).statusWord == .success)
        let chained = bench.hostBlocks.dropFirst(before).filter { $0[1] & 0x20 != 0 && $0[1] & 0x80 == 0 }
        #expect(chained.count == 1, "21 bytes over IFSC 16: one I-block with M=1")
        #expect(try await bench.send(Self.select(0x2F00)).statusWord == .success)
        let long = try await bench.send([0x00, 0xB0, 0x00, 0x00, 0xFF])
        #expect(long.data == (0..<255).map { UInt8($0) })
        let acks = bench.hostBlocks.suffix(2).filter { $0[1] & 0xEF == 0x80 }
        #expect(!acks.isEmpty, "the card's chain was acknowledged with R-blocks")
    }

    // MARK: PIN entry at the TPDU level (the SPR532)

    static let padVerify = CCIDPINOperation.verify(CCIDPINVerify(
        bTimeOut: 30, bmFormatString: 0x82, bmPINBlockString: 0x08, bmPINLengthFormat: 0x00,
        wPINMaxExtraDigit: 0x0408, apdu: [0x00, 0x20, 0x00, 0x81, 0x08] + Array(repeating: 0xFF, count: 8)))

    /// The card never got the PIN block and asks for it: the reader sends it again on
    /// bPINOperation 05, the PIN is not typed twice and never reaches the host.
    @Test(arguments: [T1LineEvent.blockToCardLost, .answerLost, .answerCorrupted])
    func aPINBlockLostOrGarbledIsRecovered(event: T1LineEvent) async throws {
        let bench = try await Bench(.spr532, MemoryCard.t1(pin: "1234"))
        await bench.simulated.press(KeypadKey.digits("1234") + [.ok])
        await bench.simulated.inject(event)
        let answer = try await bench.reader.secure(operation: Self.padVerify, timeout: .seconds(30))
        #expect(answer == [0x90, 0x00], "\(event)")
        let operations = try bench.sink.packets.filter { !$0.isIn && $0.transferType == .bulk && $0.data.first == 0x69 }
            .map { try CCIDMessage(parsing: $0.data).payload }
            .compactMap { payload -> UInt8? in
                guard case .secure(_, _, let operation) = payload else { return nil }
                return operation.operation
            }
        #expect(operations == (event == .blockToCardLost ? [0, 5] : [0]), "\(event)")
        #expect(await bench.simulated.keypad.remaining.isEmpty)
        // The session is in step after it.
        #expect(try await bench.send(Self.select(0x5015)).statusWord == .success, "\(event)")
    }
}
