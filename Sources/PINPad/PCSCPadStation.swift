import PCSC

/// A PIN-pad reader that pcscd holds, as a `PadStation`: the card through SCardTransmit, each
/// PIN typed on the reader's keypad through PC/SC part 10 (FEATURE_VERIFY_PIN_DIRECT /
/// FEATURE_MODIFY_PIN_DIRECT), so it never crosses the host.
///
/// What PC/SC cannot do: show a free-text prompt on the reader's display or read its OK key
/// outside a PIN entry (part 10 has no such feature, and pcscd's driver keeps the reader). So
/// prompts are asked on the host (`askOnHost`); OK and Cancel are not secrets. Card changes
/// are followed with SCardGetStatusChange.
public actor PCSCPadStation: PadStation {
    public typealias AskOnHost = @Sendable (PadPrompt) async -> PadConfirmation

    public nonisolated let context: PCSCContext
    public nonisolated let reader: String
    public nonisolated let options: PINPadOptions
    /// How long `waitForCard` waits for a card after the operator confirmed.
    public nonisolated let cardWait: Duration
    let askOnHost: AskOnHost
    /// Readers without part 10 PIN entry were refused; else their sessions only read status.
    let requirePINPad: Bool
    let messages: @Sendable (PadMessage) -> Void
    /// The connection to the card in the reader; a new card gets a new one.
    private var connected: PCSCCard?

    public nonisolated var label: String { "\"\(reader)\" (through pcscd)" }
    public nonisolated var promptsOnReader: Bool { false }

    private init(context: PCSCContext, reader: String, options: PINPadOptions, cardWait: Duration, requirePINPad: Bool,
                 askOnHost: @escaping AskOnHost, messages: @escaping @Sendable (PadMessage) -> Void) {
        self.requirePINPad = requirePINPad
        self.context = context
        self.reader = reader
        self.options = options
        self.cardWait = cardWait
        self.askOnHost = askOnHost
        self.messages = messages
    }

    /// The station on `reader` (one of `context.readers()`), once it is known to offer PIN
    /// entry on its keypad through part 10 (asked over a direct connection, so no card is
    /// needed yet). A reader without it is refused: no PIN may be typed on the host.
    public static func open(context: PCSCContext, reader: String, options: PINPadOptions = PINPadOptions(),
                            cardWait: Duration = .seconds(30), requirePINPad: Bool = true, askOnHost: @escaping AskOnHost,
                            messages: @escaping @Sendable (PadMessage) -> Void = { _ in }) async throws(PINPadError) -> PCSCPadStation {
        let features: PCSCFeatureList
        do throws(PCSCError) {
            let direct = try await PCSCCard(context: context, reader: reader, share: .direct, preferred: [])
            features = try await direct.features()
            try? await direct.disconnect(disposition: .leave)
        } catch {
            throw Self.map(error)
        }
        guard features.controlCode(.verifyPINDirect) != nil || !requirePINPad else {
            throw PINPadError(.noPINPad, "the PC/SC reader \"\(reader)\" offers no PIN entry on a keypad: "
                              + "no FEATURE_VERIFY_PIN_DIRECT")
        }
        return PCSCPadStation(context: context, reader: reader, options: options, cardWait: cardWait,
                              requirePINPad: requirePINPad, askOnHost: askOnHost, messages: messages)
    }

    public func confirm(_ prompt: PadPrompt) async throws(PINPadError) -> PadConfirmation {
        messages(PadMessage(.hostFallback, prompt.lines))
        return await askOnHost(prompt)
    }

    public func waitForCard() async throws(PINPadError) -> PINPadReader {
        if let previous = connected {
            connected = nil
            try? await previous.disconnect(disposition: .leave)
        }
        let card: PCSCCard
        do throws(PCSCError) {
            _ = try await context.waitForCard(in: reader, timeout: cardWait)
            card = try await PCSCCard(context: context, reader: reader)
        } catch {
            throw Self.map(error)
        }
        connected = card
        let transport = try await PCSCPINPadTransport(card: card)
        return try PINPadReader(transport: transport, options: options, requirePINPad: requirePINPad, messages: messages)
    }

    public func close() async {
        if let previous = connected {
            connected = nil
            try? await previous.disconnect(disposition: .leave)
        }
    }

    /// A waited-for card that never came is a card not in the reader, as on the USB path.
    static func map(_ error: PCSCError) -> PINPadError {
        if error.code == .timeout { return PINPadError(.cardRemoved, error.description) }
        let pad = PINPadError.from(error.channelError)
        return pad.code == .card ? PINPadError(.protocolError, error.description) : pad
    }
}
