/// TrustedPath's PC_to_RDR_Escape message for free text on the reader's display
/// (docs/pinpad-escape.md). CCID defines prompts only as indexes of the reader's built-in
/// messages inside PC_to_RDR_Secure; showing our own text and reading OK/Cancel needs a
/// vendor escape, so this is ours, and a real reader needs its vendor's command mapped here.
///
///     54 50 | 01 version | 01 command "show and wait for OK/Cancel" | timeout (s, 00 = reader default)
///     | line 1: 16 bytes ASCII, space padded | line 2: 16 bytes
///
/// Answer (abData of RDR_to_PC_Escape): one byte, 00 OK, 01 Cancel, 02 no key before the timeout.
public enum PadEscape {
    public static let magic: [UInt8] = [0x54, 0x50]
    public static let version: UInt8 = 0x01
    public static let showAndWait: UInt8 = 0x01
    public static let length = 5 + 2 * PadPrompt.columns

    public static func encode(_ prompt: PadPrompt, timeoutSeconds: UInt8) -> [UInt8] {
        magic + [version, showAndWait, timeoutSeconds] + padded(prompt.line1) + padded(prompt.line2)
    }

    /// The answer byte; nil for anything else (a reader that echoes, or a vendor's own reply).
    public static func decodeAnswer(_ data: [UInt8]) -> PadConfirmation? {
        guard data.count == 1 else { return nil }
        switch data[0] {
        case 0x00: return .ok
        case 0x01: return .cancel
        case 0x02: return .timeout
        default: return nil
        }
    }

    private static func padded(_ line: String) -> [UInt8] {
        let bytes = Array(line.utf8.prefix(PadPrompt.columns))
        return bytes + Array(repeating: 0x20, count: PadPrompt.columns - bytes.count)
    }
}
