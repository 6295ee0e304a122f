// libFuzzer target: any bytes as a capture file, through the reader, the CCID decoder and
// both output forms. Built by `scripts/fuzz CaptureDecoderFuzz SECONDS` with the sources of
// TrustedPathCore, Transcript, CCID and CaptureDecoder as one module.
//
// Differential too: the events `nextEvent` lends in place (what `transcript decode` reads)
// must decode to the same JSON lines as the packets `next()` returns; a difference traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let (packets, ownedError) = CaptureReader.readPrefix(bytes)

    var decoder = CaptureCCIDDecoder(reportOtherTransfers: true)
    var owned = JSONLineWriter(capacity: 256)
    func emit(_ event: CaptureCCIDDecoder.Event) {
        switch event {
        case .message(let record):
            owned.write(record)
            _ = RecordText.line(for: record)
        case .transfer:
            break
        }
    }
    for captured in packets { decoder.feed(frame: captured.frame, captured.packet, emit: emit) }
    decoder.finish(emit: emit)

    var reader = CaptureReader(bytes: bytes)
    var lentDecoder = CaptureCCIDDecoder(reportOtherTransfers: false)
    var lent = JSONLineWriter(capacity: 256)
    func emitLent(_ event: CaptureCCIDDecoder.Event) {
        if case .message(let record) = event { lent.write(record) }
    }
    var lentError: TranscriptError?
    do {
        while try reader.nextEvent({ frame, event in lentDecoder.feed(frame: frame, event, emit: emitLent) }) {}
    } catch {
        lentError = error
    }
    lentDecoder.finish(emit: emitLent)
    precondition(lentError == ownedError, "errors differ: \(String(describing: lentError)) vs \(String(describing: ownedError))")
    precondition(lent.buffer == owned.buffer, "lent and owned packets decode differently")
    return 0
}
