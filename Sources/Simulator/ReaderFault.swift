/// Misbehaviour to inject into the next reply, so host code can be tested against what
/// broken or unlucky hardware does. Each fault applies to one reply, in the order queued.
public enum ReaderFault: Sendable, Hashable {
    /// A copy of the reply with bSeq one lower (a stale frame) comes first.
    case staleFrameFirst
    /// The answer to the previous command, as it was sent (its own, older bSeq), comes again
    /// before this reply: what a reader does that repeats itself after a hiccup. A host that
    /// takes it as the answer stays one answer behind from then on (libccid does).
    case previousAnswerFirst
    /// These bytes arrive as one transfer before the reply.
    case garbageFirst([UInt8])
    /// dwLength is off by `delta` from the data actually sent.
    case wrongLength(delta: Int)
    /// The reply arrives in transfers of at most `packetSize` bytes (short packets).
    case split(packetSize: Int)
    /// No reply at all: the host's bulk IN times out.
    case silence
}
