import Testing
import TrustedPathCore
import Quorum
@testable import Ceremony

@Suite struct CeremonyTests {
    let a = FakeCard("A"), b = FakeCard("B"), c = FakeCard("C"), d = FakeCard("D"), e = FakeCard("E")

    private func create(_ k: Int, _ n: Int, _ inserts: [FakeStation.Insert], answers: [PadAnswer] = [],
                        journal: JournalStore = temporaryJournal()) async throws -> (QuorumCeremony.Result, FakeStation, JournalStore) {
        let station = FakeStation(inserts: inserts, answers: answers)
        let result = try await QuorumCeremony(station: station, journal: journal).create(k: k, n: n)
        return (result, station, journal)
    }

    @Test func twoOfThreeWrittenAndReadBackInAnyOrder() async throws {
        let (result, station, journal) = try await create(2, 3, [.card(a), .card(b), .card(c), .card(c), .card(a)])
        #expect(result.cards.map(\.card) == ["A", "C"])
        #expect(await station.prompts == [.writeNewKey, .insertCard(1), .changePIN, .insertCard(2), .changePIN,
                                          .insertCard(3), .changePIN, .readNewKey, .insertCard(1), .insertCard(2)])
        let log = try journal.load()
        #expect(log.adopted?.set == result.set)
        #expect(log.adopted?.shares.map(\.card) == ["A", "B", "C"])
        #expect(log.summary.first?.contains("share 1 on card A, share 2 on card B, share 3 on card C") == true)
        #expect(await a.defaultPIN == false)
    }

    /// The operator declines the PIN change after writing: every later use of the card warns
    /// again, while reading back and when restoring.
    @Test func aCardWithTheDefaultPINIsWarnedAboutWheneverItIsUsed() async throws {
        let (_, station, journal) = try await create(2, 2, [.card(a), .card(b), .card(b), .card(a)],
                                                     answers: [.ok, .ok, .cancel, .ok, .cancel])
        #expect(await station.messages.filter { $0.hasPrefix("Card A still has the default PIN 123456") }.count == 2)
        let restoring = FakeStation(inserts: [.card(a), .card(b)])
        _ = try await QuorumCeremony(station: restoring, journal: journal).restore()
        #expect(await restoring.messages.filter { $0.contains("still has the default PIN 123456") }.count == 2)
    }

    @Test func threeOfFiveAndRestoreFromAnyThree() async throws {
        let (result, _, journal) = try await create(3, 5, [.card(a), .card(b), .card(c), .card(d), .card(e),
                                                           .card(e), .card(b), .card(d)])
        let restore = try await QuorumCeremony(station: FakeStation(inserts: [.card(c), .card(a), .card(e)]), journal: journal).restore()
        #expect(restore.key.constantTimeEquals(result.key))
        #expect(restore.set == result.set && restore.k == 3 && restore.n == 5)
    }

    @Test func aTimeoutDuringPINEntryAsksForTheCardAgain() async throws {
        await a.script(verifyFaults: [.timeout])
        let (_, station, _) = try await create(2, 2, [.card(a), .card(a), .card(b), .card(a), .card(b)])
        #expect(await station.messages.contains { $0.contains("card A: timeout") })
        #expect(await a.verifications == 3)
    }

    @Test func aWrongPINThreeTimesBlocksThatCardOnlyAndAnotherIsUsed() async throws {
        await b.script(verifyFaults: [.wrongPIN, .wrongPIN, .cardBlocked])
        let (result, station, _) = try await create(2, 2, [.card(a), .card(b), .card(b), .card(b), .card(b), .card(c),
                                                           .card(a), .card(c)])
        #expect(result.cards.map(\.card) == ["A", "C"])
        #expect(await station.messages.contains { $0.contains("card B has a blocked PIN") })
    }

    @Test func fewerThanKDistinctCardsStopsWithAClearMessageAndNothingAdopted() async throws {
        let station = FakeStation(inserts: [.card(a), .card(b), .card(a), .card(a)],
                                  answers: [.ok, .ok, .ok, .ok, .ok, .ok, .ok, .ok, .cancel])
        let journal = temporaryJournal()
        let error = await #expect(throws: CeremonyError.self) {
            try await QuorumCeremony(station: station, journal: journal).create(k: 2, n: 2)
        }
        #expect(error?.code == .tooFewCards)
        #expect(await station.messages.contains { $0.contains("which was read already") })
        let log = try journal.load()
        #expect(log.adopted == nil)
        #expect(log.sets.first?.state == .abandoned)
        #expect(error?.description.contains("the backup key is unchanged") == true)
    }

    @Test func aCardPulledWhileWritingIsWrittenAgain() async throws {
        await c.script(pulledWrites: 1)
        let (result, station, _) = try await create(2, 3, [.card(a), .card(b), .card(c), .card(c), .card(a), .card(c)])
        #expect(result.cards.map(\.card) == ["A", "C"])
        #expect(await station.messages.contains { $0.contains("pulled while writing") })
    }

    @Test func anUnpluggedReaderAbandonsTheSetAndTellsWhichCardsHoldIt() async throws {
        let journal = temporaryJournal()
        let station = FakeStation(inserts: [.card(a), .unplug])
        let error = await #expect(throws: CeremonyError.self) {
            try await QuorumCeremony(station: station, journal: journal).create(k: 2, n: 3)
        }
        #expect(error?.code == .readerGone)
        #expect(error?.description.contains("card A (share 1) will be overwritten by the next ceremony") == true)
        // The next ceremony may reuse card A without --overwrite: its set was abandoned.
        let (result, _, _) = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)], journal: journal)
        #expect(result.cards.count == 2)
        #expect(try journal.load().sets.map(\.state) == [.abandoned, .verified])
    }

    /// OK on "Insert n. card" before the card is in, while writing and while reading back:
    /// asked for again, not the end of the ceremony.
    @Test func okWithNoCardInTheReaderAsksForTheCardAgain() async throws {
        let (result, station, _) = try await create(2, 2, [.noCard, .card(a), .card(b), .noCard, .card(b), .card(a)])
        #expect(result.cards.map(\.card) == ["A", "B"])
        #expect(await station.messages.filter { $0.contains("no card in the reader") }.count == 2)
    }

    @Test func aForeignCardIsRefusedBeforeAnythingIsWritten() async throws {
        await d.script(foreign: true)
        let (_, station, _) = try await create(2, 2, [.card(d), .card(a), .card(b), .card(a), .card(b)])
        #expect(await d.stored == nil)
        #expect(await station.messages.contains { $0.contains("card D is not a TrustedPath card") })
    }

    @Test func theSameCardTwiceIsRefusedWhileWriting() async throws {
        let (_, station, _) = try await create(2, 2, [.card(a), .card(a), .card(b), .card(b), .card(a)])
        #expect(await station.messages.contains { $0.contains("card A already holds share 1 of this set") })
    }

    @Test func aCardOfTheSetInUseIsNotOverwrittenUnlessAsked() async throws {
        let journal = temporaryJournal()
        _ = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)], journal: journal)
        let station = FakeStation(inserts: [.card(a), .card(c), .card(d), .card(c), .card(d)])
        _ = try await QuorumCeremony(station: station, journal: journal).create(k: 2, n: 2)
        #expect(await station.messages.contains { $0.contains("which is still in use") })
        var overwriting = QuorumCeremony(station: FakeStation(inserts: [.card(a), .card(b), .card(a), .card(b)]), journal: journal)
        overwriting.overwriteOtherSets = true
        _ = try await overwriting.create(k: 2, n: 2)
    }

    /// A card holding a share of a set this appliance's journal does not know: refused, and
    /// the message says it may be another appliance's.
    @Test func aCardOfAnotherApplianceIsNotOverwritten() async throws {
        _ = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)])
        let station = FakeStation(inserts: [.card(a), .card(c), .card(d), .card(c), .card(d)])
        let made = try await QuorumCeremony(station: station, journal: temporaryJournal()).create(k: 2, n: 2)
        #expect(made.cards.map(\.card) == ["C", "D"])
        #expect(await station.messages.contains { $0.contains("which this appliance did not make (a card of another appliance?)") })
    }

    @Test func aCancelAtTheStartWritesNothing() async throws {
        let journal = temporaryJournal()
        let station = FakeStation(inserts: [], answers: [.cancel])
        await #expect(throws: CeremonyError.self) { try await QuorumCeremony(station: station, journal: journal).create(k: 2, n: 3) }
        #expect(try journal.load().sets.isEmpty)
    }

    @Test func copyingACardMakesASecondCardOfTheSameShare() async throws {
        let (result, _, journal) = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)])
        let copy = try await QuorumCeremony(station: FakeStation(inserts: [.card(a), .card(a), .card(c)]), journal: journal).copyCard()
        #expect(copy.x == 1 && copy.from == "A" && copy.to == "C")
        // The journal knows the copy, and a restore with it names the set.
        #expect(try journal.load().summary.first?.contains("share 1 on card C") == true)
        let restore = try await QuorumCeremony(station: FakeStation(inserts: [.card(c), .card(b)]), journal: journal).restore()
        #expect(restore.key.constantTimeEquals(result.key))
        #expect(restore.set == result.set && restore.k == 2 && restore.n == 2)
    }

    /// Reading k cards of a set abandoned part way (a restore) gives its key but does not make
    /// it the set in use: the appliance never adopted that key.
    @Test func aRestoreFromAnAbandonedSetLeavesItAbandoned() async throws {
        let journal = temporaryJournal()
        await #expect(throws: CeremonyError.self) {
            try await QuorumCeremony(station: FakeStation(inserts: [.card(a), .card(b), .unplug]), journal: journal).create(k: 2, n: 3)
        }
        let station = FakeStation(inserts: [.card(b), .card(a)])
        let restore = try await QuorumCeremony(station: station, journal: journal).restore()
        #expect(restore.k == 2 && restore.n == 3)
        let log = try journal.load()
        #expect(log.adopted == nil && log.sets.map(\.state) == [.abandoned])
        #expect(await station.messages.contains { $0.contains("was abandoned before its key was adopted") })
    }

    /// A card a new set overwrote leaves the old set's list: the journal never names a card
    /// for a share it no longer holds.
    @Test func anOverwrittenCardLeavesTheOldSetsList() async throws {
        let journal = temporaryJournal()
        await #expect(throws: CeremonyError.self) {
            try await QuorumCeremony(station: FakeStation(inserts: [.card(a), .card(b), .unplug]), journal: journal).create(k: 2, n: 2)
        }
        _ = try await create(2, 2, [.card(a), .card(c), .card(a), .card(c)], journal: journal)
        let summary = try journal.load().summary
        #expect(summary.count == 2)
        #expect(summary[0].contains("share 2 on card B") && !summary[0].contains("card A"))
        #expect(summary[1].contains("share 1 on card A, share 2 on card C"))
    }

    /// Cards that show a share only after the PIN (TCOS): the checks happen once it is read.
    @Test func sharesHiddenUntilThePINAreCheckedAfterVerifying() async throws {
        for card in [a, b, c] { await card.script(hidesShare: true) }
        let journal = temporaryJournal()
        let (first, station, _) = try await create(2, 2, [.card(a), .card(a), .card(b), .card(b), .card(b), .card(a)], journal: journal)
        #expect(await station.messages.contains { $0.contains("card A already holds share 1 of this set") })
        #expect(await station.messages.contains { $0.contains("card B holds share 2, which was read already") })
        // A later ceremony must not overwrite the cards of the set in use.
        let next = FakeStation(inserts: [.card(a), .card(c), .card(d), .card(c), .card(d)])
        let second = try await QuorumCeremony(station: next, journal: journal).create(k: 2, n: 2)
        #expect(await next.messages.contains { $0.contains("card A holds share 1 of set \(first.set), which is still in use") })
        #expect(second.cards.map(\.card) == ["C", "D"])
    }
}
