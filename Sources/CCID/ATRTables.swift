/// ISO 7816-3 §8.3 tables 7 and 8: TA1's high nibble selects Fi and f(max), its low nibble Di.
/// nil marks a reserved (RFU) index.
public enum ATRTables {
    public static let fi: [Int?] = [372, 372, 558, 744, 1116, 1488, 1860, nil,
                                    nil, 512, 768, 1024, 1536, 2048, nil, nil]
    /// f(max) in kHz.
    public static let fMaxKHz: [Int?] = [4000, 5000, 6000, 8000, 12000, 16000, 20000, nil,
                                         nil, 5000, 7500, 10000, 15000, 20000, nil, nil]
    public static let di: [Int?] = [nil, 1, 2, 4, 8, 16, 32, 64,
                                    12, 20, nil, nil, nil, nil, nil, nil]

    /// Index 0...15 only; the nibble masks in callers guarantee it.
    static func lookup(_ table: [Int?], _ index: UInt8) -> Int? {
        let i = Int(index & 0x0F)
        return table[i]
    }
}
