import TrustedPathCore

/// Why bytes from the PED link could not be read as a frame or a message. Names the field and
/// its offset (from the start of the frame, or of the payload for message fields), never any
/// payload bytes: a frame may carry a key's secret.
public struct PEDProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case truncated
        case badMagic = "bad magic"
        case unsupportedVersion = "unsupported protocol version"
        case tooLong = "length too large"
        case badChecksum = "bad checksum"
        case unknownType = "unknown message type"
        case badValue = "bad value"
        case trailingBytes = "trailing bytes"
    }

    public var code: Code
    public var field: String
    public var offset: Int
    public var detail: String

    public init(_ code: Code, field: String, offset: Int, _ detail: String = "") {
        self.code = code
        self.field = field
        self.offset = offset
        self.detail = detail
    }

    init(_ error: ByteReaderError) {
        self.init(.truncated, field: error.field, offset: error.offset,
                  "needs \(error.needed) byte(s), \(error.available) left")
    }

    public var description: String {
        "PED frame: \(code.rawValue) in \(field) at offset \(offset)" + (detail.isEmpty ? "" : " (\(detail))")
    }
}
