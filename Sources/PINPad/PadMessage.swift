/// What the operator should see while the pad works, for a front end to show (the CLI prints
/// `[pad] Enter PIN`). A real pad shows its own screens; these tell the operator where to look.
public struct PadMessage: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The pad shows (and asks) this on its own display.
        case onPad
        /// The reader has no display: the host must show this, and the answer is given on the pad.
        case hostFallback
    }

    public var kind: Kind
    public var lines: [String]

    public init(_ kind: Kind, _ lines: [String]) {
        self.kind = kind
        self.lines = lines
    }

    public var description: String { lines.filter { !$0.isEmpty }.joined(separator: " / ") }
}
