import TrustedPathCore

/// Shamir's secret sharing over GF(2^8), byte by byte: each secret byte is the constant term
/// of its own random polynomial of degree k-1, and share x holds every polynomial's value at x.
/// Any k shares determine the polynomials; fewer reveal nothing about the secret.
public enum Shamir {
    public static let maximumShares = 16

    /// Splits `secret` into `n` shares (x = 1...n), any `k` of which recover it.
    /// Randomness comes from `generator` (the system's CSPRNG by default).
    public static func split<G: RandomNumberGenerator>(
        _ secret: SecretBytes, k: Int, n: Int, using generator: inout G
    ) throws(QuorumError) -> [(x: UInt8, y: SecretBytes)] {
        guard (2...maximumShares).contains(n), (2...n).contains(k) else {
            throw QuorumError(.invalidThreshold, "need 2 <= k <= n <= \(maximumShares), got k=\(k) n=\(n)")
        }
        guard secret.count > 0 else { throw QuorumError(.invalidSecret, "the secret is empty") }
        let length = secret.count
        var coefficients = [UInt8](repeating: 0, count: length * (k - 1))
        for i in coefficients.indices { coefficients[i] = UInt8.random(in: .min ... .max, using: &generator) }
        defer { SecretBytes.wipe(&coefficients) }

        var shares: [(x: UInt8, y: SecretBytes)] = []
        shares.reserveCapacity(n)
        secret.withBytes { bytes in
            for x in 1...UInt8(n) {
                var y = [UInt8](repeating: 0, count: length)
                for byteIndex in 0..<length {
                    // Horner's rule from the highest coefficient down to the secret byte.
                    var value: UInt8 = 0
                    for degree in stride(from: k - 1, through: 1, by: -1) {
                        value = GF256.multiply(value, x) ^ coefficients[byteIndex * (k - 1) + degree - 1]
                    }
                    y[byteIndex] = GF256.multiply(value, x) ^ bytes[byteIndex]
                }
                shares.append((x, SecretBytes(consuming: &y)))
            }
        }
        return shares
    }

    public static func split(_ secret: SecretBytes, k: Int, n: Int) throws(QuorumError) -> [(x: UInt8, y: SecretBytes)] {
        var generator = SystemRandomNumberGenerator()
        return try split(secret, k: k, n: n, using: &generator)
    }

    /// The polynomials' value at `at` (0 recovers the secret) from exactly the given points,
    /// by Lagrange interpolation. The x values are public; only the y values are secret, and
    /// they only meet constant-time arithmetic.
    public static func interpolate(_ points: [(x: UInt8, y: SecretBytes)], at: UInt8 = 0) throws(QuorumError) -> SecretBytes {
        guard let first = points.first else { throw QuorumError(.tooFewShares, "no shares given") }
        let length = first.y.count
        var xs = Set<UInt8>()
        for point in points {
            guard point.x != 0 else { throw QuorumError(.corruptShare, "a share has x = 0") }
            guard xs.insert(point.x).inserted else {
                throw QuorumError(.duplicateShare, "share x=\(point.x) is given twice")
            }
            guard point.y.count == length else {
                throw QuorumError(.corruptShare, "share x=\(point.x) holds \(point.y.count) bytes, the others \(length)")
            }
        }
        // The Lagrange basis weights depend on the x values only.
        let weights: [UInt8] = points.indices.map { i in
            var numerator: UInt8 = 1, denominator: UInt8 = 1
            for j in points.indices where j != i {
                numerator = GF256.multiply(numerator, points[j].x ^ at)
                denominator = GF256.multiply(denominator, points[j].x ^ points[i].x)
            }
            return GF256.divide(numerator, denominator)
        }
        var result = [UInt8](repeating: 0, count: length)
        for (point, weight) in zip(points, weights) {
            point.y.withBytes { y in
                for b in 0..<length { result[b] ^= GF256.multiply(y[b], weight) }
            }
        }
        return SecretBytes(consuming: &result)
    }
}
