import TrustedPathCore

/// An APDU template for secure PIN entry: the command with placeholder PIN blocks, and where
/// the PIN pad writes each PIN. The PIN never passes through the host; the pad fills in the
/// blocks and sends the APDU itself.
public struct SecurePINTemplate: Sendable, Hashable {
    public enum Operation: Sendable, Hashable {
        case verify
        /// CHANGE REFERENCE DATA: old PIN block then new PIN block; the pad asks twice for the new one.
        case modify(confirmNewPIN: Bool)
    }

    public var operation: Operation
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var format: PINBlockFormat
    /// Offset of the (old, for modify) PIN block in the data field.
    public var pinOffset: Int
    /// Offset of the new PIN block in the data field (modify only).
    public var newPINOffset: Int?

    /// VERIFY (00 20 00 ref) with one PIN block.
    public static func verify(reference: UInt8, format: PINBlockFormat = .trustedPathASCII) -> SecurePINTemplate {
        SecurePINTemplate(operation: .verify, cla: 0x00, ins: 0x20, p1: 0x00, p2: reference, format: format,
                          pinOffset: 0, newPINOffset: nil)
    }

    /// CHANGE REFERENCE DATA (00 24 00 ref) with the old and the new PIN block.
    public static func changeReferenceData(reference: UInt8, format: PINBlockFormat = .trustedPathASCII,
                                           confirmNewPIN: Bool = true) -> SecurePINTemplate {
        SecurePINTemplate(operation: .modify(confirmNewPIN: confirmNewPIN), cla: 0x00, ins: 0x24, p1: 0x00,
                          p2: reference, format: format, pinOffset: 0, newPINOffset: format.blockLength)
    }

    /// The data field with empty blocks, what goes into the CCID structure's abData.
    public var templateData: [UInt8] {
        newPINOffset == nil ? format.emptyBlock : format.emptyBlock + format.emptyBlock
    }

    /// The template APDU as sent to the reader: header, Lc, placeholder data.
    public var templateAPDU: [UInt8] {
        [cla, ins, p1, p2, UInt8(templateData.count)] + templateData
    }

    /// The APDU a PIN pad would send with these PINs filled in (the simulated PIN pad uses
    /// this). Nil if a PIN does not fit the format. The result is a secret.
    public func filled(pin: SecretBytes, newPIN: SecretBytes? = nil) -> SecretBytes? {
        guard let first = format.block(for: pin) else { return nil }
        var apdu = [cla, ins, p1, p2, UInt8(templateData.count)]
        first.withBytes { apdu.append(contentsOf: $0) }
        if newPINOffset != nil {
            guard let newPIN, let second = format.block(for: newPIN) else {
                SecretBytes.wipe(&apdu)
                return nil
            }
            second.withBytes { apdu.append(contentsOf: $0) }
        }
        return SecretBytes(consuming: &apdu)
    }
}
