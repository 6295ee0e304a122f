import BackupKey
import CCIDReader
import Ceremony
import Foundation
import PINPad
import Quorum
import Simulator
import Testing
import TestSupport
import Transcript
import TrustedPathCore
import USBLink

/// The person at the simulated reader, with the faults of the manual at hand: inserts cards
/// from a drawer, presses OK, types PINs, pulls a card while it is written, unplugs the reader.
/// Everything else is the real station, PIN pad layer, reader session and USB conversation.
actor TestOperator: ShareCardStation {
    let reader: SimulatedCCIDReader?
    let inner: PadShareCardStation
    private var plan: [Int]
    private let drawer: [Int: SimulatedTCOSCard]
    /// Keys typed at the next PIN entries, in order; then the right PIN.
    private var pinEntries: [[KeypadKey]]
    private var pullWhileWriting: Set<Int>
    private let unplugAt: Int?
    private var inserted = 0
    private(set) var messages: [String] = []
    private(set) var pinsTyped = 0

    init(reader: SimulatedCCIDReader?, link: any USBLink, drawer: [Int: SimulatedTCOSCard] = [:], plan: [Int] = [],
         pinEntries: [[KeypadKey]] = [], pullWhileWriting: Set<Int> = [], unplugAt: Int? = nil) throws {
        self.reader = reader
        inner = PadShareCardStation(pad: USBPadStation(reader: try CCIDReader(link: link)), inform: { _ in })
        self.plan = plan
        self.drawer = drawer
        self.pinEntries = pinEntries
        self.pullWhileWriting = pullWhileWriting
        self.unplugAt = unplugAt
    }

    func confirm(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> PadAnswer {
        await reader?.press([prompt == .changePIN ? .cancel : .ok])
        return try await inner.confirm(prompt)
    }

    func waitForCard() async throws(CeremonyError) -> any ShareCard {
        if let reader {
            inserted += 1
            if inserted == unplugAt { await reader.disappear() }
            guard !plan.isEmpty else { throw CeremonyError(.readerGone, "no more cards") }
            let number = plan.removeFirst()
            await reader.remove(slot: 0)
            // Card 0: the operator pressed OK with the slot empty.
            if number != 0 {
                guard let card = drawer[number] else { throw CeremonyError(.readerGone, "no card \(number) in the drawer") }
                await reader.insert(card: card)
            }
        }
        return OperatorCard(inner: try await inner.waitForCard(), person: self)
    }

    func inform(_ message: String) { messages.append(message) }

    func typePIN() async {
        guard let reader else { return }
        pinsTyped += 1
        await reader.press(pinEntries.isEmpty ? KeypadKey.digits("123456") + [.ok] : pinEntries.removeFirst())
    }

    /// Pulls the card out just as it is to be written, once per listed card.
    func maybePull(_ identity: String) async {
        // Drawer card n has serial ...1nn (see CeremonyOnTheStackTests.drawer).
        guard let reader, let number = Int(identity.suffix(2)), pullWhileWriting.remove(number) != nil else { return }
        await reader.remove(slot: 0)
        // The operator puts it back when asked; the plan says so.
    }

    struct OperatorCard: ShareCard {
        let inner: any ShareCard
        let person: TestOperator
        var identity: String { inner.identity }
        func inspect() async throws(CeremonyError) -> CardInspection { try await inner.inspect() }
        func verifyOnPad(allowLastTry: Bool) async throws(CeremonyError) {
            await person.typePIN()
            try await inner.verifyOnPad(allowLastTry: allowLastTry)
        }
        func writeShare(_ record: ShareRecord) async throws(CeremonyError) {
            await person.maybePull(identity)
            try await inner.writeShare(record)
        }
        func readShare() async throws(CeremonyError) -> ShareRecord { try await inner.readShare() }
        func changePINOnPad() async throws(CeremonyError) { try await inner.changePINOnPad() }
    }
}

@Suite struct CeremonyOnTheStackTests {
    static func drawer(_ count: Int) -> [Int: SimulatedTCOSCard] {
        Dictionary(uniqueKeysWithValues: (1...count).map { ($0, SimulatedTCOSCard(profile: .trustedPath, serialNumber: UInt64(100 + $0))) })
    }

    static func journal() -> JournalStore {
        JournalStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID().uuidString).json").path)
    }

    /// The same key and shares every run, so a recorded ceremony replays byte for byte.
    static let seededShares: @Sendable (Int, Int) throws(QuorumError) -> (key: SecretBytes, records: [ShareRecord]) = { k, n throws(QuorumError) in
        var generator = SeededGenerator(state: 2026)
        let key = SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return (key, try Quorum.split(key, k: k, n: n, keyCheck: BackupKey.keyCheckValue, using: &generator))
    }

    private func ceremony(_ station: TestOperator, journal: JournalStore = journal()) -> QuorumCeremony {
        var ceremony = QuorumCeremony(station: station, journal: journal)
        ceremony.makeShares = Self.seededShares
        return ceremony
    }

    /// Recorded against the simulators, replayed from the capture alone: the same host code
    /// makes the same conversation and ends with the same key. (Simulated cards hold no real
    /// secret, so this recording is not redacted; RedactionTests show what redaction keeps out.)
    @Test func aRecordedCeremonyReplaysByteForByte() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let sink = MemoryCaptureSink()
        let live = try TestOperator(reader: simulated, link: RecordingLink(wrapping: simulated, sink: sink),
                                    drawer: Self.drawer(3), plan: [1, 2, 3, 3, 1])
        let made = try await ceremony(live).create(k: 2, n: 3)
        #expect(made.cards.map(\.x) == [1, 2, 3])
        #expect(made.readBack.map(\.x) == [1, 3])

        let packets = try CaptureReader.readAll(UsbmonCaptureWriter().capture(sink.packets))
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: simulated.device)
        let replayed = try await ceremony(try TestOperator(reader: nil, link: replay)).create(k: 2, n: 3)
        #expect(replayed.set == made.set)
        #expect(replayed.cards.map(\.card) == made.cards.map(\.card))
        #expect(replayed.key.constantTimeEquals(made.key))
        try await replay.expectFinished()
    }

    @Test func aCardPulledWhileWritingIsAskedForAgainAndWritten() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let person = try TestOperator(reader: simulated, link: simulated, drawer: Self.drawer(2), plan: [1, 1, 2, 2, 1],
                                      pullWhileWriting: [1])
        let made = try await ceremony(person).create(k: 2, n: 2)
        #expect(made.cards.count == 2)
        #expect(await person.messages.contains { $0.contains("insert it again") || $0.contains("taken out") })
    }

    @Test func aTimeoutDuringPINEntrySpendsNoTryAndAsksAgain() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let cards = Self.drawer(2)
        let person = try TestOperator(reader: simulated, link: simulated, drawer: cards, plan: [1, 1, 2, 2, 1],
                                      pinEntries: [[.noKeyUntilTimeout]])
        _ = try await ceremony(person).create(k: 2, n: 2)
        #expect(await person.messages.contains { $0.contains("No PIN was entered") && $0.contains("no try was used") })
    }

    @Test func wrongPINsNeverSpendTheLastTryAndAnotherCardIsUsed() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let wrong = KeypadKey.digits("999999") + [.ok]
        let person = try TestOperator(reader: simulated, link: simulated, drawer: Self.drawer(3), plan: [1, 1, 1, 2, 3, 3, 2],
                                      pinEntries: [wrong, wrong])
        let made = try await ceremony(person).create(k: 2, n: 2)
        #expect(made.cards.map(\.card).allSatisfy { !$0.hasSuffix("101") })
        let messages = await person.messages
        #expect(messages.contains { $0.contains("2 tries left") })
        #expect(messages.contains { $0.contains("only 1 PIN try is left") })
    }

    /// The same card again, while writing and while reading back: TCOS shows the share only
    /// after the PIN, but the card's serial gives it away first, so no PIN is asked for.
    @Test func theSameCardTwiceIsRefusedBeforeItsPINIsAskedFor() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let person = try TestOperator(reader: simulated, link: simulated, drawer: Self.drawer(2), plan: [1, 1, 2, 2, 2, 1])
        _ = try await ceremony(person).create(k: 2, n: 2)
        #expect(await person.pinsTyped == 4)
        let messages = await person.messages
        #expect(messages.contains { $0.contains("already holds share 1 of this set") })
        #expect(messages.contains { $0.contains("holds share 2, which was read already") })
    }

    /// A real reader is asked for the card the moment OK is pressed: an empty slot asks again.
    @Test func okWithAnEmptySlotAsksForTheCardAgain() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let person = try TestOperator(reader: simulated, link: simulated, drawer: Self.drawer(2), plan: [0, 1, 2, 0, 2, 1])
        let made = try await ceremony(person).create(k: 2, n: 2)
        #expect(made.cards.count == 2)
        #expect(await person.messages.filter { $0.contains("no card in the reader") }.count == 2)
    }

    @Test func aForeignCardIsRefusedBeforeAnythingIsWritten() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        var cards = Self.drawer(2)
        cards[9] = SimulatedTCOSCard(profile: .openscReference)
        let person = try TestOperator(reader: simulated, link: simulated, drawer: cards, plan: [9, 1, 2, 2, 1])
        _ = try await ceremony(person).create(k: 2, n: 2)
        #expect(await person.messages.contains { $0.contains("is not a TrustedPath card") })
    }

    @Test func anUnpluggedReaderAbandonsTheSetAndKeepsTheKey() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        let journal = Self.journal()
        let person = try TestOperator(reader: simulated, link: simulated, drawer: Self.drawer(3), plan: [1, 2, 3], unplugAt: 2)
        let error = await #expect(throws: CeremonyError.self) { try await ceremony(person, journal: journal).create(k: 2, n: 3) }
        #expect(error?.code == .readerGone)
        #expect(error?.description.contains("the backup key is unchanged") == true)
        let log = try journal.load()
        #expect(log.adopted == nil && log.sets.first?.state == .abandoned)
        #expect(log.sets.first?.shares.count == 1)
    }
}
