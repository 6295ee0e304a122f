/// Ready-made memory cards for tests: one speaking T=1, one T=0, with a 4-digit PIN whose
/// VERIFY data is the 8-byte ASCII block padded with FF (a common card convention).
extension MemoryCard {
    /// `3B 80 81 31 <IFSC> 45 <TCK>`: T=1 only, LRC, BWI 4 / CWI 5.
    public static func t1ATR(ifsc: UInt8 = 0xFE) -> [UInt8] {
        withTCK([0x3B, 0x80, 0x81, 0x31, ifsc, 0x45])
    }

    /// `3B 02 14 50`: T=0 by default (no TD1), two historical bytes, no TCK.
    public static let t0ATR: [UInt8] = [0x3B, 0x02, 0x14, 0x50]

    /// ASCII digits padded with FF to `length` bytes.
    public static func asciiPINBlock(_ digits: String, length: Int = 8) -> [UInt8] {
        let ascii = Array(digits.utf8)
        return ascii + Array(repeating: 0xFF, count: max(0, length - ascii.count))
    }

    /// FID 2F00: 300 bytes 00, 01, ... (long enough to need chaining at every level);
    /// FID 5015: 16 bytes, writable only after VERIFY.
    public static var defaultFiles: [UInt16: [UInt8]] {
        [0x2F00: (0..<300).map { UInt8(truncatingIfNeeded: $0) }, 0x5015: Array(repeating: 0, count: 16)]
    }

    public static func t1(ifsc: UInt8 = 0xFE, pin: String = "1234", timeExtensions: Int = 0,
                          wtxRequests: Int = 0, voltages: CardVoltages = .all) -> MemoryCard {
        MemoryCard(atr: t1ATR(ifsc: ifsc), protocols: .t1, voltages: voltages, files: defaultFiles,
                   protectedFiles: [0x5015], pinBlock: asciiPINBlock(pin),
                   timeExtensions: timeExtensions, wtxRequests: wtxRequests)
    }

    public static func t0(pin: String = "1234", voltages: CardVoltages = .all) -> MemoryCard {
        MemoryCard(atr: t0ATR, protocols: .t0, voltages: voltages, files: defaultFiles,
                   protectedFiles: [0x5015], pinBlock: asciiPINBlock(pin))
    }

    static func withTCK(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [bytes.dropFirst().reduce(0, ^)]
    }
}
