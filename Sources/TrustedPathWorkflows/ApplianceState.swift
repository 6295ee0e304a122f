/// Where the appliance keeps its state, and where the simulator keeps its own, apart: a set
/// made on simulated cards never enters the appliance's journal.
///
///     <directory>/ceremony.json             the appliance's ceremony journal
///     <directory>/simulator/ceremony.json   the simulated appliance's journal
///     <directory>/simulator/cards/card-N    simulated card N (its PINs, counters, slots)
public struct ApplianceState: Sendable, Hashable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// `$XDG_STATE_HOME/trustedpath`, else `$HOME/.local/state/trustedpath`.
    public static func forUser(environment: [String: String]) -> ApplianceState {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? "/root") + "/.local/state"
        return ApplianceState(directory: base + "/trustedpath")
    }

    public var journal: String { directory + "/ceremony.json" }
    public var simulator: String { directory + "/simulator" }
    public var simulatedJournal: String { simulator + "/ceremony.json" }
    public var simulatedCards: String { simulator + "/cards" }

    /// The simulated card a `card` command uses unless told: card 1 of the drawer.
    public var simulatedCard: String { simulatedCards + "/card-1" }
}
