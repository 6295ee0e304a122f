/// One CCID message found in a capture, reassembled from however many bulk transfers the
/// device split it into.
public struct CCIDRecord: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable { case out, `in` }
    public enum Pipe: Sendable, Hashable { case bulk, interrupt }

    /// 1-based number of the packet that carries the message's last bytes: for OUT the
    /// submission, for IN the completion.
    public var frame: Int
    public var direction: Direction
    public var pipe: Pipe
    /// Endpoint address with the direction bit.
    public var endpoint: UInt8
    public var bus: UInt16
    public var device: UInt8
    /// The whole message: the 10-byte header and its data (bulk), or the raw bytes (interrupt).
    public var bytes: [UInt8]
    /// Set on a RDR_to_PC_DataBlock that answers a PC_to_RDR_XfrBlock, whose last two data
    /// bytes are then the card's status word.
    public var answersXfrBlock: Bool
    /// Set on a RDR_to_PC_DataBlock that answers a PC_to_RDR_IccPowerOn: its data is the ATR.
    public var answersPowerOn: Bool
    /// The message ended before its dwLength said it would (a new message or the end of the
    /// capture came first).
    public var truncated: Bool

    public init(frame: Int, direction: Direction, pipe: Pipe, endpoint: UInt8, bus: UInt16, device: UInt8,
                bytes: [UInt8], answersXfrBlock: Bool = false, answersPowerOn: Bool = false, truncated: Bool = false) {
        self.frame = frame
        self.direction = direction
        self.pipe = pipe
        self.endpoint = endpoint
        self.bus = bus
        self.device = device
        self.bytes = bytes
        self.answersXfrBlock = answersXfrBlock
        self.answersPowerOn = answersPowerOn
        self.truncated = truncated
    }

    public var messageType: UInt8 { bytes.first ?? 0 }

    /// Header fields of a bulk message; nil for interrupt messages or a short header.
    public var header: Header? {
        guard pipe == .bulk, bytes.count >= 10 else { return nil }
        return Header(bytes)
    }

    public struct Header: Sendable, Hashable {
        public var bMessageType: UInt8
        public var dwLength: UInt32
        public var bSlot: UInt8
        public var bSeq: UInt8
        /// The three message-specific bytes (bStatus, bError, bChainParameter on replies).
        public var specific: (UInt8, UInt8, UInt8)

        init(_ b: [UInt8]) {
            bMessageType = b[0]
            dwLength = UInt32(b[1]) | UInt32(b[2]) << 8 | UInt32(b[3]) << 16 | UInt32(b[4]) << 24
            bSlot = b[5]
            bSeq = b[6]
            specific = (b[7], b[8], b[9])
        }

        public static func == (a: Header, b: Header) -> Bool {
            a.bMessageType == b.bMessageType && a.dwLength == b.dwLength && a.bSlot == b.bSlot
                && a.bSeq == b.bSeq && a.specific.0 == b.specific.0 && a.specific.1 == b.specific.1
                && a.specific.2 == b.specific.2
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(bMessageType)
            hasher.combine(dwLength)
            hasher.combine(bSlot)
            hasher.combine(bSeq)
        }
    }

    /// The message's data after the header (bulk), bounded by what was captured.
    public var payload: ArraySlice<UInt8> {
        pipe == .bulk && bytes.count > 10 ? bytes[10...] : []
    }

    /// Replies from the reader (type 0x80...0x84) carry bStatus and bError.
    public var isReply: Bool { pipe == .bulk && direction == .in }
}
