/// Rebuilds frames from bulk IN transfers: a frame may span several transfers (the PED's
/// bulk endpoint has 64-byte packets) and one transfer may end one frame and start the next.
///
/// On bytes that cannot start a frame the assembler resynchronises: it drops bytes up to the
/// next "PD" magic and reports what it dropped, so a burst of garbage costs one reply, not the
/// session.
public struct PEDFrameAssembler: Sendable {
    private var buffer: [UInt8] = []
    /// Bytes thrown away while resynchronising, since the last `reset`.
    public private(set) var discarded = 0
    /// The last reason bytes were thrown away.
    public private(set) var lastError: PEDProtocolError?

    public init() {}

    public var buffered: Int { buffer.count }

    public mutating func reset() {
        buffer.removeAll()
        discarded = 0
        lastError = nil
    }

    /// Adds a transfer's bytes and returns every frame now complete, in order.
    public mutating func append(_ bytes: [UInt8]) -> [PEDFrame] {
        buffer += bytes
        var frames: [PEDFrame] = []
        while !buffer.isEmpty {
            let length: Int?
            do { length = try PEDFrame.frameLength(buffer) } catch {
                resync(error)
                continue
            }
            guard let length, buffer.count >= length else { break }
            do {
                frames.append(try PEDFrame(parsing: Array(buffer[0..<length])))
                consume(length)
            } catch {
                resync(error)
            }
        }
        return frames
    }

    /// Removes a frame's bytes, zeroed first: a frame may carry a key's secret, and the
    /// buffer's storage outlives it.
    private mutating func consume(_ count: Int) {
        for i in 0..<count { buffer[i] = 0 }
        buffer.removeFirst(count)
    }

    /// Drops at least one byte, then everything up to the next byte that could begin a magic.
    private mutating func resync(_ error: PEDProtocolError) {
        lastError = error
        var cut = 1
        while cut < buffer.count, buffer[cut] != PEDFrame.magic[0] { cut += 1 }
        discarded += cut
        buffer.removeFirst(cut)
    }
}
