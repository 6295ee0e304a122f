import Foundation
import Testing
import TrustedPathCore
import Quorum
@testable import Ceremony

@Suite struct CeremonyTests {
    let a = FakeCard("A"), b = FakeCard("B"), c = FakeCard("C"), d = FakeCard("D"), e = FakeCard("E"), f = FakeCard("F")

    private func create(_ k: Int, _ n: Int, _ inserts: [FakeStation.Insert], answers: [PadAnswer] = [],
                        journal: JournalStore = temporaryJournal()) async throws -> (QuorumCeremony.Result, FakeStation, JournalStore) {
        let station = FakeStation(inserts: inserts, answers: answers)
        let result = try await QuorumCeremony(station: station, journal: journal).create(k: k, n: n)
        return (result, station, journal)
    }

    @Test func twoOfThreeWrittenAndReadBackInAnyOrder() async throws {
        let (result, station, journal) = try await create(2, 3, [.card(a), .card(b), .card(c), .card(c), .card(a)])
        #expect(result.cards.map(\.card) == ["A", "B", "C"])
        #expect(result.readBack.map(\.card) == ["A", "C"])
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
        #expect(result.cards.map(\.card) == ["A", "B", "C"])
        #expect(result.readBack.map(\.card) == ["A", "C"])
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

    /// One backup key per appliance: a second create is refused before its first prompt, and
    /// the journal is left byte for byte as it was.
    @Test func aSecondCreateIsRefusedBeforeAnyPrompt() async throws {
        let journal = temporaryJournal()
        let (first, _, _) = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)], journal: journal)
        let before = FileManager.default.contents(atPath: journal.path)
        let station = FakeStation(inserts: [.card(c), .card(d), .card(c), .card(d)])
        let error = await #expect(throws: CeremonyError.self) {
            try await QuorumCeremony(station: station, journal: journal).create(k: 2, n: 2)
        }
        #expect(error?.code == .keyInUse)
        #expect(error?.description.contains("set \(first.set) (2 of 2), in use since") == true)
        #expect(error?.description.contains("--replace-key") == true)
        #expect(await station.prompts.isEmpty)
        #expect(FileManager.default.contents(atPath: journal.path) == before)
    }

    /// With `replaceKey` the old set is kept as replaced (its backups need its cards), and its
    /// cards are still not overwritten unless asked; asked, never below k cards of it.
    @Test func aReplacedSetKeepsItsCardsAndNeverDropsBelowK() async throws {
        let journal = temporaryJournal()
        let (old, _, _) = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)], journal: journal)
        var replacing = QuorumCeremony(station: FakeStation(inserts: [.card(a), .card(c), .card(d), .card(c), .card(d)]),
                                       journal: journal)
        replacing.replaceKey = true
        let new = try await replacing.create(k: 2, n: 2)
        #expect(new.replaced == old.set && new.cards.map(\.card) == ["C", "D"])
        var log = try journal.load()
        #expect(log.adopted?.set == new.set && log.set(old.set)?.state == .replaced)
        #expect(log.history.last?.what.contains("backup key replaced: set \(old.set) by set \(new.set)") == true)

        // A copy of A makes A spare; B is then the last card of share 2 and stays.
        _ = try await QuorumCeremony(station: FakeStation(inserts: [.card(a), .card(e)]), journal: journal).copyCard()
        let station = FakeStation(inserts: [.card(a), .card(b), .card(f), .card(a), .card(f)])
        var overwriting = QuorumCeremony(station: station, journal: journal)
        overwriting.replaceKey = true
        overwriting.overwriteOtherSets = true
        let third = try await overwriting.create(k: 2, n: 2)
        #expect(third.cards.map(\.card) == ["A", "F"])
        let messages = await station.messages
        #expect(messages.contains { $0.contains("Overwriting share 1 of set \(old.set) (replaced) on card A: set \(old.set) is left with 2 card(s) on record, 2 needed") })
        #expect(messages.contains { $0.contains("fewer than the 2 its key needs: nothing was written") })
        log = try journal.load()
        #expect(log.set(old.set)?.shares.map(\.card).sorted() == ["B", "E"])
        #expect(log.history.contains { $0.what.hasPrefix("card A: share 1 of set \(old.set) overwritten with share 1 of set \(third.set)") })
    }

    /// A restore on an appliance without a key (a node joining the cluster) adopts the set; a
    /// restore of another set than the one in use reads it and says so, adopting nothing.
    @Test func aRestoreAdoptsOnlyWhereThereIsNoKey() async throws {
        let (made, _, _) = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)])
        let joining = temporaryJournal()
        let joined = try await QuorumCeremony(station: FakeStation(inserts: [.card(b), .card(a)]), journal: joining).restore()
        #expect(joined.adoption == .adopted)
        let log = try joining.load()
        #expect(log.adopted?.set == made.set && log.adopted?.origin == .restored && log.adopted?.adopted != nil)

        let other = try await create(2, 2, [.card(c), .card(d), .card(c), .card(d)])
        let before = FileManager.default.contents(atPath: joining.path)
        let station = FakeStation(inserts: [.card(c), .card(d)])
        let foreign = try await QuorumCeremony(station: station, journal: joining).restore()
        #expect(foreign.adoption == .notInUse(current: made.set) && foreign.set == other.0.set)
        #expect(await station.messages.contains { $0.contains("is not this appliance's backup key") })
        #expect(FileManager.default.contents(atPath: joining.path) == before)
    }

    /// A journal that does not parse stops the ceremony before its first prompt, names the
    /// file and the way on, and is left as it is.
    @Test func aDamagedJournalIsNamedAndNeverReplaced() async throws {
        let journal = temporaryJournal()
        let damaged = Data("{\"version\": 1, \"sets\": [{\"set\": 12}]}".utf8)
        try damaged.write(to: URL(fileURLWithPath: journal.path))
        let station = FakeStation(inserts: [.card(a), .card(b)])
        let error = await #expect(throws: CeremonyError.self) {
            try await QuorumCeremony(station: station, journal: journal).create(k: 2, n: 2)
        }
        #expect(error?.code == .journal)
        #expect(error?.description.contains("\(journal.path) is damaged (sets[0].set has a value of the wrong kind)") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("mv \(journal.path) \(journal.path).damaged") == true)
        #expect(error?.description.contains("NSCocoaErrorDomain") == false && error?.description.contains("typeMismatch") == false)
        #expect(await station.prompts.isEmpty)
        #expect(FileManager.default.contents(atPath: journal.path) == damaged)
    }

    @Test func theLastTryIsSpentOnlyWhenAllowed() async throws {
        _ = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)])
        #expect(await a.lastTryAllowed == false)
        var ceremony = QuorumCeremony(station: FakeStation(inserts: [.card(c), .card(d), .card(c), .card(d)]),
                                      journal: temporaryJournal())
        ceremony.allowLastTry = true
        _ = try await ceremony.create(k: 2, n: 2)
        #expect(await c.lastTryAllowed == true)
    }

    @Test func theResultNamesEveryPINChanged() async throws {
        let (result, _, _) = try await create(2, 2, [.card(a), .card(b), .card(a), .card(b)],
                                              answers: [.ok, .ok, .ok, .ok, .cancel])
        #expect(result.pinsChanged == ["A"])
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
        var replacing = QuorumCeremony(station: next, journal: journal)
        replacing.replaceKey = true
        let second = try await replacing.create(k: 2, n: 2)
        #expect(await next.messages.contains { $0.contains("card A holds share 1 of set \(first.set), which is still in use") })
        #expect(second.cards.map(\.card) == ["C", "D"])
    }
}
