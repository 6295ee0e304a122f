import CCIDReader

/// A CCID PIN-pad reader on our own USB link as a `PadStation`: prompts on its display, OK and
/// Cancel on its keypad, one card at a time in `slot`.
public actor USBPadStation: PadStation {
    public nonisolated let reader: CCIDReader
    public nonisolated let slot: UInt8
    public nonisolated let options: PINPadOptions
    public nonisolated let label: String
    let messages: @Sendable (PadMessage) -> Void
    /// The session of the card in the slot; a new card gets a new one.
    private var current: PINPadReader?

    public init(reader: CCIDReader, slot: UInt8 = 0, options: PINPadOptions = PINPadOptions(), label: String = "the PIN-pad reader",
                messages: @escaping @Sendable (PadMessage) -> Void = { _ in }) {
        self.reader = reader
        self.slot = slot
        self.options = options
        self.label = label
        self.messages = messages
    }

    public nonisolated var promptsOnReader: Bool { reader.descriptor.lcdLayout != nil }

    private func pad() throws(PINPadError) -> PINPadReader {
        if let current { return current }
        let fresh = try PINPadReader(reader: reader, readerSlot: slot, options: options, messages: messages)
        current = fresh
        return fresh
    }

    public func confirm(_ prompt: PadPrompt) async throws(PINPadError) -> PadConfirmation {
        try await pad().confirm(prompt)
    }

    public func waitForCard() async throws(PINPadError) -> PINPadReader {
        current = nil
        return try pad()
    }

    public func close() async { await reader.link.close() }
}
