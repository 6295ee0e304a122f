import APDU
import CCID

/// Where a PIN pad's operations go: a CCID reader directly over USB (`CCIDPINPadTransport`),
/// or a reader that pcscd holds, through PC/SC part 10 (`PCSCPINPadTransport`). Either way
/// the PIN is typed on the reader's keypad and goes from the reader to the card.
public protocol PINPadTransport: Sendable {
    var supportsPINVerify: Bool { get }
    var supportsPINModify: Bool { get }
    /// Free-text prompts can be shown on the reader (TrustedPath's display escape).
    var hasDisplay: Bool { get }
    /// Names the reader in messages.
    var label: String { get }

    /// The card in the reader, as a channel the TCOS layer uses.
    func connectCard() async throws(PINPadError) -> any CardChannel

    /// PIN entry on the keypad, verify or modify; the card's answer (data and SW1 SW2).
    /// Timeouts and cancels the reader reports itself come back as `.timeout`/`.cancelled`.
    func secure(_ operation: CCIDPINOperation, timeoutSeconds: Int, entries: Int,
                options: PINPadOptions) async throws(PINPadError) -> [UInt8]

    /// Sends the display escape and returns the reader's answer.
    func escape(_ data: [UInt8], timeoutSeconds: Int) async throws(PINPadError) -> [UInt8]
}
