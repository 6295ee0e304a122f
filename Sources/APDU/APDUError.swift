/// Errors of the APDU layer: malformed command or response bytes, and exchanges that a card
/// drives outside the bounds this layer accepts.
public struct APDUError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// The bytes end before a field they must hold.
        case truncated
        /// Lc (or the number of bytes left) does not fit the case encodings of ISO 7816-3 §12.1.3.
        case lengthMismatch
        /// A length value outside what the encoding allows (Lc 0 in extended form, Ne 0, ...).
        case invalidLength
        /// A CLA that cannot carry the requested feature (0xFF, or RFU classes for chaining).
        case invalidClass
        /// The command needs extended length and the channel carries short APDUs only, and
        /// it cannot be split with command chaining.
        case extendedLengthNotSupported
        /// The card kept answering 61xx / 6Cxx past the configured bound.
        case tooManyResponses
        /// The collected response data exceeds the configured bound.
        case responseTooLong
    }

    public var code: Code
    /// The field being read or checked ("Lc", "Le", "data", ...), when one applies.
    public var field: String?
    /// Offset of that field in the bytes parsed, when parsing.
    public var offset: Int?
    public var context: String

    public init(_ code: Code, field: String? = nil, offset: Int? = nil, _ context: String = "") {
        self.code = code
        self.field = field
        self.offset = offset
        self.context = context
    }

    public var description: String {
        var text: String
        switch code {
        case .truncated: text = "APDU too short"
        case .lengthMismatch: text = "APDU length fields do not match its size"
        case .invalidLength: text = "APDU length value out of range"
        case .invalidClass: text = "APDU class byte cannot be used here"
        case .extendedLengthNotSupported:
            text = "the reader carries short APDUs only and this command cannot be chained; use a reader with extended-length support"
        case .tooManyResponses: text = "the card keeps asking to fetch more response data; reset the card"
        case .responseTooLong: text = "the card's response exceeds the allowed size; reset the card"
        }
        if let field { text += ": " + field }
        if let offset { text += " at offset \(offset)" }
        if !context.isEmpty { text += " (" + context + ")" }
        return text
    }
}
