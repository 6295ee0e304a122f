/// The one error of the Transcript module: what went wrong (`code`), where (`offset` in the
/// capture, `frame`, or `line` of the text form) and a sentence saying what to do about it.
/// After a reader throws it stops; every packet it returned before stays valid.
public struct TranscriptError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The input ended inside a header, record or block.
        case truncated
        /// The first bytes are not a pcap or pcapng magic.
        case notACapture
        /// The link type is not one of 189, 220, 249.
        case unsupportedLinkType
        /// A pcapng block length is impossible, or its trailing copy disagrees.
        case corruptBlock
        /// A record claims more bytes than any USB capture holds.
        case oversizedPacket
        /// A packet is too short for its link-layer header, or names a missing interface.
        case malformedPacket
        /// The byte source itself failed (an I/O error from the caller's file).
        case sourceFailed
        /// A line of the text form does not parse.
        case textSyntax
    }

    public var code: Code
    public var reason: String
    /// Byte offset in the capture of the record or block at fault.
    public var offset: Int?
    /// 1-based frame number of the record at fault (counting every packet record).
    public var frame: Int?
    /// 1-based line number, for the text form.
    public var line: Int?

    public init(_ code: Code, _ reason: String, offset: Int? = nil, frame: Int? = nil,
                line: Int? = nil) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.frame = frame
        self.line = line
    }

    public var description: String {
        var place: [String] = []
        if let line { place.append("line \(line)") }
        if let frame { place.append("frame \(frame)") }
        if let offset { place.append("byte offset \(offset)") }
        let at = place.isEmpty ? "" : " at " + place.joined(separator: ", ")
        return "\(code.summary)\(at): \(reason)"
    }
}

extension TranscriptError.Code {
    /// The code in words for the message people read; the case names are for programs.
    public var summary: String {
        switch self {
        case .truncated: "the capture ends too early"
        case .notACapture: "not a capture file"
        case .unsupportedLinkType: "not a USB capture"
        case .corruptBlock: "a damaged pcapng block"
        case .oversizedPacket: "a damaged packet record"
        case .malformedPacket: "a damaged packet"
        case .sourceFailed: "a read error"
        case .textSyntax: "the text does not parse"
        }
    }
}
