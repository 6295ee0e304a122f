/// Rebuilds CCID messages from the bulk transfers of one endpoint. A reader may split a
/// message across several transfers (the header's dwLength tells how much is still to
/// come), which tshark's dissector does not follow; this does.
struct MessageAssembler {
    /// The largest message a CCID reader can send: a 10-byte header and an extended APDU's
    /// worth of data with room to spare. Past it the header is garbage, not a length.
    static let maximumMessage = 10 + 65_544

    private var buffer: [UInt8] = []
    private var expected = 0

    var isEmpty: Bool { buffer.isEmpty }

    /// Adds one transfer's payload. Calls `emit` for each message it completes, with
    /// `truncated` set when a message was cut short by garbage or a new message.
    mutating func append(_ whole: UnsafeRawBufferPointer, emit: (_ message: [UInt8], _ truncated: Bool) -> Void) {
        // The common case: one transfer, one message, copied once.
        if buffer.isEmpty, whole.count >= 10, MessageAssembler.totalLength(whole[...]) == whole.count {
            emit(Array(whole), false)
            return
        }
        var data = whole[...]
        while !data.isEmpty {
            if buffer.isEmpty {
                guard data.count >= 10 else {
                    // Not even a header: keep it, the next transfer may complete it.
                    buffer.append(contentsOf: data)
                    expected = 0
                    return
                }
                let total = MessageAssembler.totalLength(data)
                if total > MessageAssembler.maximumMessage {
                    // A length no reader sends: pass the transfer on as it is.
                    emit(Array(data), true)
                    return
                }
                if data.count >= total {
                    emit(Array(data.prefix(total)), false)
                    data = data.dropFirst(total)
                    continue
                }
                buffer.reserveCapacity(total)
                buffer.append(contentsOf: data)
                expected = total
                return
            }
            if expected == 0 {
                // We held an incomplete header; complete it and start over.
                let held = buffer
                buffer.removeAll(keepingCapacity: true)
                (held + Array(data)).withUnsafeBytes { append($0, emit: emit) }
                return
            }
            let need = expected - buffer.count
            buffer.append(contentsOf: data.prefix(need))
            data = data.dropFirst(need)
            if buffer.count == expected {
                emit(buffer, false)
                buffer.removeAll(keepingCapacity: true)
                expected = 0
            }
        }
    }

    /// 10 plus the header's dwLength; the caller has checked there are 10 bytes.
    @inline(__always)
    static func totalLength(_ header: Slice<UnsafeRawBufferPointer>) -> Int {
        let i = header.startIndex
        return 10 + (Int(header[i + 1]) | Int(header[i + 2]) << 8 | Int(header[i + 3]) << 16 | Int(header[i + 4]) << 24)
    }

    /// Hands out whatever is held as a truncated message (end of capture).
    mutating func flush(emit: (_ message: [UInt8], _ truncated: Bool) -> Void) {
        guard !buffer.isEmpty else { return }
        emit(buffer, true)
        buffer.removeAll()
        expected = 0
    }
}
