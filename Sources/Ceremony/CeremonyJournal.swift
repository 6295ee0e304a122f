import Foundation

/// What the appliance knows about its share sets, kept on disk so that every step is
/// finished, resumable or rolled back, and the operator can always be told which card holds
/// which share of which set. It holds no secret: set labels, thresholds, card serials.
///
/// A set is adopted (its key becomes the backup key) only once k of its cards have been read
/// back and the key check passed. A set whose writing stopped part way is abandoned: its
/// cards are listed as stale and may be overwritten by the next ceremony.
public struct CeremonyJournal: Codable, Sendable, Hashable {
    public enum SetState: String, Codable, Sendable { case writing, written, verified, abandoned }

    public struct Share: Codable, Sendable, Hashable {
        public var x: Int
        public var card: String
        public var verified: Bool
    }

    public struct ShareSet: Codable, Sendable, Hashable {
        public var set: String
        public var k: Int
        public var n: Int
        public var state: SetState
        public var shares: [Share]
        /// When it was created, for the operator's log.
        public var created: Date
    }

    public var version = 1
    public var sets: [ShareSet] = []

    public init() {}

    /// The set the appliance uses now: the newest verified one.
    public var adopted: ShareSet? { sets.last { $0.state == .verified } }

    /// Sets whose cards may be overwritten without asking: abandoned ones.
    public func isStale(_ set: String) -> Bool {
        sets.contains { $0.set == set && $0.state == .abandoned }
    }

    mutating func update(_ label: String, _ change: (inout ShareSet) -> Void) {
        guard let index = sets.lastIndex(where: { $0.set == label }) else { return }
        change(&sets[index])
    }

    /// `card` now holds share `x` of set `label` (written or copied): a card holds one share,
    /// so it leaves the list of whatever set it held before.
    mutating func place(card: String, x: Int, in label: String, verified: Bool) {
        for index in sets.indices { sets[index].shares.removeAll { $0.card == card } }
        update(label) { $0.shares.append(Share(x: x, card: card, verified: verified)) }
    }

    /// A plain account for the operator: every set, its state and its cards.
    public var summary: [String] {
        sets.map { set in
            let cards = set.shares.sorted { ($0.x, $0.card) < ($1.x, $1.card) }.map { "share \($0.x) on card \($0.card)" }
            return "set \(set.set) (\(set.k) of \(set.n)): \(set.state.rawValue)"
                + (cards.isEmpty ? "" : ": " + cards.joined(separator: ", "))
        }
    }
}

/// Loads and saves the journal atomically, so a crash leaves either the old journal or the
/// new one, never half of one.
public struct JournalStore: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func load() throws(CeremonyError) -> CeremonyJournal {
        guard let data = FileManager.default.contents(atPath: path) else { return CeremonyJournal() }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(CeremonyJournal.self, from: data)
        } catch {
            throw CeremonyError(.cardFault, "the ceremony journal \(path) is damaged (\(error)); move it aside to start afresh")
        }
    }

    public func save(_ journal: CeremonyJournal) throws(CeremonyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            let data = try encoder.encode(journal)
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
            // .atomic writes a temporary file beside it and renames it into place.
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CeremonyError(.cardFault, "cannot write the ceremony journal \(path): \(error)")
        }
    }
}
