import Ceremony
import Simulator
import Testing
import TrustedPathCore

/// The backup-key quorum on a TPDU-level PIN pad without a display (the SCM SPR532's
/// descriptor): every APDU through our T=1 engine or the T=0 mapping, every PIN typed on
/// the pad, for T=1 and T=0 cards, then a restore from the same cards.
@Suite struct CeremonyOnTPDUPadTests {
    static func drawer(_ count: Int, protocolNumber: Int) -> [Int: SimulatedTCOSCard] {
        CeremonyOnTheStackTests.drawer(count).mapValues { card in
            if protocolNumber == 0 { card.atr = SimulatedTCOSCard.t0ATR }
            return card
        }
    }

    @Test(arguments: [1, 0])
    func createAndRestoreTwoOfThree(protocolNumber: Int) async throws {
        let simulated = SimulatedCCIDReader(profile: .spr532)
        let cards = Self.drawer(3, protocolNumber: protocolNumber)
        let journal = CeremonyOnTheStackTests.journal()
        let person = try TestOperator(reader: simulated, link: simulated, drawer: cards, plan: [1, 2, 3, 3, 1])
        var ceremony = QuorumCeremony(station: person, journal: journal)
        ceremony.makeShares = CeremonyOnTheStackTests.seededShares
        let made = try await ceremony.create(k: 2, n: 3)
        #expect(made.cards.map(\.x) == [1, 2, 3], "T=\(protocolNumber)")
        #expect(made.readBack.map(\.x) == [1, 3], "T=\(protocolNumber)")

        let second = SimulatedCCIDReader(profile: .spr532)
        let restoring = try TestOperator(reader: second, link: second, drawer: cards, plan: [2, 3])
        let restored = try await QuorumCeremony(station: restoring, journal: journal).restore()
        #expect(restored.key.constantTimeEquals(made.key), "T=\(protocolNumber)")
    }
}
