/// CRC-32 as zlib, PNG and Ethernet compute it (reflected polynomial 0xEDB88320, initial and
/// final value 0xFFFFFFFF): any other implementation can check a share record with its
/// platform's crc32. It guards against a damaged record, not against tampering: a forged
/// share is caught by the key check value.
enum CRC32 {
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
