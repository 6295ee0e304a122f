import TrustedPathCore

/// One share of a split key, as written to a smart card: 68 bytes, big-endian where wider
/// than a byte.
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 4 | magic "TPQS" |
/// | 4 | 1 | format version, 1 |
/// | 5 | 16 | set identifier: random, the same on every share of one split |
/// | 21 | 1 | k, shares needed |
/// | 22 | 1 | n, shares made |
/// | 23 | 1 | x, this share's point, 1...n |
/// | 24 | 8 | key check value of the whole key (the same on every share) |
/// | 32 | 32 | y, the share bytes: the split polynomials' values at x |
/// | 64 | 4 | CRC-32 (zlib's) of bytes 0..<64 |
///
/// The secret is the Lagrange interpolation at 0 of any k of the (x, y) points over GF(2^8)
/// with the polynomial 0x11B, byte by byte.
public struct ShareRecord: Sendable, CustomStringConvertible {
    public static let magic: [UInt8] = Array("TPQS".utf8)
    public static let formatVersion: UInt8 = 1
    public static let encodedLength = 68
    public static let shareLength = 32
    public static let setIdentifierLength = 16
    public static let keyCheckValueLength = 8

    public var setIdentifier: [UInt8]
    public var threshold: Int
    public var shareCount: Int
    public var x: UInt8
    public var keyCheckValue: [UInt8]
    public var y: SecretBytes

    public init(setIdentifier: [UInt8], threshold: Int, shareCount: Int, x: UInt8, keyCheckValue: [UInt8], y: SecretBytes) {
        self.setIdentifier = setIdentifier
        self.threshold = threshold
        self.shareCount = shareCount
        self.x = x
        self.keyCheckValue = keyCheckValue
        self.y = y
    }

    /// The record's bytes; they hold the share, so they come back as a secret.
    public func encoded() -> SecretBytes {
        var out = ShareRecord.magic
        out.reserveCapacity(ShareRecord.encodedLength)
        out.append(ShareRecord.formatVersion)
        out.append(contentsOf: setIdentifier)
        out.append(UInt8(truncatingIfNeeded: threshold))
        out.append(UInt8(truncatingIfNeeded: shareCount))
        out.append(x)
        out.append(contentsOf: keyCheckValue)
        y.withBytes { out.append(contentsOf: $0) }
        out.appendBE32(CRC32.checksum(out))
        return SecretBytes(consuming: &out)
    }

    public init(parsing bytes: [UInt8]) throws(QuorumError) {
        guard bytes.count == ShareRecord.encodedLength else {
            throw QuorumError(.malformedRecord, "a share record is \(ShareRecord.encodedLength) bytes, this one \(bytes.count)")
        }
        guard Array(bytes[0..<4]) == ShareRecord.magic else {
            throw QuorumError(.malformedRecord, "not a TrustedPath share record (no TPQS magic at offset 0)")
        }
        guard bytes[4] == ShareRecord.formatVersion else {
            throw QuorumError(.malformedRecord, "share record format version \(bytes[4]) at offset 4 is not supported (only 1)")
        }
        let stored = UInt32(bytes[64]) << 24 | UInt32(bytes[65]) << 16 | UInt32(bytes[66]) << 8 | UInt32(bytes[67])
        let x = bytes[23]
        guard CRC32.checksum(bytes[0..<64]) == stored else {
            throw QuorumError(.corruptShare, "share x=\(x): its checksum does not match (the record is damaged)")
        }
        let k = Int(bytes[21]), n = Int(bytes[22])
        guard (2...Shamir.maximumShares).contains(n), (2...n).contains(k), (1...UInt8(n)).contains(x) else {
            throw QuorumError(.malformedRecord, "share record has k=\(k) n=\(n) x=\(x) (offsets 21-23): out of range")
        }
        var y = Array(bytes[32..<64])
        self.init(setIdentifier: Array(bytes[5..<21]), threshold: k, shareCount: n, x: x,
                  keyCheckValue: Array(bytes[24..<32]), y: SecretBytes(consuming: &y))
    }

    /// Which split this share belongs to, for the operator: never the share bytes.
    public var setLabel: String { Hex.lower(setIdentifier.prefix(4)) }

    public var description: String { "share \(x) of \(shareCount) (any \(threshold)) of set \(setLabel)" }
}
