import CPCSCLite

/// A PC/SC call that failed: the SCARD_E_*/SCARD_W_* code by name, the call and its
/// subject (reader name, control code), and what the user can do about it.
public struct PCSCError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: Code
    /// The call that failed and what it was about, e.g. `SCardConnect("Virtual PCD 00 00")`.
    public var operation: String

    public init(_ code: Code, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// From a PC/SC return value; nil for SCARD_S_SUCCESS.
    init?(returnValue: LONG, operation: @autoclosure () -> String) {
        guard returnValue != 0 else { return nil }
        self.init(Code(rawValue: UInt32(truncatingIfNeeded: returnValue)), operation: operation())
    }

    /// pcsc-lite's own text for the code (pcsc_stringify_error), e.g. "Service not available.".
    public var systemText: String {
        String(cString: pcsc_stringify_error(LONG(code.rawValue)))
    }

    /// What to do first, then the call and the constant for a bug report; pcsc-lite's own
    /// English text (`systemText`) stays out of what the operator reads.
    public var description: String {
        "\(code.advice) [\(operation): \(code.name)]"
    }
}

/// Throws the PCSCError for a failed PC/SC call; the operation text is built only on failure.
@inline(__always)
func check(_ returnValue: LONG, _ operation: @autoclosure () -> String) throws(PCSCError) {
    if let error = PCSCError(returnValue: returnValue, operation: operation()) { throw error }
}
