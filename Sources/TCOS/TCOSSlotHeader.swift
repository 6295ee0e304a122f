/// The 8-byte header EF of a slot, readable without a PIN so `status()` can say what a slot
/// holds and whether its transport PIN is still set without spending a PIN try:
///
///     54 50  version 01  slot kind  PIN state (00 transport PIN, 01 changed)  content kind  length (BE16)
///
/// Why a flag EF and not the card's own transport-PIN state: TCOS 3.0 has a transport
/// protection only for the global NetKey PINs, and asking a PIN whether it is still 123456
/// would mean spending a try. `TCOSCard.changePIN` writes the flag right after the card accepts
/// the new PIN. A PIN changed by another tool keeps the flag at 00: the warning then errs on the
/// safe side.
public struct TCOSSlotHeader: Sendable, Hashable {
    public enum Content: UInt8, Sendable, Hashable {
        case empty = 0x00
        /// One Shamir share record of the appliance's backup key.
        case shamirShareRecord = 0x01
        /// The PKCS#11 slot-activation user credential.
        case activationCredential = 0x02

        public var userText: String {
            switch self {
            case .empty: return "empty"
            case .shamirShareRecord: return "a backup key share"
            case .activationCredential: return "a PKCS#11 activation credential"
            }
        }
    }

    public static let magic: [UInt8] = [0x54, 0x50]
    public static let version: UInt8 = 1
    public static let size = 8

    public var slotKind: TCOSSlot.Kind
    public var transportPINSet: Bool
    public var content: Content
    public var length: Int

    public init(slotKind: TCOSSlot.Kind, transportPINSet: Bool = true, content: Content = .empty, length: Int = 0) {
        self.slotKind = slotKind
        self.transportPINSet = transportPINSet
        self.content = content
        self.length = length
    }

    public func encoded() -> [UInt8] {
        Self.magic + [Self.version, slotKind.rawValue, transportPINSet ? 0x00 : 0x01, content.rawValue,
                      UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
    }

    public init(parsing bytes: [UInt8]) throws(TCOSError) {
        guard bytes.count >= Self.size else {
            throw TCOSError(.notOurCard, field: "slot header", offset: bytes.count, "\(bytes.count) byte(s), 8 expected")
        }
        guard Array(bytes[0..<2]) == Self.magic, bytes[2] == Self.version else {
            throw TCOSError(.notOurCard, field: "slot header", offset: 0, "no TrustedPath header")
        }
        guard let kind = TCOSSlot.Kind(rawValue: bytes[3]) else {
            throw TCOSError(.notOurCard, field: "slot kind", offset: 3, "unknown \(hexByte(bytes[3]))")
        }
        guard bytes[4] <= 1 else {
            throw TCOSError(.notOurCard, field: "PIN state", offset: 4, "unknown \(hexByte(bytes[4]))")
        }
        guard let content = Content(rawValue: bytes[5]) else {
            throw TCOSError(.notOurCard, field: "content kind", offset: 5, "unknown \(hexByte(bytes[5]))")
        }
        self.slotKind = kind
        self.transportPINSet = bytes[4] == 0
        self.content = content
        self.length = Int(bytes[6]) << 8 | Int(bytes[7])
    }
}
