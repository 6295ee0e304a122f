import PINPad

/// Where a workflow meets its operator: a terminal (the `trustedpath` CLI), or a page of the
/// appliance's own configuration UI. The workflows tell what happens as it happens (`show`)
/// and ask only what a reader cannot ask itself (`ask`: prompts on a reader that pcscd holds,
/// which has no way to show them on its display). A PIN is never asked here: it is typed on
/// the PIN pad, and no callback ever carries one.
public protocol OperatorInterface: Sendable {
    /// Called in the order things happen, from the workflow's task or a reader's.
    func show(_ message: OperatorMessage)
    /// OK or Cancel, answered on the host; end of input (or no operator) is Cancel.
    func ask(_ prompt: PadPrompt) async -> PadConfirmation
}

public struct OperatorMessage: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Progress and results: a card written, the reader chosen.
        case info
        /// Something the operator should act on later (a default PIN, a set not in use).
        case warning
        /// What the PIN pad shows or asks on its own display.
        case pad
        /// The reader has no display for this: the host shows it, the answer is given on the pad.
        case hostPrompt
        /// The simulated reader's display, screen by screen (simulation only).
        case simulatedDisplay
        /// What the simulated operator does (simulation only).
        case simulatedOperator
        /// A run on the simulator says so first and last.
        case simulation
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    public var description: String { text }
}

extension OperatorInterface {
    func info(_ text: String) { show(OperatorMessage(.info, text)) }
    func warn(_ text: String) { show(OperatorMessage(.warning, text)) }

    /// The PIN-pad layer's messages, as the operator sees them.
    var padMessages: @Sendable (PadMessage) -> Void {
        { [self] message in
            show(OperatorMessage(message.kind == .onPad ? .pad : .hostPrompt, message.description))
        }
    }
}
