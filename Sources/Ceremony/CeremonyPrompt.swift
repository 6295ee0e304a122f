import PINPad

/// The prompts of the appliance's manual, laid out for the reader's 2x16 display.
public enum CeremonyPrompt: Sendable, Hashable, CustomStringConvertible {
    case writeNewKey
    case insertCard(Int)
    case readNewKey
    case changePIN
    /// `ceremony copy`: the card whose share is copied, then the card it is copied to.
    case insertSourceCard
    case insertTargetCard

    public var lines: (String, String) {
        switch self {
        case .writeNewKey: return ("Write New Key", "press OK/Cancel")
        case .insertCard(let number): return ("Insert \(number). card", "press OK/Cancel")
        case .readNewKey: return ("Read New Key", "press OK/Cancel")
        case .changePIN: return ("Change PIN now?", "press OK/Cancel")
        case .insertSourceCard: return ("Insert source", "card: OK/Cancel")
        case .insertTargetCard: return ("Insert target", "card: OK/Cancel")
        }
    }

    public var padPrompt: PadPrompt { PadPrompt(lines.0, lines.1) }

    public var description: String { "\(lines.0) \(lines.1)" }
}
