/// An M of N policy: the role's secret is split over N keys, any M of which rebuild it.
public struct MofN: Sendable, Hashable, CustomStringConvertible {
    public static let maximumN = 16

    public let m: Int
    public let n: Int

    public enum Warning: Sendable, Hashable, CustomStringConvertible {
        /// Every key is needed: one lost or broken key locks the role out for good.
        case allKeysNeeded
        /// One key alone opens the role: no quorum at all.
        case singleKeySuffices

        public var description: String {
            switch self {
            case .allKeysNeeded:
                "M = N: every key is needed, so losing or breaking one locks the role out; make duplicates or choose M < N"
            case .singleKeySuffices:
                "M = 1: any one key alone authenticates the role; there is no quorum"
            }
        }
    }

    /// Validates 1 <= M <= N <= 16.
    public init(m: Int, n: Int) throws(PEDProtocolError) {
        guard (1...MofN.maximumN).contains(n) else {
            throw PEDProtocolError(.badValue, field: "n", offset: 0, "N must be 1 to \(MofN.maximumN), got \(n)")
        }
        guard (1...n).contains(m) else {
            throw PEDProtocolError(.badValue, field: "m", offset: 0, "M must be 1 to N (\(n)), got \(m)")
        }
        self.m = m
        self.n = n
    }

    public static let single = try! MofN(m: 1, n: 1)

    /// Warnings to show whoever creates a key set; a plain 1 of 1 key is the ordinary case
    /// and only warned about as M = N.
    public var warnings: [Warning] {
        var out: [Warning] = []
        if m == n { out.append(.allKeysNeeded) }
        if m == 1 && n > 1 { out.append(.singleKeySuffices) }
        return out
    }

    public var description: String { "\(m) of \(n)" }
}

/// The keys presented so far for one M of N login. The same key presented twice never
/// counts; a key of another colour is refused. The PED's firmware runs this as keys go in.
public struct MofNCollection: Sendable {
    public enum Verdict: Sendable, Hashable {
        case accepted(count: Int)
        case complete
        case duplicate
        case wrongColour(PEDKeyColour)
        /// A key of the right colour from another key set (another M of N split).
        case otherSet
    }

    public let policy: MofN
    public let colour: PEDKeyColour
    public private(set) var keys: [PEDKeyID] = []
    public private(set) var shareIndexes: [UInt8] = []
    private var setID: PEDKeyID?

    public init(policy: MofN, colour: PEDKeyColour) {
        self.policy = policy
        self.colour = colour
    }

    public var isComplete: Bool { keys.count >= policy.m }

    /// A key was inserted. `shareIndex` is which split it holds (1...N), `setID` which split
    /// set; two copies of the same split are the same share and count once too.
    public mutating func offer(key: PEDKeyID, colour: PEDKeyColour, setID: PEDKeyID, shareIndex: UInt8) -> Verdict {
        guard colour == self.colour else { return .wrongColour(colour) }
        if let known = self.setID, known != setID { return .otherSet }
        guard !keys.contains(key), !shareIndexes.contains(shareIndex) else { return .duplicate }
        guard !isComplete else { return .complete }
        self.setID = setID
        keys.append(key)
        shareIndexes.append(shareIndex)
        return isComplete ? .complete : .accepted(count: keys.count)
    }
}
