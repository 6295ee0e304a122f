import PED
import PEDProtocol

/// Why a role login or a key-set operation failed; says what the user can do.
public struct PEDAuthError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The PED or the link failed; `ped` has the details.
        case ped
        /// The keys gave a secret that is not the role's: another HSM's or an old key set.
        case wrongSecret = "wrong secret"
        /// M of N, or the key-activity timeout, out of range.
        case invalidPolicy = "invalid policy"
    }

    public var code: Code
    public var context: String
    public var ped: PEDError?

    public init(_ code: Code, _ context: String, ped: PEDError? = nil) {
        self.code = code
        self.context = context
        self.ped = ped
    }

    init(_ error: PEDError, doing what: String) {
        self.init(.ped, "\(what): \(error)", ped: error)
    }

    public var description: String { context }
}
