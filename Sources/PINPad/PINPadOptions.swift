import TCOS

/// How PIN entry and prompts are run on the pad.
public struct PINPadOptions: Sendable, Hashable {
    /// Seconds the person has for one PIN entry (bTimeOut of the CCID structures).
    public var entryTimeoutSeconds: UInt8 = 30
    /// Seconds a display prompt waits for OK or Cancel.
    public var promptTimeoutSeconds: UInt8 = 60
    /// How the pad writes the PIN into the card's APDU; TrustedPath's slots use ASCII.
    public var pinFormat: PINBlockFormat = .trustedPathASCII
    /// wLangId of the pad's own messages.
    public var languageID: UInt16 = 0x0409
    /// bError of a PIN modify whose confirmation differs. CCID 1.1 has no code for it; the
    /// vendor range is 0x81-0xC0 and 0xC0 is what the simulated cyberJack sends. Not verified
    /// on a real cyberJack: set it from the reader's quirks when that is known.
    public var confirmationMismatchError: UInt8 = 0xC0

    public init() {}
}
