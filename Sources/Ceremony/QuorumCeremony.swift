import BackupKey
import Foundation
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
///
/// One backup key per appliance (the manual: it cannot change after installation without
/// invalidating every backup): `create` on an appliance that has one is refused before the
/// first prompt unless `replaceKey` is set.
public struct QuorumCeremony: Sendable {
    public let station: any ShareCardStation
    public let journal: JournalStore
    /// Overwrite a card that holds a share of another set that is not abandoned.
    public var overwriteOtherSets = false
    /// `create` goes ahead on an appliance that has a backup key, and replaces it.
    public var replaceKey = false
    /// Spend a card's last PIN try (a wrong PIN then blocks it).
    public var allowLastTry = false
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

    /// What became of a restored set in the journal.
    public enum Adoption: Sendable, Hashable {
        /// It is the appliance's backup key now (made here, or restored on a new node).
        case adopted
        /// It was the backup key already.
        case inUse
        /// The appliance's backup key is another set (named); this one was only read.
        case notInUse(current: String)
        /// It was abandoned before its key was adopted, and stays so.
        case abandoned
    }

    public struct Result: Sendable {
        public var set: String
        public var k: Int
        public var n: Int
        /// Which card holds which share: every card written (create), or read (restore).
        public var cards: [(x: Int, card: String)]
        /// The cards read back to check the key.
        public var readBack: [(x: Int, card: String)]
        /// Cards whose PIN was changed on the pad during the run.
        public var pinsChanged: [String]
        /// The set whose key this one replaced (`replaceKey`).
        public var replaced: String?
        public var adoption: Adoption
        /// The reconstructed, checked key; the caller adopts it.
        public var key: SecretBytes
        /// Cards whose share did not fit the others (replace them).
        public var badShares: [UInt8]
    }

    // MARK: - Create

    /// Refuses, before anything is asked, what `create` must not do: a journal that does not
    /// load or cannot be written, and a second backup key without `replaceKey`.
    public func checkCreate() throws(CeremonyError) { try Self.checkCreate(journal: journal, replaceKey: replaceKey) }

    public static func checkCreate(journal: JournalStore, replaceKey: Bool) throws(CeremonyError) {
        let log = try journal.load()
        try journal.checkWritable()
        if let adopted = log.adopted, !replaceKey {
            throw CeremonyError(.keyInUse, "this appliance has a backup key: set \(adopted.set) (\(adopted.k) of \(adopted.n)), "
                + "in use since \(Self.date(adopted.adopted ?? adopted.created)). The backup key cannot change without "
                + "invalidating every backup made under it: nothing was done. To read it back, run `trustedpath ceremony restore`; "
                + "to make a new key all the same, run again with --replace-key (backups made under set \(adopted.set) then need "
                + "\(adopted.k) of its cards to be read)")
        }
    }

    public func create(k: Int, n: Int) async throws(CeremonyError) -> Result {
        try checkCreate()
        guard try await ask(.writeNewKey) else { throw CeremonyError(.cancelled, "the ceremony was cancelled; nothing was written") }
        var log = try journal.load()
        let replacing = log.adopted
        if let replacing {
            await station.inform("Replacing the backup key of set \(replacing.set): backups made under it need \(replacing.k) "
                + "of its cards to be read; its cards stay listed in the journal")
        }
        abandonUnfinished(&log)
        let key: SecretBytes
        let records: [ShareRecord]
        do { (key, records) = try makeShares(k, n) } catch {
            throw CeremonyError(.keyCheckFailed, error.description)
        }
        let label = records[0].setLabel
        log.sets.append(.init(set: label, k: k, n: n, state: .writing, shares: [], created: .now, origin: .made))
        try journal.save(log)
        await station.inform("New key: set \(label), \(k) of \(n) cards")
        var pinsChanged: [String] = []

        do throws(CeremonyError) {
            var written: [(x: Int, card: String)] = []
            for record in records {
                let card = try await writeOne(record, of: n, log: &log, pinsChanged: &pinsChanged)
                written.append((Int(record.x), card))
                try journal.save(log)
            }
            log.update(label) { $0.state = .written }
            try journal.save(log)
            let result = try await readBack(set: label, k: k)
            guard result.key.constantTimeEquals(key) else {
                throw CeremonyError(.keyCheckFailed, "the cards read back give another key: set \(label) is not usable")
            }
            let now = Date.now
            // Adoption and replacement are one save: never two keys in use, never none.
            if let replacing {
                log.update(replacing.set) { $0.state = .replaced }
                log.record("backup key replaced: set \(replacing.set) by set \(label); backups made under set "
                    + "\(replacing.set) need \(replacing.k) of its cards", at: now)
            }
            log.update(label) { set in
                set.state = .verified
                set.adopted = now
                for (x, card) in result.cards {
                    if let i = set.shares.firstIndex(where: { $0.x == x && $0.card == card }) { set.shares[i].verified = true }
                }
            }
            try journal.save(log)
            return Result(set: label, k: k, n: n, cards: written, readBack: result.cards, pinsChanged: pinsChanged,
                          replaced: replacing?.set, adoption: .adopted, key: key, badShares: result.badShares)
        } catch {
            log.update(label) { if $0.state != .verified { $0.state = .abandoned } }
            try? journal.save(log)
            let cards = log.set(label)?.shares.map { "card \($0.card) (share \($0.x))" } ?? []
            throw CeremonyError(error.code, error.context + ". Set \(label) was abandoned; the backup key is unchanged"
                + (cards.isEmpty ? "" : "; its shares on " + cards.joined(separator: ", ") + " will be overwritten by the next ceremony"))
        }
    }

    /// Writes one share: asks for a card until one takes it, or the operator stops. An OK
    /// pressed with no card in the reader is a card problem too: it asks again.
    private func writeOne(_ record: ShareRecord, of n: Int, log: inout CeremonyJournal,
                          pinsChanged: inout [String]) async throws(CeremonyError) -> String {
        for _ in 0..<attemptsPerShare {
            guard try await ask(.insertCard(Int(record.x))) else {
                throw CeremonyError(.cancelled, "cancelled at card \(record.x) of \(n)")
            }
            do throws(CeremonyError) {
                let card = try await station.waitForCard()
                let inspection = try await card.inspect()
                try refuseUnusable(card, inspection, for: record, log: log)
                try await card.verifyOnPad(allowLastTry: allowLastTry)
                let overwrite = try await refuseOccupied(card, inspection, for: record, log: log)
                await announceOverwrite(overwrite, card: card.identity, log: log)
                try await card.writeShare(record)
                recordOverwrite(overwrite, card: card.identity, by: record, log: &log)
                let back = try await card.readShare()
                guard back.x == record.x, back.setIdentifier == record.setIdentifier, back.y.constantTimeEquals(record.y) else {
                    throw CeremonyError(.cardFault, "card \(card.identity) did not keep the share written to it: use another card")
                }
                log.place(card: card.identity, x: Int(record.x), in: record.setLabel, verified: false)
                await station.inform("Share \(record.x) of \(n) written to card \(card.identity)")
                if inspection.defaultPINSet, await offerPINChange(card) { pinsChanged.append(card.identity) }
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
        if let share = log.set(record.setLabel)?.shares.first(where: { $0.card == card.identity }) {
            throw CeremonyError(.sameCardTwice, "card \(card.identity) already holds share \(share.x) of this set: insert another card")
        }
        if case .holdsShare(let set?, let x?) = inspection.kind {
            _ = try refuse(card, holding: set, x, for: record, log: log)
        }
    }

    /// After the PIN: a card whose share was not visible before is read, and refused if that
    /// share belongs to this set or to one still in use. What it held, if it may be overwritten.
    private func refuseOccupied(_ card: any ShareCard, _ inspection: CardInspection, for record: ShareRecord,
                                log: CeremonyJournal) async throws(CeremonyError) -> (set: String, x: UInt8)? {
        guard case .holdsShare = inspection.kind, let existing = try? await card.readShare() else { return nil }
        return try refuse(card, holding: existing.setLabel, existing.x, for: record, log: log)
    }

    /// Whether a card holding share `x` of `set` may take `record`: never a second share of
    /// the same set, another appliance's card or a card of a set not abandoned only with
    /// `overwriteOtherSets`, and never a card whose loss leaves the set in use (or one whose
    /// backups still need it) short of k cards.
    private func refuse(_ card: any ShareCard, holding set: String, _ x: UInt8, for record: ShareRecord,
                        log: CeremonyJournal) throws(CeremonyError) -> (set: String, x: UInt8)? {
        if set == record.setLabel {
            throw CeremonyError(.sameCardTwice, "card \(card.identity) already holds share \(x) of this set: insert another card")
        }
        if log.isStale(set) { return (set, x) }
        guard overwriteOtherSets else {
            let known = log.set(set)
            // A set this journal never made is most likely another appliance's: say so.
            throw CeremonyError(.otherSetOnCard, "card \(card.identity) holds share \(x) of set \(set), "
                + (known != nil ? "which is still in use" : "which this appliance did not make (a card of another appliance?)")
                + ": insert another card (or run with --overwrite)")
        }
        if let refusal = log.overwriteRefusal(card: card.identity, set: set, x: x) { throw refusal }
        return (set, x)
    }

    /// Tells the operator, before the write, what overwriting the card does to its old set.
    private func announceOverwrite(_ overwrite: (set: String, x: UInt8)?, card: String, log: CeremonyJournal) async {
        guard let overwrite else { return }
        await station.inform(log.overwriteNotice(card: card, set: overwrite.set, x: overwrite.x))
    }

    private func recordOverwrite(_ overwrite: (set: String, x: UInt8)?, card: String, by record: ShareRecord,
                                 log: inout CeremonyJournal) {
        guard let overwrite else { return }
        log.recordOverwrite(card: card, set: overwrite.set, x: overwrite.x, with: "share \(record.x) of set \(record.setLabel)")
    }

    /// Whether the PIN was changed.
    private func offerPINChange(_ card: any ShareCard) async -> Bool {
        await station.inform("Card \(card.identity) still has the default PIN 123456")
        guard (try? await ask(.changePIN)) == true else { return false }
        do {
            try await card.changePINOnPad()
            await station.inform("PIN changed on card \(card.identity)")
            return true
        } catch {
            await station.inform("PIN not changed: \(error.context); change it later with trustedpath card change-pin --slot share")
            return false
        }
    }

    // MARK: - Read back, restore

    /// Reads any k cards of `set` (nil: the set of the first card) and recombines the key.
    /// The journal is the caller's to update.
    private func readBack(set: String?, k: Int?) async throws(CeremonyError)
        -> (key: SecretBytes, cards: [(x: Int, card: String)], badShares: [UInt8], record: ShareRecord) {
        guard try await ask(.readNewKey) else { throw CeremonyError(.cancelled, "cancelled before the key was read back") }
        var collected: [ShareRecord] = []
        var cards: [(x: Int, card: String)] = []
        var wanted = k
        var label = set
        var refused = 0
        while collected.count < (wanted ?? 2) {
            guard refused < attemptsPerShare * max(1, wanted ?? 2) else {
                guard let label else {
                    throw CeremonyError(.tooFewCards, "\(refused) cards were tried and none held a share that could be read: "
                        + "insert the cards of the set")
                }
                throw CeremonyError(.tooFewCards, "only \(collected.count) distinct card(s) of set \(label) could be read, "
                    + "\(wanted ?? 2) are needed")
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
                try await card.verifyOnPad(allowLastTry: allowLastTry)
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

    /// Refuses, before anything is asked, a journal that does not load or cannot be written.
    public func checkJournal() throws(CeremonyError) { try Self.checkJournal(journal) }

    public static func checkJournal(_ journal: JournalStore) throws(CeremonyError) {
        _ = try journal.load()
        try journal.checkWritable()
    }

    /// Restores the backup key from any k cards of a set. On an appliance without a backup
    /// key, the set becomes it (a node joining a cluster); a set other than the one in use is
    /// read and checked, and said not to be in use.
    public func restore() async throws(CeremonyError) -> Result {
        try checkJournal()
        let result = try await readBack(set: nil, k: nil)
        var log = try journal.load()
        let record = result.record
        let label = record.setLabel
        let adoption: Adoption
        let known = log.set(label)
        if known?.state == .abandoned {
            adoption = .abandoned
            await station.inform("Set \(label) was abandoned before its key was adopted; the journal keeps it so")
        } else if let current = log.adopted, current.set != label {
            adoption = .notInUse(current: current.set)
            await station.inform("Set \(label) is not this appliance's backup key (that is set \(current.set), in use since "
                + "\(Self.date(current.adopted ?? current.created))): its key was read and checked, not adopted")
        } else {
            let now = Date.now
            adoption = log.adopted == nil ? .adopted : .inUse
            if known == nil {
                // Cards made elsewhere: the appliance learns the set from the records.
                log.sets.append(.init(set: label, k: Int(record.threshold), n: Int(record.shareCount), state: .verified,
                                      shares: [], created: now, adopted: now, origin: .restored))
            }
            log.update(label) { set in
                if set.state != .verified { set.adopted = now }
                set.state = .verified
                for (x, card) in result.cards {
                    if let i = set.shares.firstIndex(where: { $0.x == x && $0.card == card }) {
                        set.shares[i].verified = true
                    } else if !set.shares.contains(where: { $0.card == card }) {
                        set.shares.append(CeremonyJournal.Share(x: x, card: card, verified: true))
                    }
                }
            }
            try journal.save(log)
            if adoption == .adopted { await station.inform("Set \(label) is now this appliance's backup key") }
        }
        // The records name their set, k and n: copied cards and sets of another appliance too.
        return Result(set: label, k: Int(record.threshold), n: Int(record.shareCount), cards: result.cards,
                      readBack: result.cards, pinsChanged: [], replaced: nil, adoption: adoption,
                      key: result.key, badShares: result.badShares)
    }

    // MARK: - Copy

    /// Copies the share of one card (the source) to another (the target), one to one, for a
    /// second set of cards.
    public func copyCard() async throws(CeremonyError) -> (x: UInt8, set: String, from: String, to: String) {
        try checkJournal()
        guard try await ask(.insertSourceCard) else { throw CeremonyError(.cancelled, "copy cancelled; nothing was written") }
        let source = try await station.waitForCard()
        guard case .holdsShare = try await source.inspect().kind else {
            throw CeremonyError(.foreignCard, "the source card \(source.identity) holds no share to copy; nothing was written")
        }
        try await source.verifyOnPad(allowLastTry: allowLastTry)
        let record = try await source.readShare()
        await station.inform("Source: card \(source.identity) holds share \(record.x) of set \(record.setLabel)")
        var log = try journal.load()
        var copy: String?
        for _ in 0..<attemptsPerShare {
            guard try await ask(.insertTargetCard) else { throw CeremonyError(.cancelled, "copy cancelled; nothing was written") }
            do throws(CeremonyError) {
                let target = try await station.waitForCard()
                guard target.identity != source.identity else {
                    throw CeremonyError(.sameCardTwice, "that is the source card \(source.identity): insert the target card")
                }
                await station.inform("Target: card \(target.identity)")
                let inspection = try await target.inspect()
                try refuseUnusable(target, inspection, for: record, log: log)
                try await target.verifyOnPad(allowLastTry: allowLastTry)
                let overwrite = try await refuseOccupied(target, inspection, for: record, log: log)
                await announceOverwrite(overwrite, card: target.identity, log: log)
                try await target.writeShare(record)
                recordOverwrite(overwrite, card: target.identity, by: record, log: &log)
                guard try await target.readShare().y.constantTimeEquals(record.y) else {
                    throw CeremonyError(.cardFault, "card \(target.identity) did not keep the share: use another card")
                }
                copy = target.identity
                break
            } catch where Self.isCardProblem(error) {
                await station.inform(error.context)
            }
        }
        guard let copy else { throw CeremonyError(.tooFewCards, "no usable target card to copy to; nothing was written") }
        // The journal tells which cards hold the set's shares: the copy is one of them.
        log.place(card: copy, x: Int(record.x), in: record.setLabel, verified: true)
        try journal.save(log)
        return (record.x, record.setLabel, source.identity, copy)
    }

    // MARK: - Helpers

    /// Card problems ask for a card again; anything else (cancel, reader gone) stops.
    static func isCardProblem(_ error: CeremonyError) -> Bool {
        switch error.code {
        case .wrongPIN, .cardBlocked, .lastTryRefused, .cardPulled, .foreignCard, .sameCardTwice, .otherSetOnCard,
             .cardFault, .timeout, .wouldLoseKey:
            return true
        case .cancelled, .readerGone, .tooFewCards, .keyCheckFailed, .noPINPad, .keyInUse, .journal:
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

    /// A date as the operator's log shows it (UTC).
    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withSpaceBetweenDateAndTime, .withTime, .withColonSeparatorInTime]
        return formatter.string(from: date) + " UTC"
    }
}
