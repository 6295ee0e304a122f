/// The reader's LCD: what was shown, screen by screen, so tests can assert the prompts. Digits
/// typed appear as '*', never as themselves.
public struct SimulatedDisplay: Sendable, Hashable {
    public let lines: Int
    public let columns: Int
    /// Every screen shown, oldest first; each holds `lines` strings of at most `columns`.
    public private(set) var history: [[String]] = []

    public init(lines: Int = 2, columns: Int = 16) {
        self.lines = lines
        self.columns = columns
    }

    public var current: [String] { history.last ?? Array(repeating: "", count: lines) }

    mutating func show(_ text: [String]) {
        var screen = text.prefix(lines).map { String($0.prefix(columns)) }
        while screen.count < lines { screen.append("") }
        history.append(screen)
    }

    /// The prompt texts by bMsgIndex, as CCID's default messages (§6.1.11.5).
    static func prompt(_ index: UInt8) -> String {
        switch index {
        case 1: "Enter new PIN"
        case 2: "Confirm new PIN"
        default: "Enter PIN"
        }
    }
}
