import Testing
import TrustedPathCore
import Quorum
@testable import BackupKey

@Suite struct BackupKeyTests {
    @Test func aBackupDecryptsWithTheRecombinedKeyOnly() throws {
        let key = BackupKey.generate()
        let shares = try BackupKey.split(key, k: 2, n: 3)
        let file = try BackupFile.encrypt(Array("partition data".utf8), key: key)
        let restored = try BackupKey.combine([shares[2], shares[0]])
        #expect(restored.key.constantTimeEquals(key))
        #expect(try BackupFile.decrypt(file, key: restored.key).withBytes { $0 } == Array("partition data".utf8))

        let other = BackupKey.generate()
        let error = #expect(throws: BackupError.self) { try BackupFile.decrypt(file, key: other) }
        #expect(error?.code == .wrongKey)
    }

    @Test func anAlteredBackupIsRefused() throws {
        let key = BackupKey.generate()
        var file = try BackupFile.encrypt([1, 2, 3, 4], key: key)
        file[file.count - 20] ^= 0x80
        #expect(throws: BackupError(.corrupt, "the backup is damaged or was altered (authentication failed)")) {
            try BackupFile.decrypt(file, key: key)
        }
        #expect(throws: BackupError.self) { try BackupFile.decrypt(Array("hello world, not a backup at all".utf8), key: key) }
    }

    @Test func theKeyCheckValueIsStableAndKeyed() {
        let key = SecretBytes([UInt8](repeating: 0x11, count: 32))
        #expect(BackupKey.keyCheckValue(key) == BackupKey.keyCheckValue(SecretBytes([UInt8](repeating: 0x11, count: 32))))
        #expect(BackupKey.keyCheckValue(key) != BackupKey.keyCheckValue(SecretBytes([UInt8](repeating: 0x12, count: 32))))
        #expect(BackupKey.keyCheckValue(key).count == 8)
    }
}
