/// Arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B), the field
/// HashiCorp Vault, dsprenkels/sss and SLIP-39 share secrets in.
///
/// Every operation runs in time independent of its operands: no table indexed by a secret
/// (cache timing) and no branch on a secret. Multiplication is shift-and-add with masks;
/// inversion is a^254 by a fixed chain of squarings and multiplications.
enum GF256 {
    @inline(__always)
    static func add(_ a: UInt8, _ b: UInt8) -> UInt8 { a ^ b }

    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product: UInt8 = 0
        var a = a
        var b = b
        for _ in 0..<8 {
            // Add a when b's low bit is set: the mask is 0xFF or 0x00, no branch.
            product ^= a & (0 &- (b & 1))
            // Multiply a by x, reducing by 0x1B when the high bit falls off.
            let carry = a >> 7
            a = (a << 1) ^ (0x1B & (0 &- carry))
            b >>= 1
        }
        return product
    }

    /// The multiplicative inverse, a^254 (and 0 for 0, which no caller passes).
    static func inverse(_ a: UInt8) -> UInt8 {
        let a2 = multiply(a, a)
        let a3 = multiply(a2, a)
        let a6 = multiply(a3, a3)
        let a12 = multiply(a6, a6)
        let a15 = multiply(a12, a3)
        let a30 = multiply(a15, a15)
        let a60 = multiply(a30, a30)
        let a120 = multiply(a60, a60)
        let a126 = multiply(a120, a6)
        let a127 = multiply(a126, a)
        return multiply(a127, a127)  // a^254
    }

    static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 { multiply(a, inverse(b)) }
}
