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
    public nonisolated let reader: CCIDReader
    /// The reader's card slot (bSlot); not a TCOS slot.
    public nonisolated let readerSlot: UInt8
    public nonisolated let options: PINPadOptions
    /// wLcdLayout is not 0: prompts go to the reader's display.
    public nonisolated let hasDisplay: Bool
    let messages: @Sendable (PadMessage) -> Void
    private var connection: CCIDCardConnection?

    /// - Parameter messages: called with what the operator should see, as it happens; on a
    ///   reader without display it is the only place prompts appear.
    /// - Throws: `.noPINPad` when the descriptor's bPINSupport has no PIN verification;
    ///   `.unsupported` below the APDU exchange level (the pad would need our T=1 state).
    public init(reader: CCIDReader, readerSlot: UInt8 = 0, options: PINPadOptions = PINPadOptions(),
                messages: @escaping @Sendable (PadMessage) -> Void = { _ in }) throws(PINPadError) {
        guard reader.descriptor.supportsPINVerify else {
            throw PINPadError(.noPINPad, "bPINSupport 0x\(String(reader.descriptor.bPINSupport, radix: 16))")
        }
        switch reader.descriptor.exchangeLevel {
        case .shortAPDU, .extendedAPDU: break
        default:
            throw PINPadError(.unsupported, "secure PIN entry is implemented for APDU-level readers only; "
                + "this one exchanges at the \(reader.descriptor.exchangeLevel.name) level")
        }
        self.reader = reader
        self.readerSlot = readerSlot
        self.options = options
        self.hasDisplay = reader.descriptor.lcdLayout != nil
        self.messages = messages
    }

    /// The card, powered on first use; its session (and a verified PIN) lasts until the card
    /// leaves or the reader is dropped.
    public func card() async throws(PINPadError) -> TCOSCard {
        if let connection { return TCOSCard(commands: TCOSCommands(channel: connection.channel)) }
        do {
            let made = try await reader.connect(slot: readerSlot)
            connection = made
            return TCOSCard(commands: TCOSCommands(channel: made.channel))
        } catch {
            throw PINPadError(.reader, reader: error)
        }
    }

    /// Slot states without any PIN entry.
    public func status() async throws(PINPadError) -> TCOSCardStatus {
        let card = try await card()
        do { return try await card.status() } catch { throw PINPadError.from(error) }
    }
}
