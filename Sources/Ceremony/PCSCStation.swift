import PCSC
import PINPad

/// The ceremony's station on a PIN-pad reader that pcscd holds: the card through
/// SCardTransmit, each PIN typed on the reader's keypad through PC/SC part 10
/// (FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT, so it never crosses the host).
///
/// What PC/SC cannot do: show a free-text prompt on the reader's display or read its OK key
/// outside a PIN entry (part 10 has no such feature, and pcscd's driver keeps the reader). So
/// the prompts go to the operator's terminal and are answered there (`hostConfirm`); OK and
/// Cancel are not secrets. Card changes are followed with SCardGetStatusChange.
public actor PCSCStation: ShareCardStation {
    public typealias HostConfirm = @Sendable (CeremonyPrompt) async -> PadAnswer

    let context: PCSCContext
    let reader: String
    let options: PINPadOptions
    /// How long `waitForCard` waits for a card after the operator confirmed.
    let cardWait: Duration
    let hostConfirm: HostConfirm
    let messages: @Sendable (String) -> Void
    /// The connection to the card in the reader; a new card gets a new one.
    private var connected: PCSCCard?

    private init(context: PCSCContext, reader: String, options: PINPadOptions, cardWait: Duration,
                 hostConfirm: @escaping HostConfirm, messages: @escaping @Sendable (String) -> Void) {
        self.context = context
        self.reader = reader
        self.options = options
        self.cardWait = cardWait
        self.hostConfirm = hostConfirm
        self.messages = messages
    }

    /// The station on `reader` (one of `context.readers()`), once it is known to offer PIN
    /// entry on its keypad through part 10 (asked over a direct connection, so no card is
    /// needed yet).
    public static func open(context: PCSCContext, reader: String, options: PINPadOptions = PINPadOptions(),
                            cardWait: Duration = .seconds(30), hostConfirm: @escaping HostConfirm,
                            messages: @escaping @Sendable (String) -> Void) async throws(CeremonyError) -> PCSCStation {
        let features: PCSCFeatureList
        do throws(PCSCError) {
            let direct = try await PCSCCard(context: context, reader: reader, share: .direct, preferred: [])
            features = try await direct.features()
            try? await direct.disconnect(disposition: .leave)
        } catch {
            throw map(error, reader: reader)
        }
        guard features.controlCode(.verifyPINDirect) != nil else {
            throw CeremonyError(.noPINPad, "the PC/SC reader \"\(reader)\" offers no PIN entry on a keypad "
                                + "(no FEATURE_VERIFY_PIN_DIRECT): the ceremony needs a PIN-pad reader, so that no PIN crosses the host")
        }
        return PCSCStation(context: context, reader: reader, options: options, cardWait: cardWait,
                           hostConfirm: hostConfirm, messages: messages)
    }

    public func confirm(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> PadAnswer {
        messages("[terminal] \(prompt.lines.0) - \(prompt.lines.1)")
        return await hostConfirm(prompt)
    }

    /// The card in the reader once there is one (waiting up to `cardWait`), with a fresh
    /// connection, so a changed card is powered up and read anew.
    public func waitForCard() async throws(CeremonyError) -> any ShareCard {
        if let previous = connected {
            connected = nil
            try? await previous.disconnect(disposition: .leave)
        }
        let card: PCSCCard
        do throws(PCSCError) {
            _ = try await context.waitForCard(in: reader, timeout: cardWait)
            card = try await PCSCCard(context: context, reader: reader)
        } catch {
            throw Self.map(error, reader: reader)
        }
        connected = card
        let pad: PINPadReader
        do throws(PINPad.PINPadError) {
            let transport = try await PCSCPINPadTransport(card: card)
            pad = try PINPadReader(transport: transport, options: options) { [messages] message in
                messages("[pad] \(message)")
            }
        } catch where error.code == .noPINPad {
            throw CeremonyError(.noPINPad, "\(error)")
        } catch {
            throw PINPadShareCard.map(error)
        }
        return try await PINPadShareCard.open(pad)
    }

    public func inform(_ message: String) async { messages(message) }

    static func map(_ error: PCSCError, reader: String) -> CeremonyError {
        switch error.code {
        case .timeout, .noSmartcard, .removedCard, .resetCard, .unpoweredCard, .unresponsiveCard:
            return CeremonyError(.cardPulled, "no card in \(reader), or it does not answer (\(error)): insert the card, then confirm")
        case .unknownReader, .readerUnavailable, .noService, .serviceStopped, .noReadersAvailable:
            return CeremonyError(.readerGone, "the reader \(reader) is gone, or pcscd stopped (\(error))")
        default:
            return CeremonyError(.cardFault, "\(error)")
        }
    }
}
