import APDU
import CCID
import CCIDReader
import Simulator
import Testing
import TrustedPathCore
import USBLink

/// The host stack (CCIDReader, T=1/T=0, ISO7816Channel) against the simulated reader and
/// cards at every exchange level: the same bytes it would exchange with hardware.
@Suite struct ExchangeLevelTests {
    static let selectEF: [UInt8] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x50, 0x15]
    static let selectLongEF: [UInt8] = [0x00, 0xA4, 0x02, 0x00, 0x02, 0x2F, 0x00]
    static let writeEF: [UInt8] = [0x00, 0xD6, 0x00, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF]
    static func verify(_ pin: String) -> [UInt8] { [0x00, 0x20, 0x00, 0x81, 0x08] + MemoryCard.asciiPINBlock(pin) }

    private func connect(_ profile: ReaderProfile, card: any SimulatedCard, slot: UInt8 = 0)
        async throws -> (SimulatedCCIDReader, CCIDReader, CCIDCardConnection) {
        let simulated = SimulatedCCIDReader(profile: profile)
        await simulated.insert(card: card, slot: Int(slot))
        let reader = try CCIDReader(link: simulated)
        let connection = try await reader.connect(slot: slot)
        return (simulated, reader, connection)
    }

    private func send(_ channel: any CardChannel, _ bytes: [UInt8]) async throws -> ResponseAPDU {
        try await channel.transmit(try CommandAPDU(parsing: bytes))
    }

    @Test(arguments: [
        ("TPDU reader, T=1 card", ReaderProfile.tpduT1Reader, 1),
        ("TPDU reader, T=0 card", ReaderProfile.tpduT0Reader, 0),
        ("short APDU reader (cyberJack e-com)", ReaderProfile.cyberJackEcom, 1),
        ("extended APDU reader", ReaderProfile.extendedAPDUReader, 1),
    ])
    func selectVerifyAndReadAtEveryLevel(_ name: String, _ profile: ReaderProfile, _ cardProtocol: Int) async throws {
        let card: MemoryCard = cardProtocol == 1 ? .t1(pin: "1234") : .t0(pin: "1234")
        let (_, _, connection) = try await connect(profile, card: card)
        #expect(connection.protocolNumber == cardProtocol, "\(name)")
        let channel = connection.channel
        #expect(try await send(channel, Self.selectEF).statusWord == .success, "\(name)")
        // The file is protected: a write before VERIFY is refused by the card.
        #expect(try await send(channel, Self.writeEF).statusWord.rawValue == 0x6982, "\(name)")
        let wrong = try await send(channel, Self.verify("9999"))
        #expect(wrong.statusWord.triesLeft == 2, "\(name)")
        #expect(try await send(channel, Self.verify("1234")).statusWord == .success, "\(name)")
        #expect(try await send(channel, Self.writeEF).statusWord == .success, "\(name)")
        let back = try await send(channel, [0x00, 0xB0, 0x00, 0x00, 0x04])
        #expect(back.data == [0xDE, 0xAD, 0xBE, 0xEF], "\(name)")
        // A select with FCP (case 4: GET RESPONSE on T=0) and a 255-byte read (chained or
        // collected in pieces wherever the level needs it).
        let fcp = try await send(channel, Self.selectLongEF)
        #expect(fcp.data == [0x62, 0x04, 0x80, 0x02, 0x01, 0x2C], "\(name)")
        let long = try await send(channel, [0x00, 0xB0, 0x00, 0x00, 0xFF])
        #expect(long.data == (0..<255).map { UInt8($0) }, "\(name)")
    }

    @Test func aMultiSlotReaderKeepsItsSlotsApart() async throws {
        let simulated = SimulatedCCIDReader(profile: .multiSlotReader)
        await simulated.insert(card: MemoryCard.t1(pin: "1111"), slot: 0)
        await simulated.insert(card: MemoryCard.t0(pin: "2222"), slot: 1)
        let reader = try CCIDReader(link: simulated)
        let first = try await reader.connect(slot: 0)
        let second = try await reader.connect(slot: 1)
        #expect(first.protocolNumber == 1 && second.protocolNumber == 0)
        let verifyFirst = try await send(first.channel, Self.verify("1111"))
        let verifySecond = try await send(second.channel, Self.verify("1111"))
        #expect(verifyFirst.statusWord == .success)
        #expect(verifySecond.statusWord.triesLeft == 2)
    }

    @Test func cardInsertionAndRemovalArriveAsEvents() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let reader = try CCIDReader(link: simulated)
        var events = reader.cardEvents().makeAsyncIterator()
        await simulated.insert(card: MemoryCard.t1(), slot: 0)
        #expect(await events.next() == .inserted(slot: 0))
        await simulated.remove(slot: 0)
        #expect(await events.next() == .removed(slot: 0))
    }

    @Test func aPulledCardIsAClearError() async throws {
        let (simulated, _, connection) = try await connect(.cyberJackEcom, card: MemoryCard.t1())
        await simulated.remove(slot: 0)
        let error = await #expect(throws: (any Error).self) { try await send(connection.channel, Self.selectEF) }
        #expect("\(error!)".lowercased().contains("card"))
    }

    @Test func anUnpluggedReaderIsAClearError() async throws {
        let (simulated, _, connection) = try await connect(.cyberJackEcom, card: MemoryCard.t1())
        await simulated.disappear()
        let error = await #expect(throws: (any Error).self) { try await send(connection.channel, Self.selectEF) }
        #expect("\(error!)".contains("gone") || "\(error!)".contains("unplugged"))
    }
}
