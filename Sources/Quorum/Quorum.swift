import TrustedPathCore

/// Splitting a key into share records and combining records back, with every check an
/// operator needs: mixed sets, the same share twice, too few shares, damaged records, and a
/// share that does not fit the others.
public enum Quorum {
    /// A key check value: lets the appliance confirm a reconstruction without storing the
    /// key. Computed by the caller (the workflows use HMAC-SHA256 from swift-crypto), so this
    /// core stays free of a crypto dependency.
    public typealias KeyCheck = @Sendable (SecretBytes) -> [UInt8]

    public static func split<G: RandomNumberGenerator>(
        _ key: SecretBytes, k: Int, n: Int, keyCheck: KeyCheck, using generator: inout G
    ) throws(QuorumError) -> [ShareRecord] {
        guard key.count == ShareRecord.shareLength else {
            throw QuorumError(.invalidSecret, "the key must be \(ShareRecord.shareLength) bytes, not \(key.count)")
        }
        let setIdentifier = (0..<ShareRecord.setIdentifierLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let check = keyCheck(key)
        guard check.count == ShareRecord.keyCheckValueLength else {
            throw QuorumError(.invalidSecret, "a key check value is \(ShareRecord.keyCheckValueLength) bytes")
        }
        return try Shamir.split(key, k: k, n: n, using: &generator).map { share in
            ShareRecord(setIdentifier: setIdentifier, threshold: k, shareCount: n, x: share.x,
                        keyCheckValue: check, y: share.y)
        }
    }

    public static func split(_ key: SecretBytes, k: Int, n: Int, keyCheck: KeyCheck) throws(QuorumError) -> [ShareRecord] {
        var generator = SystemRandomNumberGenerator()
        return try split(key, k: k, n: n, keyCheck: keyCheck, using: &generator)
    }

    /// The key, and the shares found not to fit (given more than k, a damaged or forged share
    /// is recognised and left out; the operator should replace its card).
    public struct Combination: Sendable {
        public var key: SecretBytes
        public var badShares: [UInt8]
    }

    public static func combine(_ records: [ShareRecord], keyCheck: KeyCheck? = nil) throws(QuorumError) -> Combination {
        guard let first = records.first else { throw QuorumError(.tooFewShares, "no shares given") }
        for record in records.dropFirst() where record.setIdentifier != first.setIdentifier
            || record.threshold != first.threshold || record.shareCount != first.shareCount
            || record.keyCheckValue != first.keyCheckValue {
            throw QuorumError(.mixedSets, "share \(record.x) belongs to set \(record.setLabel), share \(first.x) to set "
                + "\(first.setLabel): use shares of one set only")
        }
        var seen: [UInt8: ShareRecord] = [:]
        for record in records {
            if let twin = seen[record.x] {
                let same = twin.y.constantTimeEquals(record.y)
                throw QuorumError(.duplicateShare, same
                    ? "share \(record.x) is given twice (the same card read twice?): use \(first.threshold) different cards"
                    : "two different shares claim x=\(record.x): one of them is forged or damaged")
            }
            seen[record.x] = record
        }
        let k = first.threshold
        guard records.count >= k else {
            let have = records.map { String($0.x) }.joined(separator: ", ")
            throw QuorumError(.tooFewShares, "\(k) shares are needed, \(records.count) given (x = \(have))")
        }
        let check: (SecretBytes) -> Bool = { key in
            guard let keyCheck else { return true }
            return keyCheck(key) == first.keyCheckValue
        }
        let points = records.map { (x: $0.x, y: $0.y) }
        if records.count == k {
            let key = try Shamir.interpolate(points)
            guard check(key) else {
                throw QuorumError(.keyCheckFailed, "the shares x = \(records.map { String($0.x) }.joined(separator: ", ")) "
                    + "do not give the key of set \(first.setLabel): one of them is forged or damaged; try another card")
            }
            return Combination(key: key, badShares: [])
        }
        return try combineOverdetermined(points, k: k, check: check, set: first.setLabel)
    }

    /// More than k shares: the right k-subset is the one whose polynomials agree with the most
    /// other shares (and with the key check value, when given). Shares it disagrees with are bad.
    private static func combineOverdetermined(_ points: [(x: UInt8, y: SecretBytes)], k: Int,
                                              check: (SecretBytes) -> Bool, set: String) throws(QuorumError) -> Combination {
        var best: (key: SecretBytes, bad: [UInt8])?
        var ambiguous = false
        for subset in Subsets(count: points.count, size: k) {
            let chosen = subset.map { points[$0] }
            let key = try Shamir.interpolate(chosen)
            guard check(key) else { continue }
            var bad: [UInt8] = []
            for (index, point) in points.enumerated() where !subset.contains(index) {
                let predicted = try Shamir.interpolate(chosen, at: point.x)
                if !predicted.constantTimeEquals(point.y) { bad.append(point.x) }
            }
            if bad.isEmpty { return Combination(key: key, badShares: []) }
            if let current = best {
                if bad.count < current.bad.count {
                    best = (key, bad)
                    ambiguous = false
                } else if bad.count == current.bad.count, bad.sorted() != current.bad.sorted() {
                    // Another subset explains the shares just as well with other culprits.
                    ambiguous = true
                }
            } else {
                best = (key, bad)
            }
        }
        guard let best, !ambiguous else {
            throw QuorumError(.corruptShare, "the \(points.count) shares of set \(set) do not agree and the bad one "
                + "cannot be told apart: add another card of the set")
        }
        return Combination(key: best.key, badShares: best.bad.sorted())
    }
}

/// The k-element subsets of 0..<count, as index lists, in lexicographic order.
struct Subsets: Sequence, IteratorProtocol {
    private var current: [Int]
    private let count: Int
    private var done: Bool

    init(count: Int, size: Int) {
        self.count = count
        current = Array(0..<size)
        done = size > count || size == 0
    }

    mutating func next() -> [Int]? {
        guard !done else { return nil }
        let result = current
        var i = current.count - 1
        while i >= 0, current[i] == count - current.count + i { i -= 1 }
        if i < 0 {
            done = true
        } else {
            current[i] += 1
            for j in (i + 1)..<current.count { current[j] = current[j - 1] + 1 }
        }
        return result
    }
}
