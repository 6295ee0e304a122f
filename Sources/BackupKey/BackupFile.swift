import Crypto
import TrustedPathCore

/// A backup encrypted under the backup key with AES-256-GCM.
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | 0 | 4 | magic "TPBK" |
/// | 4 | 1 | format version, 1 |
/// | 5 | 8 | key check value of the key (HMAC-SHA256 label, as on the share records) |
/// | 13 | 12 | GCM nonce, random |
/// | 25 | ... | ciphertext |
/// | end-16 | 16 | GCM tag |
///
/// The header (bytes 0..<25) is authenticated as additional data, so a changed header is as
/// detectable as a changed ciphertext. The key check value comes first so a restore with
/// the wrong key says "another key" rather than "corrupt".
public enum BackupFile {
    public static let magic: [UInt8] = Array("TPBK".utf8)
    public static let version: UInt8 = 1
    static let headerLength = 25

    public static func encrypt(_ plaintext: [UInt8], key: SecretBytes) throws(BackupError) -> [UInt8] {
        guard key.count == BackupKey.length else { throw BackupError(.wrongKey, "the backup key must be 32 bytes") }
        var header = magic + [version] + BackupKey.keyCheckValue(key)
        let nonce = AES.GCM.Nonce()
        header.append(contentsOf: nonce)
        do {
            let sealed = try key.withBytes { bytes in
                try AES.GCM.seal(plaintext, using: SymmetricKey(data: bytes), nonce: nonce, authenticating: header)
            }
            return header + Array(sealed.ciphertext) + Array(sealed.tag)
        } catch {
            throw BackupError(.cryptoFailure, "encryption failed: \(error)")
        }
    }

    /// The key check value of the key a backup was made with, read from its header: a file
    /// can be checked to be a backup before any card is asked for.
    public static func keyCheckValue(of file: [UInt8]) throws(BackupError) -> [UInt8] {
        guard file.count >= headerLength + 16, Array(file[0..<4]) == magic else {
            throw BackupError(.notABackup, "not a TrustedPath backup (no TPBK header)")
        }
        guard file[4] == version else {
            throw BackupError(.notABackup, "backup format version \(file[4]) is not supported (only 1)")
        }
        return Array(file[5..<13])
    }

    public static func decrypt(_ file: [UInt8], key: SecretBytes) throws(BackupError) -> SecretBytes {
        guard try keyCheckValue(of: file) == BackupKey.keyCheckValue(key) else {
            throw BackupError(.wrongKey, "this backup was made with another backup key (key check value differs): "
                + "use the cards of the set that made it")
        }
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: file[13..<25]),
                                            ciphertext: file[headerLength..<(file.count - 16)],
                                            tag: file[(file.count - 16)...])
            var plain = try key.withBytes { bytes in
                Array(try AES.GCM.open(box, using: SymmetricKey(data: bytes), authenticating: file[0..<headerLength]))
            }
            return SecretBytes(consuming: &plain)
        } catch {
            throw BackupError(.corrupt, "the backup is damaged or was altered (authentication failed)")
        }
    }
}

public struct BackupError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable { case notABackup, wrongKey, corrupt, cryptoFailure }
    public var code: Code
    public var context: String
    public init(_ code: Code, _ context: String) { self.code = code; self.context = context }
    public var description: String { context }
}
