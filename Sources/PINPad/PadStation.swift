/// A PIN-pad reader where an operator handles one card at a time: it shows a prompt and takes
/// OK or Cancel, and opens a PIN-pad session for whichever card is in it now. The devices
/// layer provides it for both transports (`USBPadStation`: a CCID reader on our own USB link,
/// prompts on its display; `PCSCPadStation`: a reader that pcscd holds, prompts on the host),
/// so the workflows above (the ceremony) never know which one they run on.
public protocol PadStation: Sendable {
    /// Names the reader for the operator.
    var label: String { get }
    /// Whether prompts appear on the reader itself (else the host shows and answers them).
    var promptsOnReader: Bool { get }

    /// Shows `prompt` where the operator answers it and waits for OK, Cancel or a timeout.
    func confirm(_ prompt: PadPrompt) async throws(PINPadError) -> PadConfirmation

    /// The card in the reader now, as a fresh session (a changed card is powered up and read
    /// anew). No card: `.cardRemoved`; the reader gone: `.readerGone`.
    func waitForCard() async throws(PINPadError) -> PINPadReader

    /// Lets go of the reader (the USB interface, the PC/SC connection).
    func close() async
}
