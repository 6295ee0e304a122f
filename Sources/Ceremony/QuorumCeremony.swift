import BackupKey
import Quorum
import TrustedPathCore

/// The backup-key ceremony as the appliance's manual describes it: "Write New Key", one
/// share written to each of n cards ("Insert 1. card", ...), then "Read New Key": any k cards
/// read back, combined and checked. Later: restore from any k cards, copy a share card.
///
/// Faults the manual warns of never leave a half-made state: a card problem (timeout on the
/// pad, a wrong PIN, a foreign card, the same card twice, a card pulled while writing) asks
/// for the card again; a cancel, the reader unplugged or repeated timeouts stop the ceremony,
/// and the set being made is abandoned in the journal with the list of its cards, which the
/// next ceremony may overwrite. The key is adopted only once k cards have been read back.
public struct QuorumCeremony: Sendable {
    public let station: any ShareCardStation
    public let journal: JournalStore
    /// Overwrite a card that holds a share of another set that is not abandoned.
    public var overwriteOtherSets = false
    /// How many times a prompt may time out before the ceremony stops.
    public var promptTimeouts = 3
    /// How many cards may be refused for one share before the ceremony stops.
    public var attemptsPerShare = 6
    /// Makes the new key and its share records. The system's CSPRNG by default; tests that
    /// replay a recorded ceremony byte for byte give a seeded one.
    public var makeShares: @Sendable (_ k: Int, _ n: Int) throws(QuorumError) -> (key: SecretBytes, records: [ShareRecord]) = { k, n throws(QuorumError) in
        let key = BackupKey.generate()
        return (key, try BackupKey.split(key, k: k, n: n))
    }

    public init(station: any ShareCardStation, journal: JournalStore) {
        self.station = station
        self.journal = journal
    }

    public struct Result: Sendable {
        public var set: String
        public var k: Int
        public var n: Int
        /// Which card holds which share.
        public var cards: [(x: Int, card: String)]
        /// The reconstructed, checked key; the caller adopts it.
        public var key: SecretBytes
        /// Cards whose share did not fit the others (replace them).
        public var badShares: [UInt8]
    }

    // MARK: - Create

    public func create(k: Int, n: Int) async throws(CeremonyError) -> Result {
        guard try await ask(.writeNewKey) else { throw CeremonyError(.cancelled, "the ceremony was cancelled; nothing was written") }
        var log = try journal.load()
        abandonUnfinished(&log)
        let key: SecretBytes
        let records: [ShareRecord]
        do { (key, records) = try makeShares(k, n) } catch {
            throw CeremonyError(.keyCheckFailed, error.description)
        }
        let label = records[0].setLabel
        log.sets.append(.init(set: label, k: k, n: n, state: .writing, shares: [], created: .now))
        try journal.save(log)
        await station.inform("New key: set \(label), \(k) of \(n) cards")

        do throws(CeremonyError) {
            for record in records {
                let card = try await writeOne(record, of: n, log: &log)
                log.place(card: card, x: Int(record.x), in: label, verified: false)
                try journal.save(log)
            }
            log.update(label) { $0.state = .written }
            try journal.save(log)
            let result = try await readBack(set: label, k: k, log: &log)
            guard result.key.constantTimeEquals(key) else {
                throw CeremonyError(.keyCheckFailed, "the cards read back give another key: set \(label) is not usable")
            }
            return Result(set: label, k: k, n: n, cards: result.cards, key: key, badShares: result.badShares)
        } catch {
            log.update(label) { if $0.state != .verified { $0.state = .abandoned } }
            try? journal.save(log)
            let cards = log.sets.last { $0.set == label }?.shares.map { "card \($0.card) (share \($0.x))" } ?? []
            throw CeremonyError(error.code, error.context + ". Set \(label) was abandoned; the backup key is unchanged"
                + (cards.isEmpty ? "" : "; its shares on " + cards.joined(separator: ", ") + " will be overwritten by the next ceremony"))
        }
    }

    /// Writes one share: asks for a card until one takes it, or the operator stops. An OK
    /// pressed with no card in the reader is a card problem too: it asks again.
    private func writeOne(_ record: ShareRecord, of n: Int, log: inout CeremonyJournal) async throws(CeremonyError) -> String {
        for _ in 0..<attemptsPerShare {
            guard try await ask(.insertCard(Int(record.x))) else {
                throw CeremonyError(.cancelled, "cancelled at card \(record.x) of \(n)")
            }
            do throws(CeremonyError) {
                let card = try await station.waitForCard()
                let inspection = try await card.inspect()
                try refuseUnusable(card, inspection, for: record, log: log)
                try await card.verifyOnPad()
                try await refuseOccupied(card, inspection, for: record, log: log)
                try await card.writeShare(record)
                let back = try await card.readShare()
                guard back.x == record.x, back.setIdentifier == record.setIdentifier, back.y.constantTimeEquals(record.y) else {
                    throw CeremonyError(.cardFault, "card \(card.identity) did not keep the share written to it: use another card")
                }
                await station.inform("Share \(record.x) of \(n) written to card \(card.identity)")
                if inspection.defaultPINSet { await offerPINChange(card) }
                return card.identity
            } catch where Self.isCardProblem(error) {
                await station.inform(error.context)
            }
        }
        throw CeremonyError(.tooFewCards, "no usable card for share \(record.x) after \(attemptsPerShare) tries")
    }

    /// Refusals that need no PIN: a foreign card, a blocked PIN, a share the card shows.
    private func refuseUnusable(_ card: any ShareCard, _ inspection: CardInspection, for record: ShareRecord,
                                log: CeremonyJournal) throws(CeremonyError) {
        if case .foreign(let reason) = inspection.kind {
            throw CeremonyError(.foreignCard, "card \(card.identity) is not a TrustedPath card (\(reason)): nothing was written; insert another card")
        }
        if inspection.blocked {
            throw CeremonyError(.cardBlocked, "card \(card.identity) has a blocked PIN: insert another card")
        }
        // A card that took a share of this set already is known by its serial: refused before
        // its PIN is asked for, even where the card shows its share only after the PIN.
        if let share = log.sets.last(where: { $0.set == record.setLabel })?.shares.first(where: { $0.card == card.identity }) {
            throw CeremonyError(.sameCardTwice, "card \(card.identity) already holds share \(share.x) of this set: insert another card")
        }
        if case .holdsShare(let set?, let x?) = inspection.kind {
            try refuse(card, holding: set, x, for: record, log: log)
        }
    }

    /// After the PIN: a card whose share was not visible before is read, and refused if that
    /// share belongs to this set or to one still in use.
    private func refuseOccupied(_ card: any ShareCard, _ inspection: CardInspection, for record: ShareRecord,
                                log: CeremonyJournal) async throws(CeremonyError) {
        guard case .holdsShare(nil, _) = inspection.kind, let existing = try? await card.readShare() else { return }
        try refuse(card, holding: existing.setLabel, existing.x, for: record, log: log)
    }

    private func refuse(_ card: any ShareCard, holding set: String, _ x: UInt8, for record: ShareRecord,
                        log: CeremonyJournal) throws(CeremonyError) {
        if set == record.setLabel {
            throw CeremonyError(.sameCardTwice, "card \(card.identity) already holds share \(x) of this set: insert another card")
        }
        if !overwriteOtherSets, !log.isStale(set) {
            // A set this journal never made is most likely another appliance's: say so.
            let known = log.sets.contains { $0.set == set }
            throw CeremonyError(.otherSetOnCard, "card \(card.identity) holds share \(x) of set \(set), "
                + (known ? "which is still in use" : "which this appliance did not make (a card of another appliance?)")
                + ": insert another card (or run with --overwrite)")
        }
    }

    private func offerPINChange(_ card: any ShareCard) async {
        await station.inform("Card \(card.identity) still has the default PIN 123456")
        guard (try? await ask(.changePIN)) == true else { return }
        do { try await card.changePINOnPad() } catch {
            await station.inform("PIN not changed: \(error.context); change it later with trustedpath card change-pin")
        }
    }

    // MARK: - Read back, restore

    /// Reads any k cards of `set` (nil: the set of the first card) and recombines the key.
    private func readBack(set: String?, k: Int?, log: inout CeremonyJournal) async throws(CeremonyError)
        -> (key: SecretBytes, cards: [(x: Int, card: String)], badShares: [UInt8], record: ShareRecord) {
        guard try await ask(.readNewKey) else { throw CeremonyError(.cancelled, "cancelled before the key was read back") }
        var collected: [ShareRecord] = []
        var cards: [(x: Int, card: String)] = []
        var wanted = k
        var label = set
        var refused = 0
        while collected.count < (wanted ?? 2) {
            guard refused < attemptsPerShare * max(1, wanted ?? 2) else {
                throw CeremonyError(.tooFewCards, "only \(collected.count) distinct card(s) of set \(label ?? "?") could be read")
            }
            guard try await ask(.insertCard(collected.count + 1)) else {
                throw CeremonyError(.tooFewCards, "cancelled with \(collected.count) of \(wanted ?? 2) cards read: "
                    + "the key needs \(wanted ?? 2) different cards of the set")
            }
            do throws(CeremonyError) {
                let card = try await station.waitForCard()
                if let earlier = cards.first(where: { $0.card == card.identity }) {
                    throw CeremonyError(.sameCardTwice, "card \(card.identity) holds share \(earlier.x), which was read already: "
                        + "insert a different card")
                }
                let inspection = try await card.inspect()
                guard case .holdsShare(let shownSet, let shownX) = inspection.kind else {
                    throw CeremonyError(.foreignCard, "card \(card.identity) holds no share: insert a card of the set")
                }
                if inspection.blocked {
                    throw CeremonyError(.cardBlocked, "card \(card.identity) has a blocked PIN: insert another card of the set")
                }
                try checkReadable(card, set: shownSet, x: shownX, wanted: label, collected: collected)
                if inspection.defaultPINSet {
                    await station.inform("Card \(card.identity) still has the default PIN 123456: "
                        + "change it on the pad (trustedpath card change-pin --slot share)")
                }
                try await card.verifyOnPad()
                let record = try await card.readShare()
                try checkReadable(card, set: record.setLabel, x: record.x, wanted: label, collected: collected)
                label = record.setLabel
                wanted = record.threshold
                collected.append(record)
                cards.append((Int(record.x), card.identity))
                await station.inform("Read share \(record.x) of set \(record.setLabel) from card \(card.identity)")
            } catch where Self.isCardProblem(error) {
                refused += 1
                await station.inform(error.context)
            }
        }
        let combination: Quorum.Combination
        do { combination = try BackupKey.combine(collected) } catch {
            throw CeremonyError(.keyCheckFailed, error.description)
        }
        let first = collected[0]
        // A set abandoned part way stays abandoned: its key was never adopted, and reading
        // some of its cards (a restore) does not make it the one in use.
        if !log.sets.contains(where: { $0.set == first.setLabel && $0.state == .abandoned }) {
            log.update(first.setLabel) { set in
                set.state = .verified
                for (x, card) in cards {
                    if let i = set.shares.firstIndex(where: { $0.x == x && $0.card == card }) { set.shares[i].verified = true }
                }
            }
            try journal.save(log)
        } else {
            await station.inform("Set \(first.setLabel) was abandoned before its key was adopted; the journal keeps it so")
        }
        await station.inform("Key of set \(first.setLabel) read back from \(cards.count) cards and checked")
        return (combination.key, cards.sorted { $0.x < $1.x }, combination.badShares, first)
    }

    private func checkReadable(_ card: any ShareCard, set: String?, x: UInt8?, wanted: String?,
                               collected: [ShareRecord]) throws(CeremonyError) {
        if let set, let wanted, set != wanted {
            throw CeremonyError(.otherSetOnCard, "card \(card.identity) holds a share of set \(set), not \(wanted)")
        }
        if let x, collected.contains(where: { $0.x == x }) {
            throw CeremonyError(.sameCardTwice, "card \(card.identity) holds share \(x), which was read already: "
                + "insert a different card")
        }
    }

    /// Restores the backup key from any k cards of a set.
    public func restore() async throws(CeremonyError) -> Result {
        var log = try journal.load()
        let result = try await readBack(set: nil, k: nil, log: &log)
        // The records name their set, k and n: copied cards and sets of another appliance too.
        return Result(set: result.record.setLabel, k: result.record.threshold, n: result.record.shareCount,
                      cards: result.cards, key: result.key, badShares: result.badShares)
    }

    // MARK: - Copy

    /// Copies the share of one card to another, one to one, for a second set of cards.
    public func copyCard() async throws(CeremonyError) -> (x: UInt8, from: String, to: String) {
        guard try await ask(.insertCard(1)) else { throw CeremonyError(.cancelled, "copy cancelled") }
        let source = try await station.waitForCard()
        guard case .holdsShare = try await source.inspect().kind else {
            throw CeremonyError(.foreignCard, "card \(source.identity) holds no share to copy")
        }
        try await source.verifyOnPad()
        let record = try await source.readShare()
        var log = try journal.load()
        var copy: String?
        for _ in 0..<attemptsPerShare {
            guard try await ask(.insertCard(2)) else { throw CeremonyError(.cancelled, "copy cancelled; nothing was written") }
            do throws(CeremonyError) {
                let target = try await station.waitForCard()
                guard target.identity != source.identity else {
                    throw CeremonyError(.sameCardTwice, "that is the card being copied: insert the new card")
                }
                let inspection = try await target.inspect()
                try refuseUnusable(target, inspection, for: record, log: log)
                try await target.verifyOnPad()
                try await refuseOccupied(target, inspection, for: record, log: log)
                try await target.writeShare(record)
                guard try await target.readShare().y.constantTimeEquals(record.y) else {
                    throw CeremonyError(.cardFault, "card \(target.identity) did not keep the share: use another card")
                }
                copy = target.identity
                break
            } catch where Self.isCardProblem(error) {
                await station.inform(error.context)
            }
        }
        guard let copy else { throw CeremonyError(.tooFewCards, "no usable card to copy to") }
        // The journal tells which cards hold the set's shares: the copy is one of them.
        log.place(card: copy, x: Int(record.x), in: record.setLabel, verified: true)
        try journal.save(log)
        return (record.x, source.identity, copy)
    }

    // MARK: - Helpers

    /// Card problems ask for a card again; anything else (cancel, reader gone) stops.
    static func isCardProblem(_ error: CeremonyError) -> Bool {
        switch error.code {
        case .wrongPIN, .cardBlocked, .lastTryRefused, .cardPulled, .foreignCard, .sameCardTwice, .otherSetOnCard,
             .cardFault, .timeout:
            return true
        case .cancelled, .readerGone, .tooFewCards, .keyCheckFailed, .noPINPad:
            return false
        }
    }

    /// OK → true, Cancel → false; timeouts ask again a few times, then stop.
    private func ask(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> Bool {
        for _ in 0..<promptTimeouts {
            switch try await station.confirm(prompt) {
            case .ok: return true
            case .cancel: return false
            case .timeout: await station.inform("No answer on the pad to \"\(prompt)\"; asking again")
            }
        }
        throw CeremonyError(.timeout, "no answer on the pad to \"\(prompt)\"")
    }

    private func abandonUnfinished(_ log: inout CeremonyJournal) {
        for index in log.sets.indices where log.sets[index].state == .writing || log.sets[index].state == .written {
            log.sets[index].state = .abandoned
        }
    }
}
