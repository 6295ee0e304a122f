/// Overwriting a card that holds a share of another set: the one rule for the ceremony and
/// for `card write`. A share of a set the journal keeps (in use, or replaced: its backups still
/// need its cards) is never overwritten when that would leave the set fewer than k distinct
/// shares on record; otherwise the operator is told what the set is left with, and the journal
/// keeps a line saying what was overwritten.
extension CeremonyJournal {
    /// The refusal, if overwriting `card` (share `x` of `set`) would strand the set's key.
    public func overwriteRefusal(card: String, set label: String, x: UInt8) -> CeremonyError? {
        guard let known = set(label), known.state == .verified || known.state == .replaced else { return nil }
        var left = known
        left.shares.removeAll { $0.card == card }
        guard left.distinctShares < known.k else { return nil }
        return CeremonyError(.wouldLoseKey, "card \(card) holds share \(x) of set \(label); without it set \(label) would have "
            + "\(left.distinctShares) distinct share(s) on record, fewer than the \(known.k) its key needs: nothing was written. "
            + "Copy a card of set \(label) first (trustedpath ceremony copy), or use another card")
    }

    /// What the operator is told before `card` is overwritten.
    public func overwriteNotice(card: String, set label: String, x: UInt8) -> String {
        guard let known = set(label), known.state != .abandoned else {
            return "Overwriting share \(x) of set \(label) on card \(card)"
        }
        return "Overwriting share \(x) of set \(label) (\(known.state.rawValue)) on card \(card): set \(label) is left with "
            + "\(cardsLeft(known, without: card)) card(s) on record, \(known.k) needed"
    }

    /// After the write: `card` leaves the old set's list, and the history says what happened.
    public mutating func recordOverwrite(card: String, set label: String, x: UInt8, with newShare: String) {
        let left = set(label).map { " set \($0.set) is left with \(cardsLeft($0, without: card)) card(s) on record, \($0.k) needed" }
        remove(card: card)
        record("card \(card): share \(x) of set \(label) overwritten with \(newShare)"
            + (left.map { ";" + $0 } ?? " (a set this journal does not list)"))
    }

    private func cardsLeft(_ set: ShareSet, without card: String) -> Int {
        set.shares.filter { $0.card != card }.count
    }
}
