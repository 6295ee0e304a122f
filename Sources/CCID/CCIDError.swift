import TrustedPathCore

/// The one error type of the CCID module: a code for programs, a context naming the field
/// and offset for people. Every parser in this module throws only this.
public struct CCIDError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// Input ended before a field it must hold.
        case truncated
        /// A field holds a value the specification does not allow.
        case invalidValue
        /// A length field disagrees with the bytes present.
        case lengthMismatch
        /// The message type byte is not a CCID 1.1 message.
        case unknownMessageType
        /// No CCID class descriptor in a configuration descriptor.
        case descriptorNotFound
        /// The hex text given is not hex.
        case invalidHex
        /// The ATR's initial character is neither 3B nor 3F.
        case invalidTS
        /// The ATR is longer than ISO 7816-3 allows (33 bytes).
        case tooLong
        /// A PPS response is not a valid answer to the request.
        case ppsRejected
    }

    public var code: Code
    /// The field being read when the problem was found, e.g. "dwLength".
    public var field: String
    /// Offset of that field from the start of the input.
    public var offset: Int
    /// What went wrong and, where possible, what to do about it.
    public var message: String

    public init(_ code: Code, field: String, offset: Int, _ message: String) {
        self.code = code
        self.field = field
        self.offset = offset
        self.message = message
    }

    /// Adopts a `ByteReaderError` so callers see a single error type.
    public init(_ error: ByteReaderError) {
        self.init(.truncated, field: error.field, offset: error.offset,
                  "truncated: \(error.field) needs \(error.needed) byte(s) at offset \(error.offset), \(error.available) left")
    }

    public var description: String { "\(message) [\(code.rawValue), \(field) at offset \(offset)]" }
}

extension CCIDError {
    /// Runs a parse step over a `ByteReader`, turning its error into ours.
    @inline(__always)
    static func reading<T>(_ body: () throws(ByteReaderError) -> T) throws(CCIDError) -> T {
        do { return try body() } catch { throw CCIDError(error) }
    }
}
