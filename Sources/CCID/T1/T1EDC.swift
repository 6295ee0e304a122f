/// The epilogue of a T=1 block: chosen by the first TC for T=1 of the ATR (b1: 0 LRC, 1 CRC).
public enum T1EDC: Sendable, Hashable {
    /// One byte, XOR of all prologue and INF bytes (§11.4.4).
    case lrc
    /// Two bytes. The CRC-16 of libccid's checksum.c (what deployed readers and cards were
    /// tested against): polynomial x^16+x^12+x^5+1 processed LSB first (0x8408), preset 0xFFFF,
    /// no final XOR, high byte sent first. Check value over "123456789": 0x6F91.
    case crc

    public var count: Int { self == .lrc ? 1 : 2 }

    /// Appends the EDC of `bytes[0..<bytes.count]` to `bytes`.
    @inlinable
    public func append(to bytes: inout [UInt8]) {
        switch self {
        case .lrc:
            bytes.append(T1EDC.lrc(bytes[...]))
        case .crc:
            let value = T1EDC.crc(bytes[...])
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value))
        }
    }

    @inlinable
    public static func lrc(_ bytes: ArraySlice<UInt8>) -> UInt8 {
        var value: UInt8 = 0
        for byte in bytes { value ^= byte }
        return value
    }

    @inlinable
    public static func crc(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var value: UInt16 = 0xFFFF
        for byte in bytes {
            value = (value >> 8) ^ crcTable[Int((value ^ UInt16(byte)) & 0xFF)]
        }
        return value
    }

    /// Byte-wise table for the reflected polynomial, built once.
    @usableFromInline
    static let crcTable: [UInt16] = (0..<256).map { index in
        var value = UInt16(index)
        for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ 0x8408 : value >> 1 }
        return value
    }
}
