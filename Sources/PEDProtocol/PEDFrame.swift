import TrustedPathCore

/// One frame of the PED link (docs/ped-protocol.md):
///
///     0  2  magic "PD" (50 44)
///     2  1  protocol version (1)
///     3  1  sequence number; a reply echoes its request's
///     4  1  message type; a reply is the request's type | 0x80
///     5  1  flags (reserved, 0)
///     6  2  payload length, little-endian, at most `maximumPayload`
///     8  n  payload
///   8+n  2  CRC-16/CCITT-FALSE over bytes 0..<8+n, big-endian
public struct PEDFrame: Sendable, Hashable {
    public static let magic: [UInt8] = [0x50, 0x44]
    public static let protocolVersion: UInt8 = 1
    public static let headerLength = 8
    public static let trailerLength = 2
    public static let maximumPayload = 1_024
    public static let maximumLength = headerLength + maximumPayload + trailerLength

    public var sequence: UInt8
    public var type: UInt8
    public var flags: UInt8
    public var payload: [UInt8]

    public init(sequence: UInt8, type: UInt8, flags: UInt8 = 0, payload: [UInt8] = []) {
        self.sequence = sequence
        self.type = type
        self.flags = flags
        self.payload = payload
    }

    public var isReply: Bool { type & 0x80 != 0 }

    /// The frame's bytes. A payload over `maximumPayload` is a programming error of the
    /// sender's; the message encoders keep below it (secrets are at most 255 bytes).
    public func encoded() -> [UInt8] {
        precondition(payload.count <= PEDFrame.maximumPayload, "PED payload too long")
        var out = PEDFrame.magic
        out.reserveCapacity(PEDFrame.headerLength + payload.count + PEDFrame.trailerLength)
        out += [PEDFrame.protocolVersion, sequence, type, flags]
        out.appendLE16(UInt16(payload.count))
        out += payload
        out.appendBE16(CRC16.ccittFalse(out))
        return out
    }

    /// Parses exactly one frame; extra bytes after it are an error (use `PEDFrameAssembler`
    /// for a stream).
    public init(parsing bytes: [UInt8]) throws(PEDProtocolError) {
        let length = try PEDFrame.frameLength(bytes)
        guard let length else {
            throw PEDProtocolError(.truncated, field: "header", offset: bytes.count,
                                   "needs \(PEDFrame.headerLength) byte(s), \(bytes.count) present")
        }
        guard bytes.count >= length else {
            throw PEDProtocolError(.truncated, field: bytes.count < length - 2 ? "payload" : "checksum",
                                   offset: bytes.count, "frame is \(length) bytes, \(bytes.count) present")
        }
        guard bytes.count == length else {
            throw PEDProtocolError(.trailingBytes, field: "frame", offset: length, "\(bytes.count - length) extra")
        }
        let expected = CRC16.ccittFalse(bytes[0..<length - 2])
        let got = UInt16(bytes[length - 2]) << 8 | UInt16(bytes[length - 1])
        guard expected == got else {
            throw PEDProtocolError(.badChecksum, field: "checksum", offset: length - 2)
        }
        self.init(sequence: bytes[3], type: bytes[4], flags: bytes[5], payload: Array(bytes[8..<length - 2]))
    }

    /// The whole frame's length from its header, nil while fewer than 8 bytes are present;
    /// throws for a header that cannot start a frame.
    public static func frameLength(_ bytes: [UInt8]) throws(PEDProtocolError) -> Int? {
        if bytes.count >= 1, bytes[0] != magic[0] { throw PEDProtocolError(.badMagic, field: "magic", offset: 0) }
        if bytes.count >= 2, bytes[1] != magic[1] { throw PEDProtocolError(.badMagic, field: "magic", offset: 1) }
        if bytes.count >= 3, bytes[2] != protocolVersion {
            throw PEDProtocolError(.unsupportedVersion, field: "version", offset: 2, "version \(bytes[2])")
        }
        guard bytes.count >= headerLength else { return nil }
        let payload = Int(bytes[6]) | Int(bytes[7]) << 8
        guard payload <= maximumPayload else {
            throw PEDProtocolError(.tooLong, field: "length", offset: 6, "\(payload) > \(maximumPayload)")
        }
        return headerLength + payload + trailerLength
    }
}
