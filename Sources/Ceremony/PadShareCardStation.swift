import PINPad

/// The ceremony's station on any PIN-pad reader the devices layer provides (`PadStation`: a
/// CCID reader on USB, or one that pcscd holds): its prompts, and each inserted card as a
/// share card whose PIN is typed on the pad. What the operator is told goes to `inform`.
public struct PadShareCardStation: ShareCardStation {
    public let pad: any PadStation
    let informer: @Sendable (String) -> Void

    public init(pad: any PadStation, inform: @escaping @Sendable (String) -> Void) {
        self.pad = pad
        informer = inform
    }

    public func confirm(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> PadAnswer {
        do throws(PINPadError) {
            switch try await pad.confirm(prompt.padPrompt) {
            case .ok: return .ok
            case .cancel: return .cancel
            case .timeout: return .timeout
            }
        } catch {
            throw PINPadShareCard.map(error)
        }
    }

    /// The card the operator inserted after OK on "Insert n. card". OK pressed before the card
    /// is in: the ceremony asks for the card again.
    public func waitForCard() async throws(CeremonyError) -> any ShareCard {
        let reader: PINPadReader
        do { reader = try await pad.waitForCard() } catch { throw PINPadShareCard.map(error) }
        do {
            return try await PINPadShareCard.open(reader)
        } catch where error.code == .cardPulled {
            let answer = pad.promptsOnReader ? "press OK" : "confirm"
            throw CeremonyError(.cardPulled, "no card in the reader, or it does not answer: insert the card, then \(answer)")
        }
    }

    public func inform(_ message: String) async { informer(message) }
}
