import APDU
import CCID
import CCIDReader
import TCOS

/// A TCOS card in a PIN-pad reader: PINs are typed on the reader's keypad and go from the
/// reader straight to the card (PC_to_RDR_Secure), so no API here takes a PIN and no PIN
/// exists on the host. Prompts are shown on the reader's display.
///
/// The card layer's rules hold on the pad path too (they are TCOSCard's own code): the retry
/// counter is asked before any PIN entry, the last try is refused unless allowed, a blocked
/// PIN is reported without entry, and a PIN change clears the slot's transport-PIN flag.
public actor PINPadReader {
    public nonisolated let transport: any PINPadTransport
    public nonisolated let options: PINPadOptions
    /// Free-text prompts go to the reader's display.
    public nonisolated let hasDisplay: Bool
    let messages: @Sendable (PadMessage) -> Void
    private var channel: (any CardChannel)?

    /// - Parameter messages: called with what the operator should see, as it happens; on a
    ///   reader without display it is the only place prompts appear.
    /// - Parameter requirePINPad: refuse a reader without a keypad now; false for sessions that
    ///   only read the card's status (PIN entry then still refuses, when it is asked for).
    /// - Throws: `.noPINPad` when the reader cannot take a PIN on its keypad.
    public init(transport: any PINPadTransport, options: PINPadOptions = PINPadOptions(), requirePINPad: Bool = true,
                messages: @escaping @Sendable (PadMessage) -> Void = { _ in }) throws(PINPadError) {
        guard transport.supportsPINVerify || !requirePINPad else { throw PINPadError(.noPINPad, transport.label) }
        self.transport = transport
        self.options = options
        self.hasDisplay = transport.hasDisplay
        self.messages = messages
    }

    /// A CCID reader driven directly over USB.
    /// - Throws: `.noPINPad` when the descriptor's bPINSupport has no PIN verification;
    ///   `.unsupported` at the character exchange level.
    public init(reader: CCIDReader, readerSlot: UInt8 = 0, options: PINPadOptions = PINPadOptions(),
                messages: @escaping @Sendable (PadMessage) -> Void = { _ in }) throws(PINPadError) {
        guard reader.descriptor.supportsPINVerify else {
            throw PINPadError(.noPINPad, "bPINSupport 0x\(String(reader.descriptor.bPINSupport, radix: 16))")
        }
        try self.init(transport: try CCIDPINPadTransport(reader: reader, slot: readerSlot), options: options, messages: messages)
    }

    /// The card, powered on first use; its session (and a verified PIN) lasts until the card
    /// leaves or the reader is dropped.
    public func card() async throws(PINPadError) -> TCOSCard {
        if let channel { return TCOSCard(commands: TCOSCommands(channel: channel)) }
        let made = try await transport.connectCard()
        channel = made
        return TCOSCard(commands: TCOSCommands(channel: made))
    }

    /// Slot states without any PIN entry.
    public func status() async throws(PINPadError) -> TCOSCardStatus {
        let card = try await card()
        do { return try await card.status() } catch { throw PINPadError.from(error) }
    }
}
