import TrustedPathCore

/// A PED key's serial (8 bytes, written at manufacture), or a key set's identifier. Public:
/// it names the key in prompts and logs.
public struct PEDKeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let length = 8
    public let bytes: [UInt8]

    public init?(_ bytes: [UInt8]) {
        guard bytes.count == PEDKeyID.length else { return nil }
        self.bytes = bytes
    }

    public init(_ value: UInt64) {
        var out: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) }
        bytes = out
    }

    public var description: String { Hex.lower(bytes) }

    public static func < (a: PEDKeyID, b: PEDKeyID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
