/// What went wrong while splitting or combining; the message names the share concerned.
public struct QuorumError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case invalidThreshold
        case invalidSecret
        case tooFewShares
        case duplicateShare
        case mixedSets
        case corruptShare
        case keyCheckFailed
        case malformedRecord
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    public var description: String { context }
}
