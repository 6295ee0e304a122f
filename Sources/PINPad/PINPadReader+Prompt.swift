import CCID
import CCIDReader

/// Free-text prompts answered with OK or Cancel on the pad.
extension PINPadReader {
    /// Shows `prompt` on the reader's display and waits for OK or Cancel (TrustedPath's
    /// escape, docs/pinpad-escape.md).
    ///
    /// A reader without a display: the prompt goes to the `messages` fallback (the CLI prints
    /// it) and this returns `.ok` at once; the OK or Cancel is then given on the pad in the
    /// PIN entry that follows, which is where such a reader can take it. Use it only before a
    /// PIN entry.
    public func confirm(_ prompt: PadPrompt) async throws(PINPadError) -> PadConfirmation {
        guard hasDisplay else {
            messages(PadMessage(.hostFallback, prompt.lines))
            return .ok
        }
        messages(PadMessage(.onPad, prompt.lines))
        let seconds = options.promptTimeoutSeconds
        let data = PadEscape.encode(prompt, timeoutSeconds: seconds)
        let answer = try await transport.escape(data, timeoutSeconds: Int(seconds == 0 ? 60 : seconds))
        guard let result = PadEscape.decodeAnswer(answer) else {
            throw PINPadError(.unsupported, "the reader's escape answer is not TrustedPath's; it needs its vendor's escape mapped (docs/pinpad-escape.md)")
        }
        return result
    }
}
