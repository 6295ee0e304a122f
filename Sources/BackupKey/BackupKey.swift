import Crypto
import Quorum
import TrustedPathCore

/// The appliance's backup key: 32 random bytes (AES-256), split among smart cards and never
/// stored whole. Its key check value lets the appliance confirm a reconstruction.
public enum BackupKey {
    public static let length = 32

    /// A fresh key from the system's CSPRNG.
    public static func generate() -> SecretBytes {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SecretBytes(consuming: &bytes)
    }

    /// HMAC-SHA256 of a fixed label under the key, first 8 bytes: reveals nothing usable about
    /// a 256-bit key, and matches only the right one.
    public static let keyCheckValue: Quorum.KeyCheck = { key in
        key.withBytes { bytes in
            let mac = HMAC<SHA256>.authenticationCode(for: Array("TrustedPath backup key check value v1".utf8),
                                                      using: SymmetricKey(data: bytes))
            return Array(mac.prefix(ShareRecord.keyCheckValueLength))
        }
    }

    /// Splits the key into k-of-n share records carrying its key check value.
    public static func split(_ key: SecretBytes, k: Int, n: Int) throws(QuorumError) -> [ShareRecord] {
        try Quorum.split(key, k: k, n: n, keyCheck: keyCheckValue)
    }

    /// Recombines share records, checking the result against their key check value.
    public static func combine(_ records: [ShareRecord]) throws(QuorumError) -> Quorum.Combination {
        try Quorum.combine(records, keyCheck: keyCheckValue)
    }
}
