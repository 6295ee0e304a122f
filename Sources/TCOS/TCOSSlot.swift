/// A TrustedPath slot on a TCOS card: a DF under the MF with its own PIN, a header EF anyone
/// may read (what the slot holds, whether the transport PIN was changed) and a payload EF
/// that only the slot's verified PIN opens.
///
/// Layout (docs/tcos-layout.md):
///
///     3F00 MF
///     ├── 4B53 DF "F0 'TPSHARE'"  backup key share slot, PIN 81 (local PIN 1), PUK for RESET RETRY COUNTER
///     │   ├── 0101 EF header   8 bytes, read: always, write: PIN 81
///     │   └── 0102 EF payload  1024 bytes, read/write: PIN 81
///     └── 4B50 DF "F0 'TPP11'"    PKCS#11 slot-activation credential slot, same shape, payload 512 bytes
///
/// DF names start with F0 (ISO 7816-5 category F: proprietary, unregistered) so they can never
/// collide with a registered application such as NetKey's D2 76 00 00 03 01 02. The FIDs
/// 4B53 / 4B50 are "KS" / "KP" in ASCII and clash with no NetKey or SigG file.
public struct TCOSSlot: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable {
        case backupKeyShare = 0x01
        case pkcs11Activation = 0x02
    }

    public let kind: Kind
    public let dfID: UInt16
    public let dfName: [UInt8]
    public let headerEF: UInt16
    public let payloadEF: UInt16
    public let payloadCapacity: Int
    /// Local PIN 1 of the slot's DF (bit 80: the PIN belongs to the current DF).
    public let pinReference: UInt8
    /// The PIN every slot leaves personalisation with.
    public static let transportPIN: [UInt8] = Array("123456".utf8)

    public var path: [UInt16] { [0x3F00, dfID] }

    public var name: String {
        switch kind {
        case .backupKeyShare: return "backup key share slot"
        case .pkcs11Activation: return "PKCS#11 activation slot"
        }
    }

    public var description: String { name }

    public static let backupKeyShare = TCOSSlot(
        kind: .backupKeyShare, dfID: 0x4B53, dfName: [0xF0] + Array("TPSHARE".utf8),
        headerEF: 0x0101, payloadEF: 0x0102, payloadCapacity: 1024, pinReference: 0x81)

    public static let pkcs11Activation = TCOSSlot(
        kind: .pkcs11Activation, dfID: 0x4B50, dfName: [0xF0] + Array("TPP11".utf8),
        headerEF: 0x0101, payloadEF: 0x0102, payloadCapacity: 512, pinReference: 0x81)

    public static let all: [TCOSSlot] = [.backupKeyShare, .pkcs11Activation]

    public static func slot(_ kind: Kind) -> TCOSSlot { kind == .backupKeyShare ? .backupKeyShare : .pkcs11Activation }
}
