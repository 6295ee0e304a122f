import Testing
@testable import Quorum

/// The constant-time field arithmetic against a plain textbook implementation over all inputs.
@Suite struct GF256Tests {
    /// Carry-less multiplication then reduction by 0x11B, written the obvious (branching) way.
    static func reference(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product: UInt16 = 0
        for bit in 0..<8 where b & (1 << bit) != 0 { product ^= UInt16(a) << bit }
        for bit in stride(from: 15, through: 8, by: -1) where product & (1 << bit) != 0 {
            product ^= 0x11B << (bit - 8)
        }
        return UInt8(product)
    }

    @Test func multiplicationMatchesTheTextbookForAllPairs() {
        var mismatches = 0
        for a in 0...255 {
            for b in 0...255 where GF256.multiply(UInt8(a), UInt8(b)) != Self.reference(UInt8(a), UInt8(b)) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        // FIPS-197 §4.2: {57} • {83} = {c1}.
        #expect(GF256.multiply(0x57, 0x83) == 0xC1)
    }

    @Test func everyNonZeroElementHasItsInverse() {
        for a in 1...255 { #expect(GF256.multiply(UInt8(a), GF256.inverse(UInt8(a))) == 1, "a = \(a)") }
    }
}
