import Foundation
import POSIXSupport

/// What the appliance knows about its share sets, kept on disk so that every step is
/// finished, resumable or rolled back, and the operator can always be told which card holds
/// which share of which set. It holds no secret: set labels, thresholds, card serials.
///
/// One backup key per appliance: a set is adopted (its key becomes the backup key) once k of
/// its cards have been read back and checked, made here or restored (a cluster node joins by
/// restoring the set in use). It is replaced only when asked to, and then stays listed: the
/// backups made under it still need its cards. A set whose writing stopped part way is
/// abandoned: its cards may be overwritten by the next ceremony.
public struct CeremonyJournal: Codable, Sendable, Hashable {
    public enum SetState: String, Codable, Sendable {
        case writing, written, verified, abandoned
        /// Was the backup key until another set replaced it (`--replace-key`).
        case replaced
    }

    public struct Share: Codable, Sendable, Hashable {
        public var x: Int
        public var card: String
        public var verified: Bool
    }

    public enum Origin: String, Codable, Sendable {
        /// Written to cards by a ceremony on this appliance.
        case made
        /// Read from cards made elsewhere (another node of the cluster).
        case restored
    }

    public struct ShareSet: Codable, Sendable, Hashable {
        public var set: String
        public var k: Int
        public var n: Int
        public var state: SetState
        public var shares: [Share]
        /// When it was created, for the operator's log.
        public var created: Date
        /// When its key became the appliance's backup key.
        public var adopted: Date?
        public var origin: Origin?

        /// The cards that hold a share of it, told apart by share: copies count once.
        public var distinctShares: Int { Set(shares.map(\.x)).count }
    }

    /// Something done to a set that the operator must be able to look up later: a card of a
    /// set overwritten, the backup key replaced.
    public struct Event: Codable, Sendable, Hashable {
        public var date: Date
        public var what: String
    }

    public var version = 1
    public var sets: [ShareSet] = []
    public var history: [Event] = []

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        sets = try container.decode([ShareSet].self, forKey: .sets)
        // Journals written before the history was kept have none.
        history = try container.decodeIfPresent([Event].self, forKey: .history) ?? []
    }

    /// The set whose key is the appliance's backup key now.
    public var adopted: ShareSet? { sets.last { $0.state == .verified } }

    /// Sets whose cards may be overwritten without asking: abandoned ones.
    public func isStale(_ set: String) -> Bool {
        sets.contains { $0.set == set && $0.state == .abandoned }
    }

    public func set(_ label: String) -> ShareSet? { sets.last { $0.set == label } }

    mutating func update(_ label: String, _ change: (inout ShareSet) -> Void) {
        guard let index = sets.lastIndex(where: { $0.set == label }) else { return }
        change(&sets[index])
    }

    /// `card` now holds share `x` of set `label` (written or copied): a card holds one share,
    /// so it leaves the list of whatever set it held before.
    public mutating func place(card: String, x: Int, in label: String, verified: Bool) {
        remove(card: card)
        update(label) { $0.shares.append(Share(x: x, card: card, verified: verified)) }
    }

    /// `card` no longer holds the share the journal lists for it (overwritten, or wiped).
    public mutating func remove(card: String) {
        for index in sets.indices { sets[index].shares.removeAll { $0.card == card } }
    }

    public mutating func record(_ what: String, at date: Date = .now) {
        history.append(Event(date: date, what: what))
    }

    /// A plain account for the operator: every set, its state and its cards.
    public var summary: [String] {
        sets.map { set in
            let cards = set.shares.sorted { ($0.x, $0.card) < ($1.x, $1.card) }.map { "share \($0.x) on card \($0.card)" }
            let state = set.state == .verified && set.set == adopted?.set ? "verified, in use" : set.state.rawValue
            return "set \(set.set) (\(set.k) of \(set.n)): \(state)"
                + (cards.isEmpty ? "" : ": " + cards.joined(separator: ", "))
        }
    }
}

/// Loads and saves the journal. A save is atomic and durable (a temporary file beside it,
/// fsync, rename, fsync of the folder), so a crash or a power cut leaves either the old
/// journal or the new one, never half of one. A journal that does not load is an error that
/// names the file and how to go on; it is never replaced silently.
public struct JournalStore: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The journal, or an empty one where there is none yet.
    public func load() throws(CeremonyError) -> CeremonyJournal {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return CeremonyJournal() }
        if isFolder.boolValue {
            throw CeremonyError(.journal, "the ceremony journal \(path) is a folder, not a file: name the journal file itself")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CeremonyError(.journal, "the ceremony journal \(path) cannot be read (check its permissions); nothing was changed")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(CeremonyJournal.self, from: data)
        } catch {
            throw CeremonyError(.journal, "the ceremony journal \(path) is damaged (\(Self.plainWords(error))); nothing was changed. "
                + "Put back your copy of it, or move it aside (mv \(path) \(path).damaged) to start a new one: "
                + "then `trustedpath ceremony restore` with k cards of the set in use records that set again")
        }
    }

    public func save(_ journal: CeremonyJournal) throws(CeremonyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data: Data
        do { data = try encoder.encode(journal) } catch {
            throw CeremonyError(.journal, "the ceremony journal could not be encoded (\(Self.plainWords(error)))")
        }
        do throws(DurableFile.Failure) { try DurableFile.replace(path, with: [UInt8](data), mode: 0o600, folderMode: 0o700) } catch {
            throw CeremonyError(.journal, "cannot write the ceremony journal \(path): \(error.reason)")
        }
    }

    /// Checks, without changing anything, that a save would succeed: the folder exists or can
    /// be made, and a file can be created in it.
    public func checkWritable() throws(CeremonyError) {
        do throws(DurableFile.Failure) { try DurableFile.checkWritable(path) } catch {
            throw CeremonyError(.journal, "cannot write the ceremony journal \(path): \(error.reason)")
        }
    }

    /// A decoding failure as the operator can read it: what is wrong and where, without
    /// Foundation's type names.
    static func plainWords(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "it is not a ceremony journal" }
        func place(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "it is not valid JSON"
        case .dataCorrupted(let context): return "the value of \(place(context.codingPath)) is not valid"
        case .keyNotFound(let key, let context): return "\(place(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(place(context.codingPath)) has a value of the wrong kind"
        @unknown default: return "it is not a ceremony journal"
        }
    }
}
