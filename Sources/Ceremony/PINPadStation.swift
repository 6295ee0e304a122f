import CCIDReader
import PINPad

/// The ceremony's station on a CCID PIN-pad reader: prompts on the reader's display, OK and
/// Cancel on its keypad, one card at a time in its slot.
public actor PINPadStation: ShareCardStation {
    let reader: CCIDReader
    let slot: UInt8
    let options: PINPadOptions
    let messages: @Sendable (String) -> Void
    /// The PIN-pad session of the card in the slot; a new card gets a new one.
    private var current: PINPadReader?

    public init(reader: CCIDReader, slot: UInt8 = 0, options: PINPadOptions = PINPadOptions(),
                messages: @escaping @Sendable (String) -> Void) {
        self.reader = reader
        self.slot = slot
        self.options = options
        self.messages = messages
    }

    private func pad() throws(CeremonyError) -> PINPadReader {
        if let current { return current }
        do {
            let fresh = try PINPadReader(reader: reader, readerSlot: slot, options: options) { [messages] message in
                messages("[pad] \(message)")
            }
            current = fresh
            return fresh
        } catch {
            throw PINPadShareCard.map(error)
        }
    }

    public func confirm(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> PadAnswer {
        let lines = prompt.lines
        let pad = try pad()
        do throws(PINPadError) {
            switch try await pad.confirm(PadPrompt(lines.0, lines.1)) {
            case .ok: return .ok
            case .cancel: return .cancel
            case .timeout: return .timeout
            }
        } catch {
            throw PINPadShareCard.map(error)
        }
    }

    /// The card the operator inserted after OK on "Insert n. card": a fresh session, so a
    /// changed card is powered up and read anew.
    /// OK pressed before the card is in: the ceremony asks for the card again.
    public func waitForCard() async throws(CeremonyError) -> any ShareCard {
        current = nil
        do {
            return try await PINPadShareCard.open(try pad())
        } catch where error.code == .cardPulled {
            throw CeremonyError(.cardPulled, "no card in the reader, or it does not answer: insert the card, then press OK")
        }
    }

    public func inform(_ message: String) async { messages(message) }
}
