import Simulator
import Synchronization
import TrustedPathCore

/// The simulated reader on the bench and the drawer of simulated cards beside it, their state
/// (files, PINs, retry counters) kept one file a card. Only used when the operator asks for
/// the simulator; its files live apart from the appliance's state.
///
/// Every card a run may use is loaded before the run starts, so a damaged card file is an
/// error before the first prompt; afterwards only cards whose state changed are written back.
public final class SimulatedBench: Sendable {
    public let reader: SimulatedCCIDReader
    public let directory: String
    private let cards: Mutex<[Int: Drawn]>

    private struct Drawn {
        let card: SimulatedTCOSCard
        /// The state as loaded (or as made), to write back only what changed.
        var original: [UInt8]
        let path: String
    }

    /// The drawer in `directory` (`card-N` files), cards `numbers` loaded or made new.
    public init(directory: String, numbers: [Int], profile: ReaderProfile = .cyberJackEcom) throws(WorkflowError) {
        self.directory = directory
        // Checked now, not when the cards are saved after the run: their state would be lost.
        try Files.checkOutput(directory + "/card-1", as: "the simulated cards' folder \(directory)")
        reader = SimulatedCCIDReader(profile: profile)
        var drawn: [Int: Drawn] = [:]
        for number in Set(numbers) {
            drawn[number] = try Self.load(path: directory + "/card-\(number)", serial: UInt64(100 + number), card: "card \(number)")
        }
        cards = Mutex(drawn)
    }

    /// One card, in a state file of its own (the `card` commands' `--card-state`).
    public init(cardFile path: String, profile: ReaderProfile = .cyberJackEcom) throws(WorkflowError) {
        directory = Files.folder(of: path)
        try Files.checkOutput(path, as: "the simulated card's state file")
        reader = SimulatedCCIDReader(profile: profile)
        cards = Mutex([1: try Self.load(path: path, serial: 101, card: "card")])
    }

    private static func load(path: String, serial: UInt64, card name: String) throws(WorkflowError) -> Drawn {
        var saved: [UInt8]?
        do { saved = try Files.read(path, as: "the simulated \(name)", limit: 1 << 20) } catch where !Files.exists(path) {
            saved = nil
        }
        let card: SimulatedTCOSCard
        if var saved {
            defer { SecretBytes.wipe(&saved) }
            do { card = try SimulatedTCOSCard(importing: saved) } catch {
                throw WorkflowError(.file, "the simulated \(name) \(path) is damaged (\(error)): delete it for a new card")
            }
        } else {
            card = SimulatedTCOSCard(profile: .trustedPath, serialNumber: serial)
        }
        return Drawn(card: card, original: card.exportState(), path: path)
    }

    /// Card `number` of the drawer, if it was loaded.
    public func card(_ number: Int) -> SimulatedTCOSCard? { cards.withLock { $0[number]?.card } }

    /// Writes back the cards whose state changed (private files in a private folder: they
    /// hold the simulated cards' PINs).
    public func save() throws(WorkflowError) {
        let changed: [(path: String, state: [UInt8], number: Int)] = cards.withLock { drawn in
            drawn.compactMap { number, entry in
                let now = entry.card.exportState()
                return now == entry.original ? nil : (entry.path, now, number)
            }
        }
        for entry in changed {
            try Files.write(entry.path, entry.state, mode: 0o600, as: "the simulated card")
            cards.withLock { $0[entry.number]?.original = entry.state }
        }
    }

    /// The simulated display's screens, oldest first.
    public func screens() async -> [[String]] { await reader.display?.history ?? [] }
}
