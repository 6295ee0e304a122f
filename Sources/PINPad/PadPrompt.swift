/// Text for the reader's 2x16 display that asks the person at the appliance to press OK or
/// Cancel: the appliance's own prompts, laid out for the pad's two lines.
public struct PadPrompt: Sendable, Hashable, CustomStringConvertible {
    public static let columns = 16

    public let line1: String
    public let line2: String

    /// Lines longer than 16 characters are cut; characters outside printable ASCII become
    /// '?', as a pad's character set is no wider.
    public init(_ line1: String, _ line2: String) {
        self.line1 = Self.fit(line1)
        self.line2 = Self.fit(line2)
    }

    public static let writeNewKey = PadPrompt("Write New Key", "press OK/Cancel")
    public static let readNewKey = PadPrompt("Read New Key", "press OK/Cancel")

    /// "Insert 1. card" … for the n-th card of a quorum.
    public static func insertCard(_ number: Int) -> PadPrompt {
        PadPrompt("Insert \(number). card", "press OK/Cancel")
    }

    public var lines: [String] { [line1, line2] }
    public var description: String { line1 + " | " + line2 }

    private static func fit(_ text: String) -> String {
        String(String(decoding: text.utf8.prefix(columns).map { (0x20...0x7E).contains($0) ? $0 : 0x3F },
                      as: UTF8.self))
    }
}

/// What the person did at a prompt.
public enum PadConfirmation: Sendable, Hashable {
    case ok
    case cancel
    /// No key before the prompt's timeout.
    case timeout
}
