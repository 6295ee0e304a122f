/// One event at the reader's keypad.
public enum KeypadKey: Sendable, Hashable {
    case digit(UInt8)
    case ok
    case cancel
    case clear
    /// Nobody presses anything until the reader's entry timeout passes.
    case noKeyUntilTimeout

    /// "1234" → four digit keys; other characters are skipped. For test scripts.
    public static func digits(_ text: String) -> [KeypadKey] {
        text.utf8.compactMap { $0 >= 0x30 && $0 <= 0x39 ? .digit($0 - 0x30) : nil }
    }
}

/// The keys a simulated person will press, in order. Time is simulated: a
/// `.noKeyUntilTimeout` (or running out of script) ends entry at once as a timeout, so
/// tests of PIN_TIMEOUT take no wall-clock time.
public struct SimulatedKeypad: Sendable, Hashable {
    public private(set) var script: [KeypadKey]
    public private(set) var position = 0

    public init(script: [KeypadKey] = []) { self.script = script }

    public mutating func enqueue(_ keys: [KeypadKey]) { script += keys }

    /// Keys not yet pressed.
    public var remaining: ArraySlice<KeypadKey> { script[position...] }

    mutating func next() -> KeypadKey {
        guard position < script.count else { return .noKeyUntilTimeout }
        defer { position += 1 }
        return script[position]
    }
}
