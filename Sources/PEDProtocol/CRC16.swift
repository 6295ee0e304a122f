/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected, no final xor): the check
/// value of "123456789" is 0x29B1. Chosen because PED firmware's USB stacks already carry
/// it and it catches every burst error up to 16 bits, which is what a torn bulk transfer does.
public enum CRC16 {
    private static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? crc << 1 ^ 0x1021 : crc << 1 }
        return crc
    }

    public static func ccittFalse<C: Collection>(_ bytes: C, initial: UInt16 = 0xFFFF) -> UInt16
    where C.Element == UInt8 {
        var crc = initial
        for byte in bytes { crc = crc << 8 ^ table[Int((crc >> 8) ^ UInt16(byte))] }
        return crc
    }
}
