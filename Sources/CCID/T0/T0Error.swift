/// Errors of the T=0 mapping (ISO 7816-3 §10, §12.2).
public struct T0Error: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// The command APDU's length fields do not fit any case (field and offset in context).
        case invalidAPDU
        /// Nc > 255 needs ENVELOPE, which is disabled (or the card refused it).
        case extendedLengthNotSupported
        /// The card answered fewer than two bytes (no SW1 SW2).
        case responseTooShort
        /// The card kept answering 61xx / 6Cxx past the bound.
        case tooManyResponses
        /// The collected response data exceeds the bound.
        case responseTooLong
        /// A procedure byte that is neither NULL, ACK nor SW1.
        case invalidProcedureByte
        /// INS is 6X or 9X: its ACK cannot be told apart from SW1 (ISO 7816-3 §10.3.3).
        case conflictingINS
        /// The character stream ended inside a transfer or before SW2.
        case truncatedStream
        /// Bytes after SW2, or more data than the command expects.
        case unexpectedData
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    public var description: String {
        let text: String
        switch code {
        case .invalidAPDU: text = "command APDU has inconsistent length fields"
        case .extendedLengthNotSupported:
            text = "T=0 cannot carry more than 255 data bytes without ENVELOPE; enable ENVELOPE if the card supports it, or use T=1"
        case .responseTooShort: text = "the card's T=0 response has no status word; reset the card"
        case .tooManyResponses: text = "the card keeps asking to fetch more response data; reset the card"
        case .responseTooLong: text = "the card's response exceeds the allowed size; reset the card"
        case .invalidProcedureByte: text = "invalid T=0 procedure byte; the card or the line misbehaves, reset the card"
        case .conflictingINS: text = "INS 6X/9X is invalid under T=0 (ACK and SW1 collide); use another INS or T=1"
        case .truncatedStream: text = "the T=0 byte stream ended early"
        case .unexpectedData: text = "the T=0 byte stream has more bytes than the command allows"
        }
        return context.isEmpty ? text : text + " (" + context + ")"
    }
}
